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

/** Pulls the vocabularies' changes with api (sync.js's request function). */
export async function pullVocabularies(api, extra = {}) {
  for (let page = 0; page < 100; page++) {
    const cursor = (await getMeta('vocabCursor')) || 0;
    const q = new URLSearchParams({ cursor: String(cursor), limit: String(PAGE), collections: 'vocabularies', ...extra });
    const res = await api('GET', '/api/sync/pull?' + q);
    const rows = res.reset ? {} : { ...((await getMeta('vocab', null)) || {}) };
    for (const c of res.changes || []) {
      if (c.deleted) delete rows[c.id];
      else rows[c.id] = c.record;
    }
    await db.transaction('rw', db.meta, async () => {
      await setMeta('vocab', rows);
      await setMeta('vocabCursor', res.cursor);
    });
    if ((res.changes || []).length || res.reset) setVocabularies(Object.values(rows));
    if (!res.hasMore) return;
  }
}
