// What the browser tests of the console (tests/browser) and of the field app
// (tests/pwa) share: the real ./jangkau binary on a temporary data dir and a
// free port, accounts made through the REST API as a superuser, condition
// polling and screenshots. Node built-ins only, so both npm projects can
// import it. Nothing here waits a fixed time.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = process.env.JANGKAU_BIN || join(ROOT, 'jangkau');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Chromium's flags on these machines (no network but loopback). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

/**
 * Starts ./jangkau on a fresh data dir (migrate up, superuser upsert, serve)
 * and returns { url, api, superToken, login, createUser, stop, log }. Every
 * account gets `password`; `api` sends JSON, or a FormData body as it is.
 * `commands` are more ./jangkau commands run on the data dir before serving
 * (e.g. [['demo']]).
 */
export async function startServer({ password, tmpPrefix, commands = [] }) {
  const dir = await mkdtemp(join(tmpdir(), tmpPrefix));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const suEmail = 'admin@uji.jangkau.id';
  await run(BIN, ['migrate', 'up', '--dir', dir], { maxBuffer: 64 << 20 });
  await run(BIN, ['superuser', 'upsert', suEmail, password, '--dir', dir], { maxBuffer: 64 << 20 });
  for (const args of commands) await run(BIN, [...args, '--dir', dir], { maxBuffer: 64 << 20 });
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
  const login = async (collection, email) => (await api('POST', `/api/collections/${collection}/auth-with-password`, null, { identity: email, password })).token;
  const superToken = await login('_superusers', suEmail);

  return {
    url,
    api,
    superToken,
    login: (email) => login('users', email),
    /** Creates a user as the superuser. */
    createUser: (u) => api('POST', '/api/collections/users/records', superToken, { password, passwordConfirm: password, verified: true, ...u }),
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
    log: () => log,
  };
}

/** Returns a function that saves full-page screenshots as <dir>/<prefix>-<nn>-<name>.png. */
export function screenshotter(dir, page, prefix) {
  let n = 0;
  return async (name) => {
    n += 1;
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}
