// Browser test of the dashboard of issue 7: the province secretariat opens the
// dashboard, drills down province -> regency -> district -> village, sees the
// case figures of a regency suppressed ("<5", and "•" beside it), downloads an XLSX export and
// the annual workbook (both read back here: an .xlsx is a zip of XML), and
// opens the printable annual report; a district verifier gets its regency
// only. Screenshots at phone and laptop sizes go to test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launchBrowser, shooter, SIZES, SHOTS, until } from './harness.mjs';
import { readXlsx } from './unzip.mjs';

const REGENCY = '18.01'; // Kabupaten Lampung Selatan
const NATAR = '18.01.04';
const HAJIMENA = '18.01.04.2001'; // Natar
const SIDODADI = '18.01.07.2012';
const TENGAH_VILLAGE = '18.02.01.2001'; // Lampung Tengah
// Reports default to the current year on Lampung's calendar.
const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();

let server;
let browser;
const tokens = {};
const ids = {};

function activity(village, title, type, extra = {}) {
  return {
    village, title, type, start_date: `${YEAR}-01-10 02:00:00.000Z`, mode: 'luring', venue: 'Balai desa',
    topics: ['migrasi_aman', 'modus_tppo'], target_groups: ['calon_pmi', 'orang_tua'],
    male_child: 3, female_child: 4, male_adult: 10, female_adult: 12, disabled: 1,
    funding_source: 'dana_desa', budget: 1500000, outcome_summary: 'Warga memahami jalur migrasi prosedural.',
    status: 'submitted', ...extra,
  };
}

