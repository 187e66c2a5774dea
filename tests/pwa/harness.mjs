// Test harness of the field app: the real ./jangkau binary on a temporary
// data dir and a free port, accounts made through the REST API as a
// superuser, and Debian's Chromium driven by playwright-core. No fixed
// sleeps: every wait is for a condition, bounded by a generous deadline.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = process.env.JANGKAU_BIN || join(ROOT, 'jangkau');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.SCREENSHOTS || join(ROOT, 'test-output', 'pwa');
export const PASSWORD = 'Uji-lapangan-2026';
export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'id-ID' };

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

/** Polls fn until it returns a truthy value (or the deadline passes, then throws). */
export async function until(fn, what, deadlineMs = 30000) {
  const end = Date.now() + deadlineMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

/** Starts ./jangkau on a fresh data dir: migrate up, superuser upsert, serve. */
export async function startServer() {
  const dir = await mkdtemp(join(tmpdir(), 'jangkau-pwa-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const suEmail = 'admin@uji.jangkau.id';
  await run(BIN, ['migrate', 'up', '--dir', dir], { maxBuffer: 64 << 20 });
  await run(BIN, ['superuser', 'upsert', suEmail, PASSWORD, '--dir', dir], { maxBuffer: 64 << 20 });
  const proc = spawn(BIN, ['serve', '--http', `127.0.0.1:${port}`, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => proc.on('exit', r));
  await until(async () => {
    if (proc.exitCode !== null) throw new Error('server exited: ' + log);
    return (await fetch(url + '/api/health')).ok;
  }, 'the server to answer /api/health');

  async function api(method, path, token, body) {
    const isForm = body instanceof FormData;
    const r = await fetch(url + path, {
      method,
      headers: { ...(body && !isForm ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: token } : {}) },
      body: body ? (isForm ? body : JSON.stringify(body)) : undefined,
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      const err = new Error(`${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
      err.status = r.status;
      err.data = data;
      throw err;
    }
    return data;
  }
  const login = async (collection, email) => (await api('POST', `/api/collections/${collection}/auth-with-password`, null, { identity: email, password: PASSWORD })).token;
  const superToken = await login('_superusers', suEmail);
  return {
    url,
    api,
    superToken,
    login: (email) => login('users', email),
    createUser: (u) => api('POST', '/api/collections/users/records', superToken, { password: PASSWORD, passwordConfirm: PASSWORD, verified: true, ...u }),
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
    log: () => log,
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves full-page screenshots as test-output/pwa/<prefix>-<nn>-<name>.png. */
export function shooter(page, prefix) {
  let n = 0;
  return async (name) => {
    n += 1;
    await mkdir(SHOTS, { recursive: true });
    const file = join(SHOTS, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** A PNG of w x h pixels (a colour gradient), like a camera photo too large to send as is. */
export function gradientPng(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) {
      const i = row + 1 + x * 3;
      raw[i] = (x * 255) / w;
      raw[i + 1] = (y * 255) / h;
      raw[i + 2] = ((x + y) * 97) & 255;
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
