// The vocabularies on the phone: received through sync (the native pull,
// collections=vocabularies, with a cursor of its own, so that a phone
// whose records cursor is already past them still gets them all), kept in
// IndexedDB (meta "vocab": id -> row) and installed in shared/vocab.js, so
// that pickers, labels and the form's checks follow the secretariat's
// edits offline.
import { setVocabularies } from '../../shared/vocab.js';
import { getMeta, setMeta, db } from './db.js';

const PAGE = 1000;

/** Installs the vocabularies this phone holds (at start, before any sync). */
export async function loadVocabularies() {
  const rows = await getMeta('vocab', null);
  if (rows) setVocabularies(Object.values(rows));
}

/**
 * Pulls the vocabularies' changes with api (sync.js's request function).
 * Returns true when the server answered 409 server_restored (it went back to
 * a backup since this phone's vocabulary cursor): the vocabularies are then
 * pulled again from zero here, and sync.js heals the records (docs/sync.md
 * "After a restore"). Their cursor keeps its own epoch, like the records'.
 */
export async function pullVocabularies(api, extra = {}) {
  let restored = false;
  for (let page = 0; page < 100; page++) {
    const cursor = (await getMeta('vocabCursor')) || 0;
    const q = new URLSearchParams({ cursor: String(cursor), epoch: String((await getMeta('vocabEpoch')) || 0), limit: String(PAGE),
      collections: 'vocabularies', ...extra });
    let res;
    try {
      res = await api('GET', '/api/sync/pull?' + q);
    } catch (err) {
      if (restored || err?.code?.('cursor') !== 'server_restored') throw err;
      restored = true;
      await forgetVocabularyCursor();
      continue;
    }
    // From zero the server sends every row: start from none, so that rows the restore lost go too.
    const fresh = res.reset || (cursor === 0 && (res.changes || []).length > 0);
    const rows = fresh ? {} : { ...((await getMeta('vocab', null)) || {}) };
    for (const c of res.changes || []) {
      if (c.deleted) delete rows[c.id];
      else rows[c.id] = c.record;
    }
    await db.transaction('rw', db.meta, async () => {
      await setMeta('vocab', rows);
      await setMeta('vocabCursor', res.cursor);
      if (res.epoch) await setMeta('vocabEpoch', res.epoch);
    });
    if ((res.changes || []).length || res.reset) setVocabularies(Object.values(rows));
    if (!res.hasMore) return restored;
  }
  return restored;
}

/** Makes the next vocabulary pull start from zero (after a restore of the server). */
export async function forgetVocabularyCursor() {
  await db.transaction('rw', db.meta, async () => {
    await db.meta.put({ k: 'vocabCursor', v: 0 });
    await db.meta.delete('vocabEpoch');
  });
}
