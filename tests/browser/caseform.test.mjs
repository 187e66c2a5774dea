// Browser test of the case-figure form of issue 15: case figures as Simfoni
// PPA counts them, with the server's checks shown while the user types
// (victims by sex and by age band add up to the total, restitution granted
// at most requested, cases by scope at most the cases), in Bahasa
// Indonesia and, switched, in English; saved once they hold, and what the
// server stored is what was typed. A verifier of Lampung Selatan on a phone
// and on a laptop; screenshots under test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn } from './harness.mjs';

const REGENCY = '18.01';
let server;
let browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'verif.kasus@uji.jangkau.id', name: 'Verifikator Kasus', role: 'district_verifier', area: REGENCY });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const YEARS = { phone: 2023, laptop: 2024 };

for (const size of ['phone', 'laptop']) {
  test(`the case-figure form checks the totals as the user types (${size})`, async () => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'id-ID' });
    const page = await ctx.newPage();
    const shot = shooter(page, `caseform-${size}`);
    await signIn(page, server.url, 'verif.kasus@uji.jangkau.id');
    await page.goto(server.url + '/#/cases');
    await page.locator('#cases-table').waitFor();
    await page.locator('#case-new').click();
    await page.locator('#case-form').waitFor();
    await page.locator('#in-year').fill(String(YEARS[size]));
    assert.ok(await page.locator('#case-ok').isVisible(), 'an empty form adds up');

    await page.locator('#in-case_count').fill('5');
    await page.locator('#in-victims_total').fill('6');
    await page.locator('#in-victims_by_sex-female').fill('4');
    // the sum of victims by sex is checked at once, naming both numbers
    const sexCheck = page.locator('#check-victims_by_sex');
    await sexCheck.waitFor();
    assert.match(await sexCheck.textContent(), /jenis kelamin berjumlah 4, harus sama dengan total korban \(6\)/);
    assert.match(await page.locator('#sum-victims_by_sex').textContent(), /Jumlah 4 dari total 6/);
    assert.ok(await page.locator('#check-victims_by_age').isVisible(), 'no age band yet: 0 of 6');
    await page.locator('#in-victims_by_sex-male').fill('2');
    await sexCheck.waitFor({ state: 'detached' });

    await page.locator('#in-victims_by_age-age_13_17').fill('3');
    await page.locator('#in-victims_by_age-age_25_44').fill('2');
    assert.match(await page.locator('#check-victims_by_age').textContent(), /kelompok umur berjumlah 5/);
    // retired codes of earlier data are not offered on a new figure
    assert.equal(await page.locator('#in-victims_by_age-child_unbanded').count(), 0);
    await page.locator('#in-restitution_requested').fill('1');
    await page.locator('#in-restitution_granted').fill('2');
    assert.match(await page.locator('#check-restitution_granted').textContent(), /melebihi restitusi yang diajukan \(1\)/);
    await page.locator('#in-cases_by_scope-cross_border').fill('4');
    await page.locator('#in-cases_by_scope-domestic').fill('2');
    assert.match(await page.locator('#check-cases_by_scope').textContent(), /6 melebihi jumlah kasus \(5\)/);
    await shot('checks-id');

    // saving is held back while a check fails
    await page.locator('#case-save').click();
    await page.locator('#case-fix').waitFor();

    // the same checks in English
    await page.locator('#lang-switch').click();
    await page.locator('#check-victims_by_age').filter({ hasText: 'Victims by age band add up to 5' }).waitFor();
    assert.match(await page.locator('#check-cases_by_scope').textContent(), /6 is more than the number of cases \(5\)/);
    await shot('checks-en');
    await page.locator('#lang-switch').click();

    await page.locator('#in-victims_by_age-age_60_plus').fill('1');
    await page.locator('#in-restitution_granted').fill('1');
    await page.locator('#in-cases_by_scope-domestic').fill('1');
    await page.locator('#in-cases_by_law-tppo').fill('4');
    await page.locator('#in-cases_by_law-uu_pmi').fill('1');
    await page.locator('#in-cases_by_stage-penyidikan').fill('2');
    await page.locator('#in-cases_by_stage-putusan').fill('1');
    await page.locator('#in-police_reports').fill('4');
    await page.locator('#in-suspects').fill('7');
    await page.locator('#in-victims_disabled').fill('1');
    await page.locator('#in-victims_repatriated').fill('3');
    await page.locator('#in-services-pengaduan').fill('6');
    await page.locator('#in-services-kesehatan').fill('2');
    await page.locator('#case-ok').waitFor();
    assert.equal(await page.locator('#case-form .field-error').count(), 0, 'no check left');
    await shot('ready');
    await page.locator('#case-save').click();
    await page.locator('#case-msg').waitFor();
    await shot('saved');

    const [rec] = (await server.api('GET', `/api/collections/case_aggregates/records?filter=${encodeURIComponent(`year=${YEARS[size]}`)}`, server.superToken)).items;
    assert.equal(rec.area, REGENCY);
    assert.equal(rec.case_count, 5);
    assert.equal(rec.victims_total, 6);
    assert.deepEqual(rec.victims_by_sex, { female: 4, male: 2 });
    assert.deepEqual(rec.victims_by_age, { age_13_17: 3, age_25_44: 2, age_60_plus: 1 });
    assert.deepEqual(rec.cases_by_scope, { cross_border: 4, domestic: 1 });
    assert.deepEqual(rec.cases_by_law, { tppo: 4, uu_pmi: 1 });
    assert.deepEqual(rec.cases_by_stage, { penyidikan: 2, putusan: 1 });
    assert.deepEqual(rec.services, { pengaduan: 6, kesehatan: 2 });
    assert.equal(rec.restitution_requested, 1);
    assert.equal(rec.restitution_granted, 1);
    assert.equal(rec.suspects, 7);
    // the list reads it below province level: 5 cases, 6 victims, 4 women; 2 men "<5"
    await page.locator('#case-year').fill(String(YEARS[size]));
    await page.locator('#case-year').press('Tab');
    const row = page.locator(`#cases-table tr[data-case="${rec.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('td[data-col="victims_by_sex.male"]').textContent(), '<5');
    assert.equal(await row.locator('td[data-col="case_count"]').textContent(), '5');
    await ctx.close();
  });
}
