// What the phone edits of each collection, and how values are compared with
// the server's (which stores dates as "2025-03-10 00:00:00.000Z", empty
// numbers as 0 and empty lists as []).

import { drawId } from '../../shared/ids.js';
import { identifiers } from './privacy.js';

const counts = ['male_child', 'female_child', 'male_adult', 'female_adult', 'disabled'];

// kind: text | date | number | select (one code) | multi (codes) | bool | hashes
export const FIELDS = {
  activities: {
    village: 'text', title: 'text', start_date: 'date', end_date: 'date', venue: 'text', mode: 'select',
    type: 'select', type_other: 'text', programs: 'multi', cluster: 'select', topics: 'multi',
    target_groups: 'multi', ...Object.fromEntries(counts.map((c) => [c, 'number'])),
    resource_agencies: 'text', partner_agencies: 'text', methods: 'multi', materials: 'text',
    materials_count: 'number', funding_source: 'select', budget: 'number', outcome_summary: 'text',
    follow_up_plan: 'text', status: 'select', photo_consent: 'bool', photos_expected: 'hashes',
  },
  outreach_logs: {
    village: 'text', date: 'date', outreach_type: 'select', target_category: 'select',
    ...Object.fromEntries(counts.map((c) => [c, 'number'])), topics: 'multi', risk_signals: 'multi',
    action_taken: 'select', referred_to: 'multi', referral_reference: 'text', follow_up_date: 'date',
    note: 'text', status: 'select', photo_consent: 'bool', photos_expected: 'hashes',
  },
};

// Village programmes (issue 16): the officer's village's programmes, with
// their validity and the DRPPA self-assessment. Pulled with a cursor of
// their own (sync.js), since a phone's records cursor is already past the
// programmes recorded before this screen existed.
const drppaAnswers = ['drppa_women_children_groups', 'drppa_disaggregated_data', 'drppa_village_regulation', 'drppa_village_budget',
  'drppa_no_child_labour', 'drppa_no_child_marriage'];
const drppaPercents = ['drppa_women_representation_pct', 'drppa_women_entrepreneurs_pct', 'drppa_rights_based_care_pct'];
FIELDS.village_programs = {
  village: 'text', program: 'select', status: 'select', valid_from: 'date', valid_to: 'date', legal_basis_number: 'text',
  legal_basis_date: 'date', note: 'text', drppa_assessed_on: 'date',
  ...Object.fromEntries(drppaAnswers.map((f) => [f, 'select'])), ...Object.fromEntries(drppaPercents.map((f) => [f, 'number'])),
};
export const DRPPA_ANSWERS = drppaAnswers;
export const DRPPA_PERCENTS = drppaPercents;
export const PROGRAMMES = 'village_programs';

/** The collections of the records pull (the programmes have their own). */
export const COLLECTIONS = ['activities', 'outreach_logs'];
export const COUNTS = counts;

/** Fields the server requires of every record, draft or not. */
export const REQUIRED = { activities: ['title', 'start_date', 'type'], outreach_logs: ['date', 'outreach_type'], village_programs: ['program', 'status', 'valid_from'] };

/** The required fields a record still lacks: a draft without them stays on the phone. */
export function missingRequired(collection, data) {
  return (REQUIRED[collection] || []).filter((f) => !data?.[f]);
}

/**
 * What in a text the server would refuse: any of 'nik', 'phone', 'passport'
 * (a port of the server's guard, privacy.js), or none.
 */
export function privacyProblems(text) {
  return identifiers(text);
}

/** Free-text fields: the privacy warning stands beside each. */
export const FREE_TEXT = new Set(['title', 'venue', 'type_other', 'resource_agencies', 'partner_agencies', 'materials',
  'outcome_summary', 'follow_up_plan', 'referral_reference', 'note', 'legal_basis_number']);

export function normValue(kind, v) {
  switch (kind) {
    case 'date': return typeof v === 'string' ? v.slice(0, 10) : '';
    case 'number': { const n = Number(v); return Number.isFinite(n) ? n : 0; }
    case 'multi': case 'hashes': return Array.isArray(v) ? v.map(String) : [];
    case 'bool': return v === true;
    default: return v == null ? '' : String(v);
  }
}

/** The editable fields of a record (from the server or a form), normalized. */
export function normalize(collection, rec) {
  const out = {};
  for (const [f, kind] of Object.entries(FIELDS[collection])) out[f] = normValue(kind, rec?.[f]);
  return out;
}

export function emptyRecord(collection, village) {
  return { ...normalize(collection, {}), village, status: 'draft' };
}

function same(kind, a, b) {
  if (kind === 'multi' || kind === 'hashes') {
    if (a.length !== b.length) return false;
    if (kind === 'hashes') return a.every((x, i) => x === b[i]);
    const s = new Set(a);
    return b.every((x) => s.has(x));
  }
  return a === b;
}

/**
 * The fields of `data` that differ from `base` (the server's record, or null
 * for a record the server does not have: then every non-empty field).
 */
export function diff(collection, data, base) {
  const out = {};
  for (const [f, kind] of Object.entries(FIELDS[collection])) {
    const a = normValue(kind, data[f]);
    if (!base) {
      const empty = kind === 'multi' || kind === 'hashes' ? a.length === 0 : kind === 'bool' ? !a : kind === 'number' ? a === 0 : a === '';
      if (!empty || f === 'status') out[f] = a;
      continue;
    }
    if (!same(kind, a, normValue(kind, base[f]))) out[f] = a;
  }
  return out;
}

export function differs(collection, data, base) {
  return Object.keys(diff(collection, data, base)).length > 0;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 16-character id made on the phone (the server takes 15-36 [A-Za-z0-9_-]; drawId). */
export function newId(len = 16) {
  return drawId(ALNUM, len);
}

/**
 * May the village officer change this record on the phone? Drafts and returned
 * records, and a record the server refused (to fix it) unless it is approved.
 */
export function editable(rec) {
  if (rec.deleted) return false;
  if (rec.rejection) return rec.remote?.status !== 'approved';
  return rec.data.status === 'draft' || rec.data.status === 'returned';
}
