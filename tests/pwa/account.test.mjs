// Issue 17 in the field app, at phone and laptop sizes: "Lupa kata sandi"
// (the reset e-mail through a real Mailpit); a one-time password from the
// verifier that must be changed before anything else; the settings'
// notices and switches; and a real Web Push: the server encrypts and posts
// it (VAPID-signed) to an HTTPS push endpoint run by this test, the test
// decrypts it with the subscription's keys as a browser would, and hands
// the result to the app's real service worker (CDP
// ServiceWorker.deliverPushMessage), which shows the notification.
// Headless Chromium cannot subscribe itself: its push service is Google's
// FCM, unreachable here (the test checks that the app says so).
// Screenshots in test-output/pwa/account-*.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createECDH, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, PHONE, shooter, startServer, until } from './harness.mjs';
import { startMailpit, useMailpit } from '../shared/mailpit.mjs';

const LAPTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'id-ID' };
const VILLAGE = '18.01.04.2001';
let server, browser, mail, push, certDir;
const pushes = [];

/** A push service standing in for the browser's: HTTPS (a certificate made for this run, trusted by the server through SSL_CERT_FILE). */
async function startPushService() {
  certDir = mkdtempSync(join(tmpdir(), 'jangkau-push-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const srv = createServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { pushes.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) }); res.writeHead(201).end(); });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => srv.close(r)) };
}

/** A browser's subscription keys (RFC 8291) and the decryption of an aes128gcm push with them. */
function subscriptionKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    decrypt(body) {
      const salt = body.subarray(0, 16);
      const idlen = body[20];
      const asPublic = body.subarray(21, 21 + idlen);
      const ct = body.subarray(21 + idlen);
      const shared = ecdh.computeSecret(asPublic);
      const info = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), asPublic]);
      const ikm = Buffer.from(hkdfSync('sha256', shared, auth, info, 32));
      const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
      const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
      const d = createDecipheriv('aes-128-gcm', cek, nonce);
      d.setAuthTag(ct.subarray(ct.length - 16));
      const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
      let end = plain.length;
      while (end > 0 && plain[end - 1] === 0) end--;
      assert.equal(plain[end - 1], 2, 'last-record delimiter');
      return plain.subarray(0, end - 1).toString('utf8');
    },
  };
}

before(async () => {
  push = await startPushService();
  process.env.SSL_CERT_FILE = join(certDir, 'cert.pem'); // the server (spawned next) trusts the test's push service
  process.env.JANGKAU_PUSH_HOSTS = '127.0.0.1'; // and admits it among the browsers' push services
  server = await startServer();
  mail = await startMailpit();
  await useMailpit(server, mail);
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator', role: 'district_verifier', area: '18.01' });
  for (const size of ['phone', 'laptop']) {
    await server.createUser({ email: `desa.${size}@uji.jangkau.id`, name: `Operator ${size}`, role: 'village_officer', area: VILLAGE });
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await mail?.stop();
  await push?.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('button, a.button, a, .check, [data-testid=settings-link]')]
    .filter((b) => b.offsetParent !== null && !b.closest('p.hint'))
    .map((b) => ({ what: (b.getAttribute('aria-label') || b.textContent).trim().slice(0, 30), h: Math.round(b.getBoundingClientRect().height) }))
    .filter((b) => b.h < 44));
}

