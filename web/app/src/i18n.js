// Language: Bahasa Indonesia first, English on request, remembered on this
// browser under the same key as the console at / ("jangkau.lang").
import { inLang } from '../../shared/apierror.js';
import { activeCodes, labelIn } from '../../shared/vocab.js';
import { strings } from './strings.js';

const KEY = 'jangkau.lang';
let current = 'id';
try {
  if (localStorage.getItem(KEY) === 'en') current = 'en';
} catch { /* storage blocked: stay in Bahasa Indonesia */ }

const listeners = new Set();

export function lang() { return current; }

export function setLang(l) {
  if ((l !== 'id' && l !== 'en') || l === current) return;
  current = l;
  try { localStorage.setItem(KEY, l); } catch { /* not remembered */ }
  document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}

export function onLang(fn) { listeners.add(fn); return () => listeners.delete(fn); }

/** A UI string in the current language; {name} placeholders filled from vars. */
export function t(key, vars) {
  const pair = strings[key];
  let s = pair ? pair[current === 'en' ? 1 : 0] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/**
 * The label of a catalog code, or the code itself: the vocabularies the
 * phone received through sync over catalog/labels.json (shared/vocab.js).
 */
export function label(group, code) { return labelIn(group, code, current); }

/** The codes a picker offers: active ones, in the secretariat's order. */
export function codes(group) { return activeCodes(group); }

export function fieldLabel(name) { return label('fields', name); }

/**
 * The part of a bilingual server message ("Bahasa Indonesia. / English.") in
 * the current language; other messages as they are.
 */
export function serverText(msg) {
  return inLang(msg, current);
}

/** A date "YYYY-MM-DD" as the people of Lampung write it. */
export function formatDate(d) {
  if (!d) return '';
  const [y, m, day] = d.slice(0, 10).split('-').map(Number);
  if (!y) return d;
  const dt = new Date(Date.UTC(y, m - 1, day));
  return dt.toLocaleDateString(current === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** A moment (ms) as a short local time, for "last synced". */
export function formatTime(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleString(current === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
