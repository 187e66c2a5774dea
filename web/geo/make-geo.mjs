// Derives the console's map files from the Lampung boundaries of the
// wilayah_boundaries data set (Cahya DSN, MIT; see LICENSE beside the files):
//
//   cd web && node geo/make-geo.mjs /path/to/shared/geo/lampung
//
// Run once, when the boundaries change; commit its output:
//   ../pb_public/geo/lampung.<hash>.topo.json          regencies and districts
//   ../pb_public/geo/villages-18.RR.<hash>.topo.json   villages of one regency (loaded on demand)
//   ../pb_public/geo/LICENSE, README.md                the source's licence, how the files were made
//   console/geo/files.js                               the file names, for the console's bundle
//
// Steps: parse the SQL rows (kode, nama, lat, lng, path); swap the source's
// [lat, lng] pairs to GeoJSON's [lng, lat]; drop islands too small to see
// (never a feature's largest polygon); wind rings as d3-geo wants them
// (outer rings clockwise); build a TopoJSON topology (shared borders become
// one arc); simplify by Visvalingam's effective area (topojson-simplify,
// keeping at least one point per arc and two per closed ring, so no area
// collapses to a line); quantize. Names are not kept: the console takes them
// from the areas table. The output depends only on the input files.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';
import { quantize } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2];
if (!src) {
  console.error('usage: node geo/make-geo.mjs /path/to/geo/lampung');
  process.exit(2);
}
const outDir = join(here, '..', '..', 'pb_public', 'geo');
const manifest = join(here, '..', 'console', 'geo', 'files.js');

// Degrees² (about 12,000 km² a degree² here). Points whose triangle is
// smaller than this go; rings smaller than the island limit go.
const LEVELS = {
  regencies: { island: 2e-5 },
  districts: { weight: 2e-6, island: 2e-5, quantize: 1e4 },
  villages: { weight: 3e-7, island: 2e-7, quantize: 1e4 },
};

