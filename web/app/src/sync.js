// Sync with Jangkau's native protocol (docs/sync.md): push the phone's
// changes as mutations, upload photos one per request (docs/media.md), pull
// the server's changes by cursor. Runs on start, on reconnect (the online
// event), every minute while the app is open, when /api/sync/stream says
// something changed, and when the officer presses the button.
//
// Exactly once: a record's change is frozen into `pending` with a mutation id
// and base version before it is sent, and sent again unchanged until the
// server answers (a replay gets the first answer). Later edits wait for the
// next mutation, based on the version the server returned.
import { api, ApiError, APP_VERSION, clientId, currentSession, keepFresh, OfflineError, openStream, WipeRequested } from './api.js';
import { oneAtATime } from './serial.js';
import { sendThenWipe } from './wipe.js';
import { db, getMeta, queueLength, setMeta } from './db.js';
import { COLLECTIONS, PROGRAMMES, diff, differs, normalize, missingRequired, newId } from './model.js';
import { forgetVocabularyCursor, pullVocabularies } from './vocab.js';

const PUSH_BATCH = 100;
const PULL_LIMIT = 500;
// How long an uploaded photo's bytes stay on the phone: a restore of the
// server to a backup up to this old gets them again (docs/sync.md "After a restore").
export const PHOTO_KEEP_MS = 14 * 24 * 3600 * 1000;
const PERIOD_MS = 60_000;
const RETRY_FIRST = 5_000;
const RETRY_MAX = 120_000;
let retryDelay = RETRY_FIRST;
let retryTimer = null;

// Photo errors worth retrying: the upload was cut or is still being processed.
const PHOTO_RETRY = new Set(['photo_corrupt', 'photo_aborted']);

// runs: how many syncs have ended (tests wait on it: a sync that has not begun yet also reads running: false)
const state = { running: false, again: false, online: navigator.onLine, lastError: null, lastSync: 0, streaming: false, runs: 0 };
const listeners = new Set();
export function onSyncState(fn) { listeners.add(fn); fn({ ...state }); return () => listeners.delete(fn); }
function emit(patch) { Object.assign(state, patch); for (const fn of listeners) fn({ ...state }); }

function canSync() {
  const s = currentSession();
  return s && !s.needsLogin && navigator.onLine;
}

/**
 * Runs one sync (or, if one is running, one more after it: a trigger that
 * comes while a sync is closing, e.g. the stream telling of a change the
 * closing sync did not pull, is not lost). Resolves when the phone and the
 * server agree or the network is gone.
 */
export const syncNow = oneAtATime(syncOnce);

async function syncOnce() {
  if (!canSync()) return;
  emit({ running: true, lastError: null });
  try {
    const wipe = () => sendThenWipe(async () => { await keepFresh(); await pushAll(); await uploadPhotos(); });
    const run = async () => {
      if (currentSession().wipe) { await wipe(); return; }
      do {
        state.again = false;
        try {
          await keepFresh();
          await pushAll();
          const uploaded = await uploadPhotos();
          if (await pullVocabularies(api, { clientId: await clientId(), appVersion: APP_VERSION })) {
            // The server went back to a backup since the vocabularies' cursor: heal (below), then sync again.
            await resendAfterRestore();
            state.again = true;
            continue;
          }
          await pullAll();
          await pullProgrammes();
          if (uploaded) await pullAll();
          if (await requeueLostPhotos()) state.again = true;
        } catch (err) {
          // revoked with wipe (told on any request): send the rest, then delete
          if (err instanceof WipeRequested) { await wipe(); return; }
          throw err;
        }
      } while (state.again && canSync());
      await dropOldPhotoBytes();
    };
    if (navigator.locks) await navigator.locks.request('jangkau-sync', run);
    else await run();
    if (!currentSession()) { emit({ wiped: true }); return; } // wiped: nothing to remember
    const now = Date.now();
    await setMeta('lastSync', now);
    emit({ lastSync: now });
    retryDelay = RETRY_FIRST;
  } catch (err) {
    emit({ lastError: err instanceof OfflineError ? 'offline' : err.message });
    if (!(err instanceof OfflineError) && !(err instanceof ApiError)) console.error(err);
    // A dropped connection with the network still "up" (a weak signal): try again soon, then less often.
    if (navigator.onLine && (err instanceof OfflineError || (err instanceof ApiError && err.status >= 500))) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(syncNow, retryDelay);
      retryDelay = Math.min(retryDelay * 3, RETRY_MAX);
    }
  } finally {
    emit({ running: false, runs: state.runs + 1 });
  }
}

