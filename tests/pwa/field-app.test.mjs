// The field app end to end, on a 360 px phone screen: sign in, go offline,
// record an activity with a photo and an outreach log, reload offline, come
// back online and watch both reach the server (the photo stored), fix what
// the server refused, have the verifier return a record, fix and resubmit it,
// and receive everything on a second phone of the same village activated
// with an enrollment link.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gradientPng, launchBrowser, PASSWORD, PHONE, shooter, startServer, until, firstSync } from './harness.mjs';

const VILLAGE = '18.01.04.2001'; // Hajimena, Natar, Lampung Selatan
const REGENCY = '18.01';
const TITLE = 'Sosialisasi migrasi aman di balai desa';
const NOTE_WITH_PHONE = 'Calo menawarkan kerja, hubungi 0812-3456-7890';
const NOTE_FIXED = 'Calo menawarkan kerja ke luar negeri tanpa prosedur';
const REVIEW_NOTE = 'Lengkapi jumlah peserta penyandang disabilitas.';

let server, browser, officer, officer2, verifier;

before(async () => {
  server = await startServer();
  officer = await server.createUser({ email: 'desa1@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: VILLAGE });
  officer2 = await server.createUser({ email: 'desa2@uji.jangkau.id', name: 'Operator Hajimena 2', role: 'village_officer', area: VILLAGE });
  verifier = await server.createUser({ email: 'verif@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const item = (page, id) => page.locator(`[data-id="${id}"]`).first();
const stateOf = (page, id) => item(page, id).locator('[data-state]').getAttribute('data-state', { timeout: 1000 });

async function waitState(page, id, state, what) {
  await until(async () => (await stateOf(page, id)) === state, `${what}: state ${state}`, 45000);
}

test('serves the app shell with the headers a PWA needs', async () => {
  const r = await fetch(server.url + '/app/manifest.webmanifest');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/manifest\+json/);
  const m = await r.json();
  assert.equal(m.start_url, '/app/');
  assert.equal(m.scope, '/app/');
  for (const icon of m.icons) {
    const ir = await fetch(server.url + icon.src);
    assert.equal(ir.status, 200, icon.src);
    assert.equal(ir.headers.get('content-type'), 'image/png');
  }
  const sw = await fetch(server.url + '/app/sw.js');
  assert.equal(sw.status, 200);
  assert.match(sw.headers.get('content-type'), /javascript/);
  const index = await (await fetch(server.url + '/app/')).text();
  assert.match(index, /manifest\.webmanifest/);
});

test('offline-first round trip on a phone', { timeout: 240000 }, async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  const shot = shooter(page, 'phone1');

  // First visit and sign-in, online.
  await page.goto(server.url + '/app/');
  await page.fill('#login-email', officer.email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  await until(async () => (await page.textContent('[data-testid=village]')).includes('Hajimena'), 'the village name');
  assert.match(await page.textContent('[data-testid=village]'), /Natar/, 'village shown with its district');
  // The service worker controls the page and holds the shell.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  await page.waitForFunction(async () => {
    const keys = await caches.keys();
    for (const k of keys) if (await (await caches.open(k)).match('/app/')) return true;
    return false;
  }, null, { timeout: 30000 });
  await firstSync(page);
  await shot('signed-in');

  // Offline from here.
  await ctx.setOffline(true);
  await until(async () => (await page.getAttribute('[data-testid=syncbar]', 'data-online')) === 'false', 'the app to notice it is offline');

  // An activity with a photo, submitted at once.
  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
  const activityId = await page.getAttribute('[data-testid=record-form]', 'data-id');
  await page.fill('[name=title]', TITLE);
  await page.selectOption('select[name=type]', 'sosialisasi');
  await page.fill('[name=start_date]', '2025-03-10');
  await page.fill('[name=venue]', 'Balai desa Hajimena');
  assert.ok(await page.isVisible('[data-privacy-for=venue]'), 'privacy warning beside free text');
  for (const v of ['migrasi_aman', 'modus_tppo']) await page.click(`label.chip:has(input[name=topics][value=${v}])`);
  for (const v of ['calon_pmi', 'orang_tua']) await page.click(`label.chip:has(input[name=target_groups][value=${v}])`);
  await page.fill('[name=male_child]', '3');
  await page.fill('[name=female_child]', '4');
  await page.fill('[name=male_adult]', '10');
  await page.fill('[name=female_adult]', '12');
  assert.match(await page.textContent('[data-testid=participants-total]'), /29/);
  await page.setInputFiles('input[name=photo]', { name: 'IMG_20250310.png', mimeType: 'image/png', buffer: gradientPng(2400, 1800) });
  await page.waitForSelector('[data-testid=photos] figure[data-hash]', { timeout: 30000 });
  const photoHash = await page.getAttribute('[data-testid=photos] figure[data-hash]', 'data-hash');
  assert.match(photoHash, /^[0-9a-f]{64}$/);
  // Consent is required with a photo.
  await page.click('button[name=submit]');
  await page.waitForSelector('[data-error-for=photo_consent]');
  await shot('activity-consent-required');
  await page.check('input[name=photo_consent]');
  await page.click('button[name=submit]');
  await page.waitForSelector('[data-testid=saved-notice]');
  await waitState(page, activityId, 'local', 'activity saved on the phone');
  // The photo was shrunk on the phone: long side 1600 px, JPEG.
  const stored = await page.evaluate(async (hash) => {
    const open = indexedDB.open('jangkau-field');
    const db = await new Promise((ok, fail) => { open.onsuccess = () => ok(open.result); open.onerror = fail; });
    const rows = await new Promise((ok) => { const r = db.transaction('photos').objectStore('photos').getAll(); r.onsuccess = () => ok(r.result); });
    db.close();
    const p = rows.find((x) => x.hash === hash);
    return p && { width: p.width, height: p.height, type: p.blob.type, size: p.blob.size, state: p.state };
  }, photoHash);
  assert.deepEqual({ width: stored.width, height: stored.height, type: stored.type, state: stored.state }, { width: 1600, height: 1200, type: 'image/jpeg', state: 'queued' });

  // An outreach log whose note carries a phone number: the server will refuse it.
  await page.click('[data-testid=tab-outreach_logs]');
  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=outreach_logs]');
  const outreachId = await page.getAttribute('[data-testid=record-form]', 'data-id');
  await page.fill('[name=date]', '2025-04-02');
  await page.selectOption('select[name=outreach_type]', 'migration_service_post');
  await page.selectOption('select[name=target_category]', 'calon_pmi');
  await page.fill('[name=male_adult]', '2');
  await page.fill('[name=female_adult]', '1');
  await page.click('label.chip:has(input[name=risk_signals][value=broker_sponsor])');
  await page.selectOption('select[name=action_taken]', 'referred');
  await page.click('label.chip:has(input[name=referred_to][value=bp3mi])');
  await page.fill('[name=referral_reference]', 'BP3MI-LPG-2025-0042');
  await page.fill('[name=note]', NOTE_WITH_PHONE);
  await page.waitForSelector('[data-field=note] .warn'); // the phone warns while typing
  await shot('outreach-offline');
  // ...and refuses to save it, even as a draft (issue 17).
  await page.click('button[name=save-draft]');
  await page.waitForSelector('[data-error-for=note]');
  assert.equal(await page.locator('[data-testid=record-form]').count(), 1, 'still on the form');
  await page.fill('[name=note]', 'Catatan sementara');
  await page.click('button[name=save-draft]');
  await waitState(page, outreachId, 'local', 'outreach saved on the phone');
  // A record an earlier version of the app let through (it did not block):
  // the phone number goes into IndexedDB as that version stored it, so the
  // server's refusal is still exercised end to end.
  await page.evaluate(({ key, note }) => new Promise((resolve, reject) => {
    const open = indexedDB.open('jangkau-field');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      const get = store.get(key);
      get.onsuccess = () => { const rec = get.result; rec.data.note = note; rec.dirty = 1; store.put(rec); };
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), { key: `outreach_logs/${outreachId}`, note: NOTE_WITH_PHONE });
  await shot('saved-offline');

  // Reload with no connection: the service worker serves the app, IndexedDB keeps the data.
  await page.reload();
  await page.waitForSelector('[data-testid=syncbar]');
  await page.click('[data-testid=tab-activities]');
  await waitState(page, activityId, 'local', 'activity after an offline reload');
  assert.match(await item(page, activityId).textContent(), /Sosialisasi migrasi aman/);
  assert.equal(await item(page, activityId).locator('[data-photos=waiting]').count(), 1);
  await page.click('[data-testid=tab-outreach_logs]');
  await waitState(page, outreachId, 'local', 'outreach after an offline reload');
  await shot('reloaded-offline');
  // Nothing reached the server yet.
  const none = await server.api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`title="${TITLE}"`)}`, server.superToken);
  assert.equal(none.totalItems, 0);

  // Back online: the online event syncs by itself.
  await ctx.setOffline(false);
  await page.click('[data-testid=tab-activities]');
  await waitState(page, activityId, 'sent', 'activity sent and awaiting review');
  await until(async () => (await item(page, activityId).locator('[data-photos]').count()) === 0, 'the photo upload');
  const act = await until(async () => {
    const r = await server.api('GET', `/api/collections/activities/records/${activityId}`, server.superToken);
    return r.photos?.length === 1 && r.photos_pending?.length === 0 ? r : null;
  }, 'the photo stored on the server');
  assert.equal(act.status, 'submitted');
  assert.equal(act.title, TITLE);
  assert.equal(act.village, VILLAGE);
  assert.deepEqual([...act.topics].sort(), ['migrasi_aman', 'modus_tppo']);
  assert.deepEqual([act.male_child, act.female_child, act.male_adult, act.female_adult], [3, 4, 10, 12]);
  assert.equal(act.photo_consent, true);
  assert.deepEqual(act.photos_expected, [photoHash]);
  assert.equal(act.photo_hashes[photoHash], act.photos[0], 'stored under the hash the phone announced');
  const fileToken = (await server.api('POST', '/api/files/token', server.superToken)).token;
  const photo = await fetch(`${server.url}/api/files/activities/${activityId}/${act.photos[0]}?token=${fileToken}`);
  assert.equal(photo.status, 200);
  const bytes = Buffer.from(await photo.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');

  // The outreach log was refused: the server's reason shows on the note field.
  await page.click('[data-testid=tab-outreach_logs]');
  await waitState(page, outreachId, 'rejected', 'outreach refused by the server');
  await item(page, outreachId).click();
  await page.waitForSelector('[data-error-for=note]');
  assert.match(await page.textContent('[data-error-for=note]'), /nomor telepon/);
  await shot('outreach-refused');
  await page.fill('[name=note]', NOTE_FIXED);
  await page.click('button[name=save-draft]');
  await waitState(page, outreachId, 'draft', 'outreach sent after the fix');
  const out = await server.api('GET', `/api/collections/outreach_logs/records/${outreachId}`, server.superToken);
  assert.equal(out.note, NOTE_FIXED);
  assert.equal(out.status, 'draft');
  assert.deepEqual(out.risk_signals, ['broker_sponsor']);
  assert.equal(out.referral_reference, 'BP3MI-LPG-2025-0042');

  // The verifier returns the activity; the phone hears of it (sync stream) and shows the note.
  const vToken = await server.login(verifier.email);
  await server.api('PATCH', `/api/collections/activities/records/${activityId}`, vToken, { status: 'returned', review_note: REVIEW_NOTE });
  await page.click('[data-testid=tab-activities]');
  await waitState(page, activityId, 'returned', 'the returned activity');
  assert.match(await item(page, activityId).textContent(), /penyandang disabilitas/);
  await item(page, activityId).click();
  await page.waitForSelector('[data-testid=review-note]');
  assert.match(await page.textContent('[data-testid=review-note]'), /Lengkapi jumlah peserta/);
  await shot('returned-with-note');
  await page.fill('[name=disabled]', '2');
  await page.click('button[name=submit]');
  await waitState(page, activityId, 'sent', 'the resubmitted activity');
  const again = await server.api('GET', `/api/collections/activities/records/${activityId}`, server.superToken);
  assert.equal(again.status, 'submitted');
  assert.equal(again.disabled, 2);
  assert.equal(again.photos.length, 1, 'the photo stays');
  await shot('resubmitted');

  // Exactly once: one activity and one outreach log on the server.
  const acts = await server.api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`village="${VILLAGE}"`)}`, server.superToken);
  assert.equal(acts.totalItems, 1);
  const outs = await server.api('GET', `/api/collections/outreach_logs/records?filter=${encodeURIComponent(`village="${VILLAGE}"`)}`, server.superToken);
  assert.equal(outs.totalItems, 1);

  // English on request.
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('text=Sent, awaiting review');
  await shot('english');
  await page.click('[data-testid=lang-switch]');

  // A second phone of the same village, activated with the enrollment link, receives both.
  const enrollment = await server.api('POST', '/api/devices/enrollments', vToken, { user: officer2.id });
  const ctx2 = await browser.newContext(PHONE);
  const page2 = await ctx2.newPage();
  page2.on('pageerror', (e) => console.error('pageerror (phone 2):', e.message));
  const shot2 = shooter(page2, 'phone2');
  await page2.goto(`${server.url}/app/#/activate?code=${encodeURIComponent(enrollment.code)}`);
  await page2.waitForSelector('[data-testid=activate-form]');
  assert.equal(await page2.inputValue('[name=code]'), enrollment.code);
  await page2.fill('[name=name]', 'HP Desa Hajimena 2');
  await shot2('activate');
  await page2.click('[data-testid=activate-form] button[type=submit]');
  await page2.waitForSelector('[data-testid=syncbar]');
  await waitState(page2, activityId, 'sent', 'the activity on the second phone');
  await page2.click('[data-testid=tab-outreach_logs]');
  await waitState(page2, outreachId, 'draft', 'the outreach log on the second phone');
  await shot2('received');
  await item(page2, activityId).count();
  const devices = await server.api('GET', `/api/devices?user=${officer2.id}`, vToken);
  assert.equal(devices.items.length, 1);
  assert.equal(devices.items[0].state, 'active');
  assert.ok(devices.items[0].lastPull, 'the activated phone pulled with its device token');

  // The verifier revokes that phone: it stops syncing, says so, and keeps what it has.
  await server.api('POST', `/api/devices/${devices.items[0].id}/revoke`, vToken);
  await page2.waitForSelector('[data-testid=session-ended]', { timeout: 45000 });
  assert.match(await page2.textContent('[data-testid=session-ended]'), /dicabut/);
  await waitState(page2, outreachId, 'draft', 'the data kept on the revoked phone');
  await shot2('revoked');

  // The verifier approves the activity: the first phone shows it approved and locked.
  await server.api('PATCH', `/api/collections/activities/records/${activityId}`, vToken, { status: 'approved' });
  await page.click('[data-testid=tab-activities]');
  await waitState(page, activityId, 'approved', 'the approved activity');
  await item(page, activityId).click();
  await page.waitForSelector('[data-testid=readonly]');
  assert.equal(await page.locator('[name=title]').count(), 0, 'an approved record opens as a read-only summary, not a form');
  assert.match(await page.textContent('[data-testid=record-summary]'), /Sosialisasi migrasi aman/);
  assert.equal(await page.locator('button[name=submit]').count(), 0);
  await shot('approved');

  await ctx2.close();
  await ctx.close();
});

