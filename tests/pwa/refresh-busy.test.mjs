// A phone whose token expired while the server cannot renew it (503
// auth_unavailable, e.g. the database overloaded): the phone keeps its
// session and its data and tries again later; it is not signed out. Once
// the server answers, the same session renews its token and syncs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, PHONE, startServer, until, firstSync, syncAfter } from './harness.mjs';

const VILLAGE = '18.01.04.2001'; // Hajimena, Natar, Lampung Selatan
const REGENCY = '18.01';

let server, browser, officer, verifier;

before(async () => {
  server = await startServer();
  officer = await server.createUser({ email: 'desa-busy@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: VILLAGE });
  verifier = await server.createUser({ email: 'verif-busy@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The phone's stored session (IndexedDB meta "session"). */
function storedSession(page) {
  return page.evaluate(async () => {
    const open = indexedDB.open('jangkau-field');
    const db = await new Promise((ok, fail) => { open.onsuccess = () => ok(open.result); open.onerror = fail; });
    const s = await new Promise((ok) => { const r = db.transaction('meta').objectStore('meta').get('session'); r.onsuccess = () => ok(r.result?.v); });
    db.close();
    return s;
  });
}

test('a token refresh the server cannot answer (503) keeps the phone signed in', { timeout: 180000 }, async () => {
  const vToken = await server.login(verifier.email);
  const enrollment = await server.api('POST', '/api/devices/enrollments', vToken, { user: officer.id });
  // Service workers off so that every request meets page.route.
  const ctx = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${server.url}/app/#/activate?code=${encodeURIComponent(enrollment.code)}`);
  await page.waitForSelector('[data-testid=activate-form]');
  await page.fill('[name=name]', 'HP Desa Hajimena');
  await page.click('[data-testid=activate-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  await firstSync(page);
  const first = await storedSession(page);
  assert.equal(first.kind, 'device');

  // The token is refused as expired, and the refresh finds the server unable to read the device.
  let refreshes = 0;
  await page.route('**/api/sync/pull?*', (route) => route.fulfill({ status: 401, contentType: 'application/json',
    body: JSON.stringify({ status: 401, message: 'Token kedaluwarsa. / Token expired.', data: { token: { code: 'token_expired', message: 'expired' } } }) }));
  await page.route('**/api/devices/refresh', (route) => {
    refreshes++;
    return route.fulfill({ status: 503, contentType: 'application/json', headers: { 'Retry-After': '5' },
      body: JSON.stringify({ status: 503, message: 'Server sibuk. / Server busy.', data: { token: { code: 'auth_unavailable', message: 'busy' } } }) });
  });
  await syncAfter(page, () => page.click('[data-testid=sync-now]'), 'the failed sync to end');
  assert.ok(refreshes > 0, 'the refresh was tried');
  const kept = await storedSession(page);
  assert.ok(!kept.needsLogin, `signed out by a 503: ${kept.authError}`);
  assert.equal(kept.refreshToken, first.refreshToken, 'the refresh token is kept');
  assert.equal(await page.locator('[data-testid=login-form]').count(), 0, 'no sign-in form');

  // The server answers again: the same session renews its token and syncs.
  await page.unroute('**/api/sync/pull?*');
  await page.unroute('**/api/devices/refresh');
  await syncAfter(page, () => page.click('[data-testid=sync-now]'), 'the sync after');
  const after = await storedSession(page);
  assert.ok(!after.needsLogin, 'signed in after');
  assert.equal(await page.locator('[data-testid=login-form]').count(), 0, 'no sign-in form');
  await ctx.close();
});
