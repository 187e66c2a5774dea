// The PocketBase client of the console: auth is kept by the SDK in
// localStorage ("pocketbase_auth") and sent on every request and on the
// realtime connection.
import PocketBase from 'pocketbase';
import { useRef } from 'preact/hooks';
import { drawId } from '../shared/ids.js';

export const pb = new PocketBase(location.origin);
// Several screens load in parallel; do not let the SDK cancel one request
// because another with the same path started.
pb.autoCancellation(false);

/** The signed-in user record, or null. */
export function me() {
  const r = pb.authStore.record;
  return r && r.collectionName === 'users' ? r : null;
}

/** Signs out and forgets the session on this browser. */
export function signOut() {
  pb.realtime.unsubscribe().catch(() => {});
  pb.authStore.clear();
}

// The server refuses a deactivated account with 401 on its next request:
// drop the session then, and the app shows the sign-in page. The change
// of one's own password settles its own 401 (a change whose answer was
// lost ended the session: ChangePassword signs in with the new password).
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.isValid && !response.url.includes('/auth-with-password')
    && !response.url.includes('/api/accounts/password')) {
    pb.authStore.clear();
  }
  return data;
};

/**
 * useLatest guards the answers of a list that reloads when its filters
 * change: `const latest = useLatest(); ... const current = latest();`
 * then deliver an answer only while `current()` is true. A filter changed
 * while the last list loads must not be overwritten by the older answer
 * arriving later (requests are not cancelled: autoCancellation is off).
 */
export function useLatest() {
  const ticket = useRef(0);
  return () => {
    const mine = ++ticket.current;
    return () => mine === ticket.current;
  };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new record id as PocketBase makes them: 15 characters of [a-z0-9] (drawId). */
export function newRecordId() {
  return drawId(ID_ALPHABET, 15);
}

/**
 * useCreateOnce returns `create(collection, body)`, which creates a record
 * exactly once across tries: the id is drawn here and sent with the body,
 * kept while the tries fail, and drawn anew after a success. A save tried
 * again after its answer was lost (the connection dropped, or the server
 * stopped right after it stored the record) is refused for that id; the
 * stored record is then the answer, not a second record.
 */
export function useCreateOnce() {
  const id = useRef(null);
  return async (collection, body) => {
    id.current ||= newRecordId();
    let rec;
    try {
      rec = await pb.collection(collection).create({ ...body, id: id.current });
    } catch (err) {
      const stored = err?.status === 400 && err?.response?.data?.id
        ? await pb.collection(collection).getOne(id.current).catch(() => null) : null;
      if (!stored) throw err;
      rec = stored;
    }
    id.current = null;
    return rec;
  };
}
