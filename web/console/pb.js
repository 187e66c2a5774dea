// The PocketBase client of the console: auth is kept by the SDK in
// localStorage ("pocketbase_auth") and sent on every request and on the
// realtime connection.
import PocketBase from 'pocketbase';
import { useRef } from 'preact/hooks';

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
// drop the session then, and the app shows the sign-in page.
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.isValid && !response.url.includes('/auth-with-password')) {
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