async function freeze() {
  // Give each record with unsent changes (and no refusal to fix) a frozen mutation.
  const now = new Date().toISOString();
  return db.transaction('rw', db.records, async () => {
    const out = [];
    const dirty = await db.records.where('dirty').equals(1).toArray();
    for (const rec of dirty) {
      if (rec.rejection) continue;
      // A draft without the fields the server requires stays on the phone until completed.
      if (!rec.pending && !rec.deleted && missingRequired(rec.collection, rec.data).length) continue;
      if (!rec.pending) {
        if (rec.deleted) {
          rec.pending = { mutationId: 'm-' + crypto.randomUUID(), op: 'delete', baseVersion: rec.version, clientTime: now };
        } else {
          const data = diff(rec.collection, rec.data, rec.remote ? normalize(rec.collection, rec.remote) : null);
          if (Object.keys(data).length === 0) { rec.dirty = 0; await db.records.put(rec); continue; }
          rec.pending = { mutationId: 'm-' + crypto.randomUUID(), op: 'upsert', baseVersion: rec.remote ? rec.version : null, data, clientTime: now };
        }
        await db.records.put(rec);
      }
      out.push(rec);
    }
    // in the order the officer saved them (a programme's end before the row that follows it)
    return out.sort((a, b) => (a.localUpdated || 0) - (b.localUpdated || 0));
  });
}

async function pushAll() {
  for (let round = 0; round < 20; round++) {
    const recs = await freeze();
    if (recs.length === 0) return;
    for (let i = 0; i < recs.length; i += PUSH_BATCH) {
      const chunk = recs.slice(i, i + PUSH_BATCH);
      const mutations = chunk.map((r) => ({ mutationId: r.pending.mutationId, collection: r.collection, id: r.id, op: r.pending.op,
        baseVersion: r.pending.baseVersion ?? null, clientTime: r.pending.clientTime, ...(r.pending.op === 'upsert' ? { data: r.pending.data } : {}) }));
      const res = await api('POST', '/api/sync/push', { clientId: await clientId(), queueLength: await queueLength(), appVersion: APP_VERSION, mutations });
      await applyResults(res.results || []);
    }
  }
}

async function applyResults(results) {
  await db.transaction('rw', db.records, db.photos, async () => {
    for (const r of results) {
      const key = `${r.collection}/${r.id}`;
      const rec = await db.records.get(key);
      if (!rec || rec.pending?.mutationId !== r.mutationId) continue;
      const m = rec.pending;
      rec.pending = null;
      if (r.status === 'applied' || r.status === 'duplicate') {
        if (m.op === 'delete') {
          await db.records.delete(key);
          await db.photos.where('key').equals(key).delete();
          continue;
        }
        if (!rec.version || !r.version || r.version >= rec.version) {
          rec.remote = { ...(rec.remote || { id: rec.id, collectionName: rec.collection }), ...m.data };
          if (r.version) rec.version = r.version;
        }
        rec.sentAt = Date.now();
      } else if (r.status === 'conflict') {
        if (!r.record) {
          // deleted on the server meanwhile
          rec.rejection = { reason: 'deleted', errors: {}, mutationId: r.mutationId };
        } else {
          // Rebase: the server's record, with the fields this phone changed on top.
          const oldBase = rec.remote ? normalize(rec.collection, rec.remote) : null;
          const mine = diff(rec.collection, rec.data, oldBase);
          rec.remote = r.record;
          rec.version = r.version || r.record.version;
          rec.data = { ...normalize(rec.collection, r.record), ...mine };
          rec.conflict = { at: Date.now() };
        }
      } else if (!rec.remote && m.op === 'upsert' && /^privacy_/.test(r.errors?.id?.code || '')) {
        // The id itself reads as a phone or NIK number to the server's guard
        // (an id drawn before the app redrew such ids): the server stored
        // nothing under it, so the record and its photos go again under a
        // new id, in the next round of this sync.
        const id = newId();
        const moved = `${rec.collection}/${id}`;
        for (const p of await db.photos.where('key').equals(key).toArray()) {
          await db.photos.put({ ...p, key: moved, recordId: id });
        }
        await db.photos.where('key').equals(key).delete();
        await db.records.delete(key);
        await db.records.put({ ...rec, key: moved, id, pending: null, rejection: null, dirty: 1 });
        continue;
      } else {
        rec.rejection = { reason: r.reason || 'invalid', errors: r.errors || {}, mutationId: r.mutationId };
      }
      rec.dirty = rec.deleted || !rec.remote || differs(rec.collection, rec.data, normalize(rec.collection, rec.remote)) ? 1 : 0;
      await db.records.put(rec);
    }
  });
}

