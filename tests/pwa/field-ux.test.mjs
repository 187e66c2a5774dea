// The field app's rough edges of issue 17 (finding 5), at phone and laptop
// sizes: a readable sign-in error; a draft saved without title, type or date
// (kept on the phone, not counted as waiting); the privacy guard blocking a
// save with every warning shown (NIK and phone); a record the server refused
// counted apart with a badge and what to fix; a sent draft labelled a draft;
// a submitted record opening as a short summary; search and a status filter;
// the install offer; tap targets of at least 44 px. Screenshots in
// test-output/pwa/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, PASSWORD, PHONE, shooter, startServer, until, firstSync, syncAfter } from './harness.mjs';

const VILLAGES = { phone: '18.01.04.2001', laptop: '18.01.07.2012' };
const LAPTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'id-ID' };
let server, browser;
const officers = {};

before(async () => {
  server = await startServer();
  for (const size of ['phone', 'laptop']) {
    officers[size] = await server.createUser({ email: `ux-${size}@uji.jangkau.id`, name: `Operator ${size}`, role: 'village_officer', area: VILLAGES[size] });
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const item = (page, id) => page.locator(`.records [data-id="${id}"]`).first();
const stateOf = (page, id) => item(page, id).locator('[data-state]').getAttribute('data-state', { timeout: 1000 }).catch(() => null);
const waitState = (page, id, state, what) => until(async () => (await stateOf(page, id)) === state, `${what}: state ${state}`, 45000);

/** Visible tap targets lower than 44 px. */
function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('button, a.button, .back, .chip, [data-testid=settings-link], [role=tab], [data-testid=sync-now]')]
    .filter((b) => b.offsetParent !== null)
    .map((b) => ({ what: (b.getAttribute('aria-label') || b.textContent).trim().slice(0, 30), h: Math.round(b.getBoundingClientRect().height) }))
    .filter((b) => b.h < 44));
}

/** Words of the elements' text that a line break cuts in two ("Penjangka / uan"). */
function brokenWords(page, selector) {
  return page.evaluate((sel) => {
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(node, m.index);
          r.setEnd(node, m.index + m[0].length);
          const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
          if (lines.size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  }, selector);
}

/** The list tools whose words do not fit their box: the search's placeholder, the status filter's choices. */
function clippedControls(page) {
  return page.evaluate(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    const room = (el, extra) => {
      const cs = getComputedStyle(el);
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - extra;
    };
    const out = [];
    const search = document.querySelector('[data-testid=search]');
    const searchRoom = room(search, 0);
    if (ctx.measureText(search.placeholder).width > searchRoom) out.push(`search: "${search.placeholder}" in ${Math.round(searchRoom)} px`);
    const select = document.querySelector('[data-testid=status-filter]');
    const selectRoom = room(select, 20); // the drop-down arrow
    for (const o of select.options) if (ctx.measureText(o.text).width > selectRoom) out.push(`status: "${o.text}" in ${Math.round(selectRoom)} px`);
    return out;
  });
}

async function newOutreach(page, { note, date = '2025-05-02' }) {
  await page.click('[data-testid=tab-outreach_logs]');
  await page.click('[data-testid=new-record]');
  await page.waitForSelector('[data-testid=record-form][data-collection=outreach_logs]');
  const id = await page.getAttribute('[data-testid=record-form]', 'data-id');
  await page.fill('[name=date]', date);
  await page.selectOption('select[name=outreach_type]', 'migration_service_post');
  await page.fill('[name=male_adult]', '2');
  if (note) await page.fill('[name=note]', note);
  return id;
}

