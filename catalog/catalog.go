// Package catalog holds Jangkau's fixed vocabularies: roles, area levels,
// collection names and the coded choices of the domain records. Codes are
// stored; labels (Bahasa Indonesia first, English second) are shown.
package catalog

// Collection names. Phone apps depend on them: never rename.
const (
	Areas           = "areas"
	Users           = "users"
	Activities      = "activities"
	OutreachLogs    = "outreach_logs"
	VillagePrograms = "village_programs"
	CaseAggregates  = "case_aggregates"
	RadIndicators   = "rad_indicators"
	RadAchievements = "rad_achievements"
	Devices         = "devices"

	AuditLog          = "audit_log"          // the append-only audit trail
	DeviceKeys        = "device_keys"        // server-held signing keys (superusers only)
	DeviceEnrollments = "device_enrollments" // one-time enrollment codes

	// Notifications (issue 17), superusers only: served by /api/notify.
	NotifyKeys          = "notify_keys"          // the server's VAPID key pair
	NotifySubscriptions = "notify_subscriptions" // Web Push subscriptions
	NotifyPrefs         = "notify_prefs"         // what each user turned off
	Notices             = "notices"              // in-app notices
)

// Roles of Jangkau's users.
const (
	RoleVillageOfficer      = "village_officer"
	RoleDistrictVerifier    = "district_verifier"
	RoleProvinceSecretariat = "province_secretariat"
	RoleTaskforceMember     = "taskforce_member"
	// RoleRegencyTaskforce is a member of a regency/city task force (GT
	// kabupaten/kota) for one agency and cluster.
	RoleRegencyTaskforce = "regency_taskforce_member"
	// RoleAgencyOfficer is an officer of a province agency (OPD or member
	// institution) who records the agency's activities, with its cluster.
	RoleAgencyOfficer = "agency_officer"
)

// Roles lists every role code.
var Roles = []string{RoleVillageOfficer, RoleDistrictVerifier, RoleProvinceSecretariat, RoleTaskforceMember,
	RoleRegencyTaskforce, RoleAgencyOfficer}

// Area levels.
const (
	LevelProvince = "province"
	LevelRegency  = "regency"
	LevelDistrict = "district"
	LevelVillage  = "village"
)

// AreaLevels lists the levels from the top down.
var AreaLevels = []string{LevelProvince, LevelRegency, LevelDistrict, LevelVillage}

// AreaKinds lists the official kinds of area.
var AreaKinds = []string{"provinsi", "kabupaten", "kota", "kecamatan", "desa", "kelurahan"}

// RoleAreaLevel is the area level each role's account is bound to.
var RoleAreaLevel = map[string]string{
	RoleVillageOfficer:      LevelVillage,
	RoleDistrictVerifier:    LevelRegency,
	RoleProvinceSecretariat: LevelProvince,
	RoleTaskforceMember:     LevelProvince,
	RoleRegencyTaskforce:    LevelRegency,
	RoleAgencyOfficer:       LevelProvince,
}

// Record statuses of activities and outreach logs.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusApproved  = "approved"
	StatusReturned  = "returned"
)

// Statuses lists every record status.
var Statuses = []string{StatusDraft, StatusSubmitted, StatusApproved, StatusReturned}

// Clusters are the task force's sub-clusters (sub gugus tugas).
var Clusters = []string{"prevention", "health_rehab", "social_rehab", "legal_norms", "law_enforcement", "coordination"}

// ActivityTypes are the kinds of prevention activity.
var ActivityTypes = []string{
	"sosialisasi", "penyuluhan", "pelatihan", "kampanye_kie", "rapat_koordinasi",
	"penyusunan_perdes", "pembentukan_kelompok", "layanan_informasi_migrasi", "lainnya",
}

// ActivityModes are how an activity is held.
var ActivityModes = []string{"luring", "daring", "hibrida"}

// Programs are the village programmes an activity or a village relates to.
var Programs = []string{
	"drppa", "patbm", "desmigratif", "desa_sadar_hukum", "community_watch", "satgas_ppa",
	"kabupaten_layak_anak", "lainnya",
}

// VillageProgramKinds are the institutions and regulations tracked per village.
var VillageProgramKinds = []string{
	"drppa", "patbm", "desmigratif", "perdes_tppo", "perdes_pmi", "community_watch",
	"satgas_ppa", "desa_sadar_hukum",
}

// VillageProgramStatuses are a village programme's states.
var VillageProgramStatuses = []string{"rintisan", "aktif", "tidak_aktif"}

