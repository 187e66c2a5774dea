// The phone's database (IndexedDB through Dexie). Everything the officer
// enters lives here first; sync.js moves it to the server.
//
// records: one row per activity or outreach log, key "collection/id":
//   data       the record as the phone has it (editable fields only, normalized: see model.js)
//   remote     the server's record as last seen (every field, incl. status, review_note,
//              photo_hashes, photos_pending), or null if the server does not have it yet
//   version    the server version `remote` is at (the base of the next edit), or null
//   dirty      1 when `data` differs from what the server has (something to send)
//   pending    the mutation frozen for sending {mutationId, op, baseVersion, data, clientTime}:
//              sent again unchanged until the server answers, so a retry is exactly-once
//   rejection  the server's refusal {reason, errors, mutationId}: never resent unchanged
//   deleted    1 when the officer deleted it and the delete is not yet on the server
// photos: one row per photo taken on this phone, key [key+hash]; `blob` (the shrunk
//   JPEG) is kept until the server stores it, `thumb` for display.
// meta: small values (session, clientId, cursor and its epoch, lastSync).
import Dexie from 'dexie';
import { missingRequired } from './model.js';

export const db = new Dexie('jangkau-field');
db.version(1).stores({
  records: 'key, collection, dirty, localUpdated',
  photos: '[key+hash], key, state, added',
  meta: 'k',
});

export async function getMeta(k, fallback = null) {
  const row = await db.meta.get(k);
  return row ? row.v : fallback;
}

export function setMeta(k, v) {
  return db.meta.put({ k, v });
}

/** Wipes every local record and photo (sign-out, or another account on this phone). */
export async function wipeData() {
  await db.transaction('rw', db.records, db.photos, db.meta, async () => {
    await db.records.clear();
    await db.photos.clear();
    await db.meta.delete('cursor');
    await db.meta.delete('programmesCursor');
    await db.meta.delete('epoch');
    await db.meta.delete('lastSync');
  });
}

/** Records waiting to go to the server (queue length for sync health). */
export async function queueLength() {
  // A refused record never goes until it is edited, and an incomplete draft
  // stays on the phone: neither is "waiting to be sent".
  const recs = await db.records.where('dirty').equals(1).filter((r) => !r.rejection && (r.deleted || !!r.pending || !missingRequired(r.collection, r.data).length)).count();
  const photos = await db.photos.where('state').equals('queued').count();
  return recs + photos;
}

/** Records the server refused, per collection: they wait for the officer to fix them. */
export async function refusedCounts() {
  const out = { activities: 0, outreach_logs: 0, village_programs: 0, total: 0 };
  await db.records.where('dirty').equals(1).each((r) => { if (r.rejection) { out[r.collection] = (out[r.collection] || 0) + 1; out.total++; } });
  return out;
}

/** Everything not on the server yet (sign-out warns about it): queued, refused or kept as a draft. */
export async function unsentCount() {
  return (await db.records.where('dirty').equals(1).count()) + (await db.photos.where('state').equals('queued').count());
}
