// Every desk page of the console on a phone (360 px), in Bahasa Indonesia
// and in English, on the demo data: no page scrolls sideways (a wide table
// scrolls inside its own box, a list becomes cards), every button, tab and
// menu entry is at least 44 px high (docs/console.md), and a record's place
// is named by its level wherever a record is listed or shown: a village
// with its district and regency, a district with its regency, a regency or
// the province by its name (never "Kec. Kabupaten Lampung Selatan"). The
// vocabularies page is usable on a phone: each entry a card, both labels
// wide enough to read, every button on screen. Screenshots in
// test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn, until } from './harness.mjs';

const DEMO_PASSWORD = 'jangkau-demo-2026';
const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();
const ROLES = ['sekretariat', 'verifikator', 'gtkab', 'opd', 'anggota'];
const REPORT_TABS = ['activities', 'coverage', 'rad', 'programs', 'outreach', 'cases', 'review'];

let server;
let browser;
const ids = {};

before(async () => {
  server = await startServer({ commands: [['demo']] });
  // a submitted activity at each desk level (the demo's are village ones)
  const post = async (area, title, cluster) => (await server.api('POST', '/api/collections/activities/records', server.superToken, {
    title, type: 'rapat_koordinasi', start_date: `${YEAR}-02-10 02:00:00.000Z`, status: 'submitted', male_adult: 5, female_adult: 6, area, cluster,
  })).id;
  ids.province = await post('18', 'Rapat koordinasi GT provinsi', 'coordination');
  ids.regency = await post('18.01', 'Rapat koordinasi GT Lampung Selatan', 'law_enforcement');
  ids.district = await post('18.01.04', 'Rapat koordinasi Kecamatan Natar', 'prevention');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Waits until the page has loaded what it shows (no spinner, the report or annual report drawn). */
async function settled(page) {
  await page.waitForFunction(() => {
    if (document.querySelector('p.loading, .loadbar')) return false;
    const dash = document.querySelector('#dashboard');
    if (dash && !document.querySelector('#dashboard[data-loading="0"] #report[data-ready="1"]') && !dash.querySelector('.alert')) return false;
    const annual = document.querySelector('#annual');
    if (annual && annual.dataset.ready !== '1' && !annual.querySelector('.alert')) return false;
    return !!document.querySelector('main > *');
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * What does not fit a phone on this page: sideways scrolling (with the
 * widest culprits) and targets under 44 px. The width is the screen's, not
 * innerWidth: a mobile browser widens its layout viewport to a page wider
 * than the screen (and zooms out), so innerWidth grows with the fault.
 */
function phoneFaults(page) {
  return page.evaluate((W) => {
    const out = [];
    if (document.documentElement.scrollWidth > W) {
      const culprits = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > W + 1)
        .filter((el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (/(auto|scroll)/.test(getComputedStyle(p).overflowX)) return false; return true; })
        .slice(-3).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().replace(/\s+/g, '.') : ''));
      out.push(`page ${document.documentElement.scrollWidth} px wide (${culprits.join(', ')})`);
    }
    for (const b of document.querySelectorAll('button, .button, [role=tab], .tab, .nav a')) {
      const r = b.getBoundingClientRect();
      if (b.offsetParent !== null && r.height > 0 && r.height < 44) out.push(`${(b.textContent || b.id).trim().slice(0, 30)}: ${Math.round(r.height)} px high`);
    }
    return out;
  }, SIZES.phone.viewport.width);
}

for (const lang of ['id', 'en']) {
  test(`every desk page fits a 360 px phone (${lang})`, { timeout: 600000 }, async (t) => {
    for (const role of ROLES) {
      await t.test(role, async () => {
        const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
        if (lang === 'en') await context.addInitScript(() => localStorage.setItem('jangkau.lang', 'en'));
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const shot = shooter(page, `phone-fit-${lang}-${role}`);
        await signIn(page, server.url, `${role}@demo.jangkau.id`, DEMO_PASSWORD);
        const nav = await page.locator('.nav a[data-nav]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        const pages = [...nav];
        if (nav.includes('#/dashboard')) pages.push('#/annual', ...REPORT_TABS.map((k) => `#/dashboard?tab=${k}`));
        if (role === 'sekretariat') pages.push(`#/record/activities/${ids.regency}`, `#/record/activities/${ids.province}`);
        if (role === 'verifikator') pages.push(`#/record/activities/${ids.district}`, '#/queue?c=outreach_logs');
        const faults = {};
        for (const h of pages) {
          await page.goto(server.url + '/' + h);
          await settled(page);
          const f = await phoneFaults(page);
          if (f.length) faults[h] = f;
          await shot(h.replace(/[#/?=&]+/g, '-').replace(/^-/, ''));
        }
        assert.deepEqual(faults, {}, `${role} (${lang}): pages that do not fit a phone`);
        assert.deepEqual(errors, []);
        await context.close();
      });
    }
  });
}

for (const lang of ['id', 'en']) {
  test(`a record's place is named by its level (${lang})`, async () => {
    const en = lang === 'en';
    let context, page, shot;
    const open = async (who) => {
      await context?.close();
      context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
      if (en) await context.addInitScript(() => localStorage.setItem('jangkau.lang', 'en'));
      page = await context.newPage();
      shot = shooter(page, `phone-place-${lang}-${who}`);
      await signIn(page, server.url, `${who}@demo.jangkau.id`, DEMO_PASSWORD);
    };
    const place = async (row) => ({
      name: (await row.locator('.village .vname').textContent()).trim(),
      within: (await row.locator('.village .vplace').count()) ? (await row.locator('.village .vplace').textContent()).trim() : '',
    });

    // the secretariat's queue: regency and province activities
    await open('sekretariat');
    await page.goto(server.url + '/#/queue');
    const regencyRow = page.locator(`#queue-table tr[data-id="${ids.regency}"]`);
    await regencyRow.waitFor();
    assert.deepEqual(await place(regencyRow), { name: 'Kabupaten Lampung Selatan', within: '' });
    assert.deepEqual(await place(page.locator(`#queue-table tr[data-id="${ids.province}"]`)), { name: 'Lampung', within: '' });
    assert.equal((await page.locator('#queue-table thead th').nth(2).textContent()).trim(), en ? 'Area' : 'Wilayah');
    assert.equal(await page.locator('#f-district, #f-village').count(), 0, 'no district or village filter for regency and province activities');
    for (const text of await page.locator('#queue-table .village').allTextContents()) assert.doesNotMatch(text, /Kec\. (Kabupaten|Lampung)|(Kabupaten|Kota) .*(Kabupaten|Kota) /, text);
    await shot('queue-province');

    // its record page names the regency, under the regency's level
    await regencyRow.locator('a.rec-link').click();
    await page.locator('#record').waitFor();
    assert.equal((await page.locator('#record-place').textContent()).trim(), 'Kabupaten Lampung Selatan');
    assert.equal((await page.locator('[data-field="area"] dt').textContent()).trim(), en ? 'Regency/city' : 'Kabupaten/kota');
    assert.equal((await page.locator('[data-field="area"] dd').textContent()).trim(), 'Kabupaten Lampung Selatan');
    assert.equal(await page.locator('[data-field="village"]').count(), 0, 'no empty village line');
    // a desk activity goes back to whoever submitted it in the console, not to a village
    assert.equal((await page.locator('#return').textContent()).trim(), en ? 'Return to the submitter' : 'Kembalikan ke pengaju');
    assert.match(await page.locator('#review_note-hint').textContent(), en ? /The submitter reads this note in the console/ : /Pengaju membaca catatan ini di konsol/);
    await shot('record-regency');
    await page.goto(`${server.url}/#/record/activities/${ids.province}`);
    await page.locator(`#record [data-field="area"] [data-area="18"]`).waitFor();
    assert.equal((await page.locator('[data-field="area"] dt').textContent()).trim(), en ? 'Province' : 'Provinsi');
    assert.equal((await page.locator('#record-place').textContent()).trim(), 'Lampung');

    // a verifier's queue: a district activity, village ones
    await open('verifikator');
    const districtRow = page.locator(`#queue-table tr[data-id="${ids.district}"]`);
    await districtRow.waitFor();
    assert.deepEqual(await place(districtRow), { name: en ? 'Natar district' : 'Kec. Natar', within: 'Kabupaten Lampung Selatan' });
    const village = page.locator('#queue-table tr:has([data-level="village"])').first();
    await village.waitFor();
    assert.match((await place(village)).within, en ? /^\S.* district, Kabupaten Lampung Selatan$/ : /^Kec\. \S.*, Kabupaten Lampung Selatan$/);
    await shot('queue-verifier');
    await districtRow.locator('a.rec-link').click();
    await page.locator('#record').waitFor();
    assert.equal((await page.locator('[data-field="area"] dt').textContent()).trim(), en ? 'District' : 'Kecamatan');
    assert.equal((await page.locator('#record-place .vname').textContent()).trim(), en ? 'Natar district' : 'Kec. Natar');
    await context.close();
  });
}

test('the vocabularies page on a phone: cards with readable labels, every button on screen', async () => {
  const context = await browser.newContext({ ...SIZES.phone, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const shot = shooter(page, 'phone-vocab');
  await signIn(page, server.url, 'sekretariat@demo.jangkau.id', DEMO_PASSWORD);
  await page.goto(server.url + '/#/vocabularies');
  await page.locator('#in-kind').selectOption('topics');
  await page.locator('#vocab-table[data-kind="topics"] tbody tr').first().waitFor();
  await shot('topics');
  const layout = await page.evaluate((W) => {
    const rows = [...document.querySelectorAll('#vocab-table tbody tr')];
    return {
      rows: rows.length,
      narrowInputs: rows.flatMap((tr) => [...tr.querySelectorAll('input')].filter((i) => i.getBoundingClientRect().width < 250).map((i) => `${tr.dataset.code} ${i.name}: ${Math.round(i.getBoundingClientRect().width)} px`)),
      offScreen: rows.flatMap((tr) => [...tr.querySelectorAll('button, input')].filter((b) => b.getBoundingClientRect().right > W || b.getBoundingClientRect().left < 0).map((b) => `${tr.dataset.code} ${b.name}`)),
      labelled: rows.every((tr) => [...tr.querySelectorAll('td[data-label]')].length >= 3),
    };
  }, SIZES.phone.viewport.width);
  assert.ok(layout.rows > 3, `topics listed: ${layout.rows}`);
  assert.deepEqual(layout.narrowInputs, [], 'label inputs wide enough to read');
  assert.deepEqual(layout.offScreen, [], 'every button and input on screen');
  assert.ok(layout.labelled, 'each cell says what it holds');
  assert.deepEqual(await phoneFaults(page), []);

  // a label is edited and saved on the phone
  const row = page.locator('#vocab-table tbody tr').first();
  const code = await row.getAttribute('data-code');
  const input = row.locator('input[name=label_en]');
  const before = await input.inputValue();
  await input.fill(before + ' (phone)');
  await row.locator('button[name=save]').click();
  await until(async () => (await server.api('GET', `/api/collections/vocabularies/records?filter=${encodeURIComponent(`kind="topics" && code="${code}"`)}`, server.superToken)).items[0]?.label_en === before + ' (phone)', 'the label saved');
  await context.close();
});
