// The case-figure import in the console (issue 15): a district verifier on
// a phone downloads the template, uploads a file in the national layout
// with bad rows (victims by sex short of the total, another regency, a
// word in a count), sees each error at its cell with nothing saved, uploads
// the fixed file, confirms, and finds the figure on the case figures page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, shooter, signIn, SIZES } from './harness.mjs';
import { xlsx } from './xlsx.mjs';
import { unzip } from './unzip.mjs';

const dir = mkdtempSync(join(tmpdir(), 'jangkau-caseimport-'));
let server, browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'verifikator.kasus@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const HEADER = ['Kode wilayah / Area code', 'Tahun / Year', 'Sumber / Source', 'Jumlah kasus / Cases', 'Jumlah korban / Victims',
  'Korban Perempuan / Victims Female', 'Korban Laki-laki / Victims Male', 'Korban 13-17 tahun / Victims 13-17 years',
  'Korban 25-44 tahun / Victims 25-44 years', 'Kasus Lintas negara / Cases Cross-border'];
const file = (name, rows) => { const p = join(dir, name); writeFileSync(p, xlsx('Angka kasus', rows)); return p; };
const figures = async () => (await server.api('GET', '/api/collections/case_aggregates/records?perPage=50', server.superToken)).items;

test('a verifier imports its case figures: errors per cell, fixed, confirmed, listed (phone)', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-caseimport');
  await signIn(page, server.url, 'verifikator.kasus@uji.jangkau.id');
  await page.goto(`${server.url}/#/imports`);
  await page.locator('#imp-kind').waitFor();
  await page.locator('#imp-kind').selectOption('cases');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[name=template]').click()]);
  assert.equal(download.suggestedFilename(), 'jangkau-templat-cases.xlsx');
  const book = unzip(readFileSync(await download.path()))['xl/workbook.xml'].toString();
  for (const sheet of ['Angka kasus', 'Wilayah', 'Sumber']) assert.ok(book.includes(`name="${sheet}"`), `template sheet ${sheet}`);

  const good = ['18.01', 2024, 'Simfoni PPA', 5, 6, 4, 2, 3, 3, 4];
  const bad = [
    good,
    ['18.01', 2023, 'simfoni_ppa', 5, 6, 4, 1, 3, 3, 4], // victims by sex: 5 of 6
    ['18.02', 2024, 'polda', 2, 2, 2, 0, 0, 2, 0], // another regency
    ['18.01', 2022, 'uptd_ppa', 'lima', 0, 0, 0, 0, 0, 0], // a word in a count
  ];
  await page.locator('#imp-file').setInputFiles(file('kasus-salah.xlsx', [HEADER, ...bad]));
  await page.locator('button[name=preview]').click();
  await page.locator('#imp-preview[data-ok="false"]').waitFor();
  for (const [row, col, code] of [[3, 'victims_by_sex.female', 'total_mismatch'], [4, 'area', 'not_your_area'], [5, 'case_count', 'not_count']]) {
    const cell = page.locator(`tr[data-row="${row}"] td[data-col="${col}"].cell-error`);
    assert.equal(await cell.count(), 1, `row ${row} ${col} highlighted`);
    assert.equal(await cell.locator(`[data-code="${code}"]`).count(), 1, `row ${row} ${col}: ${code}`);
  }
  assert.ok(await page.locator('button[name=confirm]').isDisabled());
  assert.equal((await figures()).length, 0, 'a preview saves nothing');
  await shot('errors');

  await page.locator('#imp-file').setInputFiles(file('kasus.xlsx', [HEADER, good]));
  await page.locator('button[name=preview]').click();
  await page.locator('#imp-preview[data-ok="true"]').waitFor();
  await page.locator('button[name=confirm]').click();
  await page.locator('#imp-saved').waitFor();
  const [rec] = await figures();
  assert.equal(rec.area, '18.01');
  assert.equal(rec.victims_total, 6);
  assert.deepEqual(rec.victims_by_sex, { female: 4, male: 2 });
  assert.deepEqual(rec.cases_by_scope, { cross_border: 4 });
  await shot('saved');

  // on the case figures page, below province level: 2 men read "<5"
  await page.goto(`${server.url}/#/cases`);
  await page.locator('#case-year').fill('2024');
  await page.locator('#case-year').press('Tab');
  const row = page.locator(`#cases-table tr[data-case="${rec.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('td[data-col="victims_by_sex.male"]').textContent(), '<5');
  await context.close();
});
