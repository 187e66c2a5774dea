// Browser test of issue 17 finding 3: a task-force member on #/cases sees
// "Ubah" only on its own cluster's figures (the server's update rule), the
// edit form never shows a figure the list hides as "<5" (blank, placeholder
// "<5"), and saving keeps the hidden figure on the server unless a new one
// is typed. Phone and laptop; screenshots under test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn } from './harness.mjs';

const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();
let server;
let browser;
const ids = {};

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'gugus@uji.jangkau.id', name: 'Anggota Gugus Tugas', role: 'taskforce_member', area: '18', cluster: 'law_enforcement' });
  const figure = (area, cluster, n) => ({ area, year: YEAR, period_type: 'year', period_index: 0, case_count: n, victims_total: 7,
    victims_by_sex: { female: 7 }, victims_by_age: { age_13_17: 1, age_25_44: 6 }, cases_served: n, exploitation_types: {}, services: {},
    figure_status: 'provisional', source: 'simfoni_ppa', cluster });
  ids.own = (await server.api('POST', '/api/collections/case_aggregates/records', server.superToken, figure('18.01', 'law_enforcement', 2))).id;
  ids.other = (await server.api('POST', '/api/collections/case_aggregates/records', server.superToken, figure('18.02', 'social_rehab', 3))).id;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const size of ['phone', 'laptop']) {
  test(`task-force member edits only its cluster's figures, never sees a hidden one (${size})`, async () => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'id-ID' });
    const page = await ctx.newPage();
    const shot = shooter(page, `cases-${size}`);
    await signIn(page, server.url, 'gugus@uji.jangkau.id');
    await page.goto(server.url + '/#/cases');
    await page.locator(`#cases-table tr[data-case="${ids.own}"]`).waitFor();
    assert.equal(await page.locator(`tr[data-case="${ids.own}"] [data-edit]`).count(), 1, 'edit on its own cluster');
    assert.equal(await page.locator(`tr[data-case="${ids.other}"] [data-edit]`).count(), 0, 'no edit on another cluster');
    assert.equal(await page.locator(`tr[data-case="${ids.own}"] td[data-col="case_count"]`).textContent(), '<5');
    await shot('list');

    await page.locator(`tr[data-case="${ids.own}"] [data-edit]`).click();
    await page.locator('#case-form').waitFor();
    assert.equal(await page.locator('#in-case_count').inputValue(), '', 'the hidden count is not prefilled');
    assert.equal(await page.locator('#in-case_count').getAttribute('placeholder'), '<5');
    assert.equal(await page.locator('#in-victims_by_age-age_13_17').inputValue(), '', 'a hidden victim count is not prefilled');
    assert.equal(await page.locator('#in-victims_by_age-age_13_17').getAttribute('placeholder'), '<5');
    assert.equal(await page.locator('#in-victims_by_age-age_25_44').inputValue(), '6', 'a shown count is');
    assert.ok(await page.locator('#case-masked').isVisible(), 'says why the field is blank');
    const html = await page.locator('#case-form').innerHTML();
    assert.ok(!/value="2"/.test(html), 'the figure 2 appears nowhere in the form');
    await page.locator('#in-source_note').fill('Rekap Polda');
    await page.locator('#in-police_reports').fill('8');
    await shot('form');
    await page.locator('#case-save').click();
    await page.locator('#case-msg').waitFor();
    const rec = await server.api('GET', `/api/collections/case_aggregates/records/${ids.own}`, server.superToken);
    assert.equal(rec.case_count, 2, 'the hidden figure is kept');
    assert.equal(rec.victims_by_age.age_13_17, 1, 'the hidden figure is kept');
    assert.equal(rec.victims_by_age.age_25_44, 6);
    assert.equal(rec.police_reports, 8);
    assert.equal(rec.source_note, 'Rekap Polda');
    await shot('saved');
    // Put the figures back for the next size.
    await server.api('PATCH', `/api/collections/case_aggregates/records/${ids.own}`, server.superToken, { police_reports: 0, source_note: '' });
    await ctx.close();
  });
}
