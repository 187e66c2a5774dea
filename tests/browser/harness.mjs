// Test harness: the real ./jangkau binary on a temporary data dir and a free
// port, accounts made through the REST API as a superuser, and Debian's
// Chromium driven by playwright-core. Nothing here waits a fixed time: every
// wait is for a condition, bounded by a generous deadline.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = process.env.JANGKAU_BIN || join(ROOT, 'jangkau');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.SCREENSHOTS || join(ROOT, 'test-output', 'browser');
export const PASSWORD = 'Uji-jangkau-2026';

export const SIZES = {
  phone: { viewport: { width: 360, height: 760 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  laptop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
};

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Polls fn until it returns a truthy value or the deadline passes. */
export async function until(fn, what, deadlineMs = 30000) {
  const end = Date.now() + deadlineMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

/** Starts ./jangkau serve on a fresh data dir; returns { url, api, stop }. */
export async function startServer() {
  const dir = await mkdtemp(join(tmpdir(), 'jangkau-browser-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await run(BIN, ['migrate', 'up', '--dir', dir], { maxBuffer: 64 << 20 });
  await run(BIN, ['superuser', 'upsert', 'admin@uji.jangkau.id', PASSWORD, '--dir', dir], { maxBuffer: 64 << 20 });
  const proc = spawn(BIN, ['serve', '--http', `127.0.0.1:${port}`, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => proc.on('exit', r));
  await until(async () => {
    if (proc.exitCode !== null) throw new Error('server exited: ' + log);
    const r = await fetch(url + '/api/health');
    return r.ok;
  }, 'the server to answer /api/health');

  const api = async (method, path, token, body) => {
    const r = await fetch(url + path, {
      method,
      headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: token } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      const err = new Error(`${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
      err.status = r.status;
      err.data = data;
      throw err;
    }
    return data;
  };
  const login = async (collection, email) => (await api('POST', `/api/collections/${collection}/auth-with-password`, null, { identity: email, password: PASSWORD })).token;
  const superToken = await login('_superusers', 'admin@uji.jangkau.id');

  return {
    url,
    api,
    superToken,
    login: (email) => login('users', email),
    /** Creates a user as the superuser. */
    async createUser(u) {
      return api('POST', '/api/collections/users/records', superToken, { password: PASSWORD, passwordConfirm: PASSWORD, verified: true, ...u });
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
    log: () => log,
  };
}

/** Launches Debian's Chromium headless. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page screenshot as test-output/browser/<size>-<nn>-<name>.png. */
export function shooter(page, size) {
  let n = 0;
  return async (name) => {
    n += 1;
    await mkdir(SHOTS, { recursive: true });
    const file = join(SHOTS, `${size}-${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}
