// The server's own refusal of a field, shown beside that field in the
// console, in Bahasa Indonesia and then in English: the server is the
// judge (the console sends what was typed), and its message names the
// reason. Two representative forms: an activity (a phone number in the
// title, privacy_phone) and an account (an e-mail already in use,
// validation_not_unique, whose Indonesian half the server adds).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, shooter, SIZES, until } from './harness.mjs';

let server;
let browser;
let gtkab;

before(async () => {
  server = await startServer();
  gtkab = await server.createUser({ email: 'gtkab.words@uji.jangkau.id', name: 'Anggota GT Lampung Selatan', role: 'regency_taskforce_member', area: '18.01', cluster: 'law_enforcement' });
  await server.createUser({ email: 'sekre.words@uji.jangkau.id', name: 'Sekretariat', role: 'province_secretariat', area: '18' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the server\'s refusal of a field is shown beside it, in both languages', async () => {
  const ctx = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID' });
  const page = await ctx.newPage();
  const shot = shooter(page, 'words-laptop');

  // an activity whose title carries a phone number
  await signIn(page, server.url, gtkab.email);
  await page.goto(server.url + '/#/activity/new');
  await page.locator('#activity-form[data-mode=new]').waitFor();
  await page.locator('#in-title').fill('Sosialisasi, hubungi 0812-3456-7890');
  await page.locator('#in-start_date').fill('2025-03-10');
  await page.locator('#act-draft').click();
  const titleErr = page.locator('#err-title');
  await titleErr.waitFor();
  assert.match(await titleErr.textContent(), /nomor telepon/i);
  assert.doesNotMatch(await titleErr.textContent(), / \/ /, 'one language at a time');
  await shot('activity-title-id');
  // a switch to English turns the message already shown (no new request)
  await page.locator('#lang-switch').click();
  await until(async () => /phone number/i.test(await titleErr.textContent()), 'the English half beside the title');
  assert.doesNotMatch(await titleErr.textContent(), /nomor telepon/i);
  // and the next refusal reads in English too
  await page.locator('#act-draft').click();
  await until(async () => /phone number/i.test(await titleErr.textContent()), 'the English half after a new refusal');
  await shot('activity-title-en');
  await page.locator('#lang-switch').click();
  assert.equal((await server.api('GET', '/api/collections/activities/records', server.superToken)).totalItems, 0, 'nothing saved');
  await page.evaluate(() => localStorage.clear());

  // an account whose e-mail is taken
  await signIn(page, server.url, 'sekre.words@uji.jangkau.id');
  await page.goto(server.url + '/#/accounts');
  await page.locator('#accounts-table').waitFor();
  await page.locator('#account-new').click();
  await page.locator('#in-email').fill(gtkab.email);
  await page.locator('#in-password').fill('Sandi-awal-2026');
  await page.locator('#in-name').fill('Akun Ganda');
  await page.locator('#in-area-q').fill('Hajimena');
  const opt = page.locator('#in-area option[value="18.01.04.2001"]');
  await until(async () => (await opt.count()) === 1, 'Hajimena in the picker');
  await page.locator('#in-area').selectOption('18.01.04.2001');
  await page.locator('#account-save').click();
  const emailErr = page.locator('#err-email');
  await emailErr.waitFor();
  assert.match(await emailErr.textContent(), /sudah dipakai/i);
  await shot('account-email-id');
  await page.locator('#lang-switch').click();
  await until(async () => /(in use|unique|taken)/i.test(await emailErr.textContent()), 'the English half beside the e-mail, on the switch');
  await page.locator('#account-save').click();
  await until(async () => /(in use|unique|taken)/i.test(await emailErr.textContent()), 'the English half beside the e-mail');
  await shot('account-email-en');
  await ctx.close();
});

test('a form\'s own check and a failed sign-in follow a switch of language', async () => {
  const ctx = await browser.newContext({ ...SIZES.phone, locale: 'id-ID' });
  const page = await ctx.newPage();
  await page.goto(server.url + '/');
  await page.locator('#login').waitFor();
  // nothing typed: the form's own check, in Bahasa Indonesia
  await page.locator('#login-submit').click();
  const emailErr = page.locator('#err-identity');
  await emailErr.waitFor();
  const id = await emailErr.textContent();
  await page.locator('#lang-switch').click();
  await until(async () => (await emailErr.textContent()) !== id, 'the form check in English');
  assert.match(await emailErr.textContent(), /required/i);
  await page.locator('#lang-switch').click();
  await until(async () => (await emailErr.textContent()) === id, 'the form check back in Bahasa Indonesia');
  // a wrong password: the answer's line follows the switch too
  await page.locator('#email').fill(gtkab.email);
  await page.locator('#password').fill('bukan-sandinya-2026');
  await page.locator('#login-submit').click();
  const failed = page.locator('#login-error');
  await failed.waitFor();
  const before = await failed.textContent();
  assert.doesNotMatch(before, / \/ /, 'one language at a time');
  await page.locator('#lang-switch').click();
  await until(async () => (await failed.textContent()) !== before && (await failed.textContent()).length > 0, 'the sign-in error in English');
  await ctx.close();
});

test('a success notice kept on screen follows a switch of language', async () => {
  const ctx = await browser.newContext({ ...SIZES.laptop, locale: 'id-ID' });
  const page = await ctx.newPage();
  await signIn(page, server.url, gtkab.email);
  await page.goto(server.url + '/#/settings');
  await page.locator('input[data-switch]').first().click(); // whichever notice this role has
  const saved = page.locator('#prefs-saved');
  await saved.waitFor();
  assert.match(await saved.textContent(), /tersimpan/i);
  await page.locator('#lang-switch').click();
  await until(async () => /saved/i.test(await saved.textContent()), 'the notice in English, without a new save');
  assert.doesNotMatch(await saved.textContent(), /tersimpan/i);
  await page.locator('#lang-switch').click();
  await until(async () => /tersimpan/i.test(await saved.textContent()), 'the notice back in Bahasa Indonesia');
  await ctx.close();
});
