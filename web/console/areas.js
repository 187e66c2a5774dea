// Area names for display. Codes are the keys: 265 village names repeat in
// Lampung, so a village is always shown with its district and regency.
import { pb } from './pb.js';
import { t } from '../shared/i18n.js';

const byCode = new Map();
let loading = null;

/**
 * Loads the areas the user works in (a verifier: its regency; the province:
 * all 2,896) plus the province row. Safe to call many times.
 */
export function loadAreas(user) {
  if (loading) return loading;
  const area = user?.area || '';
  const regency = area.split('.').slice(0, 2).join('.');
  const filter = area.includes('.') ? pb.filter('id = {:r} || id ~ {:prefix} || level = "province"', { r: regency, prefix: regency + '.%' }) : '';
  loading = pb.collection('areas').getFullList({ filter, batch: 1000, fields: 'id,name,level,kind,parent,active,local_term' })
    .then((rows) => { for (const a of rows) byCode.set(a.id, a); return byCode; })
    .catch((err) => { loading = null; throw err; });
  return loading;
}

/** Forgets the loaded areas (on sign-out). */
export function forgetAreas() { byCode.clear(); loading = null; }

/** The area with this code, if loaded. */
export function area(code) { return byCode.get(code); }

/** The area's name, or its code when not loaded. */
export function areaName(code) { return byCode.get(code)?.name || code || ''; }

/** "Kec. Natar" / "Natar district". */
export function districtName(code) {
  const a = byCode.get(code);
  if (!a) return code || '';
  return t('area.district', { name: a.name });
}

/** A village's place: "Kec. Natar, Kabupaten Lampung Selatan". */
export function villagePlace(code) {
  if (!code) return '';
  const parts = code.split('.');
  const district = parts.slice(0, 3).join('.');
  const regency = parts.slice(0, 2).join('.');
  return `${districtName(district)}, ${areaName(regency)}`;
}

/** An area's level by its code: 18 province, 18.01 regency, 18.01.04 district, 18.01.04.2001 village. */
export function levelOf(code) {
  return code ? ['province', 'regency', 'district', 'village'][code.split('.').length - 1] || '' : '';
}

/**
 * An area's name and what tells it apart, by its level: a village
 * "Hajimena" within "Kec. Natar, Kabupaten Lampung Selatan"; a district
 * "Kec. Natar" within "Kabupaten Lampung Selatan"; a regency or the
 * province its name alone (within '').
 */
export function areaPlace(code) {
  const level = levelOf(code);
  if (level === 'village') return { level, name: areaName(code), within: villagePlace(code) };
  if (level === 'district') return { level, name: districtName(code), within: areaName(code.split('.').slice(0, 2).join('.')) };
  return { level, name: areaName(code), within: '' };
}

/** An area on one line: "Hajimena, Kec. Natar, Kabupaten Lampung Selatan", "Kec. Natar, Kabupaten Lampung Selatan", "Lampung". */
export function placeLabel(code) {
  const p = areaPlace(code);
  return p.within ? `${p.name}, ${p.within}` : p.name;
}

/** The area a record is about: an activity's area at its level (village to province), else its village. */
export function recordArea(r) { return r?.area || r?.village || ''; }

/** Child areas of a code, sorted by name then code. */
export function childrenOf(code, level) {
  const out = [];
  for (const a of byCode.values()) {
    if (a.parent === code && (!level || a.level === level)) out.push(a);
  }
  return out.sort((x, y) => x.name.localeCompare(y.name, 'id') || x.id.localeCompare(y.id));
}

/** Villages under a regency or district, sorted by name, then district. */
export function villagesUnder(code) {
  const out = [];
  for (const a of byCode.values()) {
    if (a.level === 'village' && a.id.startsWith(code + '.')) out.push(a);
  }
  return out.sort((x, y) => x.name.localeCompare(y.name, 'id') || districtName(x.parent).localeCompare(districtName(y.parent), 'id') || x.id.localeCompare(y.id));
}

/** Every loaded area (for pickers). */
export function allAreas() { return byCode.values(); }
