// Vocabularies in the console (issue 16): the secretariat renames, adds,
// reorders and retires topics on #/vocabularies; the record page of a
// verifier shows the new words, and no screen shows a code in place of its
// label. Other roles have no such page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, signIn, SIZES, until } from './harness.mjs';

const HAJIMENA = '18.01.04.2001';
let server, browser, activityId;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await server.createUser({ email: 'operator@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  const off = await server.login('operator@uji.jangkau.id');
  activityId = (await server.api('POST', '/api/collections/activities/records', off, {
    village: HAJIMENA, title: 'Sosialisasi migrasi aman', start_date: '2025-03-10', type: 'sosialisasi', status: 'submitted',
    topics: ['migrasi_aman', 'pengasuhan'], target_groups: ['calon_pmi'], male_adult: 4,
  })).id;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const entry = async (kind, code) => (await server.api('GET', `/api/collections/vocabularies/records?filter=${encodeURIComponent(`kind="${kind}" && code="${code}"`)}`, server.superToken)).items[0];

test('the secretariat keeps the topics; every screen follows', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-vocab');
  await signIn(page, server.url, 'sekretariat@uji.jangkau.id');
  await page.locator('[data-nav="vocabularies"]').click();
  await page.locator('#vocab-table').waitFor();
  await page.locator('#in-kind').selectOption('topics');
  await page.locator('#vocab-table[data-kind="topics"] tr[data-code="migrasi_aman"]').waitFor();

  // Rename.
  const row = page.locator('tr[data-code="migrasi_aman"]');
  await row.locator('input[name=label_id]').fill('Migrasi aman dan prosedural');
  await row.locator('button[name=save]').click();
  await until(async () => (await entry('topics', 'migrasi_aman')).label_id === 'Migrasi aman dan prosedural', 'the rename on the server');

  // Add, then move up one place.
  await page.locator('#vocab-add #in-code').fill('judi_online');
  await page.locator('#vocab-add #in-label_id').fill('Judi online');
  await page.locator('#vocab-add #in-label_en').fill('Online gambling');
  await page.locator('#vocab-add button[type=submit]').click();
  await page.locator('tr[data-code="judi_online"]').waitFor();
  const codes = async () => page.locator('#vocab-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
  assert.equal((await codes()).at(-1), 'judi_online');
  await page.locator('tr[data-code="judi_online"] button[name=up]').click();
  await until(async () => (await codes()).at(-2) === 'judi_online', 'judi_online moved up');

  // Retire.
  await page.locator('tr[data-code="pengasuhan"] button[name=retire]').click();
  await page.locator('tr[data-code="pengasuhan"] [data-retired]').waitFor();
  assert.equal((await entry('topics', 'pengasuhan')).active, false);
  await shot('topics');

  // A code cannot be taken twice: the server's refusal is shown on the field.
  await page.locator('#vocab-add #in-code').fill('judi_online');
  await page.locator('#vocab-add #in-label_id').fill('Lagi');
  await page.locator('#vocab-add #in-label_en').fill('Again');
  await page.locator('#vocab-add button[type=submit]').click();
  await page.locator('#vocab-add #err-code').waitFor();
  await context.close();
});

test('the verifier reads the new words and no raw code; it has no vocabulary page', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-vocab');
  await signIn(page, server.url, 'verifikator@uji.jangkau.id');
  assert.equal(await page.locator('[data-nav="vocabularies"]').count(), 0);
  await page.goto(`${server.url}/#/record/activities/${activityId}`);
  await page.locator('[data-code="migrasi_aman"]').first().waitFor();
  assert.equal((await page.locator('[data-code="migrasi_aman"]').first().textContent()).trim(), 'Migrasi aman dan prosedural');
  // The retired topic stays on the record, under its label.
  assert.equal((await page.locator('[data-code="pengasuhan"]').first().textContent()).trim(), 'Pengasuhan');
  await shot('record');
  const all = (await server.api('GET', '/api/collections/vocabularies/records?perPage=500', server.superToken)).items.map((e) => e.code).filter((c) => c.includes('_'));
  for (const path of [`#/record/activities/${activityId}`, '#/queue', '#/dashboard']) {
    await page.goto(`${server.url}/${path}`);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    const text = await page.evaluate(() => document.body.innerText);
    const shown = all.filter((c) => new RegExp(`(^|[^A-Za-z0-9_])${c}($|[^A-Za-z0-9_])`).test(text));
    assert.deepEqual(shown, [], `${path} shows codes without their labels`);
  }
  await context.close();
});
