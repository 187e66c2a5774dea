// Hand-made SVG charts: horizontal bars, stacked bars and month columns.
// No chart library: the charts are simple, and a few SVG rectangles keep the
// bundle small, print cleanly and scale on a projector. Every chart carries
// its numbers as text too (screen readers, print, small phones).
import { fmtNumber } from '../../shared/i18n.js';

export const PARTS = ['male_child', 'female_child', 'male_adult', 'female_adult'];
export const PART_COLORS = { male_child: '#6aa9d8', female_child: '#e79cb8', male_adult: '#1f5f8b', female_adult: '#a8345f' };

/** Horizontal bars: items [{label, value, note?}] sorted as given. */
export function HBars({ items, id, max, unit = '', title }) {
  const top = max || Math.max(1, ...items.map((i) => i.value || 0));
  const rowH = 30;
  const labelW = 0; // labels sit above-left in HTML columns for wrapping
  return (
    <figure class="chart hbars" id={id} aria-label={title}>
      {title && <figcaption>{title}</figcaption>}
      <div class="hb-rows">
        {items.map((i) => (
          <div class="hb-row" key={i.key || i.label} data-key={i.key}>
            <span class="hb-label">{i.label}</span>
            <svg class="hb-bar" viewBox={`0 0 100 ${rowH}`} preserveAspectRatio="none" aria-hidden="true" height="22">
              <rect x={labelW} y="4" width={Math.max(0, (100 * (i.value || 0)) / top)} height={rowH - 8} fill={i.color || 'var(--brand)'} rx="1" />
            </svg>
            <span class="hb-value">{i.text ?? <>{fmtNumber(i.value)}{unit}</>}{i.note ? <span class="sub">{i.note}</span> : null}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

/** Stacked horizontal bars of participants: rows [{label, key, participants:{male_child…}}]. */
export function StackedPeople({ rows, id, title, legend, onPick }) {
  const top = Math.max(1, ...rows.map((r) => PARTS.reduce((s, p) => s + (r.participants?.[p] || 0), 0)));
  return (
    <figure class="chart stacked" id={id}>
      {title && <figcaption>{title}</figcaption>}
      <Legend items={PARTS.map((p) => ({ color: PART_COLORS[p], label: legend[p] }))} />
      <div class="hb-rows">
        {rows.map((r) => {
          let x = 0;
          const total = PARTS.reduce((s, p) => s + (r.participants?.[p] || 0), 0);
          return (
            <div class="hb-row" key={r.key} data-key={r.key}>
              <span class="hb-label">{onPick ? <a href={onPick(r)}>{r.label}</a> : r.label}</span>
              <svg class="hb-bar" viewBox="0 0 100 30" preserveAspectRatio="none" height="22" role="img"
                aria-label={PARTS.map((p) => `${legend[p]} ${r.participants?.[p] || 0}`).join(', ')}>
                {PARTS.map((p) => {
                  const w = (100 * (r.participants?.[p] || 0)) / top;
                  const el = <rect key={p} x={x} y="4" width={w} height="22" fill={PART_COLORS[p]} />;
                  x += w;
                  return el;
                })}
              </svg>
              <span class="hb-value">{fmtNumber(total)}</span>
            </div>
          );
        })}
      </div>
    </figure>
  );
}

export function Legend({ items }) {
  return (
    <ul class="legend">
      {items.map((i) => <li key={i.label}><span class="swatch" style={{ background: i.color }} />{i.label}</li>)}
    </ul>
  );
}

/** Month columns: series [{month:"2025-01", count}]. */
export function Columns({ series, id, title, valueKey = 'count', monthLabel }) {
  const top = Math.max(1, ...series.map((s) => s[valueKey] || 0));
  const n = Math.max(1, series.length);
  const w = 100 / n;
  return (
    <figure class="chart columns" id={id}>
      {title && <figcaption>{title}</figcaption>}
      <svg viewBox="0 0 100 44" preserveAspectRatio="none" class="col-svg" role="img"
        aria-label={series.map((s) => `${s.month}: ${s[valueKey] || 0}`).join(', ')}>
        <line x1="0" y1="40" x2="100" y2="40" stroke="#b9c3c9" stroke-width="0.3" />
        {series.map((s, i) => {
          const h = (36 * (s[valueKey] || 0)) / top;
          return <rect key={s.month} x={i * w + w * 0.15} y={40 - h} width={w * 0.7} height={h} fill="var(--brand)" />;
        })}
      </svg>
      <div class="col-labels" style={{ gridTemplateColumns: `repeat(${n}, 1fr)` }}>
        {series.map((s) => <span key={s.month}><b>{fmtNumber(s[valueKey])}</b>{monthLabel ? monthLabel(s.month) : s.month.slice(5)}</span>)}
      </div>
    </figure>
  );
}

/** A coverage cell: a bar filled to pct (0-100) with the figure. */
export function PctBar({ pct }) {
  const v = Math.max(0, Math.min(100, pct || 0));
  const hue = v >= 75 ? '#2f8f52' : v >= 40 ? '#d9a21b' : '#c4473a';
  return (
    <span class="pctbar" title={`${pct}%`}>
      <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="100" height="10" fill="#e8ecef" /><rect width={v} height="10" fill={hue} /></svg>
      <span>{fmtNumber(pct ?? 0)}%</span>
    </span>
  );
}

export function Light({ light, label }) {
  return <span class={'light light-' + (light || 'grey')} data-light={light || 'grey'}><span class="dot" aria-hidden="true" />{label}</span>;
}
