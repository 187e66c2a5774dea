package reports

// Label is a coded value's name in Bahasa Indonesia and English.
type Label struct {
	ID string `json:"id"`
	EN string `json:"en"`
}

// Labels name the codes that appear in reports and exports (column headers,
// breakdown keys). The web app may use them through GET /api/reports/labels.
var Labels = map[string]map[string]Label{
	"activity_type": {
		"sosialisasi": {"Sosialisasi", "Socialisation"}, "penyuluhan": {"Penyuluhan", "Counselling"},
		"pelatihan": {"Pelatihan", "Training"}, "kampanye_kie": {"Kampanye KIE", "IEC campaign"},
		"rapat_koordinasi": {"Rapat koordinasi / musdes", "Coordination meeting"}, "penyusunan_perdes": {"Penyusunan perdes", "Drafting a village regulation"},
		"pembentukan_kelompok": {"Pembentukan kelompok", "Forming a group"}, "layanan_informasi_migrasi": {"Layanan informasi migrasi", "Migration information service"},
		"lainnya": {"Lainnya", "Other"},
	},
	"topic": {
		"modus_tppo": {"Modus TPPO", "Trafficking methods"}, "migrasi_aman": {"Migrasi aman", "Safe migration"},
		"hak_pmi": {"Hak dan prosedur PMI", "Migrant workers' rights"}, "penipuan_online": {"Penipuan lowongan kerja online", "Online job scams"},
		"eksploitasi_seksual_anak": {"Eksploitasi seksual anak", "Child sexual exploitation"}, "perkawinan_anak": {"Perkawinan anak", "Child marriage"},
		"pekerja_anak": {"Pekerja anak", "Child labour"}, "kdrt_kekerasan": {"KDRT / kekerasan", "Domestic violence"},
		"layanan_pengaduan": {"Layanan pengaduan", "Complaint services"}, "pengasuhan": {"Pengasuhan", "Parenting"},
	},
	"funding": {
		"dana_desa": {"Dana desa / APBDes", "Village fund"}, "apbd_kabkota": {"APBD kabupaten/kota", "Regency budget"},
		"apbd_provinsi": {"APBD provinsi", "Province budget"}, "apbn": {"APBN", "National budget"},
		"mitra_lsm": {"Mitra / LSM", "Partners / NGOs"}, "swadaya": {"Swadaya", "Self-funded"},
	},
	"outreach_type": {
		"home_visit": {"Kunjungan rumah", "Home visit"}, "migration_service_post": {"Pos layanan migrasi", "Migration service post"},
		"migrant_consultation": {"Konsultasi calon PMI", "Prospective migrant consultation"}, "material_distribution": {"Distribusi materi", "Material distribution"},
		"departure_return_monitoring": {"Pemantauan keberangkatan/kepulangan", "Departure/return monitoring"},
		"risky_location_monitoring":   {"Pemantauan lokasi rawan", "Risky location monitoring"}, "other": {"Lainnya", "Other"},
	},
	"target_group": {
		"calon_pmi": {"Calon PMI", "Prospective migrants"}, "keluarga_pmi": {"Keluarga PMI", "Migrants' families"},
		"pmi_purna": {"PMI purna", "Returned migrants"}, "anak_remaja": {"Anak dan remaja", "Children and youth"},
		"orang_tua": {"Orang tua", "Parents"}, "perempuan_pkk": {"Perempuan / PKK", "Women / PKK"},
		"karang_taruna": {"Karang taruna", "Youth groups"}, "tokoh_agama_adat": {"Tokoh agama dan adat", "Religious and customary leaders"},
		"perangkat_desa": {"Perangkat desa / BPD", "Village officials"}, "guru_sekolah": {"Guru / sekolah", "Teachers / schools"},
		"umum": {"Umum", "General public"},
	},
	"risk_signal": {
		"non_procedural_job_offer": {"Tawaran kerja nonprosedural", "Non-procedural job offer"}, "broker_sponsor": {"Calo/sponsor", "Broker/sponsor"},
		"document_problem": {"Dokumen tidak lengkap/palsu", "Incomplete or forged documents"}, "departure_without_documents": {"Berangkat tanpa dokumen", "Departure without documents"},
		"child_out_of_school_working": {"Anak putus sekolah dan bekerja", "Child out of school, working"}, "planned_child_marriage": {"Rencana perkawinan anak", "Planned child marriage"},
		"suspicious_online_recruitment": {"Rekrutmen online mencurigakan", "Suspicious online recruitment"}, "other": {"Lainnya", "Other"},
	},
	"action": {
		"information_given": {"Diberi informasi", "Information given"}, "referred": {"Dirujuk", "Referred"},
		"monitored": {"Dipantau", "Monitored"}, "none_needed": {"Tidak perlu tindakan", "None needed"},
	},
	"agency": {
		"uptd_ppa": {"UPTD PPA", "UPTD PPA"}, "sapa_129": {"SAPA 129", "SAPA 129"}, "disnaker": {"Disnaker", "Manpower office"},
		"bp3mi": {"BP3MI", "BP3MI"}, "polres_polsek": {"Polres/Polsek", "Police"}, "dinsos": {"Dinsos", "Social affairs office"},
		"puskesmas": {"Puskesmas", "Health centre"}, "other": {"Lainnya", "Other"},
	},
	"program": {
		"drppa": {"DRPPA", "DRPPA"}, "patbm": {"PATBM", "PATBM"}, "desmigratif": {"Desmigratif / Desa Migran EMAS", "Desmigratif"},
		"perdes_tppo": {"Perdes TPPO", "Village regulation on trafficking"}, "perdes_pmi": {"Perdes perlindungan PMI", "Village regulation on migrant protection"},
		"community_watch": {"Community Watch", "Community Watch"}, "satgas_ppa": {"Satgas PPA", "Satgas PPA"},
		"desa_sadar_hukum": {"Desa Sadar Hukum", "Law-aware village"},
	},
	"program_status": {"rintisan": {"Rintisan", "Starting"}, "aktif": {"Aktif", "Active"}, "tidak_aktif": {"Tidak aktif", "Inactive"}},
	"status": {
		"draft": {"Draf", "Draft"}, "submitted": {"Diajukan", "Submitted"}, "approved": {"Disetujui", "Approved"}, "returned": {"Dikembalikan", "Returned"},
	},
	"cluster": {
		"prevention": {"Pencegahan dan partisipasi anak", "Prevention and child participation"}, "health_rehab": {"Rehabilitasi kesehatan", "Health rehabilitation"},
		"social_rehab": {"Rehabilitasi sosial, pemulangan dan reintegrasi", "Social rehabilitation, return and reintegration"},
		"legal_norms":  {"Pengembangan norma hukum", "Legal norms"}, "law_enforcement": {"Penegakan hukum", "Law enforcement"},
		"coordination": {"Koordinasi dan kerja sama", "Coordination and cooperation"},
	},
	"exploitation": {
		"sexual_exploitation": {"Eksploitasi seksual", "Sexual exploitation"}, "forced_labour": {"Kerja paksa / PMI nonprosedural", "Forced labour"},
		"domestic_work": {"Pekerja rumah tangga", "Domestic work"}, "ship_crew": {"Anak buah kapal", "Ship crew"},
		"mail_order_bride": {"Pengantin pesanan", "Mail-order bride"}, "economic_exploitation": {"Eksploitasi ekonomi", "Economic exploitation"},
		"online_scam": {"Penipuan online", "Online scam"}, "organ": {"Organ tubuh", "Organ"}, "other": {"Lainnya", "Other"},
	},
	"service": {
		"pengaduan": {"Pengaduan", "Complaint"}, "kesehatan": {"Kesehatan", "Health"}, "bantuan_hukum": {"Bantuan hukum", "Legal aid"},
		"penegakan_hukum": {"Penegakan hukum", "Law enforcement"}, "rehabilitasi_sosial": {"Rehabilitasi sosial", "Social rehabilitation"},
		"pemulangan": {"Pemulangan", "Return"}, "reintegrasi_sosial": {"Reintegrasi sosial", "Social reintegration"},
		"pendampingan_tokoh_agama": {"Pendampingan tokoh agama", "Religious counselling"},
	},
	"missing": {
		"participants": {"Peserta kosong", "No participants"}, "topics": {"Topik kosong", "No topics"}, "venue": {"Tempat kosong", "No venue"},
		"outcome_summary": {"Ringkasan hasil kosong", "No outcome summary"}, "target_groups": {"Sasaran kosong", "No target groups"},
		"end_date": {"Tanggal selesai kosong", "No end date"}, "target_category": {"Sasaran kosong", "No target category"},
		"action_taken": {"Tindakan kosong", "No action taken"},
	},
	"level": {
		"province": {"Provinsi", "Province"}, "regency": {"Kabupaten/kota", "Regency/city"},
		"district": {"Kecamatan", "District"}, "village": {"Desa/kelurahan", "Village"},
	},
	"light": {"green": {"Hijau: sesuai target", "Green: on target"}, "yellow": {"Kuning: perlu perhatian", "Yellow: needs attention"},
		"red": {"Merah: tertinggal", "Red: behind"}, "grey": {"Abu-abu: tanpa target", "Grey: no target"}},
}

// LabelOf names a code of a vocabulary in lang ("en" or Indonesian); an
// unknown code names itself.
func LabelOf(vocabulary, code, lang string) string {
	l, ok := Labels[vocabulary][code]
	if !ok {
		return code
	}
	if lang == "en" {
		return l.EN
	}
	return l.ID
}

// T picks the Indonesian or English text.
func T(lang, id, en string) string {
	if lang == "en" {
		return en
	}
	return id
}
