// Boundaries for the dashboard map: the TopoJSON files web/geo/make-geo.mjs
// derived from the wilayah_boundaries data set (Cahya DSN, MIT), served from
// our own server (/geo/), never from a tile server: the field office has no
// internet. Each file is fetched once per page load and kept in the
// browser's Cache API (where the page is a secure context, e.g. localhost
// or https), so the map keeps working when the server is slow or the
// connection drops; a file's name carries its content hash, so a new build
// never shows old borders.
import { feature } from 'topojson-client';
import { GEO_BASE, GEO_PROVINCE, GEO_VILLAGES } from '../geo/files.js';

const CACHE = 'jangkau-geo';
const memo = new Map();
const known = new Set([GEO_PROVINCE, ...Object.values(GEO_VILLAGES)].map((f) => GEO_BASE + f));

async function openCache() {
  try {
    if (!('caches' in window)) return null;
    const cache = await caches.open(CACHE);
    // Drop files of earlier builds.
    for (const req of await cache.keys()) {
      if (!known.has(new URL(req.url).pathname)) cache.delete(req);
    }
    return cache;
  } catch {
    return null; // not a secure context, or storage blocked: network only
  }
}
let cachePromise = null;

/** Loads one map file (TopoJSON), from memory, the Cache API or the server. */
export function loadTopo(file) {
  if (memo.has(file)) return memo.get(file);
  const url = GEO_BASE + file;
  const p = (async () => {
    cachePromise ||= openCache();
    const cache = await cachePromise;
    let res = cache ? await cache.match(url).catch(() => null) : null;
    if (!res) {
      res = await fetch(url);
      if (!res.ok) throw Object.assign(new Error(`${url}: ${res.status}`), { status: res.status });
      if (cache) await cache.put(url, res.clone()).catch(() => {});
    }
    return res.json();
  })();
  memo.set(file, p);
  p.catch(() => memo.delete(file));
  return p;
}

const byPrefix = (features, code) => features.filter((f) => f.id.startsWith(code + '.'));

/**
 * The shapes of the children of an area (regencies of the province,
 * districts of a regency, villages of a district), with the shapes around
 * them for context. Null for a village (it has no children).
 */
export async function shapesFor(code) {
  const depth = code.split('.').length;
  if (depth >= 4) return null;
  const prov = await loadTopo(GEO_PROVINCE);
  const regencies = feature(prov, prov.objects.regencies).features;
  if (depth === 1) return { children: regencies, context: [], level: 'regency' };
  const districts = feature(prov, prov.objects.districts).features;
  if (depth === 2) {
    return { children: byPrefix(districts, code), context: regencies.filter((f) => f.id !== code), level: 'district' };
  }
  const regency = code.slice(0, 5);
  const file = GEO_VILLAGES[regency];
  if (!file) return { children: [], context: [], level: 'village' };
  const vt = await loadTopo(file);
  const villages = feature(vt, vt.objects.villages).features;
  return { children: byPrefix(villages, code), context: byPrefix(districts, regency).filter((f) => f.id !== code), level: 'village' };
}
