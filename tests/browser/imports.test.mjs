// Imports in the console (issue 16): the secretariat uploads a RAD matrix
// with bad rows, sees each error at its cell (nothing saved), fixes the
// file, confirms, and finds the indicators on the RAD page; a district
// verifier on a phone imports its officers' accounts and reads their
// one-time passwords once. Other roles have no Impor page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, shooter, signIn, SIZES, until } from './harness.mjs';
import { xlsx } from './xlsx.mjs';
import { unzip } from './unzip.mjs';

const HAJIMENA = '18.01.04.2001';
const dir = mkdtempSync(join(tmpdir(), 'jangkau-imports-'));
let server, browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await server.createUser({ email: 'operator@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const RAD_HEADER = ['Periode RAD / RAD period', 'Kode / Code', 'Klaster / Cluster', 'Indikator / Indicator', 'Tingkat / Level',
  'Cara hitung / Counting', 'Aturan otomatis / Automatic rule', 'Target 2025', 'Alokasi 2025 / Allocation 2025'];
const file = (name, sheet, rows) => { const p = join(dir, name); writeFileSync(p, xlsx(sheet, rows)); return p; };
const indicators = async () => (await server.api('GET', '/api/collections/rad_indicators/records?perPage=200&filter=' + encodeURIComponent('code~"IMP."'), server.superToken)).items;

test('the secretariat imports the RAD matrix: errors per cell, fixed, confirmed, visible', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-imports');
  await signIn(page, server.url, 'sekretariat@uji.jangkau.id');
  await page.locator('[data-nav="imports"]').click();
  await page.locator('#imp-kind').waitFor();
  await page.locator('#imp-kind').selectOption('rad');

  // the template downloads
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[name=template]').click()]);
  assert.equal(download.suggestedFilename(), 'jangkau-templat-rad.xlsx');
  const book = unzip(readFileSync(await download.path()))['xl/workbook.xml'].toString();
  for (const sheet of ['Indikator', 'Klaster', 'Aturan', 'Pilihan']) assert.ok(book.includes(`name="${sheet}"`), `template sheet ${sheet}`);

  // the template sent back as it came (only its example row, which is skipped): told so plainly, nothing to save
  const blank = join(dir, 'templat-kosong.xlsx');
  writeFileSync(blank, readFileSync(await download.path()));
  await page.locator('#imp-file').setInputFiles(blank);
  await page.locator('button[name=preview]').click();
  const refusal = page.locator('#imp-error');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /Berkas tidak berisi baris data/);
  assert.doesNotMatch(await refusal.textContent(), /holds no data rows/, 'one language at a time');
  assert.equal(await page.locator('#imp-preview').count(), 0, 'no preview of nothing');
  assert.equal(await page.locator('button[name=confirm]').count(), 0, 'nothing offered to save');
  await shot('no-rows');
  await page.locator('#lang-switch').click();
  await until(async () => /The file holds no data rows/.test(await refusal.textContent()), 'the English refusal');
  await page.locator('#lang-switch').click();
  await until(async () => /Berkas tidak berisi baris data/.test(await refusal.textContent()), 'Bahasa Indonesia again');

  const good = ['2022-2026', 'IMP.1', 'prevention', 'Jumlah sosialisasi desa', 'kabupaten', 'otomatis', 'sosialisasi_count', 10, 150000000];
  const bad = [
    good,
    ['2022-2026', 'IMP.2', 'bukan_klaster', 'Rapat koordinasi', 'provinsi', 'manual', '', 'sepuluh', ''],
    ['2022-2026', 'IMP.3', 'coordination', 'Hubungi 081234567890', 'provinsi', 'manual', '', { f: '=2+2', v: 4 }, ''],
  ];
  await page.locator('#imp-file').setInputFiles(file('bad.xlsx', 'Indikator', [RAD_HEADER, ...bad]));
  await page.locator('button[name=preview]').click();
  await page.locator('#imp-preview[data-ok="false"]').waitFor();
  // each error at its cell, in the table and in the list
  for (const [row, col, code] of [[3, 'cluster', 'unknown_code'], [3, 'target_2025', 'not_number'], [4, 'description', 'privacy_phone'], [4, 'target_2025', 'formula']]) {
    const cell = page.locator(`tr[data-row="${row}"] td[data-col="${col}"].cell-error`);
    assert.equal(await cell.count(), 1, `row ${row} ${col} highlighted`);
    assert.equal(await cell.locator(`[data-code="${code}"]`).count(), 1, `row ${row} ${col}: ${code}`);
  }
  assert.equal(await page.locator('#imp-errors li').count(), 4);
  // a code typed in the file is shown with its label
  assert.equal((await page.locator('tr[data-row="2"] td[data-col="cluster"] [data-label-of="prevention"]').textContent()).trim(), 'Pencegahan dan partisipasi anak');
  assert.ok(await page.locator('button[name=confirm]').isDisabled());
  assert.equal((await indicators()).length, 0, 'a preview saves nothing');
  await shot('errors');

  // fixed file: confirm writes both
  const fixed = [good, ['2022-2026', 'IMP.2', 'coordination', 'Rapat koordinasi', 'provinsi', 'manual', '', 4, '']];
  await page.locator('#imp-file').setInputFiles(file('fixed.xlsx', 'Indikator', [RAD_HEADER, ...fixed]));
  await page.locator('button[name=preview]').click();
  await page.locator('#imp-preview[data-ok="true"]').waitFor();
  assert.equal(await page.locator('tr[data-action="new"]').count(), 2);
  await page.locator('button[name=confirm]').click();
  await page.locator('#imp-saved').waitFor();
  assert.equal((await indicators()).length, 2);
  await page.locator('#imp-history').waitFor();
  await shot('saved');

  // the new indicators are on the RAD page
  await page.locator('[data-nav="rad"]').click();
  await page.getByText('IMP.1').first().waitFor();
  await context.close();
});