before(async () => {
  server = await startServer();
  const s = server;
  await s.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  await s.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  await s.createUser({ email: 'tengahver@uji.jangkau.id', name: 'Verifikator Lampung Tengah', role: 'district_verifier', area: '18.02' });
  await s.createUser({ email: 'hajimena@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  await s.createUser({ email: 'sidodadi@uji.jangkau.id', name: 'Operator Sidodadi', role: 'village_officer', area: SIDODADI });
  await s.createUser({ email: 'tengah@uji.jangkau.id', name: 'Operator Lampung Tengah', role: 'village_officer', area: TENGAH_VILLAGE });
  for (const k of ['sekretariat', 'verifikator', 'tengahver', 'hajimena', 'sidodadi', 'tengah']) tokens[k] = await s.login(`${k}@uji.jangkau.id`);

  const post = async (who, collection, body) => (await s.api('POST', `/api/collections/${collection}/records`, tokens[who], body)).id;
  const approve = (who, collection, id) => s.api('PATCH', `/api/collections/${collection}/records/${id}`, tokens[who], { status: 'approved' });
  ids.a1 = await post('hajimena', 'activities', activity(HAJIMENA, 'Sosialisasi migrasi aman di balai desa', 'sosialisasi'));
  ids.a2 = await post('hajimena', 'activities', activity(HAJIMENA, 'Pelatihan kader PATBM', 'pelatihan'));
  ids.a3 = await post('sidodadi', 'activities', activity(SIDODADI, 'Kampanye KIE penipuan kerja online', 'kampanye_kie'));
  ids.pending = await post('sidodadi', 'activities', activity(SIDODADI, 'Penyuluhan perkawinan anak (belum disetujui)', 'penyuluhan'));
  ids.a4 = await post('tengah', 'activities', activity(TENGAH_VILLAGE, 'Sosialisasi di Lampung Tengah', 'sosialisasi'));
  for (const id of [ids.a1, ids.a2, ids.a3]) await approve('verifikator', 'activities', id);
  await approve('tengahver', 'activities', ids.a4);
  ids.log = await post('hajimena', 'outreach_logs', {
    village: HAJIMENA, date: `${YEAR}-01-12 03:00:00.000Z`, outreach_type: 'migrant_consultation', target_category: 'calon_pmi',
    male_adult: 2, female_adult: 1, risk_signals: ['broker_sponsor'], action_taken: 'referred', referred_to: ['bp3mi'], status: 'submitted',
  });
  await approve('verifikator', 'outreach_logs', ids.log);
  // Case figures of Lampung Selatan: 3 cases (shown "<5" below province level);
  // of Lampung Tengah: 8 cases and victims, of them 6 women (the victims'
  // total hidden "•" beside its 2 men,
  // "<5"). The province's counts are hidden: either regency's verifier could
  // subtract its own from them.
  await s.api('POST', '/api/collections/case_aggregates/records', tokens.sekretariat, {
    area: REGENCY, year: YEAR, period_type: 'year', period_index: 0, case_count: 3, victims_total: 3, victims_by_sex: { female: 3 },
    victims_by_age: { age_13_17: 2, age_25_44: 1 }, cases_served: 3, figure_status: 'final', source: 'simfoni_ppa',
  });
  await s.api('POST', '/api/collections/case_aggregates/records', tokens.sekretariat, {
    area: '18.02', year: YEAR, period_type: 'year', period_index: 0, case_count: 8, victims_total: 8, victims_by_sex: { female: 6, male: 2 },
    victims_by_age: { age_25_44: 8 }, cases_served: 7, figure_status: 'final', source: 'simfoni_ppa',
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page, email) {
  await page.goto(server.url + '/');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill('Uji-jangkau-2026');
  await page.locator('#login-submit').click();
  // the console then leaves '/' for the role's home page: wait for it, so a
  // page.goto to another route afterwards is not overtaken by that move
  await page.waitForFunction(() => location.hash.length > 2);
}

/** Waits for the report of a tab and area to be shown and loaded. */
async function reportReady(page, tab, area) {
  await page.locator(`#dashboard[data-tab="${tab}"][data-area="${area}"][data-loading="0"] #report[data-report="${tab}"][data-ready="1"]`).waitFor();
}

async function download(page, selector, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  await mkdir(SHOTS, { recursive: true });
  const file = join(SHOTS, name || dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, suggested: dl.suggestedFilename(), buf: await readFile(file) };
}

const cellValues = (sheet) => sheet.cells.map((c) => c.value);

test('province secretariat: dashboard, drill-down to a village, suppressed case figures, XLSX exports, annual report (laptop)', async (t) => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta', acceptDownloads: true });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-dashboard');

  await t.test('the dashboard loads with the province report', async () => {
    await signIn(page, 'sekretariat@uji.jangkau.id');
    await reportReady(page, 'activities', '18');
    // Four approved activities (three in Lampung Selatan, one in Lampung Tengah).
    assert.equal(await page.locator('#stat-activities .stat-v').textContent(), '4');
    assert.equal(await page.locator('#rows-activities tbody tr').count(), 15);
    assert.equal(await page.locator(`#rows-activities tr[data-row="${REGENCY}"] td:nth-child(2)`).textContent(), '3');
    // Participants: 4 approved activities x 29.
    assert.equal(await page.locator('#stat-participants .stat-v').textContent(), '116');
    assert.ok(await page.locator('#chart-type svg').count() > 0);
    await shot('province');
  });

  await t.test('include submitted counts the pending activity too', async () => {
    await page.locator('#f-sub').check();
    await until(async () => (await page.locator('#stat-activities .stat-v').textContent()) === '5', 'five activities');
    await page.locator('#f-sub').uncheck();
    await until(async () => (await page.locator('#stat-activities .stat-v').textContent()) === '4', 'back to four');
  });

  await t.test('the period filter: quarters, and custom dates', async () => {
    await page.locator('#f-period').selectOption('quarter');
    await until(async () => (await page.locator('#dash-period').textContent()).startsWith(`Triwulan I ${YEAR}`), 'quarter I');
    await reportReady(page, 'activities', '18');
    assert.equal(await page.locator('#stat-activities .stat-v').textContent(), '4');
    await page.locator('#f-index').selectOption('2');
    await until(async () => (await page.locator('#stat-activities .stat-v').textContent()) === '0', 'nothing in quarter II');
    await page.locator('#f-period').selectOption('custom');
    await page.locator('#f-from').fill(`${YEAR}-01-01`);
    await page.locator('#f-to').fill(`${YEAR}-01-10`);
    await until(async () => (await page.locator('#stat-activities .stat-v').textContent()) === '4', 'the custom period');
    await page.locator('#f-to').fill(`${YEAR}-01-09`);
    await until(async () => (await page.locator('#stat-activities .stat-v').textContent()) === '0', 'a custom period that ends the day before');
    await shot('custom-period');
    await page.locator('#f-period').selectOption('year');
    await until(async () => (await page.locator('#stat-activities .stat-v').textContent()) === '4', 'the year again');
  });

  await t.test('drill-down province -> regency -> district -> village', async () => {
    await page.locator(`#rows-activities a[data-drill="${REGENCY}"]`).click();
    await reportReady(page, 'activities', REGENCY);
    assert.match(await page.locator('#crumbs').textContent(), /Lampung.*Kabupaten Lampung Selatan/);
    await shot('regency');
    await page.locator(`#rows-activities a[data-drill="${NATAR}"]`).click();
    await reportReady(page, 'activities', NATAR);
    await shot('district');
    await page.locator(`#rows-activities a[data-drill="${HAJIMENA}"]`).click();
    await reportReady(page, 'activities', HAJIMENA);
    assert.equal(await page.locator('#village-records tr[data-record]').count(), 2);
    assert.match(await page.locator('#village-records').textContent(), /Sosialisasi migrasi aman/);
    await shot('village');
    // Back up through the breadcrumb.
    await page.locator(`#crumbs [data-crumb="${REGENCY}"] a`).click();
    await reportReady(page, 'activities', REGENCY);
  });

  await t.test('coverage lists villages not reached with district and regency', async () => {
    await page.locator('.dash-tabs [data-tab="coverage"]').click();
    await reportReady(page, 'coverage', REGENCY);
    assert.equal(await page.locator('#stat-reached .stat-v').textContent(), '2');
    const first = page.locator('#unreached li').first();
    assert.match(await first.locator('.vplace').textContent(), /Kec\. .+, Kabupaten Lampung Selatan/);
    assert.equal(await page.locator(`#unreached li[data-village="${HAJIMENA}"]`).count(), 0);
    await shot('coverage');
  });

  await t.test('case figures below province level show "<5"', async () => {
    await page.goto(`${server.url}/#/dashboard?tab=cases`);
    await reportReady(page, 'cases', '18');
    const cell = page.locator(`#rows-cases tr[data-row="${REGENCY}"] td[data-col="case_count"] .fig`);
    assert.equal(await cell.textContent(), '<5');
    assert.equal(await cell.getAttribute('class'), 'fig suppressed');
    assert.equal(await page.locator(`#rows-case-breakdowns tr[data-row="${REGENCY}"] td[data-col="victims_by_age.age_13_17"] .fig`).textContent(), '<5');
    assert.match(await page.locator('#suppression-note').textContent(), /<5/);
    // the complement: drawn as hidden, and says why
    const complement = page.locator('#rows-cases tr[data-row="18.02"] td[data-col="victims_total"] .fig');
    assert.equal(await complement.textContent(), '•');
    assert.equal(await complement.getAttribute('class'), 'fig suppressed');
    assert.match(await complement.getAttribute('title'), /tidak bisa dihitung/);
    assert.match(await page.locator('#suppression-note').textContent(), /•/);
    // counts no subtraction gives away stay shown: 18.02's 7 cases served, its 6 women
    assert.equal(await page.locator('#rows-cases tr[data-row="18.02"] td[data-col="cases_served"] .fig').textContent(), '7');
    assert.equal(await page.locator('#rows-case-breakdowns tr[data-row="18.02"] td[data-col="victims_by_sex.female"] .fig').textContent(), '6');
    assert.equal(await page.locator('#rows-cases tr.total td[data-col="case_count"] .fig').textContent(), '•');
    await shot('cases-suppressed');
  });

  await t.test('case figures are for whole years: another period offers the year', async () => {
    await page.goto(`${server.url}/#/dashboard?tab=cases&period=quarter&year=${YEAR}&index=2`);
    await page.locator('#cases-year-only').waitFor();
    assert.equal(await page.locator('#report').count(), 0, 'no figures of a quarter');
    assert.match(await page.locator('#cases-year-only').textContent(), /tahun kalender penuh/);
    await shot('cases-year-only');
    await page.locator('#cases-show-year').click();
    await reportReady(page, 'cases', '18');
    assert.match(page.url(), /period=year/);
    assert.equal(await page.locator(`#rows-cases tr[data-row="${REGENCY}"] td[data-col="case_count"] .fig`).textContent(), '<5');
  });

  await t.test('an XLSX export of a report downloads and opens', async () => {
    await page.goto(`${server.url}/#/dashboard?tab=cases`);
    await reportReady(page, 'cases', '18');
    const { buf, suggested } = await download(page, '[data-export="report_cases.xlsx"]');
    assert.match(suggested, /\.xlsx$/);
    const x = readXlsx(buf);
    assert.ok(x.files.includes('xl/workbook.xml'));
    const values = x.sheets.flatMap(cellValues);
    assert.ok(values.includes('Kabupaten Lampung Selatan'), 'the regency is a row');
    assert.ok(values.includes('<5'), 'the suppressed figure is in the file as on screen');
    await page.locator('#export-done').waitFor();
    await shot('export-done');

    await page.goto(`${server.url}/#/dashboard?tab=activities&area=${NATAR}`);
    await reportReady(page, 'activities', NATAR);
    const rec = await download(page, '[data-export="activities.xlsx"]');
    const rx = readXlsx(rec.buf);
    const rv = rx.sheets.flatMap(cellValues);
    assert.ok(rv.includes('Sosialisasi migrasi aman di balai desa'));
    assert.ok(rv.includes('Natar'), 'a village row carries its district');
    assert.ok(!rv.includes('Kampanye KIE penipuan kerja online'), 'another district is not in a district export');
  });

  await t.test('the annual report is printable and downloads as XLSX', async () => {
    await page.goto(`${server.url}/#/dashboard`);
    await reportReady(page, 'activities', '18');
    await page.locator('#to-annual').click();
    await page.locator('#annual[data-ready="1"]').waitFor();
    assert.equal(await page.locator('.annual-part').count(), 7);
    assert.match(await page.locator('.annual-part[data-part="cases"]').textContent(), /<5/);
    await shot('annual');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.top').isVisible(), false);
    assert.equal(await page.locator('#print').isVisible(), false);
    await shot('annual-print');
    await page.emulateMedia({ media: 'screen' });
    const { buf } = await download(page, '[data-export="annual.xlsx"]');
    const x = readXlsx(buf);
    const names = x.sheets.map((s) => s.name);
    for (const n of ['Ringkasan', '1 Kegiatan', '6 Kasus']) assert.ok(names.includes(n), `sheet ${n} in ${names}`);
    assert.ok(cellValues(x.sheets.find((s) => s.name === '6 Kasus')).includes('<5'));
  });
  await context.close();
});

test('the dashboard at phone size: no sideways scrolling, drill-down works', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-dashboard');
  await signIn(page, 'sekretariat@uji.jangkau.id');
  await reportReady(page, 'activities', '18');
  await shot('province');
  const fits = () => page.evaluate((w) => document.documentElement.scrollWidth <= w, SIZES.phone.viewport.width);
  assert.ok(await fits(), 'the province view fits 360 px');
  await page.locator(`#rows-activities a[data-drill="${REGENCY}"]`).click();
  await reportReady(page, 'activities', REGENCY);
  await page.locator('.dash-tabs [data-tab="cases"]').click();
  await reportReady(page, 'cases', REGENCY);
  assert.equal(await page.locator(`#rows-cases tr.total td[data-col="case_count"] .fig`).textContent(), '<5');
  assert.ok(await fits(), 'the cases view fits 360 px');
  await shot('regency-cases');
  await context.close();
});

test('a task-force member reads the dashboard', async () => {
  await server.createUser({ email: 'anggota@uji.jangkau.id', name: 'Anggota GT Disnaker', role: 'taskforce_member', area: '18', cluster: 'prevention' });
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  await signIn(page, 'anggota@uji.jangkau.id');
  await reportReady(page, 'activities', '18');
  // the cluster view (issue 15) sits after the dashboard
  assert.deepEqual(await page.locator('.nav a').allTextContents(), ['Dasbor', 'Sub gugus tugas saya', 'Angka kasus', 'Program desa', 'Pengaturan', 'Tentang']);
  assert.equal(await page.locator('#stat-activities .stat-v').textContent(), '4');
  await context.close();
});

test('a district verifier sees its regency only', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-verifier-dashboard');
  await signIn(page, 'verifikator@uji.jangkau.id');
  await page.locator('#queue').waitFor();
  await page.locator('[data-nav="dashboard"]').click();
  await reportReady(page, 'activities', REGENCY);
  assert.equal(await page.locator('#stat-activities .stat-v').textContent(), '3');
  assert.equal(await page.locator(`#crumbs [data-crumb="18"]`).count(), 0);
  assert.equal(await page.locator(`#rows-activities tr[data-row^="18.01."]`).count(), await page.locator('#rows-activities tbody tr').count());
  await shot('regency');
  // English on request, same figures.
  await page.locator('#lang-switch').click();
  await page.locator('#dashboard h1', { hasText: 'Anti-trafficking prevention dashboard' }).waitFor();
  assert.equal(await page.locator('.dash-tabs [data-tab="coverage"]').textContent(), 'Village coverage');
  assert.equal(await page.locator('#stat-activities .stat-v').textContent(), '3');
  await shot('regency-en');
  // Another regency by address: refused by the server, said on screen.
  await page.goto(`${server.url}/#/dashboard?area=18.02`);
  await page.locator('#dashboard .alert').waitFor();
  await context.close();
});
