// Vocabularies as data on the phone (issue 16): the secretariat adds a
// topic, renames one and retires another on the server; the phone receives
// the change at its next sync and, offline, offers the new topic with its
// label, no longer offers the retired one, and refuses it in a draft that
// still carries it (as the server would) until the officer picks another.
// Afterwards no screen shows a code without its label.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, PASSWORD, PHONE, shooter, startServer, until, firstSync, syncAfter } from './harness.mjs';

const VILLAGE = '18.01.04.2001';
let server, browser, officer, secToken;

before(async () => {
  server = await startServer();
  officer = await server.createUser({ email: 'vocab-officer@uji.jangkau.id', name: 'Operator kosakata', role: 'village_officer', area: VILLAGE });
  await server.createUser({ email: 'vocab-sec@uji.jangkau.id', name: 'Sekretariat', role: 'province_secretariat', area: '18' });
  secToken = await server.login('vocab-sec@uji.jangkau.id');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const stateOf = (page, id) => page.locator(`.records [data-id="${id}"] [data-state]`).first().getAttribute('data-state', { timeout: 1000 }).catch(() => null);

async function entry(kind, code) {
  const q = encodeURIComponent(`kind="${kind}" && code="${code}"`);
  return (await server.api('GET', `/api/collections/vocabularies/records?filter=${q}`, secToken)).items[0];
}

test('a changed vocabulary reaches the phone and is checked offline', { timeout: 240000 }, async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  const shot = shooter(page, 'vocab');

  await page.goto(server.url + '/app/');
  await page.fill('#login-email', officer.email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  await firstSync(page);

  // Offline: a draft with the topic "pengasuhan" and no title yet (an
  // incomplete draft stays on the phone).
  await ctx.setOffline(true);
  await until(async () => (await page.getAttribute('[data-testid=syncbar]', 'data-online')) === 'false', 'offline');
  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
  const id = await page.getAttribute('[data-testid=record-form]', 'data-id');
  await page.selectOption('select[name=type]', 'sosialisasi');
  await page.fill('[name=start_date]', '2025-03-10');
  await page.click('label.chip:has(input[name=topics][value=pengasuhan])');
  await page.click('button[name=save-draft]');
  await until(async () => (await stateOf(page, id)) !== null, 'the draft in the list');

  // The secretariat changes the topics on the server.
  await server.api('POST', '/api/collections/vocabularies/records', secToken,
    { kind: 'topics', code: 'judi_online', label_id: 'Judi online', label_en: 'Online gambling', order: 5, active: true });
  await server.api('PATCH', `/api/collections/vocabularies/records/${(await entry('topics', 'pengasuhan')).id}`, secToken, { active: false });
  await server.api('PATCH', `/api/collections/vocabularies/records/${(await entry('topics', 'migrasi_aman')).id}`, secToken, { label_id: 'Migrasi aman dan prosedural' });

  // Online for one sync, then offline again.
  await ctx.setOffline(false);
  await until(async () => (await page.getAttribute('[data-testid=syncbar]', 'data-online')) === 'true', 'online');
  await syncAfter(page, () => page.click('[data-testid=sync-now]'));
  await until(async () => page.evaluate(async () => {
    const open = indexedDB.open('jangkau-field');
    const db = await new Promise((ok, fail) => { open.onsuccess = () => ok(open.result); open.onerror = fail; });
    const row = await new Promise((ok) => { const r = db.transaction('meta').objectStore('meta').get('vocab'); r.onsuccess = () => ok(r.result); });
    db.close();
    return Object.values(row?.v || {}).some((e) => e.code === 'judi_online');
  }), 'the vocabularies on the phone');
  await ctx.setOffline(true);
  await until(async () => (await page.getAttribute('[data-testid=syncbar]', 'data-online')) === 'false', 'offline again');
  // A reload offline: the app starts from what it stored.
  await page.reload();
  await page.waitForSelector('[data-testid=syncbar]');

  // The draft: the retired topic is still shown (it holds it) but refused on submit.
  await page.locator(`.records [data-id="${id}"]`).first().click();
  await page.waitForSelector(`[data-testid=record-form][data-id="${id}"]`);
  assert.ok(await page.isVisible('label.chip:has(input[name=topics][value=judi_online])'), 'the new topic is offered');
  assert.equal((await page.textContent('label.chip:has(input[name=topics][value=judi_online])')).trim(), 'Judi online');
  assert.equal((await page.textContent('label.chip:has(input[name=topics][value=migrasi_aman])')).trim(), 'Migrasi aman dan prosedural');
  await page.fill('[name=title]', 'Sosialisasi judi online');
  await page.click('button[name=submit]');
  const err = await page.waitForSelector('[data-error-for=topics]');
  assert.match(await err.textContent(), /sudah tidak dipakai/);
  await shot('retired-topic-refused-offline');
  await page.click('label.chip:has(input[name=topics][value=pengasuhan])');
  await page.click('label.chip:has(input[name=topics][value=judi_online])');
  await page.click('button[name=submit]');
  await page.waitForSelector('[data-testid=saved-notice]');

  // A new record offline: the retired topic is not offered at all.
  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
  assert.equal(await page.locator('label.chip:has(input[name=topics][value=pengasuhan])').count(), 0, 'the retired topic leaves the picker');
  await page.goBack();

  // Online: the record reaches the server with the new topic.
  await ctx.setOffline(false);
  await page.click('[data-testid=sync-now]');
  await until(async () => (await stateOf(page, id)) === 'sent', 'the record on the server', 45000);
  const rec = await server.api('GET', `/api/collections/activities/records/${id}`, server.superToken);
  assert.deepEqual(rec.topics.sort(), ['judi_online']);

  // No screen shows a code in place of its label.
  const codes = (await server.api('GET', '/api/collections/vocabularies/records?perPage=500', secToken)).items.map((e) => e.code).filter((c) => c.includes('_'));
  for (const path of ['#/', `#/r/activities/${id}`, '#/?tab=outreach_logs']) {
    await page.goto(server.url + '/app/' + path);
    await page.waitForSelector('[data-testid=syncbar]');
    await page.waitForTimeout(300);
    const text = await page.evaluate(() => document.body.innerText);
    const shown = codes.filter((c) => new RegExp(`(^|[^A-Za-z0-9_])${c}($|[^A-Za-z0-9_])`).test(text));
    assert.deepEqual(shown, [], `${path} shows codes without their labels`);
  }
  await ctx.close();
});
