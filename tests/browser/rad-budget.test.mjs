// RAD indicators of issue 16 in the console: the secretariat enters an
// indicator where lower is better, with a budget for a plan year; the
// dashboard's RAD tab shows which way is better and the share of the budget
// realised.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, signIn, SIZES } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an indicator where lower is better, with a budget', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-rad-budget');
  await signIn(page, server.url, 'sekretariat@uji.jangkau.id');
  await page.goto(server.url + '/#/rad');
  await page.locator('#rad-table').waitFor();
  await page.locator('#rad-new').click();
  await page.locator('#in-code').fill('L.9.1');
  await page.locator('#in-description').fill('Jumlah perkawinan anak yang tercatat');
  await page.locator('#in-unit').fill('kasus');
  await page.locator('#in-level').selectOption('province');
  await page.locator('#in-direction').selectOption('lower');
  await page.locator('[data-target-year="2025"]').fill('10');
  await page.locator('[data-budget-year="2025"][data-budget="allocation"]').fill('200000000');
  await page.locator('[data-budget-year="2025"][data-budget="realisation"]').fill('150000000');
  await shot('form');
  await page.locator('#rad-save').click();
  await page.locator('#rad-table tr[data-indicator="L.9.1"]').waitFor();
  const [ind] = (await server.api('GET', `/api/collections/rad_indicators/records?filter=${encodeURIComponent('code="L.9.1"')}`, server.superToken)).items;
  assert.equal(ind.direction, 'lower');
  assert.deepEqual(ind.budgets, { 2025: { allocation: 200000000, realisation: 150000000 } });

  await page.goto(`${server.url}/#/dashboard?tab=rad&period=year&year=2025`);
  const line = page.locator('[data-budget]').first();
  await line.waitFor();
  assert.match(await line.textContent(), /200\.000\.000.*150\.000\.000.*75%/);
  assert.match(await page.locator('#dashboard').textContent(), /Makin rendah makin baik/);
  await shot('dashboard');
  await context.close();
});
