package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Vocabularies as data (issue 16): every coded choice of the records, with
// its Bahasa Indonesia and English label, order and active flag, in a
// collection the province secretariat edits in the console. Seeded with the
// catalogue of this release, written out literally (frozen). Codes a later
// release adds to catalog/ are inserted at startup when missing (vocab.
// EnsureBuiltins), never overwriting the secretariat's edits.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("vocabularies")
		c.Fields.Add(&core.TextField{Name: "kind", Required: true, Max: 50, Pattern: `^[a-z][a-z0-9_]*$`})
		c.Fields.Add(&core.TextField{Name: "code", Required: true, Max: 50, Presentable: true, Pattern: `^[a-z0-9][a-z0-9_]*$`})
		c.Fields.Add(&core.TextField{Name: "label_id", Required: true, Max: 200})
		c.Fields.Add(&core.TextField{Name: "label_en", Required: true, Max: 200})
		c.Fields.Add(&core.NumberField{Name: "order", OnlyInt: true, Min: float(0), Max: float(1e6)})
		c.Fields.Add(&core.BoolField{Name: "active"})
		c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
		c.Fields.Add(&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
		users := `@request.auth.collectionName = "users"`
		secretariat := `@request.auth.role = "province_secretariat"`
		c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule = &users, &users, &secretariat, &secretariat
		c.AddIndex("idx_vocabularies_kind_code", true, "kind, code", "")
		if err := app.Save(c); err != nil {
			return err
		}
		order := map[string]int{}
		for _, v := range seedVocabularies {
			r := core.NewRecord(c)
			order[v[0]]++
			r.Load(map[string]any{"kind": v[0], "code": v[1], "label_id": v[2], "label_en": v[3], "order": order[v[0]] * 10, "active": true})
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// seedVocabularies are kind, code, Bahasa Indonesia and English label, in
// the order the pickers show them (catalog/labels.json of this release).
var seedVocabularies = [][4]string{
	// clusters
	{"clusters", "prevention", "Pencegahan dan partisipasi anak", "Prevention and child participation"},
	{"clusters", "health_rehab", "Rehabilitasi kesehatan", "Health rehabilitation"},
	{"clusters", "social_rehab", "Rehabilitasi sosial, pemulangan dan reintegrasi", "Social rehabilitation, repatriation and reintegration"},
	{"clusters", "legal_norms", "Pengembangan norma hukum", "Development of legal norms"},
	{"clusters", "law_enforcement", "Penegakan hukum", "Law enforcement"},
	{"clusters", "coordination", "Koordinasi dan kerja sama", "Coordination and cooperation"},
	// activity_types
	{"activity_types", "sosialisasi", "Sosialisasi", "Socialisation"},
	{"activity_types", "penyuluhan", "Penyuluhan", "Counselling session"},
	{"activity_types", "pelatihan", "Pelatihan", "Training"},
	{"activity_types", "kampanye_kie", "Kampanye KIE", "IEC campaign"},
	{"activity_types", "rapat_koordinasi", "Rapat koordinasi / musdes", "Coordination meeting / village assembly"},
	{"activity_types", "penyusunan_perdes", "Penyusunan perdes", "Drafting a village regulation"},
	{"activity_types", "pembentukan_kelompok", "Pembentukan kelompok (PATBM, satgas, community watch)", "Forming a group (PATBM, task unit, community watch)"},
	{"activity_types", "layanan_informasi_migrasi", "Layanan informasi migrasi", "Migration information service"},
	{"activity_types", "lainnya", "Lainnya", "Other"},
	// activity_modes
	{"activity_modes", "luring", "Luring", "In person"},
	{"activity_modes", "daring", "Daring", "Online"},
	{"activity_modes", "hibrida", "Hibrida", "Hybrid"},
	// programs
	{"programs", "drppa", "DRPPA (Desa Ramah Perempuan dan Peduli Anak)", "DRPPA (women- and child-friendly village)"},
	{"programs", "patbm", "PATBM (Perlindungan Anak Terpadu Berbasis Masyarakat)", "PATBM (community-based child protection)"},
	{"programs", "desmigratif", "Desmigratif / Desa Migran EMAS", "Desmigratif / EMAS migrant village"},
	{"programs", "desa_sadar_hukum", "Desa Sadar Hukum", "Law-aware village"},
	{"programs", "community_watch", "Community Watch", "Community watch"},
	{"programs", "satgas_ppa", "Satgas PPA", "Women and child protection task unit"},
	{"programs", "kabupaten_layak_anak", "Kabupaten Layak Anak", "Child-friendly regency"},
	{"programs", "lainnya", "Lainnya", "Other"},
	// village_program_kinds
	{"village_program_kinds", "drppa", "DRPPA", "DRPPA"},
	{"village_program_kinds", "patbm", "PATBM", "PATBM"},
	{"village_program_kinds", "desmigratif", "Desmigratif", "Desmigratif"},
	{"village_program_kinds", "perdes_tppo", "Perdes pencegahan TPPO", "Village regulation on trafficking prevention"},
	{"village_program_kinds", "perdes_pmi", "Perdes pelindungan PMI", "Village regulation on migrant-worker protection"},
	{"village_program_kinds", "community_watch", "Community Watch", "Community watch"},
	{"village_program_kinds", "satgas_ppa", "Satgas PPA", "Women and child protection task unit"},
	{"village_program_kinds", "desa_sadar_hukum", "Desa Sadar Hukum", "Law-aware village"},
	// village_program_statuses
	{"village_program_statuses", "rintisan", "Rintisan", "Starting"},
	{"village_program_statuses", "aktif", "Aktif", "Active"},
	{"village_program_statuses", "tidak_aktif", "Tidak aktif", "Inactive"},
	// topics
	{"topics", "modus_tppo", "Modus TPPO", "Trafficking methods"},
	{"topics", "migrasi_aman", "Migrasi aman / prosedural", "Safe, procedural migration"},
	{"topics", "hak_pmi", "Hak dan prosedur pekerja migran (PMI)", "Migrant workers' rights and procedures"},
	{"topics", "penipuan_online", "Penipuan lowongan kerja online / online scam", "Online job fraud / online scams"},
	{"topics", "eksploitasi_seksual_anak", "Eksploitasi seksual anak", "Sexual exploitation of children"},
	{"topics", "perkawinan_anak", "Perkawinan anak", "Child marriage"},
	{"topics", "pekerja_anak", "Pekerja anak", "Child labour"},
	{"topics", "kdrt_kekerasan", "KDRT / kekerasan terhadap perempuan dan anak", "Domestic violence / violence against women and children"},
	{"topics", "layanan_pengaduan", "Layanan pengaduan (SAPA 129, UPTD PPA)", "Complaint services (SAPA 129, UPTD PPA)"},
	{"topics", "pengasuhan", "Pengasuhan", "Parenting"},
	// target_groups
	{"target_groups", "calon_pmi", "Calon PMI", "Prospective migrant workers"},
	{"target_groups", "keluarga_pmi", "Keluarga PMI", "Migrant workers' families"},
	{"target_groups", "pmi_purna", "PMI purna", "Returned migrant workers"},
	{"target_groups", "anak_remaja", "Anak dan remaja / forum anak", "Children and adolescents / children's forum"},
	{"target_groups", "orang_tua", "Orang tua", "Parents"},
	{"target_groups", "perempuan_pkk", "Perempuan / PKK", "Women / PKK"},
	{"target_groups", "karang_taruna", "Karang taruna", "Youth organisation (karang taruna)"},
	{"target_groups", "tokoh_agama_adat", "Tokoh agama dan adat", "Religious and customary leaders"},
	{"target_groups", "perangkat_desa", "Perangkat desa / BPD", "Village officials / village council"},
	{"target_groups", "guru_sekolah", "Guru / sekolah", "Teachers / schools"},
	{"target_groups", "umum", "Umum", "General public"},
	// methods
	{"methods", "ceramah", "Ceramah", "Lecture"},
	{"methods", "diskusi", "Diskusi", "Discussion"},
	{"methods", "tanya_jawab", "Tanya jawab", "Questions and answers"},
	{"methods", "simulasi", "Simulasi", "Simulation"},
	{"methods", "pemutaran_film", "Pemutaran film", "Film screening"},
	{"methods", "permainan", "Permainan", "Games"},
	{"methods", "kunjungan_lapangan", "Kunjungan lapangan", "Field visit"},
	{"methods", "lainnya", "Lainnya", "Other"},
	// funding_sources
	{"funding_sources", "dana_desa", "Dana desa / APBDes", "Village fund / village budget"},
	{"funding_sources", "apbd_kabkota", "APBD kabupaten/kota", "Regency/city budget"},
	{"funding_sources", "apbd_provinsi", "APBD provinsi", "Provincial budget"},
	{"funding_sources", "apbn", "APBN", "National budget"},
	{"funding_sources", "mitra_lsm", "Mitra / LSM", "Partner / NGO"},
	{"funding_sources", "swadaya", "Swadaya", "Self-funded"},
	// outreach_types
	{"outreach_types", "home_visit", "Kunjungan rumah", "Home visit"},
	{"outreach_types", "migration_service_post", "Pos layanan migrasi", "Migration service post"},
	{"outreach_types", "migrant_consultation", "Konsultasi calon PMI", "Consultation of a prospective migrant"},
	{"outreach_types", "material_distribution", "Pembagian materi informasi", "Distribution of information material"},
	{"outreach_types", "departure_return_monitoring", "Pemantauan keberangkatan dan kepulangan", "Monitoring of departures and returns"},
	{"outreach_types", "risky_location_monitoring", "Pemantauan lokasi berisiko", "Monitoring of a risky location"},
	{"outreach_types", "other", "Lainnya", "Other"},
	// risk_signals
	{"risk_signals", "non_procedural_job_offer", "Tawaran kerja nonprosedural", "Non-procedural job offer"},
	{"risk_signals", "broker_sponsor", "Calo / sponsor", "Broker / sponsor"},
	{"risk_signals", "document_problem", "Dokumen tidak lengkap atau dipalsukan", "Incomplete or forged documents"},
	{"risk_signals", "departure_without_documents", "Berangkat tanpa dokumen", "Departure without documents"},
	{"risk_signals", "child_out_of_school_working", "Anak putus sekolah dan bekerja", "Child out of school and working"},
	{"risk_signals", "planned_child_marriage", "Rencana perkawinan anak", "Planned child marriage"},
	{"risk_signals", "suspicious_online_recruitment", "Rekrutmen online mencurigakan", "Suspicious online recruitment"},
	{"risk_signals", "other", "Lainnya", "Other"},
	// outreach_actions
	{"outreach_actions", "information_given", "Informasi diberikan", "Information given"},
	{"outreach_actions", "referred", "Dirujuk", "Referred"},
	{"outreach_actions", "monitored", "Dipantau", "Monitored"},
	{"outreach_actions", "none_needed", "Tidak perlu tindakan", "No action needed"},
	// referral_agencies
	{"referral_agencies", "uptd_ppa", "UPTD PPA", "UPTD PPA (women and child protection unit)"},
	{"referral_agencies", "sapa_129", "SAPA 129", "SAPA 129 hotline"},
	{"referral_agencies", "disnaker", "Disnaker", "Manpower office"},
	{"referral_agencies", "bp3mi", "BP3MI", "BP3MI (migrant worker protection agency)"},
	{"referral_agencies", "polres_polsek", "Polres / Polsek", "Police (regency / district)"},
	{"referral_agencies", "dinsos", "Dinas Sosial", "Social affairs office"},
	{"referral_agencies", "puskesmas", "Puskesmas", "Community health centre"},
	{"referral_agencies", "other", "Lainnya", "Other"},
	// exploitation_types
	{"exploitation_types", "sexual_exploitation", "Eksploitasi seksual", "Sexual exploitation"},
	{"exploitation_types", "forced_labour", "Kerja paksa / PMI nonprosedural", "Forced labour / non-procedural migrant work"},
	{"exploitation_types", "domestic_work", "Pekerja rumah tangga", "Domestic work"},
	{"exploitation_types", "ship_crew", "Anak buah kapal", "Ship crew"},
	{"exploitation_types", "mail_order_bride", "Pengantin pesanan", "Mail-order bride"},
	{"exploitation_types", "economic_exploitation", "Eksploitasi ekonomi", "Economic exploitation"},
	{"exploitation_types", "online_scam", "Penipuan online (online scam)", "Online scam"},
	{"exploitation_types", "organ", "Perdagangan organ", "Organ trafficking"},
	{"exploitation_types", "other", "Lainnya", "Other"},
	// case_services
	{"case_services", "pengaduan", "Pengaduan", "Complaint handling"},
	{"case_services", "kesehatan", "Kesehatan", "Health"},
	{"case_services", "bantuan_hukum", "Bantuan hukum", "Legal aid"},
	{"case_services", "penegakan_hukum", "Penegakan hukum", "Law enforcement"},
	{"case_services", "rehabilitasi_sosial", "Rehabilitasi sosial", "Social rehabilitation"},
	{"case_services", "pemulangan", "Pemulangan", "Repatriation"},
	{"case_services", "reintegrasi_sosial", "Reintegrasi sosial", "Social reintegration"},
	{"case_services", "pendampingan_tokoh_agama", "Pendampingan tokoh agama", "Support by religious leaders"},
	// case_sources
	{"case_sources", "simfoni_ppa", "Simfoni PPA", "Simfoni PPA"},
	{"case_sources", "uptd_ppa", "UPTD PPA", "UPTD PPA"},
	{"case_sources", "polda", "Polda Lampung", "Lampung Regional Police"},
	{"case_sources", "bp3mi", "BP3MI", "BP3MI"},
	{"case_sources", "lpsk", "LPSK", "LPSK (witness and victim protection agency)"},
	{"case_sources", "other", "Lainnya", "Other"},
}
