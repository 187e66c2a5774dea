// The wipe of a revoked phone (issue 15; docs/field-app.md, "Revoked with
// wipe"). A verifier who revokes a phone may choose "wipe": the server then
// answers this phone's requests with 401 device_wipe, still takes what the
// phone sends (sync push, photo uploads) and shows it nothing. The phone
// sends everything it holds first, tells the server (POST
// /api/devices/wiped), then deletes its synced data: records and photos
// (IndexedDB), the vocabularies it received, its cursors, its tokens and
// its push subscription. A bilingual message stays on the sign-in screen.
import { api, ApiError, forgetSession, OfflineError, WipeRequested } from './api.js';
import { db } from './db.js';
import { setVocabularies } from '../../shared/vocab.js';

/** localStorage key of the moment this phone was wiped (the message; no data). */
export const WIPED_KEY = 'jangkau.wiped';

/**
 * Sends what the phone holds with send() (sync.js's push and photo upload),
 * confirms, then deletes. Throws OfflineError (or a server error) while it
 * cannot send: nothing is deleted then, and the next sync tries again.
 */
export async function sendThenWipe(send) {
  try {
    await send();
  } catch (err) {
    // 401: the server takes nothing more (an earlier wipe was confirmed, or
    // the phone's credentials were copied): what is left cannot be sent
    const refused = err instanceof WipeRequested || (err instanceof ApiError && err.status === 401);
    if (!refused) throw err;
  }
  try {
    await api('POST', '/api/devices/wiped');
  } catch (err) {
    if (err instanceof OfflineError) throw err;
    // already confirmed (401 device_wipe) or refused: delete all the same
  }
  await deleteEverything();
}

/** Deletes every record, photo, cursor, vocabulary, token and the push subscription. */
export async function deleteEverything() {
  await db.transaction('rw', db.records, db.photos, db.meta, async () => {
    await db.records.clear();
    await db.photos.clear();
    await db.meta.clear();
  });
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    const sub = await reg?.pushManager?.getSubscription();
    await sub?.unsubscribe();
  } catch { /* no push subscription */ }
  setVocabularies([]);
  try { localStorage.setItem(WIPED_KEY, new Date().toISOString()); } catch { /* the message is not shown again */ }
  forgetSession();
}

/** When this phone was wiped (ISO time), or ''. */
export function wipedAt() {
  try { return localStorage.getItem(WIPED_KEY) || ''; } catch { return ''; }
}

/** Hides the message (the officer read it, or the phone is activated again). */
export function dismissWiped() {
  try { localStorage.removeItem(WIPED_KEY); } catch { /* nothing kept */ }
}
