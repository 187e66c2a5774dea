// The dashboard map: the children of the area on screen (regencies of
// Lampung, districts of a regency, villages of a district) shaded by the
// figure of the report tab, with its legend and a table of the same
// figures beside it. Drawn as SVG with d3-geo from our own boundary files
// (mapdata.js): no tile server, no internet. A click on an area drills down
// like the names in the tables. The figures come from the report answer
// only; case figures are shaded at regency level only, as the server sent
// them ("<5", "•").
import { useEffect, useMemo, useState } from 'preact/hooks';
import { geoIdentity, geoPath } from 'd3-geo';
import { addStrings, t, lang, fmtNumber } from '../../shared/i18n.js';
import { navigate } from '../router.js';
import { Alert } from '../ui.jsx';
import { shapesFor } from './mapdata.js';
import { metricsFor, classesFor, itemText, NONE } from './mapscale.js';
import './map.css';

addStrings({
  'map.title': ['Peta', 'Map'],
  'map.show': ['Warnai menurut', 'Shade by'],
  'map.loading': ['Memuat peta…', 'Loading the map…'],
  'map.none': ['Tidak ada angka', 'No figure'],
  'map.hidden': ['Disembunyikan (•)', 'Hidden (•)'],
  'map.noShape': ['{n} wilayah tanpa batas di peta (hanya di tabel).', '{n} areas have no boundary on the map (table only).'],
  'map.radCol': ['Capaian / target (%)', 'Achieved / target (%)'],
  'map.noShapeRow': ['tanpa batas di peta', 'no boundary on the map'],
  'map.hint': ['Klik wilayah di peta untuk melihat rinciannya.', 'Click an area on the map to see its breakdown.'],
  'map.caseNote': ['Angka kasus hanya dipetakan per kabupaten/kota; angka 1–4 tampil "<5", "•" disembunyikan.', 'Case figures are mapped per regency only; counts of 1–4 show as "<5", "•" is hidden.'],
  'map.radNote': ['Capaian terhadap target tahun ini, per kabupaten/kota.', 'Achievement against this year\'s target, per regency.'],
  'map.credit': ['Batas wilayah: wilayah_boundaries (Cahya DSN, MIT)', 'Boundaries: wilayah_boundaries (Cahya DSN, MIT)'],
  'map.table': ['Angka yang dipetakan', 'Figures on the map'],
  'map.area': ['Wilayah', 'Area'],
});

const W = 600;

function metricLabel(m) { return m.text || t(m.label); }

/**
 * The map of a report: `r` the report answer, `tab` its tab, `drill(code)`
 * the link to an area's view, `query`/`path` the hash (the chosen figure
 * is kept in it as `map=`).
 */
export function ReportMap({ r, tab, drill, query, path = '/dashboard' }) {
  const metrics = useMemo(() => metricsFor(tab, r), [tab, r, lang()]);
  const code = r?.area?.code || '';
  const [shapes, setShapes] = useState({ code: null, data: null, error: null });

  useEffect(() => {
    if (!metrics.length) return undefined;
    let live = true;
    setShapes((s) => (s.code === code ? s : { code, data: null, error: null }));
    shapesFor(code).then((data) => { if (live) setShapes({ code, data, error: null }); },
      (error) => { if (live) setShapes({ code, data: null, error }); });
    return () => { live = false; };
  }, [code, metrics.length > 0]);

  if (!metrics.length) return null;
  const metric = metrics.find((m) => m.key === query.map) || metrics[0];
  const data = shapes.code === code ? shapes.data : null;
  return (
    <section class="map-block" id="map" data-metric={metric.key} data-level={data?.level || ''} data-ready={data ? '1' : '0'}>
      <div class="map-head">
        <h3>{t('map.title')}</h3>
        {metrics.length > 1 && (
          <label class="map-pick">
            <span>{t('map.show')}</span>
            <select id="map-metric" value={metric.key} onChange={(e) => navigate(path, { ...query, map: e.currentTarget.value })}>
              {metrics.map((m) => <option key={m.key} value={m.key}>{metricLabel(m)}</option>)}
            </select>
          </label>
        )}
      </div>
      {shapes.error && <Alert error={shapes.error} />}
      {!data && !shapes.error && <p class="muted map-loading">{t('map.loading')}</p>}
      {data && <MapBody data={data} metric={metric} drill={drill} />}
    </section>
  );
}