// Topics are the subjects of prevention activities and outreach.
var Topics = []string{
	"modus_tppo", "migrasi_aman", "hak_pmi", "penipuan_online", "eksploitasi_seksual_anak",
	"perkawinan_anak", "pekerja_anak", "kdrt_kekerasan", "layanan_pengaduan", "pengasuhan",
}

// TargetGroups are the audiences of activities and outreach.
var TargetGroups = []string{
	"calon_pmi", "keluarga_pmi", "pmi_purna", "anak_remaja", "orang_tua", "perempuan_pkk",
	"karang_taruna", "tokoh_agama_adat", "perangkat_desa", "guru_sekolah", "umum",
}

// Methods are how an activity delivers its message.
var Methods = []string{
	"ceramah", "diskusi", "tanya_jawab", "simulasi", "pemutaran_film", "permainan",
	"kunjungan_lapangan", "lainnya",
}

// FundingSources are where an activity's money comes from.
var FundingSources = []string{"dana_desa", "apbd_kabkota", "apbd_provinsi", "apbn", "mitra_lsm", "swadaya"}

// OutreachTypes are the kinds of field contact.
var OutreachTypes = []string{
	"home_visit", "migration_service_post", "migrant_consultation", "material_distribution",
	"departure_return_monitoring", "risky_location_monitoring", "other",
}

// RiskSignals are the warning signs an outreach worker records.
var RiskSignals = []string{
	"non_procedural_job_offer", "broker_sponsor", "document_problem", "departure_without_documents",
	"child_out_of_school_working", "planned_child_marriage", "suspicious_online_recruitment", "other",
}

// OutreachActions are what was done after a contact.
var OutreachActions = []string{"information_given", "referred", "monitored", "none_needed"}

// ReferralAgencies are where a case can be referred.
var ReferralAgencies = []string{"uptd_ppa", "sapa_129", "disnaker", "bp3mi", "polres_polsek", "dinsos", "puskesmas", "other"}

// ExploitationTypes are the forms of exploitation counted in case figures.
var ExploitationTypes = []string{
	"sexual_exploitation", "forced_labour", "domestic_work", "ship_crew", "mail_order_bride",
	"economic_exploitation", "online_scam", "organ", "other",
}

// CaseServices are the services counted in case figures: the six services
// of Permen PPPA 8/2021 first; penegakan_hukum and pendampingan_tokoh_agama
// are retired codes of earlier releases (migration 1765700000), kept for
// the figures that carry them.
var CaseServices = []string{
	"pengaduan", "kesehatan", "rehabilitasi_sosial", "bantuan_hukum", "pemulangan", "reintegrasi_sosial",
	"penegakan_hukum", "pendampingan_tokoh_agama",
}

// Sexes are the sexes victims are counted by (Simfoni PPA).
var Sexes = []string{"female", "male"}

// AgeBands are Simfoni PPA's age bands of victims. child_unbanded and
// adult_unbanded are retired codes: the children and adults of figures
// entered before the bands (migration 1765700000), whose ages are not known
// more finely.
var AgeBands = []string{
	"age_0_5", "age_6_12", "age_13_17", "age_18_24", "age_25_44", "age_45_59", "age_60_plus",
	"child_unbanded", "adult_unbanded",
}

// ChildAgeBands are the age bands of children (under 18).
var ChildAgeBands = []string{"age_0_5", "age_6_12", "age_13_17", "child_unbanded"}

// CaseScopes say where a case took place: within Indonesia or across its borders.
var CaseScopes = []string{"domestic", "cross_border"}

// CaseLaws are the laws a case is handled under: trafficking (UU 21/2007)
// or the migrant-worker protection law (UU 18/2017).
var CaseLaws = []string{"tppo", "uu_pmi"}

// CaseStages are the stages of a case in the criminal process at the end of
// the period: inquiry, investigation, prosecution (P21), verdict.
var CaseStages = []string{"penyelidikan", "penyidikan", "p21", "putusan"}

// CaseSources are the bodies case figures come from.
var CaseSources = []string{"simfoni_ppa", "uptd_ppa", "polda", "bp3mi", "lpsk", "other"}

// PeriodTypes are the reporting periods of aggregate figures.
var PeriodTypes = []string{"year", "semester", "quarter", "month"}

// RadCountingRules name how an automatic RAD indicator is computed from approved records.
var RadCountingRules = []string{
	"activities_count", "sosialisasi_count", "participants_total", "participants_female",
	"participants_child", "villages_reached_pct", "villages_active_patbm", "outreach_count",
	"referrals_count",
}

// ParticipantFields are the four participant counts shared by activities and outreach logs,
// plus people with disabilities.
var ParticipantFields = []string{"male_child", "female_child", "male_adult", "female_adult", "disabled"}
