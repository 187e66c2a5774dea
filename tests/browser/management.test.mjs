// Browser test of the management pages of issue 7: the secretariat creates a
// RAD indicator with yearly targets and enters an achievement with an
// evidence link; enters case figures for a regency (the list shows "<5");
// creates a village officer with the area picker (village named with its
// district and regency), moves it and deactivates it. A district verifier
// sees only its regency's village officers. Screenshots at both sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, until } from './harness.mjs';

const REGENCY = '18.01';
const HAJIMENA = '18.01.04.2001';
const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();

let server;
let browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  await server.createUser({ email: 'tengah@uji.jangkau.id', name: 'Operator Lampung Tengah', role: 'village_officer', area: '18.02.01.2001' });
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
  await page.locator('#who').waitFor({ state: 'attached' });
  // the console then leaves '/' for the role's home page: wait for it, so a
  // page.goto to another route afterwards is not overtaken by that move
  await page.waitForFunction(() => location.hash.length > 2);
}

const find = async (collection, filter) => (await server.api('GET', `/api/collections/${collection}/records?filter=${encodeURIComponent(filter)}`, server.superToken)).items;

for (const size of ['laptop', 'phone']) {
  test(`secretariat manages RAD, case figures and accounts (${size})`, async (t) => {
    const context = await browser.newContext({ ...SIZES[size], locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const page = await context.newPage();
    const shot = shooter(page, `${size}-management`);
    const code = size === 'laptop' ? 'P.1.1' : 'P.1.2';
    await signIn(page, 'sekretariat@uji.jangkau.id');

    await t.test('a RAD indicator with targets, and an achievement with evidence', async () => {
      await page.goto(server.url + '/#/rad');
      await page.locator('#rad-table').waitFor();
      await page.locator('#rad-new').click();
      await page.locator('#in-code').fill(code);
      await page.locator('#in-description').fill('Jumlah sosialisasi pencegahan TPPO di desa');
      await page.locator('#in-unit').fill('kegiatan');
      await page.locator('#in-counting').selectOption('auto');
      await page.locator('#rule-preset').selectOption('sosialisasi_count');
      await page.locator(`[data-target-year="${YEAR}"]`).fill('12');
      await shot('rad-form');
      await page.locator('#rad-save').click();
      await page.locator(`#rad-table tr[data-indicator="${code}"]`).waitFor();
      const [ind] = await find('rad_indicators', `code="${code}"`);
      assert.equal(ind.counting, 'auto');
      assert.equal(ind.auto_rule, 'sosialisasi_count');
      assert.equal(ind.targets[String(YEAR)], 12);
      await page.locator(`[data-achievements="${code}"]`).click();
      await page.locator('#ach-area').selectOption(REGENCY);
      await page.locator('#ach-value').fill('3');
      await page.locator('#ach-evidence').fill('https://dppa.lampungprov.go.id/notulen-rakor');
      await page.locator('#ach-save').click();
      await page.locator(`#ach-${code.replace(/\./g, '\\.')} tr[data-achievement]`).waitFor();
      const [ach] = await find('rad_achievements', `indicator="${ind.id}"`);
      assert.equal(ach.value, 3);
      assert.deepEqual(ach.evidence_links, ['https://dppa.lampungprov.go.id/notulen-rakor']);
      await shot('rad-achievement');
      // A value left empty is refused with the field named; 0 is a value.
      const rows = page.locator(`#ach-${code.replace(/\./g, '\\.')} tr[data-achievement]`);
      await page.locator('#ach-year').fill(String(YEAR - 1));
      await page.locator('#ach-save').click();
      await page.locator('.ach-form #err-value').waitFor();
      assert.equal(await rows.count(), 1);
      await page.locator('#ach-value').fill('0');
      await page.locator('#ach-save').click();
      await page.waitForFunction((n) => document.querySelectorAll(n).length === 2, `#ach-${code.replace(/\./g, '\\.')} tr[data-achievement]`);
      const zero = (await find('rad_achievements', `indicator="${ind.id}" && year=${YEAR - 1}`))[0];
      assert.equal(zero.value, 0);
      // The dashboard's RAD tab shows it against its target with a traffic light.
      await page.goto(`${server.url}/#/dashboard?tab=rad`);
      const line = page.locator(`#report[data-report="rad"][data-ready="1"] tr[data-indicator="${code}"]`);
      await line.waitFor();
      assert.match(await line.locator('[data-light]').last().getAttribute('data-light'), /^(green|yellow|red|grey)$/);
      await shot('rad-dashboard');
    });

    await t.test('case figures of a regency: entered, and shown "<5" in the list', async () => {
      await page.goto(server.url + '/#/cases');
      await page.locator('#cases-table').waitFor();
      await page.locator('#case-new').click();
      await page.locator('#in-area').selectOption(size === 'laptop' ? REGENCY : '18.02');
      await page.locator('#in-case_count').fill('7');
      await page.locator('#in-victims_total').fill('2');
      await page.locator('#in-victims_by_sex-female').fill('2');
      await page.locator('#in-victims_by_age-age_13_17').fill('2');
      await page.locator('#in-cases_served').fill('7');
      await page.locator('#in-source').selectOption('uptd_ppa');
      await page.locator('#case-save').click();
      await page.locator('#case-msg').waitFor();
      const row = page.locator(`#cases-table tr[data-area="${size === 'laptop' ? REGENCY : '18.02'}"]`);
      await row.waitFor();
      assert.equal(await row.locator('td[data-col="victims_total"]').textContent(), '<5');
      assert.equal(await row.locator('td[data-col="cases_served"]').textContent(), '7');
      await shot('cases');
    });

    await t.test('an account is created with the area picker, moved and deactivated', async () => {
      const email = `operator-${size}@uji.jangkau.id`;
      await page.goto(server.url + '/#/accounts');
      await page.locator('#accounts-table').waitFor();
      await page.locator('#account-new').click();
      await page.locator('#in-email').fill(email);
      await page.locator('#in-password').fill('Sandi-awal-2026');
      await page.locator('#in-name').fill('Operator Baru');
      await page.locator('#in-area-q').fill('Hajimena');
      const opt = page.locator(`#in-area option[value="${HAJIMENA}"]`);
      await until(async () => (await opt.count()) === 1, 'Hajimena in the picker');
      assert.match(await opt.textContent(), /Hajimena, Kec\. Natar, Kabupaten Lampung Selatan/);
      await page.locator('#in-area').selectOption(HAJIMENA);
      await shot('account-form');
      await page.locator('#account-save').click();
      const row = page.locator(`#accounts-table tr[data-account="${email}"]`);
      await row.waitFor();
      assert.match(await row.textContent(), /Natar/);
      await row.locator('[data-move]').click();
      await row.locator('input[type=search]').fill('18.01.04.2002');
      await row.locator('select').selectOption('18.01.04.2002');
      await row.locator('[data-move-save]').click();
      await page.locator('#acc-msg').waitFor();
      await until(async () => (await find('users', `email="${email}"`))[0]?.area === '18.01.04.2002', 'the user moved');
      await row.locator('[data-toggle]').click();
      await until(async () => (await find('users', `email="${email}"`))[0]?.deactivated === true, 'the user deactivated');
      await page.locator(`#accounts-table tr[data-account="${email}"]`).waitFor({ state: 'detached' });
      await shot('accounts');
      if (size === 'phone') assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, SIZES.phone.viewport.width), 'fits 360 px');
    });
    await context.close();
  });
}

test('a district verifier manages only its regency\'s village officers', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-verifier-accounts');
  await signIn(page, 'verifikator@uji.jangkau.id');
  await page.goto(server.url + '/#/accounts');
  await page.locator('#accounts-table').waitFor();
  await page.locator('#acc-state').selectOption('');
  await until(async () => (await page.locator('#accounts-table tr[data-account]').count()) >= 1, 'the regency officers');
  const emails = await page.locator('#accounts-table tr[data-account]').evaluateAll((rows) => rows.map((r) => r.dataset.account));
  assert.ok(!emails.includes('tengah@uji.jangkau.id'), 'another regency\'s officer is not listed');
  await page.locator('#account-new').click();
  assert.deepEqual(await page.locator('#in-role option').allTextContents(), ['Operator desa/kelurahan']);
  await page.locator('#in-area-q').fill('Sidodadi');
  const places = await page.locator('#in-area option[value^="18."]').allTextContents();
  assert.ok(places.length > 0 && places.every((p) => /Kabupaten Lampung Selatan$/.test(p)), 'only villages of the regency');
  await shot('accounts');
  await context.close();
});
