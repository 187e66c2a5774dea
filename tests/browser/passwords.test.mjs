// Browser test of issue 17's password flows and notification settings in
// the console, at 360 px and 1280 px: "Lupa kata sandi" through a real
// Mailpit (the e-mail read back from its API, its link opened in the
// browser, the new password chosen and used); a verifier resetting an
// officer's password (the one-time password shown once) and the
// secretariat resetting a verifier's, who must then choose a password
// before anything else; the settings page's notices, switches and change
// of password. Screenshots in test-output/browser/passwords-*.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn, PASSWORD } from './harness.mjs';
import { startMailpit, useMailpit } from '../shared/mailpit.mjs';

/** Signs out through the menu (folded behind "Menu" on a phone). */
async function signOut(page) {
  const menu = page.locator('.menu-btn');
  if (await menu.isVisible() && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
  await page.locator('#sign-out').click();
  await page.locator('#login').waitFor();
}

let server;
let browser;
let mail;

before(async () => {
  server = await startServer();
  mail = await startMailpit();
  await useMailpit(server, mail);
  for (const size of ['phone', 'laptop']) {
    await server.createUser({ email: `verif.${size}@uji.jangkau.id`, name: `Verifikator ${size}`, role: 'district_verifier', area: '18.01' });
    await server.createUser({ email: `lupa.${size}@uji.jangkau.id`, name: `Sekretariat ${size}`, role: 'province_secretariat', area: '18' });
    await server.createUser({ email: `desa.${size}@uji.jangkau.id`, name: `Operator Hajimena ${size}`, role: 'village_officer', area: '18.01.04.2001' });
  }
  await server.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat', role: 'province_secretariat', area: '18' });
  await server.createUser({ email: 'putus@uji.jangkau.id', name: 'Verifikator sinyal lemah', role: 'district_verifier', area: '18.01' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await mail?.stop();
});

for (const size of ['phone', 'laptop']) {
  test(`passwords and notification settings in the console (${size})`, async (t) => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'id-ID' });
    const page = await ctx.newPage();
    const shot = shooter(page, `passwords-${size}`);

    await t.test('Lupa kata sandi: the e-mail through Mailpit, its link, the new password', async () => {
      const email = `lupa.${size}@uji.jangkau.id`;
      await page.goto(server.url + '/');
      await page.locator('#login-forgot').click();
      await page.locator('#forgot-email').fill(email);
      await shot('forgot');
      await page.locator('#forgot-send').click();
      await page.locator('#forgot-sent').waitFor();
      await shot('forgot-sent');
      const msg = await mail.waitMessage(email);
      assert.match(msg.Subject, /Atur ulang kata sandi .* \/ Reset your/);
      const link = msg.HTML.match(/href="([^"]*#\/reset-password\?token=[^"]+)"/)?.[1].replace(/&amp;/g, '&');
      assert.ok(link && link.startsWith(server.url + '/#/reset-password?token='), `the link names the address the user reached: ${link}`);
      await page.goto(link);
      await page.locator('#pw-new').fill('pendek');
      await page.locator('#pw-confirm').fill('pendek');
      await page.locator('#reset-save').click();
      await page.locator('#err-password').waitFor(); // checked before sending
      await page.locator('#pw-new').fill('kata sandi baru sekretariat');
      await page.locator('#pw-confirm').fill('kata sandi baru sekretariat');
      await page.locator('#reset-save').click();
      await page.locator('#reset-done').waitFor();
      await shot('reset-done');
      await page.locator('#reset-console').click();
      await signIn(page, server.url, email, 'kata sandi baru sekretariat');
      await signOut(page);
    });

    await t.test('a verifier resets an officer without e-mail: the one-time password, shown once', async () => {
      await signIn(page, server.url, `verif.${size}@uji.jangkau.id`);
      await page.goto(server.url + '/#/accounts');
      const row = page.locator(`tr[data-account="desa.${size}@uji.jangkau.id"]`);
      await row.locator('[data-reset]').click();
      await shot('reset-confirm');
      await row.locator('[data-reset-yes]').click();
      const otp = (await page.locator('#reset-otp').textContent()).trim();
      assert.match(otp, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      await shot('reset-otp');
      // the officer's one-time password works, and nothing else does until changed
      const tok = (await server.api('POST', '/api/collections/users/auth-with-password', null, { identity: `desa.${size}@uji.jangkau.id`, password: otp })).token;
      await assert.rejects(server.api('GET', '/api/sync/pull?cursor=0', tok), (e) => e.status === 403 && e.data.data.password.code === 'password_change_required');
      await signOut(page);
    });

    await t.test('the secretariat resets a verifier, who must choose a password before anything else', async () => {
      await signIn(page, server.url, 'sekretariat@uji.jangkau.id');
      await page.goto(server.url + '/#/accounts');
      await page.locator('#acc-q').fill(`verif.${size}`);
      await page.locator('#acc-q').press('Tab');
      const row = page.locator(`tr[data-account="verif.${size}@uji.jangkau.id"]`);
      await row.locator('[data-reset]').click();
      await row.locator('[data-reset-yes]').click();
      const otp = (await page.locator('#reset-otp').textContent()).trim();
      await signOut(page);

      await page.locator('#email').fill(`verif.${size}@uji.jangkau.id`);
      await page.locator('#password').fill(otp);
      await page.locator('#login-submit').click();
      await page.locator('#must-change').waitFor();
      await shot('must-change');
      await page.goto(server.url + '/#/queue'); // no way around it
      await page.locator('#must-change').waitFor();
      await page.locator('#pw-old').fill(otp);
      await page.locator('#pw-new').fill(otp);
      await page.locator('#pw-confirm').fill(otp);
      await page.locator('#pw-save').click();
      await page.locator('#err-password').waitFor(); // the server: must differ
      await page.locator('#pw-new').fill('verifikator punya sandi');
      await page.locator('#pw-confirm').fill('verifikator punya sandi');
      await page.locator('#pw-save').click();
      await page.locator('#queue-table, #queue-empty').first().waitFor();
      await shot('after-change');
    });

    await t.test('settings: notices, switches, change of password, in both languages', async () => {
      await page.goto(server.url + '/#/settings');
      await page.locator('#notices li[data-notice="password"]').first().waitFor();
      const titles = await page.locator('#notices li b').allTextContents();
      assert.deepEqual(titles, ['Kata sandi Anda diganti', 'Kata sandi Anda diatur ulang']);
      const sw = page.locator('input[data-switch="digest.email"]');
      assert.equal(await sw.isChecked(), true);
      await sw.uncheck();
      await page.locator('#prefs-saved').waitFor();
      const tok = await server.login(`verif.${size}@uji.jangkau.id`).catch(() => null);
      assert.equal(tok, null, 'the fixture password no longer works');
      const me = (await server.api('POST', '/api/collections/users/auth-with-password', null, { identity: `verif.${size}@uji.jangkau.id`, password: 'verifikator punya sandi' })).token;
      assert.deepEqual((await server.api('GET', '/api/notify/prefs', me)).off, ['digest.email']);
      await page.locator('#lang-switch').click();
      await page.locator('#notices li b', { hasText: 'Your password was changed' }).waitFor();
      await shot('settings-en');
      await page.locator('#lang-switch').click();
      await page.locator('#pw-old').fill('verifikator punya sandi');
      await page.locator('#pw-new').fill('sandi kedua verifikator');
      await page.locator('#pw-confirm').fill('sandi kedua verifikator');
      await page.locator('#pw-save').click();
      await page.locator('#pw-saved').waitFor();
      await page.reload();
      await page.locator('#who').waitFor({ state: 'attached' }); // still signed in: the answer was a new session
      await shot('settings');
      if (size === 'phone') {
        const small = await page.evaluate(() => [...document.querySelectorAll('button, .button')].filter((b) => b.offsetParent !== null)
          .map((b) => ({ text: b.textContent.trim(), h: b.getBoundingClientRect().height })).filter((b) => b.h > 0 && b.h < 44));
        assert.deepEqual(small, []);
      }
    });
    await ctx.close();
  });
}

test('a change of password whose answer was lost: the page signs in with the new one and says it is saved', async () => {
  const ctx = await browser.newContext({ ...SIZES.phone, locale: 'id-ID' });
  const page = await ctx.newPage();
  await signIn(page, server.url, 'putus@uji.jangkau.id');
  await page.goto(server.url + '/#/settings');
  await page.locator('#pw-old').fill(PASSWORD);
  await page.locator('#pw-new').fill('sandi baru sinyal lemah');
  await page.locator('#pw-confirm').fill('sandi baru sinyal lemah');
  // the change reaches the server (same body, same session), its answer never reaches the phone
  let cut = 0;
  await page.route('**/api/accounts/password', async (route) => {
    cut++;
    const req = route.request();
    const made = await fetch(req.url(), { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: req.headers().authorization }, body: req.postData() });
    assert.equal(made.status, 200, 'the server changed the password');
    await route.abort('connectionreset');
  });
  await page.locator('#pw-save').click();
  await page.locator('#pw-saved').waitFor();
  assert.equal(cut, 1);
  await page.unroute('**/api/accounts/password');
  await page.reload();
  await page.locator('#who').waitFor({ state: 'attached' }); // signed in, with the new session
  const login = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ identity: 'putus@uji.jangkau.id', password: 'sandi baru sinyal lemah' }),
  });
  assert.equal(login.status, 200, 'the new password signs in');
  await ctx.close();
});
