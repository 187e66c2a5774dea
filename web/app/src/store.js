// Local changes: what the forms do. Nothing here needs the network; sync.js
// picks up whatever is marked dirty.
import { db } from './db.js';
import { differs, normalize } from './model.js';

export const keyOf = (collection, id) => `${collection}/${id}`;

/**
 * Saves the officer's version of a record, with the photos taken for it
 * ({hash, blob, thumb, width, height}), in one transaction. A save clears the
 * server's earlier refusal: the record is sent again, as a new mutation.
 */
let lastSave = 0;

export async function saveRecord(collection, id, data, newPhotos = []) {
  const key = keyOf(collection, id);
  // strictly increasing: sync sends records in the order they were saved
  const now = Math.max(Date.now(), lastSave + 1);
  lastSave = now;
  await db.transaction('rw', db.records, db.photos, async () => {
    const prev = await db.records.get(key);
    const rec = prev || { key, collection, id, remote: null, version: null, pending: null, rejection: null, created: now };
    rec.data = normalize(collection, data);
    rec.rejection = null;
    rec.conflict = null;
    rec.dirty = !rec.remote || differs(collection, rec.data, rec.remote) || rec.pending ? 1 : 0;
    rec.localUpdated = now;
    await db.records.put(rec);
    for (const p of newPhotos) {
      await db.photos.put({ key, hash: p.hash, collection, recordId: id, blob: p.blob, thumb: p.thumb, width: p.width, height: p.height, state: 'queued', error: null, attempts: 0, added: now });
    }
    // photos the officer took out before they were sent
    const keep = new Set(rec.data.photos_expected);
    await db.photos.where('key').equals(key).filter((p) => !keep.has(p.hash) && p.state !== 'done').delete();
  });
}

/**
 * Deletes a draft. One the server never had goes at once; otherwise the delete
 * waits on the phone until it is sent.
 */
export async function deleteRecord(key) {
  await db.transaction('rw', db.records, db.photos, async () => {
    const rec = await db.records.get(key);
    if (!rec) return;
    if (!rec.remote && !rec.pending) {
      await db.records.delete(key);
      await db.photos.where('key').equals(key).delete();
      return;
    }
    rec.deleted = 1;
    rec.dirty = 1;
    rec.rejection = null;
    rec.localUpdated = Date.now();
    await db.records.put(rec);
  });
}

/** Drops the phone's unsent changes and takes the server's version again. */
export async function discardChanges(key) {
  await db.transaction('rw', db.records, db.photos, async () => {
    const rec = await db.records.get(key);
    if (!rec || rec.pending) return;
    if (!rec.remote) {
      await db.records.delete(key);
      await db.photos.where('key').equals(key).delete();
      return;
    }
    rec.data = normalize(rec.collection, rec.remote);
    rec.dirty = 0;
    rec.deleted = 0;
    rec.rejection = null;
    rec.conflict = null;
    await db.records.put(rec);
    const keep = new Set(rec.data.photos_expected);
    await db.photos.where('key').equals(key).filter((p) => !keep.has(p.hash)).delete();
  });
}