function MapBody({ data, metric, drill }) {
  const { classes, classOf } = useMemo(() => classesFor(metric), [metric]);
  const items = metric.items;
  const byCode = useMemo(() => new Map(items.map((i) => [i.area.code, i])), [items]);

  const geo = useMemo(() => {
    const fc = { type: 'FeatureCollection', features: data.children };
    if (!data.children.length) return null;
    // Planar (longitude, latitude) with y flipped: at 4-6° south the
    // distortion is under 1%, and no spherical winding can turn a shape
    // inside out.
    const proj = geoIdentity().reflectY(true);
    proj.fitWidth(W, fc);
    const path = geoPath(proj);
    const [[, y0], [, y1]] = path.bounds(fc);
    const h = Math.max(220, Math.min(W * 1.25, Math.ceil(y1 - y0)));
    proj.fitExtent([[8, 8], [W - 8, h - 8]], fc);
    return { path, h };
  }, [data]);

  const shown = new Set(data.children.map((f) => f.id));
  const noShape = items.filter((i) => !shown.has(i.area.code)).length;
  const sorted = [...items].sort((a, b) => rank(metric, b) - rank(metric, a) || a.area.name.localeCompare(b.area.name, 'id'));
  const usedHidden = items.some((i) => !classOf(i.value));
  // Beside the map on a laptop; folded under it on a phone, where the
  // report's own table follows anyway.
  const wide = typeof matchMedia !== 'function' || matchMedia('(min-width: 761px)').matches;

  return (
    <div class="map-grid">
      <figure class="map-figure">
        {geo && (
          <svg viewBox={`0 0 ${W} ${geo.h}`} class="map-svg" role="group" aria-label={`${t('map.title')}: ${metricLabel(metric)}`} id="map-svg">
            <defs>
              <pattern id="map-none" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="6" height="6" fill="#eef0f1" /><line x1="0" y1="0" x2="0" y2="6" stroke="#b9c3c9" stroke-width="2" />
              </pattern>
            </defs>
            <g class="map-context" aria-hidden="true">
              {data.context.map((f) => <path key={f.id} d={geo.path(f)} />)}
            </g>
            <g class="map-areas">
              {data.children.map((f) => {
                const item = byCode.get(f.id);
                const cls = item ? classOf(item.value) : null;
                const name = item?.area?.name || f.id;
                const text = item ? itemText(metric, item) : '—';
                const shape = (
                  <path d={geo.path(f)} fill={cls ? cls.color : NONE} data-area={f.id} data-class={cls?.key || 'none'}
                    data-value={item ? String(item.value ?? '') : ''} data-text={text}>
                    <title>{`${name}: ${text}`}</title>
                  </path>
                );
                return drill ? <a key={f.id} href={drill(f.id)} aria-label={`${name}: ${text}`} data-drill={f.id}>{shape}</a> : <g key={f.id}>{shape}</g>;
              })}
            </g>
          </svg>
        )}
        <figcaption>
          <ul class="map-legend" id="map-legend" aria-label={metricLabel(metric)}>
            <li class="legend-title">{metricLabel(metric)}</li>
            {classes.map((c) => <li key={c.key} data-class={c.key} data-color={c.color}><span class="swatch" style={{ background: c.color }} />{c.label}</li>)}
            {usedHidden && (
              <li data-class="none"><span class="swatch none" />{metric.kind === 'case' ? `${t('map.hidden')} / ${t('map.none')}` : t('map.none')}</li>
            )}
          </ul>
          {metric.kind === 'case' && <p class="hint" id="map-case-note">{t('map.caseNote')}</p>}
          {metric.kind === 'target' && <p class="hint">{t('map.radNote')}</p>}
          {noShape > 0 && <p class="hint" id="map-noshape">{t('map.noShape', { n: noShape })}</p>}
          {drill && <p class="hint">{t('map.hint')}</p>}
          <p class="hint map-credit">{t('map.credit')}</p>
        </figcaption>
      </figure>
      <details class="map-table" open={wide} id="map-table-box">
        <summary>{t('map.table')} ({fmtNumber(items.length)})</summary>
        <div class="scroll">
          <table class="list data" id="map-table" aria-label={t('map.table')}>
            <thead><tr><th>{t('map.area')}</th><th class="num">{metric.column ? t(metric.column) : metricLabel(metric)}</th></tr></thead>
            <tbody>
              {sorted.map((i) => {
                const cls = classOf(i.value);
                return (
                  <tr key={i.area.code} data-row={i.area.code} data-class={cls?.key || 'none'}>
                    <td><span class={cls ? 'swatch' : 'swatch none'} style={cls ? { background: cls.color } : undefined} aria-hidden="true" />
                      {drill ? <a href={drill(i.area.code)}>{i.area.name}</a> : i.area.name}
                      {!shown.has(i.area.code) && <span class="sub">{t('map.noShapeRow')}</span>}
                    </td>
                    <td class="num" data-fig={itemText(metric, i)}>{itemText(metric, i)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}

/** Sort key of a row: its figure; hidden and missing figures last. */
function rank(metric, item) {
  const v = item.value;
  if (metric.kind === 'case') {
    if (v === '<5') return 2.5;
    return /^[0-9]+$/.test(v || '') ? Number(v) : -1;
  }
  return typeof v === 'number' ? v : -1;
}
