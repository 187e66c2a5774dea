// Browser test of the web console: a district verifier signs in, filters the
// review queue, opens a record, returns it with a note, approves another,
// approves several at once, and sees the queue update live when a village
// phone syncs a new record. Screenshots of each step, at phone and laptop
// sizes, go to test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, until } from './harness.mjs';

const REGENCY = '18.01'; // Kabupaten Lampung Selatan
const NATAR = '18.01.04';
const HAJIMENA = '18.01.04.2001'; // Natar
const SIDODADI = '18.01.07.2012'; // one of 14 Sidodadi in Lampung
const OTHER_REGENCY_VILLAGE = '18.02.01.2001'; // Lampung Tengah

let server;
let browser;
const tokens = {};
const ids = {};

function activity(village, title, type, extra = {}) {
  return {
    village, title, type, start_date: '2026-03-10 02:00:00.000Z', mode: 'luring', venue: 'Balai desa',
    topics: ['migrasi_aman', 'modus_tppo'], target_groups: ['calon_pmi', 'orang_tua'],
    male_child: 3, female_child: 4, male_adult: 10, female_adult: 12, disabled: 1,
    funding_source: 'dana_desa', budget: 1500000, outcome_summary: 'Warga memahami jalur migrasi prosedural.',
    status: 'submitted', ...extra,
  };
}

