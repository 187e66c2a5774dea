// Browser test of issue 15's desk work: a regency task-force member records
// a draft in the console, edits it, submits it (then it is no longer
// editable), gets it back from the secretariat and edits it again; every
// task-force member has its cluster's view (activities, status counts,
// latest, RAD indicators); desk roles cannot get a phone (no enrollment,
// "console only", the API's bilingual refusal); a verifier revokes a phone
// with wipe. Phone and laptop, Bahasa Indonesia and English; screenshots
// under test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shooter, SIZES, signIn, until } from './harness.mjs';

const YEAR = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();
let server;
let browser;
let gtkab;

before(async () => {
  server = await startServer();
  gtkab = await server.createUser({ email: 'gtkab@uji.jangkau.id', name: 'Anggota GT Lampung Selatan', role: 'regency_taskforce_member', area: '18.01', cluster: 'law_enforcement' });
  await server.createUser({ email: 'gtprov@uji.jangkau.id', name: 'Anggota GT Provinsi', role: 'taskforce_member', area: '18', cluster: 'law_enforcement' });
  await server.createUser({ email: 'sekre@uji.jangkau.id', name: 'Sekretariat', role: 'province_secretariat', area: '18' });
  await server.createUser({ email: 'verif@uji.jangkau.id', name: 'Verifikator Lampung Selatan', role: 'district_verifier', area: '18.01' });
  await server.api('POST', '/api/collections/rad_indicators/records', server.superToken, { code: 'PH.2.1', rad_period: '2022-2026', cluster: 'law_enforcement',
    level: 'regency', counting: 'manual', unit: 'kasus', active: true, description: 'Kasus TPPO yang disidik', targets: { [String(YEAR)]: 12 } });
  await server.api('POST', '/api/collections/activities/records', server.superToken, { title: 'Rapat koordinasi penegakan hukum', type: 'rapat_koordinasi',
    start_date: `${YEAR}-01-15 02:00:00.000Z`, status: 'approved', male_adult: 5, female_adult: 6, area: '18.01', cluster: 'law_enforcement' });
  await server.api('POST', '/api/collections/activities/records', server.superToken, { title: 'Pelatihan jaksa', type: 'pelatihan',
    start_date: `${YEAR}-02-15 02:00:00.000Z`, status: 'submitted', male_adult: 3, female_adult: 3, area: '18.01.04', cluster: 'law_enforcement' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const size of ['laptop', 'phone']) {
  test(`a regency task-force member edits its activity while it may (${size})`, async () => {
    const ctx = await browser.newContext({ ...SIZES[size], locale: 'id-ID' });
    const page = await ctx.newPage();
    const shot = shooter(page, `desk-edit-${size}`);
    await signIn(page, server.url, gtkab.email);
    await page.goto(server.url + '/#/activity/new');
    await page.locator('#activity-form[data-mode=new]').waitFor();
    await page.locator('#in-title').fill(`Pelatihan penyidik ${size}`);
    await page.locator('#in-start_date').fill(`${YEAR}-03-10`);
    await page.locator('#in-male_adult').fill('8');
    await page.locator('#act-draft').click();
    await page.locator('#record[data-status=draft]').waitFor();
    const id = (await page.evaluate(() => location.hash)).split('/').pop();
    await shot('draft');

    // a draft: "Ubah" opens the form filled in; the change is saved
    await page.locator('#edit-activity').click();
    await page.locator('#activity-form[data-mode=edit]').waitFor();
    assert.equal(await page.locator('#in-title').inputValue(), `Pelatihan penyidik ${size}`);
    assert.equal(await page.locator('#in-male_adult').inputValue(), '8');
    assert.equal(await page.locator('#in-area').inputValue(), '18.01');
    await page.locator('#in-title').fill(`Pelatihan penyidik Polres ${size}`);
    await shot('edit');
    await page.locator('#act-draft').click();
    await page.locator('#record[data-status=draft]').waitFor();
    await until(async () => (await page.locator('#record-title').textContent()).includes('Polres'), 'the edited title');

    // submitted: waiting for the secretariat, no longer editable
    await page.locator('#edit-activity').click();
    await page.locator('#activity-form[data-mode=edit]').waitFor();
    await page.locator('#act-submit').click();
    await page.locator('#record[data-status=submitted]').waitFor();
    assert.equal(await page.locator('#edit-activity').count(), 0, 'a submitted activity waits for its reviewer');
    await page.goto(server.url + `/#/activity/edit/${id}`);
    await page.locator('#activity-locked').waitFor();

    // returned by the secretariat with a note: editable again, the note shown
    const sToken = await server.login('sekre@uji.jangkau.id');
    await server.api('PATCH', `/api/collections/activities/records/${id}`, sToken, { status: 'returned', review_note: 'Lengkapi jumlah peserta perempuan.' });
    await page.goto(server.url + `/#/record/activities/${id}`);
    await page.locator('#record[data-status=returned] #edit-activity').click();
    await page.locator('#act-review-note').waitFor();
    assert.match(await page.locator('#act-review-note').textContent(), /Lengkapi jumlah peserta perempuan/);
    await page.locator('#in-female_adult').fill('4');
    await shot('returned');
    await page.locator('#act-submit').click();
    await page.locator('#record[data-status=submitted]').waitFor();
    const rec = await server.api('GET', `/api/collections/activities/records/${id}`, server.superToken);
    assert.equal(rec.female_adult, 4);
    assert.equal(rec.title, `Pelatihan penyidik Polres ${size}`);
    assert.equal(rec.cluster, 'law_enforcement');
    await ctx.close();
  });
}

for (const [size, who, locale] of [['phone', 'gtkab@uji.jangkau.id', 'id-ID'], ['laptop', 'gtprov@uji.jangkau.id', 'en-GB']]) {
  test(`the cluster view of ${who} (${size}, ${locale})`, async () => {
    const ctx = await browser.newContext({ ...SIZES[size], locale });
    const page = await ctx.newPage();
    const shot = shooter(page, `desk-cluster-${size}`);
    await signIn(page, server.url, who);
    await page.goto(server.url + '/#/cluster');
    await page.locator('#cluster[data-cluster=law_enforcement]').waitFor();
    if (locale === 'en-GB' && !/cluster/.test(await page.locator('#cluster h1').textContent())) await page.locator('#lang-switch').click();
    await page.locator('#cluster-latest, #cluster-no-activities').first().waitFor();
    const heading = await page.locator('#cluster h1').textContent();
    assert.match(heading, locale === 'en-GB' ? /cluster/ : /Sub gugus tugas/);
    // the approved regency activity of this year counts; the latest list has it
    assert.equal((await page.locator('#cluster-activities b').textContent()).trim(), '1');
    assert.match(await page.locator('#cluster-latest').textContent(), /Rapat koordinasi penegakan hukum/);
    assert.ok(Number(await page.locator('#cluster-status [data-status=submitted] b').textContent()) >= 1, 'the submitted district activity (and those of the edit tests)');
    // the cluster's RAD indicator with its target: 12 a regency, 180 for the province's 15
    const target = (await page.locator('#cluster-rad [data-indicator="PH.2.1"] td.num').first().textContent()).trim();
    assert.equal(target, who.startsWith('gtprov') ? '180' : '12');
    // a member of the province task force records nothing: no edit links
    if (who.startsWith('gtprov')) assert.equal(await page.locator('#cluster-latest [data-edit]').count(), 0);
    await shot('cluster');
    await ctx.close();
  });
}

test('desk roles get no phone: not offered, "console only", and the API refuses with the reason', async () => {
  const sToken = await server.login('sekre@uji.jangkau.id');
  const res = await fetch(server.url + '/api/devices/enrollments', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: sToken },
    body: JSON.stringify({ user: gtkab.id }) });
  assert.equal(res.status, 403);
  const body = await res.json();
  assert.equal(body.data.user.code, 'desk_role_no_phone');
  assert.match(body.message, /konsol.*\/.*console/);

  const ctx = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID' });
  const page = await ctx.newPage();
  const shot = shooter(page, 'desk-phones-laptop');
  await signIn(page, server.url, 'sekre@uji.jangkau.id');
  await page.goto(server.url + '/#/accounts');
  await page.locator(`[data-console-only="${gtkab.email}"]`).waitFor();
  assert.match(await page.locator(`[data-console-only="${gtkab.email}"]`).textContent(), /Konsol saja/);
  await page.goto(server.url + '/#/phones');
  await page.locator('#enroll-open').click();
  await page.locator('#enroll-user').waitFor();
  assert.doesNotMatch(await page.locator('#enroll-user').textContent(), /Anggota GT/, 'no desk account offered');
  await shot('enroll');
  await ctx.close();
});

test('a verifier revokes a phone choosing wipe (phone)', async () => {
  const officer = await server.createUser({ email: 'desa@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer', area: '18.01.04.2001' });
  const vToken = await server.login('verif@uji.jangkau.id');
  const enr = await server.api('POST', '/api/devices/enrollments', vToken, { user: officer.id });
  const act = await server.api('POST', '/api/devices/activate', null, { code: enr.code, name: 'HP Desa Hajimena', platform: 'android', appVersion: '1.0.0' });
  const ctx = await browser.newContext({ ...SIZES.phone, locale: 'id-ID' });
  const page = await ctx.newPage();
  const shot = shooter(page, 'desk-wipe-phone');
  await signIn(page, server.url, 'verif@uji.jangkau.id');
  await page.goto(server.url + '/#/phones');
  await page.locator(`[data-revoke="${act.device.id}"]`).click();
  await page.locator(`[data-wipe="${act.device.id}"]`).check();
  await shot('confirm');
  await page.locator(`[data-revoke-yes="${act.device.id}"]`).click();
  await page.locator('#phones-message').waitFor();
  assert.match(await page.locator('#phones-message').textContent(), /menghapus datanya/);
  await page.locator(`tr[data-id="${act.device.id}"] [data-wipe-state=pending]`).waitFor();
  assert.match(await page.locator(`tr[data-id="${act.device.id}"] [data-wipe-state]`).textContent(), /menunggu penghapusan/);
  await shot('revoked');
  const dev = await server.api('GET', `/api/devices?user=${officer.id}`, vToken);
  assert.equal(dev.items[0].wipe, true);
  await ctx.close();
});
