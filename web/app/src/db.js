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
// meta: small values (session, clientId, cursor, lastSync).
import Dexie from 'dexie';

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
    await db.meta.delete('lastSync');
  });
}

/** Records waiting to go to the server (queue length for sync health). */
export async function queueLength() {
  const recs = await db.records.where('dirty').equals(1).count();
  const photos = await db.photos.where('state').equals('queued').count();
  return recs + photos;
}
