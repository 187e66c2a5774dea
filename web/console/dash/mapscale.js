// What the dashboard map shades, and how: per report tab the figures it
// can show (each read from the report rows, never computed from records),
// and the colour classes of a figure. Case figures are taken exactly as
// the server sends them ("<5" and "•" included) and only at regency level.
import { fmtNumber, label, t } from '../../shared/i18n.js';
import { rl } from './api.js';

// Sequential, colour-blind safe (ColorBrewer YlGnBu), light to dark.
export const PALETTE = ['#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8'];
export const ZERO = '#f7f7f2';
export const NONE = 'url(#map-none)'; // hatched: no figure, or hidden

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A "nice" step (1, 2, 2.5 or 5 x 10^n) for about `parts` classes up to max. */
function niceStep(max, parts, integer) {
  const raw = max / parts;
  const p = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw);
  if (integer) step = Math.max(1, Math.ceil(step));
  return step;
}

/**
 * Colour classes for numeric figures: 0 alone, then up to five equal steps
 * up to the largest figure. Returns { classes: [{key, label, color, lo, hi}], classOf(v) }.
 */
export function numericClasses(values, { unit = '', integer = true } = {}) {
  const vals = values.map(num).filter((v) => v !== null);
  const max = Math.max(0, ...vals);
  const fmt = (v) => fmtNumber(v) + unit;
  const classes = [{ key: 'zero', label: fmt(0), color: ZERO, lo: 0, hi: 0 }];
  if (max > 0) {
    const step = niceStep(max, 5, integer);
    for (let i = 0, lo = 0; lo < max && i < PALETTE.length; i++, lo += step) {
      const hi = i === PALETTE.length - 1 ? max : Math.min(lo + step, max);
      // Integers: 1-2, 3-4 …; shares: >0-2.5, >2.5-5 …
      const low = integer ? lo + 1 : lo;
      classes.push({ key: 'c' + i, color: PALETTE[i], lo, hi, label: low >= hi ? fmt(hi) : (integer ? `${fmt(low)}–${fmt(hi)}` : `>${fmt(lo)}–${fmt(hi)}`) });
    }
  }
  const classOf = (v) => {
    const n = num(v);
    if (n === null) return null;
    if (n <= 0) return classes[0];
    return classes.find((c, i) => i > 0 && n > c.lo && n <= c.hi) || classes[classes.length - 1];
  };
  return { classes, classOf };
}

/** Fixed classes of RAD progress (achieved / target, in %). */
export function targetClasses() {
  const bounds = [[0, 25], [25, 50], [50, 75], [75, 100], [100, Infinity]];
  const classes = bounds.map(([lo, hi], i) => ({
    key: 'c' + i, color: PALETTE[i], lo, hi,
    label: hi === Infinity ? `≥${lo}%` : `${lo}–<${hi}%`,
  }));
  const classOf = (v) => {
    const n = num(v);
    if (n === null) return null;
    return classes.find((c) => n >= c.lo && n < c.hi) || classes[0];
  };
  return { classes, classOf };
}

/** Case-figure classes over the server's text: "0", "<5", exact counts of 5 and more; "•" and "" have none. */
export function caseClasses() {
  const classes = [
    { key: 'zero', label: '0', color: ZERO },
    { key: 'small', label: '<5 (1–4)', color: PALETTE[0] },
    { key: 'c1', label: '5–9', color: PALETTE[2] },
    { key: 'c2', label: '10–19', color: PALETTE[3] },
    { key: 'c3', label: '≥20', color: PALETTE[4] },
  ];
  const classOf = (v) => {
    if (v === '<5') return classes[1];
    if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) return null;
    const n = Number(v);
    return n === 0 ? classes[0] : n < 5 ? classes[1] : n < 10 ? classes[2] : n < 20 ? classes[3] : classes[4];
  };
  return { classes, classOf };
}

const rowsOf = (r) => r.rows || [];
const rowItems = (r, value) => rowsOf(r).map((x) => ({ area: x.area, value: value(x) }));
// Villages' outreach counts hidden by the small-count rule: no shade, their mark as text.
const hiddenItems = (r, name, value) => rowsOf(r).map((x) => (x.hidden?.[name] ? { area: x.area, value: null, text: x.hidden[name] } : { area: x.area, value: value(x) }));
const pct = (v) => (num(v) === null ? '—' : `${fmtNumber(v)}%`);

