// The synced collections as a phone app would declare them: the server's
// field names (migrations/1764100000_collections.go) with the kind of value
// each holds. "list" fields hold several coded choices or relations; "json"
// fields hold an object. Both travel as JSON-encoded strings to WatermelonDB
// and as JSON values to RxDB.
const participants = { male_child: 'number', female_child: 'number', male_adult: 'number', female_adult: 'number', disabled: 'number' }
const reviewed = {
  status: 'text', review_note: 'text', reviewed_by: 'text', reviewed_at: 'text', submitted_at: 'text',
  created_by: 'text', client_created_at: 'text',
}
const villageScoped = { village: 'text', district: 'text', regency: 'text' }
const stamps = { created: 'text', updated: 'text' }

export const FIELDS = {
  activities: {
    ...villageScoped,
    title: 'text', start_date: 'text', end_date: 'text', venue: 'text', mode: 'text', type: 'text', type_other: 'text',
    programs: 'list', cluster: 'text', rad_indicators: 'list', topics: 'list', target_groups: 'list',
    ...participants,
    resource_agencies: 'text', partner_agencies: 'text', methods: 'list', materials: 'text', materials_count: 'number',
    funding_source: 'text', budget: 'number', outcome_summary: 'text', follow_up_plan: 'text',
    ...reviewed,
    ...stamps,
  },
  outreach_logs: {
    ...villageScoped,
    date: 'text', outreach_type: 'text', target_category: 'text',
    ...participants,
    topics: 'list', risk_signals: 'list', action_taken: 'text', referred_to: 'list', referral_reference: 'text',
    follow_up_date: 'text', note: 'text',
    ...reviewed,
    ...stamps,
  },
  village_programs: {
    ...villageScoped,
    program: 'text', status: 'text', legal_basis_number: 'text', legal_basis_date: 'text', drppa_assessment: 'json',
    note: 'text', updated_by: 'text',
    // issue 16: validity and the DRPPA self-assessment
    valid_from: 'text', valid_to: 'text', drppa_assessed_on: 'text',
    drppa_women_children_groups: 'text', drppa_disaggregated_data: 'text', drppa_village_regulation: 'text',
    drppa_village_budget: 'text', drppa_women_representation_pct: 'number', drppa_women_entrepreneurs_pct: 'number',
    drppa_rights_based_care_pct: 'number', drppa_no_child_labour: 'text', drppa_no_child_marriage: 'text',
    ...stamps,
  },
  rad_indicators: {
    code: 'text', rad_period: 'text', cluster: 'text', program: 'text', activity: 'text', description: 'text', unit: 'text',
    level: 'text', lead_agency: 'text', baseline: 'number', targets: 'json', counting: 'text', auto_rule: 'text',
    direction: 'text', budgets: 'json', active: 'bool',
    ...stamps,
  },
  areas: { name: 'text', level: 'text', kind: 'text', active: 'bool', local_term: 'text', parent: 'text', ...stamps },
  // The coded choices and their labels, as the secretariat keeps them (read-only on phones).
  vocabularies: { kind: 'text', code: 'text', label_id: 'text', label_en: 'text', order: 'number', active: 'bool', ...stamps },
}

// Fields the server fills itself; a phone never edits them.
export const SERVER_FIELDS = [
  'district', 'regency', 'created_by', 'updated_by', 'reviewed_by', 'reviewed_at', 'submitted_at', 'created', 'updated',
]

const empty = { text: '', number: 0, bool: false, list: [], json: null }

// blank returns a record of the collection with every field a phone writes
// at its empty value (what the server stores when a field is not given), as
// an app's form starts.
export function blank(collection) {
  const out = {}
  for (const [k, kind] of Object.entries(FIELDS[collection])) {
    if (!SERVER_FIELDS.includes(k)) out[k] = structuredClone(empty[kind])
  }
  return out
}

// A valid draft activity of a village (internal/testapp/fixtures.go).
export function activity(village, extra = {}) {
  return {
    village, title: 'Sosialisasi migrasi aman', start_date: '2025-03-10 08:00:00.000Z', type: 'sosialisasi',
    mode: 'luring', venue: 'Balai desa', topics: ['migrasi_aman', 'modus_tppo'], target_groups: ['calon_pmi', 'orang_tua'],
    male_child: 3, female_child: 4, male_adult: 10, female_adult: 12, status: 'draft', funding_source: 'dana_desa',
    budget: 1500000,
    ...extra,
  }
}

// A valid draft outreach log of a village.
export function outreach(village, extra = {}) {
  return {
    village, date: '2025-04-02 00:00:00.000Z', outreach_type: 'migration_service_post', target_category: 'calon_pmi',
    male_adult: 2, female_adult: 1, risk_signals: ['broker_sponsor'], action_taken: 'referred', referred_to: ['bp3mi'],
    referral_reference: 'BP3MI-LPG-2025-0042', status: 'draft',
    ...extra,
  }
}
