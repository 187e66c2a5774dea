// Browser test of issue 17 finding 6 (the console's review pages): a single
// approval asks first and then offers the next record of the queue (with the
// queue's filters); a record without photos shows no photo-consent line; one
// "Verifikasi" heading per page; a page the role may not open says "no
// access" (Indonesian and English), not "not found"; the queue has a text
// search (words of the record or a village name); every button on a phone is
// at least 44 px high. Phone and laptop; screenshots in test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn as signInAt } from './harness.mjs';

const REGENCY = '18.01';
const HAJIMENA = '18.01.04.2001';
const SIDODADI = '18.01.07.2012';

let server;
let browser;
const ids = {};

function activity(village, title, extra = {}) {
  return {
    village, title, type: 'sosialisasi', start_date: '2026-03-10 02:00:00.000Z', mode: 'luring', venue: 'Balai desa',
    male_child: 3, female_child: 4, male_adult: 10, female_adult: 12, status: 'submitted', ...extra,
  };
}

before(async () => {
  server = await startServer();
  const s = server;
  await s.createUser({ email: 'verifikator@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: REGENCY });
  await s.createUser({ email: 'hajimena@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: HAJIMENA });
  await s.createUser({ email: 'sidodadi@uji.jangkau.id', name: 'Operator Sidodadi', role: 'village_officer', area: SIDODADI });
  await s.createUser({ email: 'gugus@uji.jangkau.id', name: 'Anggota Gugus Tugas', role: 'taskforce_member', area: '18', cluster: 'prevention' });
  const tok = { h: await s.login('hajimena@uji.jangkau.id'), s: await s.login('sidodadi@uji.jangkau.id') };
  const post = async (who, body) => (await s.api('POST', '/api/collections/activities/records', tok[who], body)).id;
  for (const size of ['phone', 'laptop']) {
    ids[size] = {
      first: await post('h', activity(HAJIMENA, `Sosialisasi migrasi aman ${size}`)),
      second: await post('h', activity(HAJIMENA, `Pelatihan kader PATBM ${size}`)),
      other: await post('s', activity(SIDODADI, `Kampanye KIE penipuan kerja ${size}`)),
    };
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const signIn = (page, email) => signInAt(page, server.url, email);

/** Visible buttons (and button-like links) lower than 44 px. */
async function smallButtons(page) {
  return page.evaluate(() => [...document.querySelectorAll('button, .button, [role=tab]')]
    .filter((b) => b.offsetParent !== null)
    .map((b) => ({ text: (b.textContent || b.id).trim().slice(0, 40), h: b.getBoundingClientRect().height }))
    .filter((b) => b.h > 0 && b.h < 44));
}

for (const size of ['phone', 'laptop']) {
  test(`review pages: search, confirm, next, headings, no access (${size})`, async (t) => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'id-ID' });
    const page = await ctx.newPage();
    const shot = shooter(page, `review-${size}`);
    const my = ids[size];
    await signIn(page, 'verifikator@uji.jangkau.id');
    await page.locator('#queue-table').waitFor();

    await t.test('the queue searches the words of a record and village names', async () => {
      await page.locator('#f-q').fill(`Pelatihan kader PATBM ${size}`);
      await page.locator(`#queue-table tr[data-id="${my.second}"]`).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 1);
      await shot('search-words');
      await page.locator('#f-q').fill('sidodadi');
      await page.locator(`#queue-table tr[data-id="${my.other}"]`).waitFor();
      await page.waitForFunction(() => !document.querySelector('#queue-table tbody tr [data-village="18.01.04.2001"]'));
      await shot('search-village');
      await page.locator('#f-q').fill('tidak ada kata ini');
      await page.locator('#queue-empty').waitFor();
      await page.locator('#f-q').fill(`${size}`);
      await page.waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 3);
      if (size === 'phone') assert.deepEqual(await smallButtons(page), [], 'queue: every button at least 44 px');
    });

    await t.test('one approval asks first, then offers the next record of the queue', async () => {
      await page.locator(`#queue-table tr[data-id="${my.first}"] .rec-link`).click();
      await page.locator('#record').waitFor();
      const headings = await page.locator('#record h2').allTextContents();
      assert.equal(headings.filter((h) => h.trim() === 'Verifikasi').length, 0, 'no bare "Verifikasi" heading');
      assert.equal(new Set(headings).size, headings.length, `no heading twice: ${headings}`);
      assert.ok(headings.includes('Status verifikasi') && headings.includes('Keputusan verifikator'));
      assert.doesNotMatch(await page.locator('#record').textContent(), /wajah anak|Persetujuan foto/i, 'no photo consent line without photos');
      if (size === 'phone') assert.deepEqual(await smallButtons(page), [], 'record: every button at least 44 px');
      await page.locator('#approve').click();
      await page.locator('#confirm-approve').waitFor();
      await shot('approve-confirm');
      await page.locator('#confirm-no').click();
      assert.equal((await server.api('GET', `/api/collections/activities/records/${my.first}`, server.superToken)).status, 'submitted', 'cancel keeps it');
      await page.locator('#approve').click();
      await page.locator('#confirm-yes').click();
      await page.locator('#record[data-status="approved"]').waitFor();
      assert.equal((await server.api('GET', `/api/collections/activities/records/${my.first}`, server.superToken)).status, 'approved');
      await page.locator('#next-record').waitFor();
      await shot('approved-next');
      await page.locator('#next-record').click();
      await page.waitForFunction((id) => location.hash.includes(id), my.second);
      await page.locator('#record[data-status="submitted"]').waitFor();
      assert.match(await page.locator('#record-title').textContent(), /Pelatihan kader PATBM/);
    });

    await t.test('a page the role may not open says so, in both languages', async () => {
      await page.goto(server.url + '/#/phones-nope');
      await page.locator('#not-found').waitFor();
      await page.goto(server.url + '/#/field');
      await page.locator('#forbidden').waitFor();
      assert.match(await page.locator('#forbidden').textContent(), /Anda tidak punya akses/);
      await shot('forbidden');
      await page.locator('#lang-switch').click();
      await page.waitForFunction(() => /don't have access/.test(document.querySelector('#forbidden')?.textContent || ''));
      await page.locator('#lang-switch').click();
    });
    await ctx.close();
  });
}

test('a task-force member opening the review queue is told it has no access', async () => {
  const ctx = await browser.newContext({ ...SIZES.phone, locale: 'id-ID' });
  const page = await ctx.newPage();
  await signIn(page, 'gugus@uji.jangkau.id');
  await page.goto(server.url + '/#/queue');
  await page.locator('#forbidden').waitFor();
  assert.equal(await page.locator('#not-found').count(), 0);
  await ctx.close();
});