for (const size of ['phone', 'laptop']) {
  test(`field app: passwords, notices, push (${size})`, { timeout: 240000 }, async (t) => {
    const email = `desa.${size}@uji.jangkau.id`;
    const ctx = await browser.newContext(size === 'phone' ? PHONE : LAPTOP);
    await ctx.grantPermissions(['notifications'], { origin: server.url });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('pageerror:', e.message));
    const shot = shooter(page, `account-${size}`);
    await page.goto(server.url + '/app/');

    await t.test('Lupa kata sandi sends the reset e-mail', async () => {
      await page.click('[data-testid=forgot-link]');
      await page.fill('#forgot-email', email);
      await shot('forgot');
      await page.click('[data-testid=forgot-send]');
      await page.waitForSelector('[data-testid=forgot-sent]');
      const msg = await mail.waitMessage(email);
      assert.match(msg.HTML, new RegExp(server.url.replace(/[.]/g, '\\.') + '/#/reset-password\\?token='));
      assert.deepEqual(await smallTargets(page), []);
    });

    let otp;
    await t.test('a one-time password from the verifier must be changed first', async () => {
      const vt = await server.login('verifikator@uji.jangkau.id');
      const users = await server.api('GET', `/api/accounts?q=${encodeURIComponent(email)}`, vt);
      otp = (await server.api('POST', `/api/accounts/${users.items[0].id}/reset-password`, vt)).password;
      await page.goto(server.url + '/app/#/login');
      await page.fill('#login-email', email);
      await page.fill('#login-password', otp);
      await page.click('[data-testid=login-form] button[type=submit]');
      await page.waitForSelector('[data-testid=must-change]');
      assert.equal(await page.locator('[data-testid=syncbar]').count(), 0, 'no sync while the password is one-time');
      await shot('must-change');
      assert.deepEqual(await smallTargets(page), []);
      await page.fill('#pw-oldPassword', otp);
      await page.fill('#pw-password', 'sandi operator desa');
      await page.fill('#pw-passwordConfirm', 'sandi operator dusun');
      await page.click('[data-testid=pw-save]');
      await page.waitForSelector('[data-field=passwordConfirm]');
      assert.match(await page.textContent('[data-field=passwordConfirm]'), /Tidak sama/);
      // the check shown follows a switch of language
      await page.click('[data-testid=lang-switch]');
      await until(async () => /Does not match/.test(await page.textContent('[data-field=passwordConfirm]')), 'the check in English');
      await page.click('[data-testid=lang-switch]');
      await until(async () => /Tidak sama/.test(await page.textContent('[data-field=passwordConfirm]')), 'the check back in Bahasa Indonesia');
      await page.fill('#pw-passwordConfirm', 'sandi operator desa');
      await page.click('[data-testid=pw-save]');
      await page.waitForSelector('[data-testid=syncbar]');
      await until(async () => (await page.textContent('[data-testid=village]'))?.includes('Hajimena'), 'the village name once the API answers');
      await shot('after-change');
    });

    await t.test('settings: notices and switches; push cannot subscribe in headless Chromium and says why', async () => {
      await page.click('[data-testid=settings-link]');
      await page.waitForSelector('[data-testid=notices] li[data-notice=password]');
      const titles = await page.locator('[data-testid=notices] li strong').allTextContents();
      assert.deepEqual(titles, ['Kata sandi Anda diganti', 'Kata sandi Anda diatur ulang']);
      await page.locator('input[data-switch="approved.push"]').uncheck();
      const tok = (await server.api('POST', '/api/collections/users/auth-with-password', null, { identity: email, password: 'sandi operator desa' })).token;
      await until(async () => (await server.api('GET', '/api/notify/prefs', tok)).off.includes('approved.push'), 'the switch saved on the server');
      await page.locator('input[data-switch="approved.push"]').check();
      await until(async () => (await server.api('GET', '/api/notify/prefs', tok)).off.length === 0, 'the switch back on');
      await page.click('[data-testid=push-on]');
      await page.waitForSelector('[data-testid=push] .error');
      assert.match(await page.textContent('[data-testid=push] .error'), /belum bisa berlangganan notifikasi push/);
      await shot('settings');
      if (size === 'phone') assert.deepEqual(await smallTargets(page), []);
    });

    await t.test('a returned record: the server\'s encrypted push, decrypted, shown by the app\'s service worker', async () => {
      const tok = (await server.api('POST', '/api/collections/users/auth-with-password', null, { identity: email, password: 'sandi operator desa' })).token;
      const browserKeys = subscriptionKeys();
      await server.api('POST', '/api/notify/subscriptions', tok, { endpoint: `${push.url}/push/${size}`, keys: browserKeys.keys, lang: 'id' });
      const rec = await server.api('POST', '/api/collections/activities/records', tok, {
        village: VILLAGE, title: `Sosialisasi ${size}`, type: 'sosialisasi', start_date: '2026-03-10 02:00:00.000Z', mode: 'luring', venue: 'Balai desa',
        male_child: 1, female_child: 1, male_adult: 1, female_adult: 1, status: 'submitted',
      });
      const before = pushes.length;
      await server.api('PATCH', `/api/collections/activities/records/${rec.id}`, await server.login('verifikator@uji.jangkau.id'), { status: 'returned', review_note: 'Lengkapi daftar hadir' });
      const got = await until(() => pushes.slice(before).find((p) => p.path === `/push/${size}`), 'the server\'s push');
      assert.equal(got.headers['content-encoding'], 'aes128gcm');
      assert.match(got.headers.authorization, /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
      const payload = browserKeys.decrypt(got.body);
      assert.equal(JSON.parse(payload).title, `Catatan dikembalikan: Sosialisasi ${size}`);

      const cdp = await ctx.newCDPSession(page);
      const regId = new Promise((ok) => cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
        const r = e.registrations.find((x) => x.scopeURL === server.url + '/app/' && !x.isDeleted);
        if (r) ok(r.registrationId);
      }));
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: await regId, data: payload });
      const shown = await until(() => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications())
        .map((n) => ({ title: n.title, body: n.body, url: n.data?.url })).find((n) => n.title.startsWith('Catatan dikembalikan'))), 'the notification');
      assert.equal(shown.title, `Catatan dikembalikan: Sosialisasi ${size}`);
      assert.match(shown.body, /Lengkapi daftar hadir/);
      assert.equal(shown.url, `/app/#/r/activities/${rec.id}`);
      await page.reload();
      await page.click('[data-testid=settings-link]');
      await page.waitForSelector('[data-testid=notices] li[data-notice=returned]');
      await shot('notices');
    });
    await ctx.close();
  });
}