const ROW = /\('([0-9.]+)','((?:[^']|'')*)',(-?[0-9.]+),(-?[0-9.]+),'(\[[^']*\])'\)/g;

async function readRows(file) {
  const sql = await readFile(file, 'utf8');
  const rows = [];
  for (const m of sql.matchAll(ROW)) rows.push({ code: m[1], path: JSON.parse(m[5]) });
  if (!rows.length) throw new Error(`${file}: no rows`);
  return rows;
}

const ringArea = (ring) => {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return a / 2; // > 0: counter-clockwise with x east, y north
};

function toFeature({ code, path }, island) {
  // Polygon [[[lat,lng]...]] or MultiPolygon [[[[lat,lng]...]]].
  const polys = Array.isArray(path[0][0][0]) ? path : [path];
  let polygons = polys.map((poly) => poly.map((ring) => ring.map(([lat, lng]) => [lng, lat])));
  const size = (p) => Math.abs(ringArea(p[0]));
  const largest = polygons.reduce((best, p) => (size(p) > size(best) ? p : best), polygons[0]);
  polygons = polygons.filter((p) => p === largest || size(p) >= island);
  polygons = polygons.map((poly) => poly
    .filter((ring, i) => i === 0 || Math.abs(ringArea(ring)) >= island)
    .map((ring, i) => {
      const ccw = ringArea(ring) > 0;
      // d3-geo: outer rings clockwise, holes counter-clockwise.
      return (i === 0) === ccw ? ring.slice().reverse() : ring;
    }));
  return { type: 'Feature', id: code, properties: {}, geometry: { type: 'MultiPolygon', coordinates: polygons } };
}

function compact(objects, level) {
  const topo = presimplify(topology(objects));
  for (const arc of topo.arcs) {
    const closed = arc.length > 3 && arc[0][0] === arc[arc.length - 1][0] && arc[0][1] === arc[arc.length - 1][1];
    const inner = arc.slice(1, -1).sort((a, b) => b[2] - a[2]);
    for (const p of inner.slice(0, closed ? 2 : 1)) p[2] = Infinity;
  }
  const out = quantize(simplify(topo, level.weight), level.quantize);
  // Rounded bbox: no float noise in the file.
  out.bbox = out.bbox.map((v) => Math.round(v * 1e5) / 1e5);
  return out;
}

const hash = (s) => createHash('sha256').update(s).digest('hex').slice(0, 10);

async function write(name, topo) {
  const text = JSON.stringify(topo);
  const file = `${name}.${hash(text)}.topo.json`;
  await writeFile(join(outDir, file), text);
  return { file, bytes: text.length };
}

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await mkdir(dirname(manifest), { recursive: true });

const regencies = (await readRows(join(src, 'regencies_18.sql'))).map((r) => toFeature(r, LEVELS.regencies.island));
const districts = (await readRows(join(src, 'districts_18.sql'))).map((r) => toFeature(r, LEVELS.districts.island));
// Regencies and districts: two objects of one topology (where the two data
// sets draw the same border, it is one arc).
const province = { main: await write('lampung', compact({
  regencies: { type: 'FeatureCollection', features: regencies },
  districts: { type: 'FeatureCollection', features: districts },
}, LEVELS.districts)) };

const villages = {};
const withShape = [];
const vdir = join(src, 'villages');
for (const f of (await readdir(vdir)).filter((f) => /^villages_18\.\d\d\.sql$/.test(f)).sort()) {
  const regency = f.slice('villages_'.length, -'.sql'.length);
  const rows = await readRows(join(vdir, f));
  withShape.push(...rows.map((r) => r.code));
  const topo = compact({ villages: { type: 'FeatureCollection', features: rows.map((r) => toFeature(r, LEVELS.villages.island)) } }, LEVELS.villages);
  villages[regency] = await write(`villages-${regency}`, topo);
}

await writeFile(join(outDir, 'LICENSE'), await readFile(join(src, 'LICENSE'), 'utf8'));
await writeFile(join(outDir, 'README.md'), `# Map files of the console

Derived from the Lampung boundaries of the \`wilayah_boundaries\` data set by Cahya DSN
(MIT License, see LICENSE; codes of Kepmendagri 300.2.2-2430/2025, the same dotted codes as
Jangkau's areas) by \`web/geo/make-geo.mjs\`:

    cd web && node geo/make-geo.mjs /path/to/shared/geo/lampung

TopoJSON (shared borders stored once), coordinates [longitude, latitude], simplified with
topojson-simplify and quantized to 10,000 steps per side; small islands dropped; no names
(the console names areas from its areas table). \`lampung.*.topo.json\` holds the objects
\`regencies\` and \`districts\`; \`villages-18.RR.*.topo.json\` the villages of
regency 18.RR, loaded when a district is opened. The hash in each name changes with its
content. Do not edit by hand: run the script again.
`);

const total = province.main.bytes + Object.values(villages).reduce((s, v) => s + v.bytes, 0);
await writeFile(manifest, `// Generated by web/geo/make-geo.mjs: the map files in pb_public/geo/ (do not edit).
// Boundaries: wilayah_boundaries by Cahya DSN, MIT License (pb_public/geo/LICENSE).
export const GEO_BASE = '/geo/';
export const GEO_PROVINCE = ${JSON.stringify(province.main.file)};
export const GEO_VILLAGES = ${JSON.stringify(Object.fromEntries(Object.entries(villages).map(([k, v]) => [k, v.file])), null, 2)};
/** How many villages of each regency have a shape (the rest are listed in tables only). */
export const GEO_VILLAGE_COUNT = ${JSON.stringify(Object.fromEntries(Object.keys(villages).map((k) => [k, withShape.filter((c) => c.startsWith(k + '.')).length])))};
`);
console.log(`province ${(province.main.bytes / 1024).toFixed(1)} KiB; villages ${Object.entries(villages).map(([k, v]) => `${k} ${(v.bytes / 1024).toFixed(0)}`).join(', ')} KiB; all ${(total / 1024).toFixed(0)} KiB`);
