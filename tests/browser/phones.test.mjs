// Browser test of the phones page with the devices API (enrollment by QR
// code or typed code, revocation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, until, PASSWORD } from './harness.mjs';

const REGENCY = '18.01';
const HAJIMENA = '18.01.04.2001';

let server;
let browser;

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  await server.createUser({ email: 'hajimena@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const size of ['laptop', 'phone']) {
  test(`a verifier enrolls a phone with a QR code and revokes it (${size})`, async () => {
    const context = await browser.newContext({ ...SIZES[size], locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const shot = shooter(page, `${size}-phones`);

    await page.goto(server.url + '/#/phones');
    await page.locator('#email').fill('verifikator@uji.jangkau.id');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('#enroll-open').click();
    await page.locator('#enroll-create').click();
    await page.locator('#err-user').waitFor(); // no officer chosen
    const officer = await page.locator('#enroll-user option').nth(1).getAttribute('value');
    await page.locator('#enroll-user').selectOption(officer);
    await page.locator('#enroll-create').click();
    await page.locator('#enrollment').waitFor();
    await until(() => page.locator('#enroll-qr').evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR image to load');
    const code = (await page.locator('#enroll-code').textContent()).trim();
    assert.ok(code.length >= 8, code);
    await shot('enroll-qr');

    // The phone types the code.
    const creds = await server.api('POST', '/api/devices/activate', null, {
      code, name: `HP ${size}`, platform: 'android', appVersion: '1.2.0', clientId: `install-${size}`,
    });
    await page.locator('#enroll-close').click();
    const row = page.locator(`#phones-table tr[data-id="${creds.device.id}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Aktif/);
    await shot('enrolled');

    await row.locator('[data-revoke]').click();
    await row.locator('[data-revoke-yes]').click();
    await page.locator('#phones-message').waitFor();
    await until(async () => /Dicabut/.test(await row.textContent()), 'the revoked state');
    await shot('revoked');
    const list = await server.api('GET', '/api/devices?perPage=100', server.superToken);
    assert.equal(list.items.find((d) => d.id === creds.device.id).state, 'revoked');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the enrollment screen warns when the QR code names the server machine itself', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-phones-url');
  async function enroll() {
    await page.locator('#enroll-open').click();
    await page.locator('#enroll-user').selectOption(await page.locator('#enroll-user option').nth(1).getAttribute('value'));
    await page.locator('#enroll-create').click();
    await page.locator('#enrollment').waitFor();
    await until(() => page.locator('#enroll-qr').evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR image to load');
  }
  // The console is opened on 127.0.0.1 and no Application URL is set: the
  // QR names the address the console used, which a phone cannot open.
  await page.goto(server.url + '/#/phones');
  await page.locator('#email').fill('verifikator@uji.jangkau.id');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await enroll();
  const warning = page.locator('#enroll-loopback');
  await warning.waitFor();
  assert.match(await warning.textContent(), new RegExp(`Perhatian: kode QR ini membuka ${server.url.replace(/[.]/g, '\\.')}`));
  assert.match(await warning.textContent(), /Ponsel tidak bisa membukanya/);
  await shot('loopback-warning');
  await page.locator('#enroll-close').click();

  // English
  await page.evaluate(() => { localStorage.setItem('jangkau.lang', 'en'); });
  await page.reload();
  await enroll();
  assert.match(await warning.textContent(), /A phone cannot open it/);
  await page.locator('#enroll-close').click();

  // The operator sets the public Application URL: the QR names it, no warning.
  await server.api('PATCH', '/api/settings', server.superToken, { meta: { appURL: 'https://jangkau.lampungprov.go.id' } });
  await enroll();
  assert.equal(await warning.count(), 0);
  await shot('public-url');
  await context.close();
});
