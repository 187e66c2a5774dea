// The report API of issue 7 (docs/reports.md): JSON reports, their labels,
// and exports downloaded with the session token (fetch + blob, since a plain
// link cannot carry the Authorization header).
import { pb } from '../pb.js';
import { lang } from '../../shared/i18n.js';
import { yearWIB } from '../../shared/wib.js';

/** Query parameters the server understands, from the dashboard's hash query. */
export function reportParams(q, extra = {}) {
  const p = { period: q.period || 'year', year: q.year || String(thisYear()) };
  if (q.area) p.area = q.area;
  if (['semester', 'quarter', 'month'].includes(p.period)) p.index = q.index || '1';
  if (p.period === 'custom') { p.from = q.from || ''; p.to = q.to || ''; delete p.year; }
  if (q.sub === '1') p.includeSubmitted = '1';
  return { ...p, ...extra };
}

/** The current year in WIB (Lampung's), whatever the device's time zone. */
export const thisYear = yearWIB;

const qs = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();

/** GET /api/reports/{name}?… */
export function fetchReport(name, params, signal) {
  return pb.send(`/api/reports/${name}?${qs(params)}`, { method: 'GET', signal, requestKey: null });
}

let labelsPromise = null;
let labels = {};
/** Loads the report labels once (GET /api/reports/labels). */
export function loadReportLabels() {
  if (!labelsPromise) {
    labelsPromise = pb.send('/api/reports/labels', { method: 'GET', requestKey: null })
      .then((l) => { labels = l || {}; return labels; })
      .catch((e) => { labelsPromise = null; throw e; });
  }
  return labelsPromise;
}

/** Label of a code of a report group ("activity_type", "topic", …) in the current language. */
export function rl(group, key) {
  const l = labels?.[group]?.[key];
  if (!l) return key;
  return (lang() === 'en' ? l.en : l.id) || l.id || key;
}

/**
 * Downloads /api/exports/{name}.{format} with the token and saves it under the
 * file name the server gives. Resolves to the file name.
 */
export async function downloadExport(name, format, params) {
  const url = pb.buildURL(`/api/exports/${name}.${format}`) + '?' + qs({ ...params, lang: lang() });
  const res = await fetch(url, { headers: { Authorization: pb.authStore.token } });
  if (!res.ok) {
    let data = {};
    try { data = await res.json(); } catch { /* not JSON */ }
    const err = new Error(data.message || res.statusText);
    err.status = res.status;
    err.response = data;
    throw err;
  }
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="?([^";]+)"?/.exec(cd);
  const file = m ? m[1] : `jangkau-${name}.${format}`;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = file;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  return file;
}
