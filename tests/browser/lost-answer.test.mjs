// Browser test of a save whose answer is lost (the connection dropped, or
// the server stopped right after it stored the record): the user saves
// again, and the console shows the stored record instead of making a
// second one. The first answer is dropped after the server answered it
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
