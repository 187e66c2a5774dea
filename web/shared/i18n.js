// Language of Jangkau's web apps: Bahasa Indonesia first, English on request,
// remembered on this browser. Shared by the console (/) and the field app (/app/).
import { inLang } from './apierror.js';
import { activeCodes, labelIn } from './vocab.js';
import { setLater } from './later.js';

const KEY = 'jangkau.lang';
export const LANGS = ['id', 'en'];

let current = 'id';
try {
  const saved = localStorage.getItem(KEY);
  if (LANGS.includes(saved)) current = saved;
} catch { /* storage blocked: stay in Bahasa Indonesia */ }

const listeners = new Set();

/** The language in use: "id" or "en". */
export function lang() { return current; }

/** Switches the language, remembers it and tells every listener. */
export function setLang(l) {
  if (!LANGS.includes(l) || l === current) return;
  current = l;
  try { localStorage.setItem(KEY, l); } catch { /* not remembered */ }
  document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}

/** Calls fn on every language change; returns the unsubscribe function. */
export function onLang(fn) { listeners.add(fn); return () => listeners.delete(fn); }

let strings = {};
/** Adds an app's UI strings: { key: ["Bahasa Indonesia", "English"] }. */
export function addStrings(s) { strings = { ...strings, ...s }; }

/**
 * The UI string key in the current language, with {name} placeholders
 * filled from vars. An unknown key shows itself, so a gap is visible.
 */
export function t(key, vars) {
  const pair = strings[key];
  let s = pair ? (current === 'en' ? pair[1] : pair[0]) : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/**
 * Sets obj[name] to the UI string key (with vars) as a getter and returns
 * obj: read when shown, the text is in the language of that moment, not of
 * the moment it was set (a form's error kept in state follows a switch of
 * language).
 */
export function setText(obj, name, key, vars) {
  return setLater(obj, name, () => t(key, vars));
}

/**
 * The label of a catalog code, or the code itself: the stored vocabularies
 * (shared/vocab.js) over catalog/labels.json.
 */
export function label(group, code) { return labelIn(group, code, current); }

/** The codes a picker offers: a vocabulary's active codes in its order, else the file's. */
export function codes(group) { return activeCodes(group); }

/** A record field's label (catalog/labels.json "fields"). */
export function fieldLabel(name) { return label('fields', name); }

/**
 * The part of a server message in the current language. Jangkau's messages
 * are "Bahasa Indonesia. / English."; others are shown whole.
 */
export function pick(message) {
  return inLang(message, current);
}

const localeOf = () => (current === 'en' ? 'en-GB' : 'id-ID');
const TZ = 'Asia/Jakarta'; // Lampung is on WIB

function toDate(v) {
  if (!v) return null;
  const d = new Date(typeof v === 'string' ? v.replace(' ', 'T') : v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A server date (UTC) as a day in WIB, e.g. "10 Mar 2025". */
export function fmtDate(v) {
  const d = toDate(v);
  return d ? d.toLocaleDateString(localeOf(), { timeZone: TZ, day: 'numeric', month: 'short', year: 'numeric' }) : '';
}

/** A server date-time (UTC) in WIB, e.g. "10 Mar 2025 15.04". */
export function fmtDateTime(v) {
  const d = toDate(v);
  return d ? d.toLocaleString(localeOf(), { timeZone: TZ, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }) : '';
}

/** A number with the language's grouping. */
export function fmtNumber(n) { return Number(n || 0).toLocaleString(localeOf()); }

/** "3 hari lalu" / "3 days ago" for a past date (null for none). */
export function fmtAgo(v, now = Date.now()) {
  const d = toDate(v);
  if (!d) return null;
  const rtf = new Intl.RelativeTimeFormat(localeOf(), { numeric: 'auto' });
  const s = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

if (typeof document !== 'undefined') document.documentElement.lang = current;
