// Village programmes in the console (issue 16): the regency's verifier
// records a PATBM, changes its status (the old row ends, a new one starts
// the next day), records a DRPPA with its self-assessment form (indicator
// 8 shown, not asked), and sees the server's refusals on the fields; a past
// year's report shows the state then. The secretariat reads them on a phone
// in English; a task-force member reads without write buttons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, signIn, SIZES, until } from './harness.mjs';

const HAJIMENA = '18.01.04.2001';
let server, browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await server.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  await server.createUser({ email: 'anggota@uji.jangkau.id', name: 'Anggota GT', role: 'taskforce_member', area: '18', cluster: 'prevention' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const rowsOf = async (village) => (await server.api('GET', `/api/collections/village_programs/records?perPage=100&sort=program,valid_from&filter=${encodeURIComponent(`village="${village}"`)}`, server.superToken)).items;
const day = (v) => String(v || '').slice(0, 10);

test('the verifier records, changes and assesses a village\'s programmes', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-programmes');
  await signIn(page, server.url, 'verifikator@uji.jangkau.id');
  await page.locator('[data-nav="programmes"]').click();
  await page.locator('#programmes #in-village').waitFor();
  await page.locator('#pick-village').waitFor();
  await page.locator('#in-village').selectOption(HAJIMENA);

  // A PATBM starting in March 2024.
  await page.locator('#add-programme').click();
  const form = page.locator('#programme-form');
  await form.locator('#in-program').selectOption('patbm');
  await form.locator('#in-status').selectOption('rintisan');
  await form.locator('#in-valid_from').fill('2024-03-01');
  await form.locator('#in-legal_basis_number').fill('SK Kades 7/2024');
  await form.locator('#in-legal_basis_date').fill('2024-02-20');
  assert.equal(await form.locator('#drppa-form').count(), 0, 'no DRPPA form for PATBM');
  await form.locator('button[name=save]').click();
  await page.locator('#programme-table tr[data-program="patbm"]').waitFor();

  // It became active on 1 January 2025: end the starting row on 31 December, continue as active.
  await page.locator('#programme-table tr[data-program="patbm"] button[name=end]').click();
  await page.locator('#end-form #in-end-on').fill('2024-12-31');
  await page.locator('#end-form #in-next').selectOption('aktif');
  await page.locator('#end-form button[name=end]').click();
  await until(async () => (await rowsOf(HAJIMENA)).filter((r) => r.program === 'patbm').length === 2, 'two PATBM rows');
  const patbm = (await rowsOf(HAJIMENA)).filter((r) => r.program === 'patbm');
  assert.deepEqual(patbm.map((r) => [r.status, day(r.valid_from), day(r.valid_to), r.legal_basis_number]), [
    ['rintisan', '2024-03-01', '2024-12-31', 'SK Kades 7/2024'],
    ['aktif', '2025-01-01', '', 'SK Kades 7/2024'],
  ]);
  // the ended row leaves the list until asked for
  await until(async () => (await page.locator('#programme-table tr[data-program="patbm"]').count()) === 1, 'one current PATBM row');
  await page.locator('#in-ended').check();
  await until(async () => (await page.locator('#programme-table tr[data-program="patbm"][data-ended="true"]').count()) === 1, 'the ended row shown');

  // A DRPPA with its self-assessment: indicator 8 is explained, not asked.
  await page.locator('#add-programme').click();
  await form.locator('#in-program').selectOption('drppa');
  await form.locator('#in-status').selectOption('aktif');
  await form.locator('#in-valid_from').fill('2025-02-01');
  await form.locator('#drppa-form').waitFor();
  const caseFact = await form.locator('li.case-fact').innerText();
  assert.match(caseFact, /fakta kasus/);
  assert.equal(await form.locator('li.case-fact select, li.case-fact input').count(), 0);
  await form.locator('#in-drppa_assessed_on').fill('2025-07-01');
  for (const [k, v] of [['drppa_women_children_groups', 'terpenuhi'], ['drppa_disaggregated_data', 'belum'], ['drppa_village_regulation', 'terpenuhi'],
    ['drppa_village_budget', 'terpenuhi'], ['drppa_no_child_labour', 'terpenuhi']]) {
    await form.locator('#in-' + k).selectOption(v);
  }
  await form.locator('#in-drppa_women_representation_pct').fill('30');
  await form.locator('#in-drppa_women_entrepreneurs_pct').fill('12.5');
  await form.locator('#in-drppa_rights_based_care_pct').fill('0');
  // one answer missing: the server names it
  await form.locator('button[name=save]').click();
  await form.locator('#err-drppa_no_child_marriage').waitFor();
  await shot('drppa-refused');
  await form.locator('#in-drppa_no_child_marriage').selectOption('belum');
  await form.locator('button[name=save]').click();
  await page.locator('#programme-table tr[data-program="drppa"]').waitFor();
  const summary = await page.locator('#programme-table tr[data-program="drppa"] .drppa-summary').innerText();
  assert.match(summary, /4 dari 6 indikator terpenuhi/);
  const drppa = (await rowsOf(HAJIMENA)).find((r) => r.program === 'drppa');
  assert.equal(drppa.drppa_women_entrepreneurs_pct, 12.5);
  assert.equal(drppa.drppa_no_child_marriage, 'belum');
  await shot('list');

  // valid-to before valid-from: refused on the field
  await page.locator('#programme-table tr[data-program="drppa"] button[name=edit]').click();
  await form.locator('#in-valid_to').fill('2025-01-15');
  await form.locator('button[name=save]').click();
  await form.locator('#err-valid_to').waitFor();
  assert.match(await form.locator('#err-valid_to').innerText(), /tidak boleh sebelum/);
  await form.locator('button[name=cancel]').click();

  // no screen text is a bare code
  const text = await page.locator('#programme-table').innerText();
  for (const code of ['patbm', 'drppa', 'rintisan', 'tidak_aktif']) assert.ok(!text.includes(code), `the list shows the code ${code}`);
  const statuses = await page.locator('#programme-table [data-status]').allInnerTexts();
  assert.deepEqual([...new Set(statuses)].sort(), ['Aktif', 'Rintisan']);

  // The reports as of the period: 2024 had the PATBM starting, 2025 active; DRPPA from 2025.
  const tok = await server.login('verifikator@uji.jangkau.id');
  const totals = async (year) => Object.fromEntries((await server.api('GET', `/api/reports/programs?area=18.01.04&year=${year}`, tok)).totals.programs.map((p) => [p.program, p]));
  const y2024 = await totals(2024);
  assert.deepEqual([y2024.patbm.rintisan, y2024.patbm.aktif, y2024.drppa.aktif], [1, 0, 0]);
  const y2025 = await totals(2025);
  assert.deepEqual([y2025.patbm.rintisan, y2025.patbm.aktif, y2025.drppa.aktif], [0, 1, 1]);
  await context.close();
});

test('the secretariat reads on a phone in English; a task-force member only reads', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'en-GB', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-programmes');
  await page.addInitScript(() => localStorage.setItem('jangkau.lang', 'en'));
  await signIn(page, server.url, 'sekretariat@uji.jangkau.id');
  await page.goto(`${server.url}/#/programmes`);
  await page.locator('#in-regency').selectOption('18.01');
  await page.locator('#programme-table tr[data-program="drppa"]').waitFor();
  assert.match(await page.locator('#programme-table tr[data-program="drppa"]').innerText(), /4 of 6 indicators met/);
  assert.match(await page.locator('#programme-table tr[data-program="patbm"]').innerText(), /Active/);
  assert.equal(await page.locator('#add-programme').count(), 0, 'no add button before a village is chosen');
  await shot('regency');
  await context.close();

  const ctx2 = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const p2 = await ctx2.newPage();
  await signIn(p2, server.url, 'anggota@uji.jangkau.id');
  await p2.goto(`${server.url}/#/programmes`);
  await p2.locator('#in-regency').selectOption('18.01');
  await p2.locator('#programme-table tr[data-program="drppa"]').waitFor();
  assert.equal(await p2.locator('#programme-table button').count(), 0, 'read only');
  assert.equal(await p2.locator('#add-programme').count(), 0);
  await ctx2.close();
});
