// Talking to the server: sign-in (password or device activation), the
// session kept in IndexedDB, and fetch with the token, renewing it when it
// runs out. The server is the origin that served the app.
import { errorCode } from '../../shared/apierror.js';
import { db, getMeta, setMeta, wipeData } from './db.js';
import { newId } from './model.js';

export { parseEnrollment } from './enroll.js';

export const APP_VERSION = '1.0.0';

/** An error the server answered, with PocketBase's field errors in `data`. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.data = body?.data || {};
  }
  /** The code of field's error (docs/api.md), undefined when none. */
  code(field) { return errorCode(this.body, field) || undefined; }
}

/** The network did not answer (offline, dropped connection). */
export class OfflineError extends Error {}

/**
 * The verifier revoked this phone choosing "wipe" (401 device_wipe): the
 * phone sends what it holds, then deletes its data (wipe.js). The session
 * keeps `wipe: true` until then, across restarts.
 */
export class WipeRequested extends Error {}

let session = null; // {kind: 'password'|'device', token, refreshToken?, user, area, deviceId?}
const listeners = new Set();

export function onSession(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function emit() { for (const fn of listeners) fn(session); }

export async function loadSession() {
  session = await getMeta('session');
  return session;
}

export function currentSession() { return session; }

async function saveSession(s) {
  session = s;
  await setMeta('session', s);
  emit();
}

/** The id of this app install (clientId of sync pushes), made once. */
export async function clientId() {
  let id = await getMeta('clientId');
  if (!id) {
    id = 'pwa-' + newId(20);
    await setMeta('clientId', id);
  }
  return id;
}

async function rawFetch(path, opts = {}) {
  let res;
  try {
    res = await fetch(path, opts);
  } catch (err) {
    throw new OfflineError(err.message);
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { message: text }; }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function jsonOpts(method, body, token) {
  return {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: token } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  };
}

/** A JWT's expiry (ms), or 0. */
function expiry(token) {
  try {
    const p = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return (p.exp || 0) * 1000;
  } catch { return 0; }
}

async function areaInfo(user) {
  // The officer's village with its district and regency (village names repeat).
  const out = { village: user.area, villageName: '', district: '', regency: '', localTerm: '' };
  try {
    const v = await rawFetch(`/api/collections/areas/records/${encodeURIComponent(user.area)}?expand=parent,parent.parent`, jsonOpts('GET', undefined, session?.token));
    out.villageName = v.name;
    out.kind = v.kind;
    const d = v.expand?.parent;
    out.district = d?.name || '';
    out.regency = d?.expand?.parent?.name || '';
    out.localTerm = d?.expand?.parent?.local_term || '';
  } catch { /* shown as the code */ }
  return out;
}

async function startSession(s) {
  const prev = await getMeta('session');
  const prevUser = prev?.user?.id || (await getMeta('lastUser'));
  if (prevUser && prevUser !== s.user.id) await wipeData(); // another account on this phone
  await setMeta('lastUser', s.user.id);
  try { localStorage.removeItem('jangkau.wiped'); } catch { /* nothing kept */ } // wipe.js's message: a new start
  session = s; // so areaInfo can use the token
  s.area = await areaInfo(s.user);
  await saveSession(s);
  return s;
}

export async function loginWithPassword(email, password) {
  const r = await rawFetch('/api/collections/users/auth-with-password', jsonOpts('POST', { identity: email, password }));
  return startSession({ kind: 'password', token: r.token, user: r.record });
}

/** After a change of password: the server's new session replaces the old (whose token it ended). */
export async function replaceSession(token, user) {
  const next = { ...session, token, user, needsLogin: false, authError: '' };
  session = next;
  // the area could not be read before the change (every API refuses a one-time password)
  if (!next.area?.villageName) next.area = await areaInfo(user);
  await saveSession(next);
}

export async function activateDevice(code, name) {
  const r = await rawFetch('/api/devices/activate', jsonOpts('POST', { code, name, platform: 'web', appVersion: APP_VERSION, clientId: await clientId() }));
  return startSession({
    kind: 'device', token: r.token, refreshToken: r.refreshToken, tokenExpiresAt: r.tokenExpiresAt,
    refreshExpiresAt: r.refreshExpiresAt, deviceId: r.device?.id, user: r.record,
  });
}

let refreshing = null;

/**
 * Renews the device token. One refresh at a time in this page (a shared
 * promise) and across tabs (a Web Lock): a refresh token must never be sent
 * twice once its successor is in use. The new pair is saved in one write
 * before it is used.
 */
async function refreshDevice() {
  if (refreshing) return refreshing;
  const run = async () => {
    const s = await getMeta('session'); // another tab may have refreshed already
    if (s?.kind !== 'device') throw new ApiError(401, { message: 'no device session' });
    if (session && s.refreshToken !== session.refreshToken) { session = s; emit(); return s; }
    const r = await rawFetch('/api/devices/refresh', jsonOpts('POST', { refreshToken: s.refreshToken }));
    // wipe: a token to send what the phone holds with, nothing more
    const next = { ...s, token: r.token, refreshToken: r.refreshToken, tokenExpiresAt: r.tokenExpiresAt, refreshExpiresAt: r.refreshExpiresAt, user: r.record || s.user, needsLogin: false,
      ...(r.wipe ? { wipe: true } : {}) };
    await saveSession(next);
    return next;
  };
  const locked = navigator.locks ? () => navigator.locks.request('jangkau-refresh', run) : run;
  refreshing = locked().finally(() => { refreshing = null; });
  return refreshing;
}

/** Renews a password session's token while it is still valid (PocketBase auth-refresh). */
async function refreshPassword() {
  const r = await rawFetch('/api/collections/users/auth-refresh', jsonOpts('POST', undefined, session.token));
  await saveSession({ ...session, token: r.token, user: r.record || session.user, needsLogin: false });
}

/** Keeps the token fresh ahead of time; call when online. */
export async function keepFresh() {
  if (!session || session.needsLogin) return;
  const exp = expiry(session.token);
  if (session.kind === 'device') {
    if (exp && exp - Date.now() < 5 * 60e3) await refreshDevice();
  } else if (exp && exp - Date.now() < 3 * 86400e3 && exp > Date.now()) {
    await refreshPassword();
  }
}

async function authFailed(err) {
  const code = err.code('token');
  if (session?.kind === 'device' && (code === 'token_expired' || code === 'token_invalid')) return 'refresh';
  if (session?.kind === 'device' && code === 'device_wipe') {
    if (!session.wipe) await saveSession({ ...session, wipe: true });
    return 'wipe';
  }
  // revoked device, deactivated account, expired password session: keep the data, ask to sign in again
  await saveSession({ ...session, needsLogin: true, authError: err.message });
  return 'stop';
}

/**
 * fetch with the session's token. `body` may be an object (sent as JSON) or
 * FormData. Renews an expired device token once and retries.
 */
export async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    if (!session) throw new ApiError(401, { message: 'not signed in' });
    const opts = body instanceof FormData
      ? { method, headers: { Authorization: session.token }, body }
      : jsonOpts(method, body, session.token);
    try {
      return await rawFetch(path, opts);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || attempt > 0) throw err;
      const next = await authFailed(err);
      if (next === 'wipe') throw new WipeRequested(err.message);
      if (next !== 'refresh') throw err;
      try {
        await refreshDevice();
      } catch (rerr) {
        if (rerr instanceof ApiError && rerr.code('refreshToken') === 'device_wipe') {
          await saveSession({ ...session, wipe: true });
          throw new WipeRequested(rerr.message);
        }
        // refused (revoked, expired, reused): sign in again; the server busy
        // or unavailable (5xx, 429): keep the session and try again later
        if (rerr instanceof ApiError && rerr.status < 500 && rerr.status !== 429) {
          await saveSession({ ...session, needsLogin: true, authError: rerr.message });
        }
        throw rerr;
      }
    }
  }
}

/** A streaming GET with the token (server-sent events of /api/sync/stream). */
export async function openStream(path, signal) {
  const res = await fetch(path, { headers: { Authorization: session.token, Accept: 'text/event-stream' }, signal });
  if (res.status === 401) {
    const body = await res.json().catch(() => ({}));
    const err = new ApiError(401, body);
    const next = await authFailed(err);
    if (next === 'wipe') throw new WipeRequested(err.message);
    if (next === 'refresh') await refreshDevice();
    throw err;
  }
  if (!res.ok) throw new ApiError(res.status, null);
  return res.body.getReader();
}

/** Forgets the session and its tokens (the wipe: nothing of them stays). */
export function forgetSession() {
  session = null;
  emit();
}

export async function logout() {
  await wipeData();
  await db.meta.delete('session');
  session = null;
  emit();
}
