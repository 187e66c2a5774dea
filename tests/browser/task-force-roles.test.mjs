// Browser test of issue 15: a regency task-force member and a province
// agency officer sign in to the console (desk roles), land on the
// dashboard of their regency / the province, and see activities counted by
// level and by cluster, with the area's own-level activities said apart.
// The regency member's case figure screen offers its own cluster's
// figures of its regency. Phone and laptop, both languages; screenshots
// under test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn } from './harness.mjs';

const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();
let server;
let browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'gtkab@uji.jangkau.id', name: 'Anggota GT Lampung Selatan', role: 'regency_taskforce_member', area: '18.01', cluster: 'law_enforcement' });
  await server.createUser({ email: 'opd@uji.jangkau.id', name: 'Petugas Dinas PPPA', role: 'agency_officer', area: '18', cluster: 'prevention' });
  const act = (fields) => ({ title: 'Rapat koordinasi', type: 'rapat_koordinasi', start_date: `${YEAR}-01-15 02:00:00.000Z`,
    status: 'approved', male_adult: 5, female_adult: 6, ...fields });
  for (const f of [{ area: '18.01', cluster: 'law_enforcement' }, { area: '18.01.04', cluster: 'law_enforcement' },
    { area: '18', cluster: 'prevention' }, { village: '18.01.04.2001' }]) {
    await server.api('POST', '/api/collections/activities/records', server.superToken, act(f));
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const size of ['phone', 'laptop']) {
  test(`a regency task-force member works in the console (${size})`, async () => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'id-ID' });
    const page = await ctx.newPage();
    const shot = shooter(page, `task-force-regency-${size}`);
    await signIn(page, server.url, 'gtkab@uji.jangkau.id');
    await page.waitForFunction(() => location.hash.startsWith('#/dashboard'));
    await page.locator('#stat-activities').waitFor();
    assert.equal((await page.locator('#stat-activities .stat-v').textContent()).trim(), '3', 'its regency: village, district and regency activities');
    await page.locator('#chart-level').waitFor();
    assert.match(await page.locator('#own-level').textContent(), /1 kegiatan dicatat di tingkat/);
    await shot('dashboard');
    await page.goto(server.url + '/#/cases');
    await page.locator('#cases-table, .empty').first().waitFor();
    await page.goto(server.url + '/#/queue');
    await page.locator('#forbidden').waitFor();
    await ctx.close();
  });

  test(`an agency officer sees the province by level and cluster (${size}, English)`, async () => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'en-GB' });
    const page = await ctx.newPage();
    const shot = shooter(page, `task-force-agency-${size}`);
    await signIn(page, server.url, 'opd@uji.jangkau.id');
    await page.waitForFunction(() => location.hash.startsWith('#/dashboard'));
    await page.locator('#stat-activities').waitFor();
    if (!/By level/.test(await page.locator('#chart-level').textContent())) await page.locator('#lang-switch').click();
    await page.waitForFunction(() => /By level recorded at/.test(document.querySelector('#chart-level')?.textContent || ''));
    assert.equal((await page.locator('#stat-activities .stat-v').textContent()).trim(), '4', 'the whole province');
    assert.match(await page.locator('#own-level').textContent(), /1 activities recorded at the level of/);
    assert.match(await page.locator('#chart-cluster').textContent(), /prevention|Pencegahan|Prevention/i);
    await shot('dashboard');
    await ctx.close();
  });
}

test('reviews go one level up: the secretariat\'s queue holds regency activities, the verifier\'s village ones', async () => {
  await server.createUser({ email: 'verif@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await server.createUser({ email: 'sekre@uji.jangkau.id', name: 'Sekretariat', role: 'province_secretariat', area: '18' });
  const sub = (fields) => ({ title: 'Pelatihan penyidik', type: 'pelatihan', start_date: `${YEAR}-02-10 02:00:00.000Z`, status: 'submitted', ...fields });
  const regencyAct = (await server.api('POST', '/api/collections/activities/records', server.superToken, sub({ area: '18.01', cluster: 'law_enforcement' }))).id;
  const villageAct = (await server.api('POST', '/api/collections/activities/records', server.superToken, sub({ village: '18.01.04.2001' }))).id;

  const ctx = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID' });
  const page = await ctx.newPage();
  const shot = shooter(page, 'task-force-queue-laptop');
  await signIn(page, server.url, 'sekre@uji.jangkau.id');
  await page.goto(server.url + '/#/queue');
  await page.locator(`#queue-table tr[data-id="${regencyAct}"]`).waitFor();
  assert.equal(await page.locator(`#queue-table tr[data-id="${villageAct}"]`).count(), 0, 'a village activity is the verifier\'s');
  assert.equal(await page.locator('#tab-outreach_logs').count(), 0, 'outreach logs are the verifier\'s');
  await shot('secretariat-queue');
  await page.locator(`#queue-table tr[data-id="${regencyAct}"] a.rec-link`).click();
  await page.locator('#approve').click();
  await page.locator('#confirm-yes').click();
  await page.locator('#record-done').waitFor();
  const rec = await server.api('GET', `/api/collections/activities/records/${regencyAct}`, server.superToken);
  assert.equal(rec.status, 'approved');
  await ctx.close();

  const vctx = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID' });
  const vpage = await vctx.newPage();
  await signIn(vpage, server.url, 'verif@uji.jangkau.id');
  await vpage.goto(server.url + '/#/queue');
  await vpage.locator(`#queue-table tr[data-id="${villageAct}"]`).waitFor();
  assert.equal(await vpage.locator(`#queue-table tr[data-id="${regencyAct}"]`).count(), 0);
  await vctx.close();
});

for (const size of ['phone', 'laptop']) {
  test(`a regency member records a district activity at its desk; the form names a refused field (${size})`, async () => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'id-ID' });
    const page = await ctx.newPage();
    const shot = shooter(page, `task-force-form-${size}`);
    await signIn(page, server.url, 'gtkab@uji.jangkau.id');
    await page.goto(server.url + '/#/activity/new');
    await page.locator('#activity-form').waitFor();
    await page.locator('#act-submit').click();
    await page.locator('#err-title').waitFor();
    assert.match(await page.locator('#err-title').textContent(), /Wajib diisi/);
    const areas = await page.locator('#in-area option').evaluateAll((os) => os.map((o) => o.value));
    assert.equal(areas[0], '18.01');
    assert.ok(areas.includes('18.01.04') && areas.every((a) => a.startsWith('18.01')), 'its regency and its districts only');
    await page.locator('#in-area').selectOption('18.01.04');
    await page.locator('#in-title').fill(`Pelatihan penyidik ${size}`);
    await page.locator('#in-start_date').fill(`${YEAR}-03-03`);
    await page.locator('#in-male_adult').fill('12');
    await page.locator('#in-female_adult').fill('9');
    await page.locator('#in-venue').fill('Hubungi 0812 3456 7890');
    await shot('form');
    await page.locator('#act-submit').click();
    await page.locator('#err-venue').waitFor();
    assert.match(await page.locator('#err-venue').textContent(), /\//, 'bilingual');
    await page.locator('#in-venue').fill('Aula Polres');
    await page.locator('#act-submit').click();
    await page.locator('#record').waitFor();
    const list = await server.api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`title="Pelatihan penyidik ${size}"`)}`, server.superToken);
    assert.equal(list.items.length, 1);
    const rec = list.items[0];
    assert.equal(rec.level, 'district');
    assert.equal(rec.area, '18.01.04');
    assert.equal(rec.cluster, 'law_enforcement');
    assert.equal(rec.status, 'submitted');
    await shot('record');
    await ctx.close();
  });
}