/**
 * The figures the map of a report can shade, in order (the first is the
 * default): [{key, label (UI string key or text), kind, items: [{area, value, text?}]}].
 * kind: "count" | "pct" | "binary" | "target" | "case"; `column` a UI string key
 * for the table's heading when the label is long.
 */
export function metricsFor(tab, r) {
  if (!r || !r.childLevel) return [];
  switch (tab) {
    case 'activities':
      return [
        { key: 'activities', label: 'k.activities', kind: 'count', items: rowItems(r, (x) => x.activities) },
        { key: 'participants', label: 'k.participants', kind: 'count', items: rowItems(r, (x) => x.participants?.total) },
      ];
    case 'coverage':
      if (r.childLevel === 'village') {
        // A village is reached or not: two classes, not percentages.
        return [{ key: 'reached', label: 'k.reached', kind: 'binary', items: rowItems(r, (x) => x.reached) }];
      }
      return [
        { key: 'pct', label: 'k.pct', kind: 'pct', items: rowItems(r, (x) => x.pct) },
        { key: 'reached', label: 'k.reached', kind: 'count', items: rowItems(r, (x) => x.reached) },
      ];
    case 'outreach':
      return [
        { key: 'logs', label: 'k.logs', kind: 'count', items: rowItems(r, (x) => x.logs) },
        { key: 'referred', label: 'k.referred', kind: 'count', items: hiddenItems(r, 'referred', (x) => x.referred) },
        { key: 'risk', label: 'k.withRisk', kind: 'count', items: hiddenItems(r, 'followUp.withRisk', (x) => x.followUp?.withRisk) },
      ];
    case 'programs':
      return (r.totals?.programs || []).map((p) => ({
        key: 'prog-' + p.program, text: `${rl('program', p.program)} (${label('program_status', 'aktif')})`, kind: 'count',
        items: rowItems(r, (x) => (x.programs || []).find((y) => y.program === p.program)?.aktif ?? 0),
      }));
    case 'review':
      return [
        { key: 'pending', label: 'k.pending', kind: 'count', items: rowItems(r, (x) => x.activities?.submitted) },
        { key: 'returned', label: 'k.returned', kind: 'count', items: rowItems(r, (x) => x.activities?.returned) },
      ];
    case 'cases': {
      const out = [];
      // Case figures only where the rows are regencies: never shaded below.
      if (r.childLevel === 'regency') {
        out.push({ key: 'cases', label: 'k.cases', kind: 'case', items: rowItems(r, (x) => x.cases?.case_count ?? '') });
      }
      out.push({ key: 'intensity', label: 'k.activities', kind: 'count', items: rowItems(r, (x) => x.intensity?.activities) });
      return out;
    }
    case 'rad':
      if (r.area?.level !== 'province') return [];
      return (r.clusters || []).flatMap((c) => c.indicators)
        .filter((i) => (i.regencies || []).length > 0)
        .map((i) => ({
          key: 'rad-' + i.code, text: `${i.code} ${i.description || i.activity || i.program || ''}`.trim(), kind: 'target', column: 'map.radCol',
          items: i.regencies.map((g) => ({
            area: g.area, value: g.targetPct,
            text: g.achieved == null ? '—' : `${fmtNumber(g.achieved)} / ${g.target == null ? '—' : fmtNumber(g.target)} (${pct(g.targetPct)})`,
          })),
        }));
    default:
      return [];
  }
}

/** Two classes: not reached (0) and reached (1 or more). */
export function binaryClasses() {
  const classes = [
    { key: 'zero', label: t('k.notReached'), color: ZERO },
    { key: 'yes', label: t('k.reached'), color: PALETTE[3] },
  ];
  const classOf = (v) => (num(v) === null ? null : v > 0 ? classes[1] : classes[0]);
  return { classes, classOf };
}

/** The colour classes of a metric over its items. */
export function classesFor(metric) {
  switch (metric.kind) {
    case 'binary': return binaryClasses();
    case 'case': return caseClasses();
    case 'target': return targetClasses();
    case 'pct': return numericClasses(metric.items.map((i) => i.value), { unit: '%', integer: false });
    default: return numericClasses(metric.items.map((i) => i.value));
  }
}

/** A metric item's figure as text (case figures exactly as sent). */
export function itemText(metric, item) {
  if (item.text !== undefined) return item.text;
  if (metric.kind === 'case') return item.value === '' || item.value == null ? '—' : String(item.value);
  if (num(item.value) === null) return '—';
  if (metric.kind === 'binary') return item.value > 0 ? t('k.reached') : t('k.notReached');
  return metric.kind === 'pct' ? pct(item.value) : fmtNumber(item.value);
}