/** Uploads waiting photos, one per request. Returns how many landed. */
async function uploadPhotos() {
  const queued = await db.photos.where('state').equals('queued').sortBy('added');
  let landed = 0;
  for (const p of queued) {
    const rec = await db.records.get(p.key);
    if (!rec || !rec.remote || !rec.version) continue; // the record is not on the server yet
    const announced = Array.isArray(rec.remote.photos_expected) && rec.remote.photos_expected.includes(p.hash);
    if (!announced) continue; // its data sync has not announced it yet
    if (rec.remote.photo_hashes && rec.remote.photo_hashes[p.hash]) {
      await db.photos.update([p.key, p.hash], { state: 'done', sentAt: p.sentAt || Date.now() });
      continue;
    }
    const form = new FormData();
    form.append('photos+', new File([p.blob], 'foto.jpg', { type: 'image/jpeg' }));
    try {
      const updated = await api('PATCH', `/api/collections/${p.collection}/records/${encodeURIComponent(p.recordId)}`, form);
      await db.transaction('rw', db.records, db.photos, async () => {
        // The bytes stay for PHOTO_KEEP_MS: a restore of the server may need them again.
        await db.photos.update([p.key, p.hash], { state: 'done', sentAt: Date.now(), error: null });
        const r = await db.records.get(p.key);
        if (r?.remote) {
          r.remote = { ...r.remote, photos: updated.photos, photo_hashes: updated.photo_hashes, photos_pending: updated.photos_pending };
          await db.records.put(r);
        }
      });
      landed++;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err; // offline: resume on the next sync
      if (err.status === 404) continue; // not visible yet
      const fe = err.data?.photos || err.data?.photo_consent || err.data?.photos_expected || null;
      const code = fe?.code || '';
      if (err.status >= 500 || PHOTO_RETRY.has(code) || err.status === 429) {
        await db.photos.update([p.key, p.hash], { attempts: (p.attempts || 0) + 1, error: fe?.message || err.message });
        continue;
      }
      await db.photos.update([p.key, p.hash], { state: 'failed', error: fe?.message || err.message, errorCode: code });
    }
  }
  return landed;
}

async function pullAll() {
  for (let page = 0; page < 1000; page++) {
    const cursor = (await getMeta('cursor')) || 0;
    const q = new URLSearchParams({ cursor: String(cursor), epoch: String((await getMeta('epoch')) || 0), limit: String(PULL_LIMIT),
      collections: COLLECTIONS.join(','), clientId: await clientId(), queueLength: String(await queueLength()), appVersion: APP_VERSION });
    let res;
    try {
      res = await api('GET', '/api/sync/pull?' + q);
    } catch (err) {
      if (err instanceof ApiError && err.code('cursor') === 'server_restored') {
        // The server went back to a backup: what it acknowledged since may be gone.
        // Send this phone's records again (the server answers "duplicate" for those
        // it has), then pull from zero: syncNow runs once more.
        await resendAfterRestore();
        state.again = true;
        return;
      }
      if (err instanceof ApiError && err.code('cursor') === 'cursor_unknown') { await setMeta('cursor', 0); continue; }
      throw err;
    }
    await applyPull(res);
    if (!res.hasMore) return;
  }
}

