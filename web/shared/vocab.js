// The vocabularies as data (issue 16): the coded choices of the records and
// their labels, as the secretariat keeps them in the server's vocabularies
// collection. The console loads them over REST, the field app receives them
// through sync and keeps them offline. Until they arrive, and for the lists
// that are not vocabularies (roles, statuses, record fields...), the labels
// come from catalog/labels.json, the file the server embeds: one source of
// words for the console, the field app and the exports.
import builtin from '../../catalog/labels.json';

/** The lists whose codes and labels are data (catalog.VocabularyKinds). */
export const KINDS = Object.keys(builtin.vocabulary_kinds);

let stored = null; // kind -> code -> {id, en, order, active}
const listeners = new Set();

/**
 * Installs the stored vocabularies: rows {kind, code, label_id, label_en,
 * order, active}, as the collection's API or sync sends them.
 */
export function setVocabularies(rows) {
  const next = {};
  for (const r of rows || []) {
    if (!r || !r.kind || !r.code) continue;
    (next[r.kind] ||= {})[r.code] = { id: r.label_id, en: r.label_en, order: Number(r.order) || 0, active: r.active !== false };
  }
  stored = next;
  for (const fn of listeners) fn();
}

/** Calls fn whenever the vocabularies change; returns the unsubscribe function. */
export function onVocabularies(fn) { listeners.add(fn); return () => listeners.delete(fn); }

/** Whether the stored vocabularies have been installed. */
export function hasVocabularies() { return stored !== null; }

/** The entry of a code: {id, en, active, order}, or null when unknown. */
export function entryOf(group, code) {
  const s = stored?.[group];
  if (s) return s[code] || null;
  const l = builtin[group]?.[code];
  return l ? { id: l.id, en: l.en, active: true, order: 0 } : null;
}

/** The label of a code in lang ("id" or "en"), or the code itself. */
export function labelIn(group, code, lang) {
  const e = entryOf(group, code);
  if (!e) return code;
  return (lang === 'en' ? e.en : e.id) || e.id || code;
}

function ordered(group) {
  const s = stored?.[group];
  if (!s) return Object.keys(builtin[group] || {}).map((code) => [code, { active: true }]);
  return Object.entries(s).sort((a, b) => a[1].order - b[1].order || (a[0] < b[0] ? -1 : 1));
}

/** The codes a picker offers: active ones, in the secretariat's order. */
export function activeCodes(group) { return ordered(group).filter(([, e]) => e.active).map(([c]) => c); }

/** Every code, retired ones too (filters over old records, exports). */
export function allCodes(group) { return ordered(group).map(([c]) => c); }

/**
 * Checks codes a record is about to carry, as the server does: a code the
 * vocabulary lacks is "unknown_code"; a retired one is "retired_code" unless
 * the record already held it (had: the codes of its stored version).
 * Returns {code, value} of the first problem, or null.
 */
export function checkCodes(group, values, had = []) {
  if (!stored?.[group]) return null; // nothing to check against yet: the server will
  for (const v of [].concat(values || []).filter(Boolean)) {
    const e = entryOf(group, v);
    if (!e) return { code: 'unknown_code', value: v };
    if (!e.active && !had.includes(v)) return { code: 'retired_code', value: v };
  }
  return null;
}