before(async () => {
  server = await startServer();
  const s = server;
  await s.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  await s.createUser({ email: 'hajimena@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  await s.createUser({ email: 'sidodadi@uji.jangkau.id', name: 'Operator Sidodadi', role: 'village_officer', area: SIDODADI });
  await s.createUser({ email: 'tengah@uji.jangkau.id', name: 'Operator Lampung Tengah', role: 'village_officer', area: OTHER_REGENCY_VILLAGE });
  await s.createUser({ email: 'sekretariat@uji.jangkau.id', name: 'Sekretariat GT Provinsi', role: 'province_secretariat', area: '18' });
  for (const k of ['verifikator', 'hajimena', 'sidodadi', 'tengah']) tokens[k] = await s.login(`${k}@uji.jangkau.id`);

  const post = async (who, collection, body) => (await s.api('POST', `/api/collections/${collection}/records`, tokens[who], body)).id;
  ids.sosialisasi = await post('hajimena', 'activities', activity(HAJIMENA, 'Sosialisasi migrasi aman di balai desa', 'sosialisasi'));
  ids.pelatihan = await post('hajimena', 'activities', activity(HAJIMENA, 'Pelatihan kader PATBM', 'pelatihan'));
  ids.draft = await post('hajimena', 'activities', activity(HAJIMENA, 'Rapat persiapan (masih draf)', 'rapat_koordinasi', { status: 'draft' }));
  ids.kampanye = await post('sidodadi', 'activities', activity(SIDODADI, 'Kampanye KIE penipuan kerja online', 'kampanye_kie'));
  ids.penyuluhan = await post('sidodadi', 'activities', activity(SIDODADI, 'Penyuluhan pencegahan perkawinan anak', 'penyuluhan'));
  ids.outside = await post('tengah', 'activities', activity(OTHER_REGENCY_VILLAGE, 'Kegiatan di kabupaten lain', 'sosialisasi'));
  ids.outreach = await post('hajimena', 'outreach_logs', {
    village: HAJIMENA, date: '2026-03-12 03:00:00.000Z', outreach_type: 'migrant_consultation', target_category: 'calon_pmi',
    male_adult: 2, female_adult: 1, risk_signals: ['broker_sponsor'], action_taken: 'referred', referred_to: ['bp3mi'],
    referral_reference: 'BP3MI-2026-0042', status: 'submitted',
  });

  // A phone of Sidodadi that synced long ago (the devices collection is
  // written only by the server: here by the superuser).
  await s.api('POST', '/api/collections/devices/records', s.superToken, {
    user: (await s.api('GET', '/api/collections/users/records?filter=' + encodeURIComponent('email="sidodadi@uji.jangkau.id"'), s.superToken)).items[0].id,
    area: SIDODADI, regency: REGENCY, client_id: 'install-sidodadi', name: 'Samsung A05', platform: 'android',
    app_version: '0.9.0', last_pull: '2026-01-02 03:00:00.000Z', last_push: '2026-01-02 03:00:00.000Z', last_seen: '2026-01-02 03:00:00.000Z', queue_length: 7,
  });

  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function statusOf(collection, id) {
  return server.api('GET', `/api/collections/${collection}/records/${id}`, server.superToken);
}

async function signIn(page, email) {
  await page.goto(server.url + '/');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill('Uji-jangkau-2026');
  await page.locator('#login-submit').click();
  // the console then leaves '/' for the role's home page: wait for it, so a
  // page.goto to another route afterwards is not overtaken by that move
  await page.waitForFunction(() => location.hash.length > 2);
}

function queueRows(page) { return page.locator('#queue-table tbody tr'); }

async function rowIds(page) {
  return page.locator('#queue-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id).sort());
}

test('a district verifier works through the review queue (laptop)', async (t) => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = shooter(page, 'laptop');

  await t.test('sign-in page in Bahasa Indonesia, with a field error for an empty password', async () => {
    await page.goto(server.url + '/');
    await page.locator('#login').waitFor();
    assert.equal(await page.locator('#login h1').textContent(), 'Masuk');
    await page.locator('#email').fill('verifikator@uji.jangkau.id');
    await page.locator('#login-submit').click();
    await page.locator('#err-password').waitFor();
    await shot('login-validation');
    await page.locator('#password').fill('salah-sandi');
    await page.locator('#login-submit').click();
    await page.locator('#login-error').waitFor();
    assert.match(await page.locator('#login-error').textContent(), /salah/);
  });

  await t.test('the verifier lands on the queue of its regency only', async () => {
    await page.locator('#password').fill('Uji-jangkau-2026');
    await page.locator('#login-submit').click();
    await page.locator('#queue-table').waitFor();
    await page.locator('#live[data-live="on"]').waitFor();
    assert.deepEqual(await rowIds(page), [ids.sosialisasi, ids.pelatihan, ids.kampanye, ids.penyuluhan].sort());
    assert.equal(await page.locator('#tab-activities .count').textContent(), '4');
    assert.equal(await page.locator('#tab-outreach_logs .count').textContent(), '1');
    // Sidodadi is shown with its district and regency.
    const place = await page.locator(`tr[data-id="${ids.kampanye}"] .vplace`).textContent();
    assert.match(place, /Kec\. .+, Kabupaten Lampung Selatan/);
    const nav = await page.locator('.nav a').allTextContents();
    assert.deepEqual(nav, ['Antrean verifikasi', 'Dasbor', 'RAD', 'Angka kasus', 'Akun', 'Impor', 'Program desa', 'Ponsel', 'Pengaturan', 'Tentang']);
    await shot('queue');
  });

  await t.test('filters by district and type narrow the queue', async () => {
    await page.locator('#f-district').selectOption(NATAR);
    await until(async () => (await rowIds(page)).join() === [ids.sosialisasi, ids.pelatihan].sort().join(), 'the Natar filter');
    // Village names carry their district when no district is chosen; here the district is chosen.
    assert.ok((await page.locator('#f-village option').allTextContents()).includes('Hajimena'));
    await page.locator('#f-type').selectOption('sosialisasi');
    await until(async () => (await rowIds(page)).join() === ids.sosialisasi, 'the type filter');
    await shot('queue-filtered');
    await page.locator('#f-type').selectOption('');
    await until(async () => (await queueRows(page).count()) === 2, 'the type filter to clear');
    await page.locator('#f-from').fill('2026-03-11');
    await page.locator('#queue-empty').waitFor();
    await page.locator('#f-from').fill('2026-03-10');
    await until(async () => (await queueRows(page).count()) === 2, 'the date filter to include 10 March (WIB)');
    await page.locator('#tab-outreach_logs').click();
    await until(async () => (await rowIds(page)).join() === ids.outreach, 'the outreach tab');
    await page.locator('#tab-activities').click();
    await until(async () => (await queueRows(page).count()) === 2, 'the activities tab');
  });

  await t.test('a record page shows labelled fields and history', async () => {
    await page.locator(`tr[data-id="${ids.sosialisasi}"] a.rec-link`).click();
    await page.locator('#record[data-status="submitted"]').waitFor();
    assert.equal(await page.locator('#record-title').textContent(), 'Sosialisasi migrasi aman di balai desa');
    assert.equal(await page.locator('[data-field="type"] dd').textContent(), 'Sosialisasi');
    assert.equal(await page.locator('#participants [data-field="total"]').textContent(), '29');
    assert.equal(await page.locator('[data-field="funding_source"] dd').textContent(), 'Dana desa / APBDes');
    await page.locator('#history li[data-action="create"]').waitFor();
    await shot('record');
    // Opening the record is itself recorded; the history shows reads on request.
    assert.equal(await page.locator('#history li[data-action="view"]').count(), 0);
    await page.locator('#history-reads').check();
    await page.locator('#history li[data-action="view"]').first().waitFor();
    assert.match(await page.locator('#history li[data-action="view"]').first().textContent(), /Dilihat/);
    await page.locator('#history-reads').uncheck();
    await until(async () => (await page.locator('#history li[data-action="view"]').count()) === 0, 'reads hidden again');
  });

  await t.test('returning needs a note: checked in the browser, then by the server on the field', async () => {
    await page.locator('#return').click();
    await page.locator('#err-review_note').waitFor();
    assert.match(await page.locator('#err-review_note').textContent(), /alasan/);
    await shot('return-note-required');
    // The server refuses a phone number in free text, and says so on the field.
    await page.locator('#review_note').fill('Hubungi saya di 0812-3456-7890 untuk perbaikan');
    await page.locator('#return').click();
    await until(async () => /nomor telepon/.test(await page.locator('#err-review_note').textContent()), 'the server field error');
    await shot('return-server-field-error');
    assert.equal((await statusOf('activities', ids.sosialisasi)).status, 'submitted');
  });

  await t.test('the verifier returns the record with a note', async () => {
    await page.locator('#review_note').fill('Lengkapi jumlah peserta disabilitas dan foto kegiatan.');
    await page.locator('#return').click();
    await page.locator('#record[data-status="returned"]').waitFor();
    await page.locator('#record-done').waitFor();
    await page.locator('#history li[data-status="returned"]').waitFor();
    assert.match(await page.locator('#history li[data-status="returned"] .h-note').textContent(), /Lengkapi jumlah peserta/);
    const saved = await statusOf('activities', ids.sosialisasi);
    assert.equal(saved.status, 'returned');
    assert.equal(saved.review_note, 'Lengkapi jumlah peserta disabilitas dan foto kegiatan.');
    await shot('returned');
  });

  await t.test('back in the queue (filters kept), the verifier approves another record', async () => {
    await page.locator('#back-to-queue').click();
    await until(async () => (await rowIds(page)).join() === ids.pelatihan, 'the queue without the returned record');
    assert.equal(await page.locator('#f-district').inputValue(), NATAR);
    await page.locator(`tr[data-id="${ids.pelatihan}"] a.rec-link`).click();
    await page.locator('#approve').click();
    await page.locator('#confirm-yes').click();
    await page.locator('#record[data-status="approved"]').waitFor();
    assert.equal((await statusOf('activities', ids.pelatihan)).status, 'approved');
    await shot('approved');
  });

  await t.test('the verifier approves several records at once', async () => {
    await page.locator('#back-to-queue').click();
    await page.locator('#queue-empty').waitFor();
    await page.locator('#f-reset').click();
    await until(async () => (await rowIds(page)).join() === [ids.kampanye, ids.penyuluhan].sort().join(), 'the unfiltered queue');
    await page.locator('#select-all').check();
    await page.locator('#approve-selected').click();
    await page.locator('#confirm-approve').waitFor();
    await shot('approve-several-confirm');
    await page.locator('#confirm-yes').click();
    await page.locator('#batch-result').waitFor();
    assert.match(await page.locator('#batch-result').textContent(), /2 catatan disetujui/);
    await page.locator('#queue-empty').waitFor();
    for (const id of [ids.kampanye, ids.penyuluhan]) assert.equal((await statusOf('activities', id)).status, 'approved');
    await shot('approved-several');
  });

  await t.test('the queue updates live when a village phone syncs a submitted record', async () => {
    // Hajimena's phone pushes a new activity through the sync protocol.
    await page.locator('#live[data-live="on"]').waitFor(); // subscribed
    ids.live = 'webLiveTest00001';
    const res = await server.api('POST', '/api/sync/push', tokens.hajimena, {
      clientId: 'install-hajimena', queueLength: 0, appVersion: '1.0.0',
      mutations: [{
        mutationId: 'm-live-1', collection: 'activities', id: ids.live, op: 'upsert', baseVersion: null,
        clientTime: '2026-03-14T09:00:00+07:00', data: activity(HAJIMENA, 'Sosialisasi lowongan kerja palsu', 'sosialisasi', { start_date: '2026-03-14' }),
      }],
    });
    assert.equal(res.results[0].status, 'applied', JSON.stringify(res));
    await page.locator(`tr[data-id="${ids.live}"].fresh`).waitFor();
    await until(async () => (await page.locator('#tab-activities .count').textContent()) === '1', 'the tab count');
    await shot('queue-live-update');
    // The outreach log of the other tab is still waiting.
    assert.equal(await page.locator('#tab-outreach_logs .count').textContent(), '1');
  });

  await t.test('English is one click away, and remembered', async () => {
    await page.locator('#lang-switch').click();
    await until(async () => (await page.locator('#queue h1').textContent()) === 'Review queue', 'English labels');
    await page.reload();
    await page.locator('#queue-table').waitFor();
    assert.equal(await page.locator('#queue h1').textContent(), 'Review queue');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.locator(`tr[data-id="${ids.live}"] a.rec-link`).click();
    await page.locator('#record').waitFor();
    assert.equal(await page.locator('[data-field="type"] dd').textContent(), 'Socialisation');
    await page.locator('#return').click();
    assert.match(await page.locator('#err-review_note').textContent(), /Write the reason/);
    await shot('record-english');
    await page.locator('#lang-switch').click();
    await until(async () => (await page.locator('[data-field="type"] dd').textContent()) === 'Sosialisasi', 'Bahasa Indonesia again');
  });

  await t.test('the phones page lists the regency phones, stale ones first', async () => {
    await page.locator('[data-nav="phones"]').click();
    await page.locator('#phones-table').waitFor();
    const rows = page.locator('#phones-table tbody tr');
    await until(async () => (await rows.count()) === 2, 'two phones (one stale, one that just synced)');
    assert.match(await rows.nth(0).textContent(), /Samsung A05/);
    assert.equal(await rows.nth(0).getAttribute('class'), 'stale');
    assert.match(await rows.nth(1).textContent(), /1\.0\.0/);
    await shot('phones');
  });

  await t.test('the about page credits the area data', async () => {
    await page.locator('[data-nav="about"]').click();
    await page.locator('#credit').waitFor();
    assert.equal(await page.locator('#credit').textContent(), 'Data wilayah: Kepmendagri 300.2.2-2138/2025 via idn-area-data, ODbL');
    await shot('about');
  });

  assert.deepEqual(errors, []);
  await context.close();
});

test('the console on a phone screen (360 px)', async (t) => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = shooter(page, 'phone');
  const noSideScroll = async () => assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'the page fits 360 px without scrolling sideways');

  await t.test('sign in', async () => {
    await page.goto(server.url + '/');
    await page.locator('#login').waitFor();
    await shot('login');
    await noSideScroll();
    await signIn(page, 'verifikator@uji.jangkau.id');
    await page.locator(`#queue-table tr[data-id="${ids.live}"]`).waitFor();
    await noSideScroll();
    await shot('queue');
  });

  await t.test('menu and filters', async () => {
    await page.locator('.menu-btn').click();
    await page.locator('.nav.open').waitFor();
    await shot('menu');
    await page.locator('.menu-btn').click();
    await page.locator('#f-district').selectOption(NATAR);
    await page.locator(`#queue-table tr[data-id="${ids.live}"]`).waitFor();
    await shot('queue-filtered');
  });

  await t.test('open, approve', async () => {
    await page.locator(`tr[data-id="${ids.live}"] a.rec-link`).click();
    await page.locator('#record[data-status="submitted"]').waitFor();
    await noSideScroll();
    await shot('record');
    await page.locator('#approve').click();
    await page.locator('#confirm-yes').click();
    await page.locator('#record[data-status="approved"]').waitFor();
    await shot('approved');
    assert.equal((await statusOf('activities', ids.live)).status, 'approved');
  });

  await t.test('phones', async () => {
    await page.goto(server.url + '/#/phones');
    await page.locator('#phones-table').waitFor();
    await noSideScroll();
    await shot('phones');
  });

  assert.deepEqual(errors, []);
  await context.close();
});

test('a village officer is pointed to the field app', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-officer');
  await signIn(page, 'hajimena@uji.jangkau.id');
  await page.locator('#field-app').waitFor();
  assert.equal(await page.locator('#field-app-link').getAttribute('href'), '/app/');
  assert.equal(await page.locator('[data-nav="queue"]').count(), 0);
  await shot('field-app-note');
  // The queue is not among its pages, even by address: it says so.
  await page.goto(server.url + '/#/queue');
  await page.locator('#forbidden').waitFor();
  assert.match(await page.locator('#forbidden').textContent(), /tidak punya akses/);
  await context.close();
});

test('the province secretariat lands on the dashboard and may reopen an approved record with a reason', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'laptop-province');
  await signIn(page, 'sekretariat@uji.jangkau.id');
  await page.locator('#dashboard').waitFor();
  // the secretariat's queue holds regency and province activities (issue 15: reviews go one level up)
  assert.deepEqual(await page.locator('.nav a').allTextContents(), ['Antrean verifikasi', 'Dasbor', 'RAD', 'Angka kasus', 'Akun', 'Kosakata', 'Impor', 'Program desa', 'Ponsel', 'Pengaturan', 'Tentang']);
  assert.equal(await page.locator('[data-nav="queue"]').count(), 1);
  await shot('dashboard');
  await page.goto(`${server.url}/#/record/activities/${ids.pelatihan}`);
  await page.locator('#record[data-status="approved"]').waitFor();
  await page.locator('#return').click();
  assert.match(await page.locator('#err-review_note').textContent(), /alasan membuka kembali/);
  await page.locator('#review_note').fill('Jumlah peserta tidak sesuai daftar hadir; mohon diperiksa ulang.');
  await page.locator('#return').click();
  await page.locator('#record[data-status="returned"]').waitFor();
  assert.equal((await statusOf('activities', ids.pelatihan)).status, 'returned');
  await shot('reopened');
  await context.close();
});

test('an unknown API path is a 404 in JSON, not the web app', async () => {
  const r = await fetch(server.url + '/api/no-such-route');
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type'), /json/);
  const page = await fetch(server.url + '/some/page');
  assert.equal(page.status, 200);
  assert.match(await page.text(), /assets\/console\.js\?v=/);
});
