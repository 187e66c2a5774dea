// Browser test of photos on the record page: protected files shown as
// thumbnails through a file token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, until, PASSWORD } from './harness.mjs';

const HAJIMENA = '18.01.04.2001';

let server;
let browser;
let id = '';

before(async () => {
  server = await startServer();
  await server.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await server.createUser({ email: 'hajimena@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  const officer = await server.login('hajimena@uji.jangkau.id');
  browser = await launchBrowser();

  // A photo of a banner (drawn by the browser itself, as a JPEG).
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.setContent('<body style="margin:0;background:#0f5c6e;color:#fff;font:64px sans-serif;display:grid;place-items:center;height:100vh">Sosialisasi TPPO</body>');
  const jpeg = await page.screenshot({ type: 'jpeg', quality: 80 });
  await page.close();

  const form = new FormData();
  for (const [k, v] of Object.entries({ village: HAJIMENA, title: 'Sosialisasi dengan foto spanduk', type: 'sosialisasi', start_date: '2026-03-11', status: 'submitted', photo_consent: 'true', male_adult: '12', female_adult: '15' })) form.append(k, v);
  form.append('photos', new Blob([jpeg], { type: 'image/jpeg' }), 'spanduk.jpg');
  const r = await fetch(server.url + '/api/collections/activities/records', { method: 'POST', headers: { Authorization: officer }, body: form });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.equal(body.photos.length, 1);
  id = body.id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const size of ['laptop', 'phone']) {
  test(`the record page shows the record's protected photos (${size})`, async () => {
    const context = await browser.newContext({ ...SIZES[size], locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const page = await context.newPage();
    const shot = shooter(page, `${size}-photos`);
    await page.goto(`${server.url}/#/record/activities/${id}`);
    await page.locator('#email').fill('verifikator@uji.jangkau.id');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    const img = page.locator('#photos img');
    await img.waitFor();
    await until(() => img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the thumbnail to load');
    const src = await img.getAttribute('src');
    assert.match(src, /thumb=320x320f/);
    assert.match(src, /token=/);
    // Without the token the file is refused: it is protected.
    const bare = await fetch(new URL(src, server.url).href.replace(/[?&]token=[^&]+/, ''));
    assert.notEqual(bare.status, 200);
    await img.scrollIntoViewIfNeeded();
    await shot('record');
    await context.close();
  });
}