test('lost answers: a push and a photo upload whose responses never arrive are resent without duplicates', { timeout: 180000 }, async () => {
  const VILLAGE2 = '18.01.04.2011'; // Branti Raya, Natar
  const officer3 = await server.createUser({ email: 'desa3@uji.jangkau.id', name: 'Operator Branti Raya', role: 'village_officer', area: VILLAGE2 });
  // Service workers off here so that every request meets page.route.
  const ctx = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror (phone 3):', e.message));
  const shot = shooter(page, 'phone3');
  await page.goto(server.url + '/app/');
  await page.fill('#login-email', officer3.email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  await firstSync(page);

  // The server gets the request; the phone never hears the answer (connection reset).
  let pushesLost = 0, uploadsLost = 0, uploads = 0;
  const pushed = [];
  await page.route('**/api/sync/push', async (route) => {
    for (const m of route.request().postDataJSON().mutations) pushed.push(m);
    if (pushesLost === 0) {
      pushesLost++;
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await page.route('**/api/collections/activities/records/*', async (route) => {
    if (route.request().method() !== 'PATCH') return route.continue();
    uploads++;
    if (uploadsLost === 0) {
      uploadsLost++;
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });

  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
  const id = await page.getAttribute('[data-testid=record-form]', 'data-id');
  await page.fill('[name=title]', 'Penyuluhan pekerja anak');
  await page.selectOption('select[name=type]', 'penyuluhan');
  await page.fill('[name=start_date]', '2025-05-20');
  await page.fill('[name=female_adult]', '15');
  await page.setInputFiles('input[name=photo]', { name: 'a.png', mimeType: 'image/png', buffer: gradientPng(900, 700) });
  await page.waitForSelector('[data-testid=photos] figure[data-hash]', { timeout: 30000 });
  await page.check('input[name=photo_consent]');
  await page.click('button[name=submit]');

  // The first push reached the server but its answer was lost: the phone still holds it.
  await until(() => pushesLost === 1, 'the lost push');
  await until(async () => (await server.api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`id="${id}"`)}`, server.superToken)).totalItems === 1, 'the record on the server');
  await shot('push-answer-lost');
  // On demand (or the automatic retry): the same mutation id again, answered from the server's memory.
  await page.click('[data-testid=sync-now]');
  await until(() => uploadsLost === 1, 'the lost photo upload');
  await until(async () => (await server.api('GET', `/api/collections/activities/records/${id}`, server.superToken)).photos.length === 1, 'the photo stored despite the lost answer');
  await page.click('[data-testid=sync-now]');
  await waitState(page, id, 'sent', 'the record marked sent');
  await until(async () => (await item(page, id).locator('[data-photos]').count()) === 0, 'the photo marked uploaded');
  assert.ok(uploads >= 2, 'the photo was sent again');
  const mine = pushed.filter((m) => m.id === id);
  assert.ok(mine.length >= 2, 'the mutation was sent again');
  assert.equal(mine[1].mutationId, mine[0].mutationId, 'with the same mutation id');
  assert.deepEqual(mine[1], mine[0], 'and the same content');
  assert.equal(mine[0].baseVersion, null);
  const rec = await server.api('GET', `/api/collections/activities/records/${id}`, server.superToken);
  assert.equal(rec.photos.length, 1, 'no second copy of the photo');
  assert.deepEqual(rec.photos_pending, []);
  assert.equal(rec.status, 'submitted');
  const all = await server.api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`village="${VILLAGE2}"`)}`, server.superToken);
  assert.equal(all.totalItems, 1, 'one record, not two');
  await shot('recovered');
  await ctx.close();
});

test('an id the server reads as a phone number (drawn before ids were redrawn) goes again under a new id', { timeout: 180000 }, async () => {
  const VILLAGE4 = '18.01.04.2002';
  const officer4 = await server.createUser({ email: 'desa4@uji.jangkau.id', name: 'Operator desa 4', role: 'village_officer', area: VILLAGE4 });
  const ctx = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror (phone 4):', e.message));
  await page.goto(server.url + '/app/');
  await page.fill('#login-email', officer4.email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  await firstSync(page);

  // saved while the network is down: it waits on the phone, its mutation frozen
  let cut = 0;
  await page.route('**/api/sync/push', (route) => { cut++; return route.abort('internetdisconnected'); });
  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
  const drawn = await page.getAttribute('[data-testid=record-form]', 'data-id');
  await page.fill('[name=title]', 'Sosialisasi id lama');
  await page.selectOption('select[name=type]', 'penyuluhan');
  await page.fill('[name=start_date]', '2025-06-02');
  await page.fill('[name=female_adult]', '9');
  await page.click('button[name=submit]');
  // the push was tried (and cut): its mutation is frozen, and no push is on the way
  // while the record is moved below (one would reach the server under the drawn id)
  await until(async () => cut > 0 && (await page.getAttribute('[data-testid=syncbar]', 'data-running')) === 'false', 'the failed push');

  // the record as an older app made it: under an id that reads as a phone number
  const bad = 'hp081234567890xy';
  await page.evaluate(async ({ from, to }) => {
    const idb = await new Promise((ok, ko) => { const r = indexedDB.open('jangkau-field'); r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
    await new Promise((ok, ko) => {
      const tx = idb.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      const get = store.get('activities/' + from);
      get.onsuccess = () => {
        store.put({ ...get.result, key: 'activities/' + to, id: to });
        store.delete('activities/' + from);
      };
      tx.oncomplete = ok;
      tx.onerror = () => ko(tx.error);
    });
    idb.close();
  }, { from: drawn, to: bad });

  const refused = [];
  await page.unroute('**/api/sync/push');
  page.on('response', async (res) => {
    if (!res.url().includes('/api/sync/push')) return;
    const body = await res.json().catch(() => ({}));
    for (const r of body.results || []) if (r.id === bad) refused.push(r.errors?.id?.code);
  });
  await page.click('[data-testid=sync-now]');
  const filter = encodeURIComponent('title="Sosialisasi id lama"');
  // beyond the app's retry delays (5 s, then 15 s) should a retry of the cut push be under way
  const onServer = async () => (await server.api('GET', `/api/collections/activities/records?filter=${filter}`, server.superToken)).totalItems;
  await until(async () => (await onServer()) === 1, 'the record on the server', 60000).catch(async (err) => {
    const held = await page.evaluate(() => new Promise((ok) => {
      const r = indexedDB.open('jangkau-field');
      r.onsuccess = () => { const g = r.result.transaction('records').objectStore('records').getAll(); g.onsuccess = () => { ok(g.result.map((x) => ({ key: x.key, pending: x.pending?.mutationId, rejection: x.rejection, dirty: x.dirty }))); r.result.close(); }; };
    }));
    throw new Error(`${err.message}; on the server: ${await onServer()}; refused: ${JSON.stringify(refused)}; the phone holds ${JSON.stringify(held)}`);
  });
  const stored = (await server.api('GET', `/api/collections/activities/records?filter=${filter}`, server.superToken)).items[0];
  assert.deepEqual(refused, ['privacy_phone'], 'the server refused the old id');
  assert.notEqual(stored.id, bad);
  assert.match(stored.id, /^[A-Za-z0-9]{16}$/);
  assert.equal(stored.female_adult, 9);
  await waitState(page, stored.id, 'sent', 'the record under its new id marked sent');
  assert.equal(await page.locator(`[data-id="${bad}"]`).count(), 0, 'nothing left under the old id');
  await ctx.close();
});