for (const size of ['phone', 'laptop']) {
  test(`field app rough edges fixed (${size})`, { timeout: 240000 }, async (t) => {
    const ctx = await browser.newContext(size === 'phone' ? PHONE : LAPTOP);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('pageerror:', e.message));
    const shot = shooter(page, `ux-${size}`);
    const officer = officers[size];

    await t.test('a wrong password gets a readable message', async () => {
      await page.goto(server.url + '/app/');
      await page.fill('#login-email', officer.email);
      await page.fill('#login-password', 'salah-sekali');
      await page.click('[data-testid=login-form] button[type=submit]');
      const msg = await page.waitForSelector('[data-testid=login-form] [role=alert]');
      const text = await msg.textContent();
      assert.match(text, /Email atau kata sandi salah/);
      assert.doesNotMatch(text, /Failed to authenticate/);
      await shot('login-error');
      // the message shown follows a switch of language
      await page.click('[data-testid=lang-switch]');
      await until(async () => /Wrong email or password/.test(await page.textContent('[data-testid=login-form] [role=alert]')), 'the message in English');
      await page.click('[data-testid=lang-switch]');
      await until(async () => /Email atau kata sandi salah/.test(await page.textContent('[data-testid=login-form] [role=alert]')), 'the message back in Bahasa Indonesia');
      await page.fill('#login-password', PASSWORD);
      await page.click('[data-testid=login-form] button[type=submit]');
      await page.waitForSelector('[data-testid=syncbar]');
      await firstSync(page);
    });

    await t.test('the install offer appears where the browser allows installing', async () => {
      // Headless Chromium never decides by itself that a site is installable:
      // the test hands the app the event Chromium fires (beforeinstallprompt).
      await page.evaluate(() => {
        const e = new Event('beforeinstallprompt', { cancelable: true });
        e.prompt = () => { window.__installPrompted = true; return Promise.resolve(); };
        e.userChoice = Promise.resolve({ outcome: 'accepted', platform: 'web' });
        window.dispatchEvent(e);
      });
      await page.waitForSelector('[data-testid=install-offer]');
      await shot('install-offer');
      await page.click('[data-testid=install]');
      await page.waitForFunction(() => window.__installPrompted === true);
      await page.waitForSelector('[data-testid=install-offer]', { state: 'detached' });
    });

    let draftId;
    await t.test('a draft needs no title, type or date, stays on the phone and is not "waiting"', async () => {
      await page.click('[data-testid=new-record]');
      await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
      draftId = await page.getAttribute('[data-testid=record-form]', 'data-id');
      await page.fill('[name=venue]', 'Balai desa');
      await page.click('button[name=save-draft]');
      await waitState(page, draftId, 'draft_incomplete', 'the incomplete draft');
      assert.match(await item(page, draftId).textContent(), /Tetap di HP sampai diisi: .*Judul/i);
      await syncAfter(page, () => page.click('[data-testid=sync-now]'));
      assert.equal(await page.getAttribute('[data-testid=syncbar]', 'data-waiting'), '0');
      await shot('draft-incomplete');
    });

    await t.test('a NIK and a phone number: both warnings, and nothing is saved', async () => {
      const id = await newOutreach(page, { note: 'NIK 1871010101010001, hubungi 0812-3456-7890' });
      assert.equal(await page.locator('[data-field=note] [data-privacy-problem]').count(), 2, 'two warnings');
      await page.click('button[name=submit]');
      const err = await page.textContent('[data-error-for=note]');
      assert.match(err, /16 digit/);
      assert.match(err, /telepon/);
      // the form's own checks, shown, follow a switch of language
      await page.click('[data-testid=lang-switch]');
      await until(async () => /16-digit number.*phone number/.test(await page.textContent('[data-error-for=note]')), 'the warnings in English');
      assert.match(await page.textContent('[data-testid=record-form] p.error:not(.field-error)'), /Check the marked fields/);
      await page.click('[data-testid=lang-switch]');
      await until(async () => /16 digit.*telepon/.test(await page.textContent('[data-error-for=note]')), 'the warnings back in Bahasa Indonesia');
      await page.click('button[name=save-draft]');
      await page.waitForSelector('[data-error-for=note]');
      await shot('privacy-blocked');
      const stored = await page.evaluate((key) => new Promise((resolve) => {
        const open = indexedDB.open('jangkau-field');
        open.onsuccess = () => { const g = open.result.transaction('records').objectStore('records').get(key); g.onsuccess = () => { resolve(g.result || null); open.result.close(); }; };
      }), `outreach_logs/${id}`);
      assert.equal(stored, null, 'nothing saved on the phone');
      await page.click('.back');
    });

    await t.test('the spellings the server refuses are warned of too (00 prefix, even pairs, braces, passport)', async () => {
      await newOutreach(page, { note: 'hubungi 0062 812 3456 7890 atau {0812}{3456}{7890}' });
      assert.deepEqual(await page.locator('[data-field=note] [data-privacy-problem]').evaluateAll((els) => els.map((e) => e.dataset.privacyProblem)), ['phone']);
      await page.fill('[name=note]', 'NIK 18 01 23 45 67 89 00 01, paspor C1234567');
      await until(async () => (await page.locator('[data-field=note] [data-privacy-problem]').count()) === 2, 'two warnings');
      assert.deepEqual(await page.locator('[data-field=note] [data-privacy-problem]').evaluateAll((els) => els.map((e) => e.dataset.privacyProblem)), ['nik', 'passport']);
      assert.match(await page.textContent('[data-field=note]'), /nomor paspor/);
      // ordinary text with numbers: no warning, as on the server
      await page.fill('[name=note]', 'Rapat 08.00-12.00 WIB, 10-03-2025, Rp 62.850.000, peserta 12, 15, 20');
      await until(async () => (await page.locator('[data-field=note] [data-privacy-problem]').count()) === 0, 'no warning');
      await page.click('.back');
    });

    let refusedId;
    await t.test('a refused record is counted apart, with a badge and what to fix', async () => {
      refusedId = await newOutreach(page, { note: 'Catatan sementara' });
      await page.click('button[name=save-draft]');
      await page.waitForSelector('[data-testid=list-outreach_logs]');
      await until(async () => ['draft', 'local'].includes(await stateOf(page, refusedId)), 'the draft saved');
      await until(async () => (await stateOf(page, refusedId)) === 'draft', 'the draft sent');
      assert.match(await item(page, refusedId).textContent(), /Draf \(belum diajukan\)/);
      assert.doesNotMatch(await item(page, refusedId).textContent(), /Terkirim/);
      // An edit saved by an earlier version of the app (no block): the server refuses it.
      await page.evaluate(({ key }) => new Promise((resolve) => {
        const open = indexedDB.open('jangkau-field');
        open.onsuccess = () => {
          const tx = open.result.transaction('records', 'readwrite');
          const s = tx.objectStore('records');
          const g = s.get(key);
          g.onsuccess = () => { const r = g.result; r.data.note = 'hubungi 0812-3456-7890'; r.dirty = 1; s.put(r); };
          tx.oncomplete = () => { open.result.close(); resolve(); };
        };
      }), { key: `outreach_logs/${refusedId}` });
      await page.click('[data-testid=sync-now]');
      await waitState(page, refusedId, 'rejected', 'the refused record');
      await until(async () => (await page.getAttribute('[data-testid=syncbar]', 'data-waiting')) === '0', 'nothing waiting');
      assert.match(await page.textContent('[data-testid=queue]'), /Tidak ada yang menunggu dikirim/, 'the refused record is not "waiting"');
      assert.match(await page.textContent('[data-testid=refused]'), /1 ditolak server/);
      assert.equal(await page.textContent('[data-testid=refused-outreach_logs]'), '1', 'badge on its tab');
      await page.click('[data-testid=tab-activities]');
      assert.equal(await page.textContent('[data-testid=refused-outreach_logs]'), '1', 'badge seen from the other tab');
      await page.click('[data-testid=tab-outreach_logs]');
      assert.match(await item(page, refusedId).locator('[data-testid=fix-hint]').textContent(), /Perbaiki: .*nomor telepon/);
      await shot('refused');
    });

    let sentId;
    await t.test('search and status filter', async () => {
      sentId = await newOutreach(page, { note: 'Pos layanan di pasar', date: '2025-06-01' });
      await page.click('button[name=submit]');
      await waitState(page, sentId, 'sent', 'the submitted outreach');
      await page.fill('[data-testid=search]', 'pasar');
      await until(async () => (await page.locator('.records li').count()) === 1, 'one match');
      assert.equal(await item(page, sentId).count(), 1);
      await page.fill('[data-testid=search]', 'tidak ada yang cocok');
      await page.waitForSelector('[data-testid=no-match]');
      await page.fill('[data-testid=search]', '');
      await page.selectOption('[data-testid=status-filter]', 'fix');
      await until(async () => (await page.locator('.records li').count()) === 1, 'only the record to fix');
      assert.equal(await item(page, refusedId).count(), 1);
      await shot('filter-fix');
      await page.selectOption('[data-testid=status-filter]', 'sent');
      await until(async () => (await page.locator('.records li').count()) === 1 && (await item(page, sentId).count()) === 1, 'only the sent one');
      await page.selectOption('[data-testid=status-filter]', 'all');
    });

    await t.test('a submitted record opens as a short read-only summary', async () => {
      await item(page, sentId).click();
      await page.waitForSelector('[data-testid=record-summary]');
      assert.equal(await page.locator('[data-testid=record-form]').count(), 0);
      assert.match(await page.textContent('[data-testid=record-summary]'), /Pos layanan di pasar/);
      assert.match(await page.textContent('[data-testid=record-summary] [data-field=submitted_at] dt'), /^Diajukan$/);
      const h = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(h < 1400, `summary page ${h} px high`);
      await shot('summary');
      await page.click('.back');
    });

    if (size === 'phone') {
      await t.test('tap targets are at least 44 px', async () => {
        await page.waitForSelector('[data-testid=list-outreach_logs]');
        assert.deepEqual(await smallTargets(page), [], 'home');
        await page.click('[data-testid=new-record]');
        await page.waitForSelector('[data-testid=record-form]');
        assert.deepEqual(await smallTargets(page), [], 'form');
        assert.equal(await page.getAttribute('[data-testid=settings-link]', 'aria-label'), 'Pengaturan');
        await page.click('.back');
      });

      await t.test('at 360 px no word breaks mid-word and the list tools show their words whole', async () => {
        await page.waitForSelector('[data-testid=list-tools]');
        await shot('list-tools');
        assert.deepEqual(await brokenWords(page, '[role=tab]'), [], 'tab labels');
        assert.deepEqual(await clippedControls(page), [], 'search placeholder and status filter');
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling (the screen, 360 px: a mobile layout viewport widens with the page)');
      });
    }
    await ctx.close();
  });
}
