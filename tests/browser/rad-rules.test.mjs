// The RAD rule editor of issue 16 in the console: the secretariat builds an
// automatic indicator's rule from pickers (labels from the vocabularies,
// never a bare code) and sees its value computed by the server as it goes;
// the rule is saved with the indicator; on a phone, in English, the editor
// shows the same rule and value and fits the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, signIn, SIZES, until } from './harness.mjs';

const HAJIMENA = '18.01.04.2001';
const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();

let server, browser;

before(async () => {
  server = await startServer();
  const s = server;
  await s.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  await s.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await s.createUser({ email: 'hajimena@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  const officer = await s.login('hajimena@uji.jangkau.id');
  const verifier = await s.login('verifikator@uji.jangkau.id');
  // Three approved activities of this year in Hajimena: two sosialisasi
  // (one on modus_tppo, one on migrasi_aman) and a penyuluhan on
  // modus_tppo; and one still submitted (never counted).
  const acts = [
    ['Sosialisasi modus TPPO', 'sosialisasi', ['modus_tppo'], true],
    ['Sosialisasi migrasi aman', 'sosialisasi', ['migrasi_aman'], true],
    ['Penyuluhan modus TPPO', 'penyuluhan', ['modus_tppo'], true],
    ['Sosialisasi belum disetujui', 'sosialisasi', ['modus_tppo'], false],
  ];
  for (const [title, type, topics, approve] of acts) {
    const { id } = await s.api('POST', '/api/collections/activities/records', officer, {
      village: HAJIMENA, title, type, topics, start_date: `${YEAR}-02-10 02:00:00.000Z`, mode: 'luring', venue: 'Balai desa',
      female_adult: 5, male_adult: 4, status: 'submitted',
    });
    if (approve) await s.api('PATCH', `/api/collections/activities/records/${id}`, verifier, { status: 'approved' });
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const previewIs = (page, value) => until(async () => (await page.locator('#rule-preview-value').getAttribute('data-value').catch(() => null)) === String(value)
  && (await page.locator('#rule-preview [data-busy="false"]').count()) === 1, `preview ${value}`);

/** No picker, summary or preview shows a bare code: every choice reads as a label. */
async function noBareCodes(page) {
  const texts = await page.locator('#rule-editor .rule-choices label, #rule-editor summary [data-chosen], #rule-editor option').allTextContents();
  const bare = texts.map((s) => s.trim()).filter((s) => /^[a-z]+(_[a-z0-9]+)+$/.test(s) || ['sosialisasi', 'penyuluhan', 'records', 'activities'].includes(s));
  assert.deepEqual(bare, [], 'codes shown without their label');
}

test('the secretariat builds a rule with a live preview, and saves it (laptop)', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-rad-rules');
  await signIn(page, server.url, 'sekretariat@uji.jangkau.id');
  await page.goto(server.url + '/#/rad');
  await page.locator('#rad-table').waitFor();
  await page.locator('#rad-new').click();
  await page.locator('#in-code').fill('P.9.1');
  await page.locator('#in-description').fill('Jumlah sosialisasi tentang modus TPPO');
  await page.locator('#in-unit').fill('kegiatan');
  await page.locator('#in-level').selectOption('province');
  await page.locator(`[data-target-year="${YEAR}"]`).fill('4');
  await page.locator('#in-counting').selectOption('auto');
  await page.locator('#rule-editor').waitFor();
  // Bahasa Indonesia first
  assert.match(await page.locator('#rule-editor legend').textContent(), /Aturan penghitungan/);

  await page.locator('#rule-source').selectOption('activities');
  assert.equal(await page.locator('#rule-measure').inputValue(), 'records');
  await previewIs(page, 3); // every approved activity of the year
  await page.locator('[data-filter="types"] summary').click();
  await page.locator('[data-filter="types"] input[value="sosialisasi"]').check();
  await previewIs(page, 2);
  await page.locator('[data-filter="topics"] summary').click();
  await page.locator('[data-filter="topics"] input[value="modus_tppo"]').check();
  await previewIs(page, 1);
  assert.match(await page.locator('[data-filter="types"] [data-chosen]').textContent(), /Sosialisasi/);
  assert.match(await page.locator('#rule-preview').textContent(), /dari catatan/); // two filters: from the records
  await noBareCodes(page);
  // another measure: participants of that one activity (4 men + 5 women)
  await page.locator('#rule-measure').selectOption('participants');
  await previewIs(page, 9);
  await page.locator('#rule-measure').selectOption('records');
  await previewIs(page, 1);
  await shot('editor');

  await page.locator('#rad-save').click();
  await page.locator('#rad-table tr[data-indicator="P.9.1"]').waitFor();
  const [ind] = (await server.api('GET', `/api/collections/rad_indicators/records?filter=${encodeURIComponent('code="P.9.1"')}`, server.superToken)).items;
  assert.deepEqual(ind.rule, { source: 'activities', measure: 'records', filters: { topics: ['modus_tppo'], types: ['sosialisasi'] } });
  assert.equal(ind.counting, 'auto');
  const row = await page.locator('#rad-table tr[data-indicator="P.9.1"]').textContent();
  assert.match(row, /Jumlah catatan · Kegiatan pencegahan · .*Sosialisasi/);
  await shot('saved');

  // the dashboard's RAD tab counts it the same way
  await page.goto(`${server.url}/#/dashboard?tab=rad&period=year&year=${YEAR}`);
  await until(async () => /P\.9\.1/.test(await page.locator('#dashboard').textContent()), 'indicator on the dashboard');
  assert.match(await page.locator('#dashboard').textContent(), /Jumlah catatan · Kegiatan pencegahan/);
  await context.close();
});

test('a rule the server refuses shows where it went wrong; on a phone, in English, the editor fits (phone)', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-rad-rules');
  await signIn(page, server.url, 'sekretariat@uji.jangkau.id');
  await page.goto(server.url + '/#/rad');
  await page.locator('#rad-table tr[data-indicator="P.9.1"]').waitFor();
  await page.locator('#lang-switch').click();
  await page.locator('[data-edit="P.9.1"]').click();
  await page.locator('#rule-editor').waitFor();
  assert.match(await page.locator('#rule-editor legend').textContent(), /Counting rule/);
  await previewIs(page, 1);
  assert.match(await page.locator('[data-filter="types"] [data-chosen]').textContent(), /Socialisation/);
  await noBareCodes(page);
  assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, SIZES.phone.viewport.width), 'the editor fits the phone without scrolling sideways');
  await shot('editor-en');

  // a standard rule from the list: outreach logs, none approved yet
  await page.locator('#rule-preset').selectOption('outreach_count');
  assert.equal(await page.locator('#rule-source').inputValue(), 'outreach');
  await previewIs(page, 0);

  // a topic the secretariat retires meanwhile: the save is refused under the topics filter
  await page.locator('#rule-source').selectOption('activities');
  await page.locator('[data-filter="topics"] summary').click();
  await page.locator('[data-filter="topics"] input[value="pengasuhan"]').check();
  const [voc] = (await server.api('GET', `/api/collections/vocabularies/records?filter=${encodeURIComponent('kind="topics" && code="pengasuhan"')}`, server.superToken)).items;
  await server.api('PATCH', `/api/collections/vocabularies/records/${voc.id}`, server.superToken, { active: false });
  await page.locator('#rad-save').click();
  const err = page.locator('[data-filter="topics"] .field-error');
  await err.waitFor();
  assert.match(await err.textContent(), /retired/);
  await shot('refused');
  await context.close();
});