/**
 * After a restore of the server (409 server_restored, docs/sync.md): every
 * record this phone has sent is marked as not on the server, so the next
 * push sends it whole with no base version. The server creates the ones the
 * restore lost, answers "duplicate" for those it holds as sent, and
 * "conflict" (then rebased and sent again) for those it holds older. Records
 * the phone only pulled are left to their authors' phones. The cursor and
 * epoch go back to zero: the next pull downloads the scope again.
 */
async function resendAfterRestore() {
  await forgetVocabularyCursor();
  await db.transaction('rw', db.records, db.meta, async () => {
    await db.records.toCollection().modify((rec) => {
      if (!rec.sentAt || rec.deleted || rec.pending || rec.rejection) return;
      rec.remote = null;
      rec.version = null;
      rec.dirty = 1;
    });
    await db.meta.put({ k: 'cursor', v: 0 });
    await db.meta.put({ k: 'programmesCursor', v: 0 });
    await db.meta.delete('epoch');
    // Once the pull from zero has told which photos the server holds, those it lacks go again.
    await db.meta.put({ k: 'photoCheck', v: 1 });
  });
}

/**
 * After a restore's pull from zero: queues again every photo this phone
 * uploaded and still holds whose record the server has without it (the
 * restore lost the upload). Returns how many were queued.
 */
async function requeueLostPhotos() {
  if (!(await getMeta('photoCheck'))) return 0;
  return db.transaction('rw', db.records, db.photos, db.meta, async () => {
    let queued = 0;
    const sent = await db.photos.where('state').equals('done').toArray();
    for (const p of sent) {
      if (!p.blob) continue; // kept no longer (older than PHOTO_KEEP_MS): lost with the server's copy
      const rec = await db.records.get(p.key);
      if (!rec?.remote || !rec.version) continue;
      if (rec.remote.photo_hashes?.[p.hash]) continue;
      await db.photos.update([p.key, p.hash], { state: 'queued', attempts: 0, error: null });
      queued++;
    }
    await db.meta.delete('photoCheck');
    return queued;
  });
}

/** Drops the bytes of photos the server has held for longer than PHOTO_KEEP_MS (the thumbnail stays). */
async function dropOldPhotoBytes() {
  const before = Date.now() - PHOTO_KEEP_MS;
  await db.photos.where('state').equals('done').modify((p) => {
    if (p.blob && (!p.sentAt || p.sentAt < before)) p.blob = null;
  });
}

/**
 * Pulls the village's programmes with a cursor of their own ("programmesCursor"):
 * from zero on a phone that had none, so the programmes recorded before the
 * app showed them arrive too. A cursor the server does not know starts again.
 */
async function pullProgrammes() {
  for (let page = 0; page < 100; page++) {
    const cursor = (await getMeta('programmesCursor')) || 0;
    const q = new URLSearchParams({ cursor: String(cursor), epoch: String((await getMeta('epoch')) || 0), limit: String(PULL_LIMIT), collections: PROGRAMMES,
      clientId: await clientId(), queueLength: String(await queueLength()), appVersion: APP_VERSION });
    let res;
    try {
      res = await api('GET', '/api/sync/pull?' + q);
    } catch (err) {
      const code = err instanceof ApiError ? err.code('cursor') : '';
      if (cursor && (code === 'cursor_unknown' || code === 'server_restored')) { await setMeta('programmesCursor', 0); continue; }
      throw err;
    }
    await applyPull(res, { cursorKey: 'programmesCursor', only: PROGRAMMES });
    if (!res.hasMore) return;
  }
}

/**
 * Applies a pull answer. cursorKey: the meta holding this pull's cursor;
 * only: the collection the pull covers (a reset drops only its records),
 * or none for the records pull.
 */