test('a verifier on a phone imports its officers; the passwords are shown once', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-imports');
  await signIn(page, server.url, 'verifikator@uji.jangkau.id');
  await page.goto(`${server.url}/#/imports`);
  await page.locator('#imp-kind').waitFor();
  assert.deepEqual(await page.locator('#imp-kind option').evaluateAll((o) => o.map((x) => x.value)), ['accounts', 'cases']); // officers' accounts, and its regency's case figures
  const header = ['E-mail', 'Nama / Name', 'Peran / Role', 'Kode wilayah / Area code'];
  const rows = [header, ['baru@desa.id', 'Siti Aminah', 'village_officer', HAJIMENA], ['lain@desa.id', 'Dewi', 'village_officer', '18.02.01.2001']];
  await page.locator('#imp-file').setInputFiles(file('akun.xlsx', 'Akun', rows));
  await page.locator('button[name=preview]').click();
  await page.locator('#imp-preview[data-ok="false"]').waitFor();
  assert.equal(await page.locator('tr[data-row="3"] td[data-col="area"].cell-error [data-code="not_your_area"]').count(), 1);
  await shot('errors');
  await page.locator('#imp-file').setInputFiles(file('akun2.xlsx', 'Akun', rows.slice(0, 2)));
  await page.locator('button[name=preview]').click();
  await page.locator('#imp-preview[data-ok="true"]').waitFor();
  await page.locator('button[name=confirm]').click();
  const secret = page.locator('#imp-secrets tr[data-key="baru@desa.id"] code.secret');
  await secret.waitFor();
  const password = (await secret.textContent()).trim();
  await shot('secrets');
  const login = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ identity: 'baru@desa.id', password }),
  });
  assert.equal(login.status, 200);
  // shown once: the page again has no passwords
  await page.reload();
  await page.locator('#imp-kind').waitFor();
  assert.equal(await page.locator('#imp-secrets').count(), 0);
  await context.close();
});

test('a verifier whose confirm answer was lost presses Simpan again and gets the one-time passwords', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  await signIn(page, server.url, 'verifikator@uji.jangkau.id');
  await page.goto(`${server.url}/#/imports`);
  await page.locator('#imp-kind').waitFor();
  const rows = [['E-mail', 'Nama / Name', 'Peran / Role', 'Kode wilayah / Area code'], ['hilang@desa.id', 'Rina Wati', 'village_officer', HAJIMENA]];
  const upload = file('akun-hilang.xlsx', 'Akun', rows);
  await page.locator('#imp-file').setInputFiles(upload);
  const [previewed] = await Promise.all([page.waitForResponse('**/api/imports/accounts/preview**'), page.locator('button[name=preview]').click()]);
  const sha256 = (await previewed.json()).file.sha256;
  await page.locator('#imp-preview[data-ok="true"]').waitFor();
  // the server saves the accounts, the answer never reaches the phone: the
  // same confirm (its job, file and signed-in caller) reaches the server,
  // the browser's own request is cut
  let lost = 0;
  await page.route('**/api/imports/accounts/confirm**', async (route) => {
    lost++;
    const form = new FormData();
    form.append('file', new Blob([readFileSync(upload)]), 'akun-hilang.xlsx');
    form.append('sha256', sha256);
    const saved = await fetch(route.request().url(), { method: 'POST', headers: { Authorization: route.request().headers().authorization }, body: form });
    assert.equal(saved.status, 200, 'the server saved the import');
    await route.abort('connectionreset');
  });
  await page.locator('button[name=confirm]').click();
  await page.locator('#imp-error').waitFor();
  assert.equal(lost, 1);
  assert.ok((await server.api('GET', '/api/collections/users/records?filter=' + encodeURIComponent('name="Rina Wati"'), server.superToken)).items.length === 1, 'the account was saved');
  await page.unroute('**/api/imports/accounts/confirm**');
  await page.locator('button[name=confirm]').click();
  const secret = page.locator('#imp-secrets tr[data-key="hilang@desa.id"] code.secret');
  await secret.waitFor();
  const login = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ identity: 'hilang@desa.id', password: (await secret.textContent()).trim() }),
  });
  assert.equal(login.status, 200, 'the password shown signs in');
  await context.close();
});

test('a village officer has no Impor page', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID' });
  const page = await context.newPage();
  await signIn(page, server.url, 'operator@uji.jangkau.id');
  await until(async () => (await page.locator('[data-nav]').count()) > 0, 'the menu');
  assert.equal(await page.locator('[data-nav="imports"]').count(), 0);
  await context.close();
});
