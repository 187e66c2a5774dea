// Browser test of a save whose answer is lost (the connection dropped, or
// the server stopped right after it stored the record): the user saves
// again, and the console shows the stored record instead of making a
// second one; a programme's end-and-continue batch finds its new row and
// is done. The first answer is dropped after the server answered it
// (Playwright fetches it, then aborts the browser's request), which is
// what the browser sees when the server is killed after its commit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn } from './harness.mjs';

const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();
let server;
let browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'gtkab@uji.jangkau.id', name: 'Anggota GT Lampung Selatan', role: 'regency_taskforce_member', area: '18.01', cluster: 'law_enforcement' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an activity saved again after its answer was lost is stored once', async () => {
  const ctx = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID' });
  const page = await ctx.newPage();
  const shot = shooter(page, 'lost-answer');
  await signIn(page, server.url, 'gtkab@uji.jangkau.id');
  await page.goto(server.url + '/#/activity/new');
  await page.locator('#activity-form[data-mode=new]').waitFor();
  const title = 'Pelatihan penyidik jawaban hilang';
  await page.locator('#in-title').fill(title);
  await page.locator('#in-start_date').fill(`${YEAR}-03-10`);

  let stored = 0;
  await page.route('**/api/collections/activities/records', async (route) => {
    if (route.request().method() !== 'POST' || stored > 0) return route.fallback();
    const answer = await route.fetch(); // the server stores the record ...
    stored = answer.status() === 200 ? 1 : -1;
    await route.abort('connectionreset'); // ... and its answer never arrives
  });
  await page.locator('#act-draft').click();
  await page.locator('#activity-form .alert').first().waitFor();
  assert.equal(stored, 1, 'the first save was stored by the server');
  await shot('answer-lost');

  await page.locator('#act-draft').click(); // the user saves again
  await page.locator('#record[data-status=draft]').waitFor();
  const token = await server.login('gtkab@uji.jangkau.id');
  const list = await server.api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`title = "${title}"`)}`, token);
  assert.equal(list.totalItems, 1, `activities with the title: ${list.totalItems}`);
  assert.equal((await page.evaluate(() => location.hash)).split('/').pop(), list.items[0].id);
  await shot('stored-once');
  await ctx.close();
});

test('a programme ended and continued whose answer was lost is ended once', async () => {
  const village = '18.01.04.2001';
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await server.api('POST', '/api/collections/village_programs/records', server.superToken, { village, program: 'patbm', status: 'rintisan',
    valid_from: '2024-03-01 00:00:00.000Z', legal_basis_number: 'SK Kades 7/2024', legal_basis_date: '2024-02-20 00:00:00.000Z' });
  const rows = async () => (await server.api('GET', `/api/collections/village_programs/records?sort=valid_from&filter=${encodeURIComponent(`village="${village}"`)}`, server.superToken)).items;
  const ctx = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await ctx.newPage();
  await signIn(page, server.url, 'verifikator@uji.jangkau.id');
  await page.locator('[data-nav="programmes"]').click();
  await page.locator('#in-village').selectOption(village);
  await page.locator('#programme-table tr[data-program="patbm"] button[name=end]').click();
  await page.locator('#end-form #in-end-on').fill('2024-12-31');
  await page.locator('#end-form #in-next').selectOption('aktif');

  let stored = 0;
  await page.route('**/api/batch', async (route) => {
    if (stored > 0) return route.fallback();
    const answer = await route.fetch(); // the server ends the row and starts the next ...
    stored = answer.status() === 200 ? 1 : -1;
    await route.abort('connectionreset'); // ... and its answer never arrives
  });
  await page.locator('#end-form button[name=end]').click();
  // the batch is whole or nothing: its new row found, the try went through
  // (no error, nothing to try again; before, the error was shown and a
  // second try was refused as overlapping the row the first had started)
  await page.locator('#end-form').waitFor({ state: 'detached' });
  assert.equal(stored, 1, 'the first try was stored by the server');
  assert.deepEqual((await rows()).map((r) => [r.status, r.valid_from.slice(0, 10), r.valid_to.slice(0, 10)]), [
    ['rintisan', '2024-03-01', '2024-12-31'],
    ['aktif', '2025-01-01', ''],
  ]);
  await ctx.close();
});