async function applyPull(res, { cursorKey = 'cursor', only = null } = {}) {
  await db.transaction('rw', db.records, db.photos, db.meta, async () => {
    if (res.reset) {
      // Drop what the server sent before (it sends the whole scope again); keep unsent changes.
      const synced = await db.records.filter((r) => !r.dirty && !r.pending && (only ? r.collection === only : r.collection !== PROGRAMMES)).toArray();
      for (const r of synced) {
        await db.records.delete(r.key);
        await db.photos.where('key').equals(r.key).delete();
      }
    }
    for (const c of res.changes || []) {
      const key = `${c.collection}/${c.id}`;
      const rec = await db.records.get(key);
      if (c.deleted) {
        if (!rec) continue;
        if (!rec.dirty && !rec.pending) {
          await db.records.delete(key);
          await db.photos.where('key').equals(key).delete();
        } else {
          rec.remote = null;
          rec.version = null;
          await db.records.put(rec);
        }
        continue;
      }
      const remote = c.record;
      if (!rec) {
        await db.records.put({ key, collection: c.collection, id: c.id, data: normalize(c.collection, remote), remote, version: c.version,
          dirty: 0, pending: null, rejection: null, created: Date.now(), localUpdated: Date.now() });
        continue;
      }
      if (rec.version && c.version < rec.version) continue;
      rec.remote = remote;
      rec.version = c.version;
      if (!rec.dirty && !rec.pending) {
        rec.data = normalize(c.collection, remote);
      } else if (rec.rejection?.reason === 'locked' && remote.status === 'approved') {
        // keep the refusal visible; the officer may discard the change
      }
      if (!rec.pending && rec.dirty && !rec.deleted && !differs(rec.collection, rec.data, normalize(rec.collection, remote))) {
        rec.dirty = 0;
        rec.rejection = null;
      }
      await db.records.put(rec);
    }
    await db.meta.put({ k: cursorKey, v: res.cursor });
    if (res.epoch && !only) await db.meta.put({ k: 'epoch', v: res.epoch });
  });
}

// ---------------------------------------------------------------- triggers

let stream = null;
let timer = null;

async function listen() {
  // /api/sync/stream: {"cursor": n, "epoch": e} on connect and whenever a change in scope commits.
  if (stream || !canSync()) return;
  const ctrl = new AbortController();
  stream = ctrl;
  try {
    const reader = await openStream('/api/sync/stream', ctrl.signal);
    emit({ streaming: true });
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        for (const line of block.split('\n')) {
          if (!line.startsWith('data:')) continue;
          try {
            // A cursor past the phone's: something to pull. Another epoch: the server was
            // restored from a backup, and the next pull heals (409 server_restored).
            const { cursor, epoch } = JSON.parse(line.slice(5));
            const mine = await getMeta('epoch');
            if (cursor > ((await getMeta('cursor')) || 0) || (epoch && mine && epoch !== mine)) syncNow();
          } catch { /* not ours */ }
        }
      }
    }
  } catch (err) {
    // revoked with wipe: the stream is refused; a sync sends the rest and deletes
    if (err instanceof WipeRequested) { stream = null; syncNow(); return; }
  }
  finally {
    if (stream === ctrl) stream = null;
    emit({ streaming: false });
  }
  if (!ctrl.signal.aborted) setTimeout(listen, 5000);
}

function stopListening() {
  if (stream) { stream.abort(); stream = null; }
}

/** Starts the automatic syncs; returns a function that stops them. */
export function startAutoSync() {
  const onOnline = () => { emit({ online: true }); syncNow(); listen(); };
  const onOffline = () => { emit({ online: false }); stopListening(); };
  const onVisible = () => { if (document.visibilityState === 'visible') syncNow(); };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  timer = setInterval(() => { if (document.visibilityState === 'visible') syncNow(); }, PERIOD_MS);
  getMeta('lastSync').then((v) => emit({ lastSync: v || 0, online: navigator.onLine }));
  syncNow();
  listen();
  return () => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
    clearInterval(timer);
    clearTimeout(retryTimer);
    stopListening();
  };
}
