// Browser test of the dashboard map (issue 17) on the demo data
// (`jangkau demo`): at laptop and phone sizes the province secretariat sees
// Lampung's regencies shaded by the figure of the tab, each area's shade
// and figure agreeing with the report's own table and the legend; a click on
// the map drills down to districts and villages (village shapes loaded on
// demand); case figures are mapped per regency only, as the server
// suppressed them; the map files come from this server only and are kept
// in the browser's cache, so the map draws when they can no longer be
// fetched. A district verifier's map is its regency. Screenshots in
// test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, until } from './harness.mjs';

const DEMO_PASSWORD = 'jangkau-demo-2026';
const SELATAN = '18.01';
const NATAR = '18.01.04';
const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();

let server;
let browser;

before(async () => {
  server = await startServer({ commands: [['demo']] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page, email) {
  await page.goto(server.url + '/');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('#login-submit').click();
  await page.locator('#who').waitFor({ state: 'attached' });
  // the console then leaves '/' for the role's home page: wait for it, so a
  // page.goto to another route afterwards is not overtaken by that move
  await page.waitForFunction(() => location.hash.length > 2);
}

async function open(page, hash, tab, area) {
  await page.goto(`${server.url}/#/dashboard?${hash}`);
  await page.locator(`#dashboard[data-tab="${tab}"][data-area="${area}"][data-loading="0"] #report[data-ready="1"]`).waitFor();
  await page.locator('#map[data-ready="1"]').waitFor();
}

/**
 * Clicks (on a phone: taps) an area of the map at a point inside its shape
 * (the middle of its box may be another area, or the sea).
 */
async function clickArea(page, code) {
  await page.locator(`#map-svg a[data-drill="${code}"]`).scrollIntoViewIfNeeded();
  const pt = await page.evaluate((c) => {
    const el = document.querySelector(`#map-svg path[data-area="${c}"]`);
    const b = el.getBoundingClientRect();
    for (let n = 2; n <= 64; n *= 2) {
      for (let i = 1; i < n; i += 2) {
        for (let j = 1; j < n; j += 2) {
          const x = b.left + (b.width * i) / n;
          const y = b.top + (b.height * j) / n;
          if (document.elementFromPoint(x, y) === el) return { x, y };
        }
      }
    }
    return null;
  }, code);
  assert.ok(pt, `a point inside ${code}`);
  if (await page.evaluate(() => navigator.maxTouchPoints > 0)) await page.touchscreen.tap(pt.x, pt.y);
  else await page.mouse.click(pt.x, pt.y);
}

/** The shaded areas of the map: code, figure, class and fill. */
const mapAreas = (page) => page.$$eval('#map-svg .map-areas path', (ps) => ps.map((p) => ({
  code: p.dataset.area, value: p.dataset.value, text: p.dataset.text, cls: p.dataset.class, fill: p.getAttribute('fill'),
})));

/** The legend: class -> colour. */
const legend = (page) => page.$$eval('#map-legend li[data-class]', (ls) => Object.fromEntries(ls.map((l) => [l.dataset.class, l.dataset.color || 'none'])));

/** The figure of an area in the table beside the map. */
const mapTable = (page) => page.$$eval('#map-table tbody tr', (rs) => Object.fromEntries(rs.map((r) => [r.dataset.row, r.querySelector('td.num').textContent.trim()])));

/** "1.234" or "53,8%" (id-ID) as a number. */
const parseId = (s) => Number(s.replace(/%$/, '').replace(/\./g, '').replace(',', '.'));

/**
 * Every shaded area's fill is its legend colour, its class grows with its
 * figure, and its figure is the one the table beside the map shows.
 */
async function checkShading(page, { numeric = true } = {}) {
  const areas = await mapAreas(page);
  const colors = await legend(page);
  const table = await mapTable(page);
  assert.ok(areas.length > 0, 'areas on the map');
  assert.ok(Object.keys(colors).length >= 2, 'a legend');
  const order = Object.keys(colors);
  for (const a of areas) {
    if (a.cls === 'none') assert.equal(a.fill, 'url(#map-none)', `${a.code} without a figure is hatched`);
    else assert.equal(a.fill, colors[a.cls], `${a.code}: fill of class ${a.cls}`);
    if (table[a.code] !== undefined) assert.equal(table[a.code], a.text, `${a.code}: map and table agree`);
  }
  if (numeric) {
    const shaded = areas.filter((a) => a.cls !== 'none').map((a) => ({ ...a, n: Number(a.value) }));
    if (order.includes('zero')) for (const a of shaded) if (a.n === 0) assert.equal(a.cls, 'zero', `${a.code}: 0 has the zero class`);
    shaded.sort((x, y) => x.n - y.n);
    for (let i = 1; i < shaded.length; i++) {
      assert.ok(order.indexOf(shaded[i].cls) >= order.indexOf(shaded[i - 1].cls), `classes grow with the figure: ${shaded[i - 1].code} ${shaded[i - 1].n} ${shaded[i - 1].cls}, ${shaded[i].code} ${shaded[i].n} ${shaded[i].cls}`);
    }
  }
  return areas;
}

for (const size of ['laptop', 'phone']) {
  test(`the dashboard map on the demo data (${size})`, async (t) => {
    const context = await browser.newContext({ ...SIZES[size], locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const page = await context.newPage();
    const shot = shooter(page, `${size}-map`);
    const foreign = [];
    page.on('request', (req) => { if (!req.url().startsWith(server.url) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) foreign.push(req.url()); });
    await signIn(page, 'sekretariat@demo.jangkau.id');

    await t.test('Lampung\'s regencies shaded by approved activities, as the report table counts them', async () => {
      await open(page, 'tab=activities', 'activities', '18');
      assert.ok(Number(await page.locator('#stat-activities .stat-v').textContent()) > 100, 'the demo data fills the dashboard');
      assert.equal(await page.locator('#map').getAttribute('data-level'), 'regency');
      const areas = await checkShading(page);
      assert.equal(areas.length, 15);
      for (const a of areas) {
        const cell = await page.locator(`#rows-activities tr[data-row="${a.code}"] td:nth-child(2)`).textContent();
        assert.equal(parseId(cell), Number(a.value), `${a.code}: map ${a.value}, report table ${cell}`);
      }
      assert.ok(areas.filter((a) => Number(a.value) > 0).length >= 5, 'several regencies have activities');
      assert.ok(areas.some((a) => a.cls === 'zero'), 'and some none');
      // The other figure of the tab: participants.
      await page.locator('#map-metric').selectOption('participants');
      await until(async () => (await page.locator('#map').getAttribute('data-metric')) === 'participants', 'participants on the map');
      for (const a of await checkShading(page)) {
        const cell = await page.locator(`#rows-activities tr[data-row="${a.code}"] td:nth-child(7)`).textContent();
        assert.equal(parseId(cell), Number(a.value), `${a.code}: participants`);
      }
      // The table of the mapped figures: beside the map on a laptop, folded under it on a phone.
      const box = page.locator('#map-table-box');
      assert.equal(await box.evaluate((d) => d.open), size === 'laptop');
      if (size === 'phone') {
        await box.locator('summary').tap();
        await page.locator('#map-table').waitFor();
        assert.ok(await page.evaluate((w) => document.scrollingElement.scrollWidth <= w, SIZES.phone.viewport.width), 'no sideways scrolling');
        const svg = await page.locator('#map-svg').boundingBox();
        assert.ok(svg.width <= 360 && svg.width > 250, `the map fits the phone: ${svg.width}px`);
      }
      await page.locator('#map').screenshot({ path: (await shot('province')).replace(/\.png$/, '-map.png') });
    });

    await t.test('a click on the map drills down to the districts, then the villages', async () => {
      await page.goto(`${server.url}/#/dashboard?tab=coverage`);
      await page.locator('#dashboard[data-tab="coverage"][data-area="18"][data-loading="0"] #map[data-ready="1"]').waitFor();
      for (const a of await checkShading(page)) {
        const cell = await page.locator(`#rows-coverage tr[data-row="${a.code}"] .pctbar span`).textContent();
        assert.equal(parseId(cell), Number(a.value), `${a.code}: coverage`);
      }
      await clickArea(page, SELATAN);
      await page.locator(`#dashboard[data-area="${SELATAN}"][data-loading="0"] #map[data-ready="1"][data-level="district"]`).waitFor();
      const districts = await checkShading(page);
      const rows = await page.locator('#rows-coverage tbody tr').count();
      assert.ok(districts.length >= 15 && districts.length <= rows, `${districts.length} districts of ${rows} on the map`);
      assert.ok(districts.every((d) => d.code.startsWith(SELATAN + '.')), 'only Lampung Selatan\'s districts');
      assert.ok(await page.locator('#map-svg .map-context path').count() >= 10, 'the neighbouring regencies drawn around it');
      await page.locator('#map').screenshot({ path: (await shot('regency')).replace(/\.png$/, '-map.png') });

      await clickArea(page, NATAR);
      await page.locator(`#dashboard[data-area="${NATAR}"][data-loading="0"] #map[data-ready="1"][data-level="village"]`).waitFor();
      const villages = await checkShading(page, { numeric: false });
      assert.ok(villages.length >= 20, `Natar's villages: ${villages.length}`);
      assert.deepEqual(Object.keys(await legend(page)), ['zero', 'yes'], 'a village is reached or not');
      for (const v of villages) {
        const cell = await page.locator(`#rows-coverage tr[data-row="${v.code}"] td:nth-child(3)`).textContent();
        assert.equal(parseId(cell), Number(v.value), `${v.code}: reached`);
        assert.equal(v.cls, Number(v.value) > 0 ? 'yes' : 'zero');
      }
      assert.ok(villages.some((v) => v.cls === 'yes') && villages.some((v) => v.cls === 'zero'), 'reached and unreached villages');
      await page.locator('#map').screenshot({ path: (await shot('district')).replace(/\.png$/, '-map.png') });
      // A village has no map; the breadcrumb goes back up.
      await clickArea(page, '18.01.04.2001');
      await page.locator('#dashboard[data-area="18.01.04.2001"][data-loading="0"]').waitFor();
      assert.equal(await page.locator('#map').count(), 0);
      await page.locator('#crumbs [data-crumb="18"] a').click();
      await page.locator('#dashboard[data-area="18"][data-loading="0"] #map[data-ready="1"][data-level="regency"]').waitFor();
    });

    await t.test('case figures: per regency only, exactly as the server suppressed them', async () => {
      await open(page, `tab=cases&year=${YEAR - 1}`, 'cases', '18');
      assert.equal(await page.locator('#map').getAttribute('data-metric'), 'cases');
      const areas = await checkShading(page, { numeric: false });
      for (const a of areas) {
        const fig = (await page.locator(`#rows-cases tr[data-row="${a.code}"] td[data-col="case_count"]`).textContent()).trim();
        assert.equal(a.text, fig, `${a.code}: map ${a.text}, table ${fig}`);
        if (a.value === '<5') assert.equal(a.cls, 'small');
        if (a.value === '•' || a.value === '') assert.equal(a.cls, 'none', `${a.code}: a hidden or missing figure is not shaded`);
      }
      assert.ok(areas.some((a) => a.value === '<5'), 'small counts show as "<5"');
      assert.match(await page.locator('#map-case-note').textContent(), /kabupaten\/kota/);
      await page.locator('#map').screenshot({ path: (await shot('cases')).replace(/\.png$/, '-map.png') });
      // Below the province the cases tab maps prevention only.
      await clickArea(page, SELATAN);
      await page.locator(`#dashboard[data-area="${SELATAN}"][data-loading="0"] #map[data-ready="1"]`).waitFor();
      assert.equal(await page.locator('#map').getAttribute('data-metric'), 'intensity');
      assert.equal(await page.locator('#map-metric option[value="cases"]').count(), 0);
      assert.equal(await page.locator('#map-case-note').count(), 0);
    });

    await t.test('RAD: regencies shaded by their progress on an indicator', async () => {
      await open(page, 'tab=rad', 'rad', '18');
      assert.equal(await page.locator('#map').getAttribute('data-metric'), 'rad-P.1.1');
      const areas = await checkShading(page);
      const table = await mapTable(page);
      for (const a of areas) {
        const m = /^(\d+) \/ (\d+) \(([\d,]+)%\)$/.exec(table[a.code]);
        assert.ok(m, `${a.code}: "${table[a.code]}"`);
        assert.equal(Math.round(parseId(m[3])), Math.round(Number(a.value)), `${a.code}: progress`);
      }
      await page.locator('#map').screenshot({ path: (await shot('rad')).replace(/\.png$/, '-map.png') });
    });

    await t.test('the map files come from this server and are kept for offline use', async () => {
      assert.deepEqual(foreign, [], 'no request left the server');
      const cached = await page.evaluate(async () => (await (await caches.open('jangkau-geo')).keys()).map((r) => new URL(r.url).pathname));
      assert.ok(cached.some((p) => /^\/geo\/lampung\.[0-9a-f]+\.topo\.json$/.test(p)), `province file cached: ${cached}`);
      assert.ok(cached.some((p) => /^\/geo\/villages-18\.01\.[0-9a-f]+\.topo\.json$/.test(p)), 'Lampung Selatan\'s villages cached');
      // The map files can no longer be fetched: the map still draws.
      await page.route('**/geo/**', (route) => route.abort());
      await page.reload();
      await page.locator('#dashboard[data-area="18"][data-loading="0"] #map[data-ready="1"]').waitFor();
      assert.equal((await mapAreas(page)).length, 15);
      await page.unroute('**/geo/**');
    });

    await t.test('in English, and the source is credited', async () => {
      await open(page, 'tab=activities', 'activities', '18');
      await page.locator('#lang-switch').click();
      await until(async () => (await page.locator('#map h3').textContent()) === 'Map', 'English');
      assert.match(await page.locator('#map-legend .legend-title').textContent(), /Activities/);
      assert.match(await page.locator('#map').textContent(), /Boundaries: wilayah_boundaries \(Cahya DSN, MIT\)/);
      await page.goto(`${server.url}/#/about`);
      assert.match(await page.locator('#credit-geo').textContent(), /wilayah_boundaries.*Cahya DSN.*MIT/);
      await page.locator('#lang-switch').click();
      const license = await (await fetch(`${server.url}/geo/LICENSE`)).text();
      assert.match(license, /MIT License[\s\S]*Cahya DSN/);
    });
    await context.close();
  });
}

test('a district verifier\'s map is its regency', async () => {
  const context = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  await signIn(page, 'verifikator@demo.jangkau.id');
  await open(page, 'tab=activities', 'activities', SELATAN);
  assert.equal(await page.locator('#map').getAttribute('data-level'), 'district');
  const areas = await checkShading(page);
  assert.ok(areas.every((a) => a.code.startsWith(SELATAN + '.')));
  for (const a of areas) {
    const cell = await page.locator(`#rows-activities tr[data-row="${a.code}"] td:nth-child(2)`).textContent();
    assert.equal(parseId(cell), Number(a.value), `${a.code}`);
  }
  await shooter(page, 'laptop-map-verifier')('regency');
  await context.close();
});
