// Revoked with wipe (issue 15): the verifier revokes a phone choosing
// "wipe" while the phone is offline with an unsent activity and its photo.
// When the phone comes back online it sends both (they arrive on the
// server), tells the server, then deletes its synced data (records, photos,
// cursors, vocabularies, tokens) and shows a bilingual message. A reload
// finds nothing: the phone holds no data and no session.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gradientPng, launchBrowser, PHONE, shooter, startServer, until, firstSync } from './harness.mjs';

const VILLAGE = '18.01.04.2001'; // Hajimena, Natar, Lampung Selatan
const REGENCY = '18.01';
const TITLE = 'Sosialisasi sebelum HP dicabut';

let server, browser, officer, verifier;

before(async () => {
  server = await startServer();
  officer = await server.createUser({ email: 'desa-wipe@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: VILLAGE });
  verifier = await server.createUser({ email: 'verif-wipe@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** What the phone's IndexedDB holds: counts of records and photos, and the meta keys. */
function localData(page) {
  return page.evaluate(async () => {
    const open = indexedDB.open('jangkau-field');
    const db = await new Promise((ok, fail) => { open.onsuccess = () => ok(open.result); open.onerror = fail; });
    const all = (store) => new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
    const out = { records: (await all('records')).length, photos: (await all('photos')).length, meta: (await all('meta')).map((m) => m.k).sort() };
    db.close();
    return out;
  });
}

test('a phone revoked with wipe sends what it holds, then deletes its data', { timeout: 240000 }, async () => {
  const vToken = await server.login(verifier.email);
  const enrollment = await server.api('POST', '/api/devices/enrollments', vToken, { user: officer.id });
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  const shot = shooter(page, 'wipe');

  await page.goto(`${server.url}/app/#/activate?code=${encodeURIComponent(enrollment.code)}`);
  await page.waitForSelector('[data-testid=activate-form]');
  await page.fill('[name=name]', 'HP Desa Hajimena');
  await page.click('[data-testid=activate-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  await firstSync(page);
  const before = await localData(page);
  assert.ok(before.meta.includes('session') && before.meta.includes('vocab'), `session and vocabularies on the phone: ${before.meta}`);

  // Offline: an activity with a photo, submitted, waits on the phone.
  await ctx.setOffline(true);
  await until(async () => (await page.getAttribute('[data-testid=syncbar]', 'data-online')) === 'false', 'the app to notice it is offline');
  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
  const activityId = await page.getAttribute('[data-testid=record-form]', 'data-id');
  await page.fill('[name=title]', TITLE);
  await page.selectOption('select[name=type]', 'sosialisasi');
  await page.fill('[name=start_date]', '2025-03-10');
  await page.fill('[name=venue]', 'Balai desa Hajimena');
  await page.click('label.chip:has(input[name=topics][value=migrasi_aman])');
  await page.click('label.chip:has(input[name=target_groups][value=calon_pmi])');
  await page.fill('[name=male_adult]', '10');
  await page.fill('[name=female_adult]', '12');
  await page.setInputFiles('input[name=photo]', { name: 'IMG_20250310.png', mimeType: 'image/png', buffer: gradientPng(1200, 900) });
  await page.waitForSelector('[data-testid=photos] figure[data-hash]', { timeout: 30000 });
  await page.check('input[name=photo_consent]');
  await page.click('button[name=submit]');
  await page.waitForSelector('[data-testid=saved-notice]');
  const held = await localData(page);
  assert.ok(held.records >= 1 && held.photos === 1, `the unsent activity and photo on the phone: ${JSON.stringify(held)}`);

  // Meanwhile the verifier revokes the phone, choosing wipe.
  const devices = await server.api('GET', `/api/devices?user=${officer.id}`, vToken);
  assert.equal(devices.items.length, 1);
  const revoked = await server.api('POST', `/api/devices/${devices.items[0].id}/revoke`, vToken, { wipe: true });
  assert.equal(revoked.wipe, true);
  assert.equal(revoked.state, 'revoked');

  // Online again: the phone sends, then deletes, and says so.
  await ctx.setOffline(false);
  await page.waitForSelector('[data-testid=wiped]', { timeout: 60000 });
  assert.match(await page.textContent('[data-testid=wiped]'), /dicabut oleh verifikator/);
  await shot('wiped-id');

  // The activity and its photo arrived on the server.
  const rec = await server.api('GET', `/api/collections/activities/records/${activityId}`, server.superToken);
  assert.equal(rec.title, TITLE);
  assert.equal(rec.status, 'submitted');
  await until(async () => (await server.api('GET', `/api/collections/activities/records/${activityId}`, server.superToken)).photos.length === 1,
    'the photo stored on the server');
  // The server knows the wipe was done.
  const after = await server.api('GET', `/api/devices?user=${officer.id}`, vToken);
  assert.ok(after.items[0].wipedAt, 'the wipe confirmed on the server');

  // Nothing of the data, the tokens or the vocabularies stays on the phone.
  assert.deepEqual(await localData(page), { records: 0, photos: 0, meta: [] });
  assert.equal(await page.locator('[data-testid=syncbar]').count(), 0, 'no session left');

  // In English too, and still after a reload.
  await page.reload();
  await page.waitForSelector('[data-testid=wiped]');
  await page.click('[data-testid=lang-switch]');
  assert.match(await page.textContent('[data-testid=wiped]'), /revoked by the verifier/);
  assert.deepEqual(await localData(page), { records: 0, photos: 0, meta: [] });
  await shot('wiped-en');
  await ctx.close();
});
