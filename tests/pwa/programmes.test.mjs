// Village programmes on the phone (issue 16): programmes recorded on the
// server before the phone had this screen arrive (a pull cursor of their
// own), only the officer's village's; offline the officer records a DRPPA
// with its self-assessment and ends the PATBM to continue it as inactive;
// back online both reach the server in order; a row overlapping another of
// the same programme is refused and the refusal shows on its field. No
// screen shows a bare code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, PASSWORD, PHONE, shooter, startServer, until, firstSync } from './harness.mjs';

const VILLAGE = '18.01.04.2001';
const NEIGHBOUR = '18.01.04.2011';
let server, browser, officer, verTok;

before(async () => {
  server = await startServer();
  officer = await server.createUser({ email: 'prog-officer@uji.jangkau.id', name: 'Operator program', role: 'village_officer', area: VILLAGE });
  await server.createUser({ email: 'prog-ver@uji.jangkau.id', name: 'Verifikator', role: 'district_verifier', area: '18.01' });
  verTok = await server.login('prog-ver@uji.jangkau.id');
  await server.api('POST', '/api/collections/village_programs/records', verTok, {
    id: 'patbmHajimena0001', village: VILLAGE, program: 'patbm', status: 'aktif', valid_from: '2023-01-01', legal_basis_number: 'SK Kades 2/2023' });
  await server.api('POST', '/api/collections/village_programs/records', verTok, {
    id: 'patbmBranti000001', village: NEIGHBOUR, program: 'patbm', status: 'rintisan', valid_from: '2024-01-01' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const stateOf = (page, id) => page.locator(`[data-testid=programmes] [data-id="${id}"]`).first().getAttribute('data-state', { timeout: 1000 }).catch(() => null);
const rows = async () => (await server.api('GET', `/api/collections/village_programs/records?perPage=50&sort=program,valid_from&filter=${encodeURIComponent(`village="${VILLAGE}"`)}`, verTok)).items;
const day = (v) => String(v || '').slice(0, 10);

test('programmes offline, then synced; a refusal comes back onto its field', { timeout: 240000 }, async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  const shot = shooter(page, 'programmes');

  await page.goto(server.url + '/app/');
  await page.fill('#login-email', officer.email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  await firstSync(page);
  await page.click('[data-testid=tab-programmes]');
  await page.waitForSelector('[data-testid=list-programmes] [data-id=patbmHajimena0001]');
  assert.equal(await page.locator('[data-id=patbmBranti000001]').count(), 0, 'another village\'s programme');
  assert.equal(await stateOf(page, 'patbmHajimena0001'), 'sent');

  // Offline: a DRPPA with its self-assessment.
  await ctx.setOffline(true);
  await until(async () => (await page.getAttribute('[data-testid=syncbar]', 'data-online')) === 'false', 'offline');
  await page.click('[data-testid=new-programme]');
  await page.waitForSelector('[data-testid=programme-form]');
  const drppaId = await page.getAttribute('[data-testid=programme-form]', 'data-id');
  await page.selectOption('#f-program', 'drppa');
  await page.selectOption('#f-status', 'aktif');
  await page.fill('#f-valid_from', '2025-02-01');
  await page.waitForSelector('[data-testid=drppa-form]');
  assert.match(await page.locator('.case-fact').innerText(), /fakta kasus/);
  await page.fill('#f-drppa_assessed_on', '2025-07-01');
  // dated but not all answered: the phone says so before saving
  await page.click('button[name=save]');
  await page.waitForSelector('[data-error-for=drppa_no_child_marriage]');
  for (const [f, v] of [['drppa_women_children_groups', 'terpenuhi'], ['drppa_disaggregated_data', 'terpenuhi'], ['drppa_village_regulation', 'belum'],
    ['drppa_village_budget', 'terpenuhi'], ['drppa_no_child_labour', 'terpenuhi'], ['drppa_no_child_marriage', 'terpenuhi']]) {
    await page.selectOption('#f-' + f, v);
  }
  await page.fill('#f-drppa_women_representation_pct', '25');
  await page.fill('#f-drppa_women_entrepreneurs_pct', '10');
  await page.fill('#f-drppa_rights_based_care_pct', '60');
  await shot('drppa-form');
  await page.click('button[name=save]');
  await page.waitForSelector(`[data-testid=list-programmes] [data-id="${drppaId}"]`);
  assert.equal(await stateOf(page, drppaId), 'local');

  // Offline: the PATBM ends on 30 June 2025 and continues as inactive.
  await page.click('[data-id=patbmHajimena0001]');
  await page.click('button[name=end]');
  await page.fill('#f-end-on', '2025-06-30');
  await page.selectOption('#f-then', 'tidak_aktif');
  await page.click('button[name=end-confirm]');
  await page.waitForSelector('[data-testid=list-programmes-ended] [data-id=patbmHajimena0001]');
  await shot('offline-list');

  // A second DRPPA overlapping the first: the phone cannot know, the server refuses it.
  await page.click('[data-testid=new-programme]');
  await page.waitForSelector('[data-testid=programme-form]');
  const dupId = await page.getAttribute('[data-testid=programme-form]', 'data-id');
  await page.selectOption('#f-program', 'drppa');
  await page.selectOption('#f-status', 'rintisan');
  await page.fill('#f-valid_from', '2025-03-01');
  await page.click('button[name=save]');
  await page.waitForSelector(`[data-testid=list-programmes] [data-id="${dupId}"]`);
  assert.equal((await rows()).length, 1, 'nothing reached the server while offline');

  // Online: sync.
  await ctx.setOffline(false);
  await until(async () => (await stateOf(page, drppaId)) === 'sent', 'the DRPPA sent');
  await until(async () => (await stateOf(page, dupId)) === 'rejected', 'the overlapping row refused');
  const server_ = await rows();
  const patbm = server_.filter((r) => r.program === 'patbm').map((r) => [r.status, day(r.valid_from), day(r.valid_to)]);
  assert.deepEqual(patbm, [['aktif', '2023-01-01', '2025-06-30'], ['tidak_aktif', '2025-07-01', '']]);
  const drppa = server_.filter((r) => r.program === 'drppa');
  assert.equal(drppa.length, 1);
  assert.equal(drppa[0].id, drppaId);
  assert.deepEqual([drppa[0].drppa_village_regulation, drppa[0].drppa_rights_based_care_pct, day(drppa[0].drppa_assessed_on)], ['belum', 60, '2025-07-01']);
  await shot('synced');

  // The refusal on its field, in the officer's words.
  await page.click(`[data-id="${dupId}"]`);
  await page.waitForSelector('[data-error-for=valid_from]');
  assert.match(await page.locator('[data-error-for=valid_from]').innerText(), /sudah punya program yang sama/);

  // No bare code on the list.
  await page.click('a.back');
  await page.waitForSelector('[data-testid=programmes]');
  const text = await page.locator('[data-testid=programmes]').innerText();
  for (const code of ['patbm', 'drppa', 'tidak_aktif', 'rintisan']) assert.ok(!text.includes(code), `the list shows the code ${code}`);
  assert.match(text, /5 dari 6 indikator terpenuhi/);
  assert.match(text, /Tidak aktif/);
  await ctx.close();
});
