// A real Jangkau server for the client tests: the ./jangkau binary on a free
// loopback port with a temporary data dir, the accounts the tests need, and
// small REST helpers to look at the server's side of the story.
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, renameSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

import { waitFor } from './wait.js'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

// Areas and accounts (catalog: village_officer works at a village, the
// district_verifier at a regency).
export const VILLAGE_A = '18.01.04.2001' // Hajimena, Natar, Lampung Selatan
export const VILLAGE_B = '18.02.01.2001' // Sri Way Langsep, Kalirejo, Lampung Tengah
export const REGENCY_A = '18.01'
const PASSWORD = 'client-test-password-1'
const SUPERUSER = 'root@clients.test.jangkau.id'
export const ACCOUNTS = {
  officerA1: { email: 'officer.a1@clients.test.jangkau.id', role: 'village_officer', area: VILLAGE_A },
  officerA2: { email: 'officer.a2@clients.test.jangkau.id', role: 'village_officer', area: VILLAGE_A },
  officerB: { email: 'officer.b@clients.test.jangkau.id', role: 'village_officer', area: VILLAGE_B },
  verifierA: { email: 'verifier.a@clients.test.jangkau.id', role: 'district_verifier', area: REGENCY_A },
}

// binary returns the path of ./jangkau, building it when it is missing
// (make test-node builds it first; this lets `node --test` run alone). The
// build goes to a temporary name and is renamed, so two test files starting
// together never see half a binary.
function binary() {
  const bin = process.env.JANGKAU_BIN || join(repo, 'jangkau')
  if (!existsSync(bin)) {
    const tmp = `${bin}.build-${process.pid}`
    execFileSync('go', ['build', '-o', tmp, '.'], {
      cwd: repo,
      stdio: 'inherit',
      env: { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'auto', GOFLAGS: process.env.GOFLAGS || '-mod=mod' },
    })
    renameSync(tmp, bin)
  }
  return bin
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => res(port))
    })
  })
}

export class HttpError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path}: ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`)
    this.status = status
    this.body = body
  }
}

// JangkauServer is one running server. Start it with startServer().
export class JangkauServer {
  constructor(bin, dir, url, child, log) {
    this.bin = bin
    this.dir = dir
    this.url = url
    this.child = child
    this.log = log
    this.tokens = {}
    this.ids = {}
  }

  // request sends a JSON request with a token; it throws HttpError on a
  // status outside 2xx unless `allow` lists it.
  async request(method, path, { token, body, allow = [], signal } = {}) {
    const headers = {}
    if (token) headers.Authorization = token
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    })
    const text = await res.text()
    let parsed = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      // keep the text
    }
    if (!res.ok && !allow.includes(res.status)) {
      throw new HttpError(method, path, res.status, parsed)
    }
    return { status: res.status, body: parsed }
  }

  // record reads a record as the superuser (null when it does not exist).
  async record(collection, id) {
    const res = await this.request('GET', `/api/collections/${collection}/records/${id}`, {
      token: this.tokens.superuser,
      allow: [404],
    })
    return res.status === 404 ? null : res.body
  }

  // records lists a collection as the superuser, optionally filtered.
  async records(collection, filter = '') {
    const q = new URLSearchParams({ perPage: '500', sort: 'id' })
    if (filter) q.set('filter', filter)
    const res = await this.request('GET', `/api/collections/${collection}/records?${q}`, { token: this.tokens.superuser })
    return res.body.items
  }

  // feedCursor is the server's change sequence: the position of the last
  // committed change of any synced collection, read through the native pull
  // as the superuser (a caught-up pull answers the snapshot's end).
  // changesSince counts the feed's changes after cursor (each record's
  // latest): positions follow the server's clock, so only a count of the
  // changes themselves says how many writes there were.
  async changesSince(cursor) {
    let n = 0
    for (;;) {
      const res = await this.request('GET', `/api/sync/pull?cursor=${cursor}&limit=5000`, { token: this.tokens.superuser })
      n += res.body.changes.length
      cursor = res.body.cursor
      if (!res.body.hasMore) return n
    }
  }

  async feedCursor() {
    let cursor = this.lastFeedCursor || 0
    for (;;) {
      const res = await this.request('GET', `/api/sync/pull?cursor=${cursor}&limit=5000&collections=rad_indicators`, {
        token: this.tokens.superuser,
      })
      cursor = res.body.cursor
      if (!res.body.hasMore) break
    }
    this.lastFeedCursor = cursor
    return cursor
  }

  // backup writes a backup of the running server to path (`jangkau backup`).
  backup(path) {
    execFileSync(this.bin, ['backup', path, '--dir', this.dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  }

  // restore stops the server, restores its data dir from the backup at
  // path (`jangkau restore`: a new epoch) and serves it again on the same
  // address: tokens issued before stay valid (the accounts are in the backup).
  async restore(path) {
    await this.halt()
    execFileSync(this.bin, ['restore', path, '--dir', this.dir], { stdio: ['ignore', 'ignore', 'pipe'] })
    this.lastFeedCursor = 0
    const { child } = await serveOn(this.bin, this.dir, this.url, this.log)
    this.child = child
  }

  // halt stops the server process and keeps its data dir.
  async halt() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((res) => this.child.once('exit', res))
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }

  async stop() {
    await this.halt()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

// serveOn starts `jangkau serve` of dir on url's address and waits for
// /api/health; it throws (after killing the process) when it does not answer.
async function serveOn(bin, dir, url, log) {
  const child = spawn(bin, ['serve', '--http', url.replace('http://', ''), '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // the last lines of the server's output, for a failure to start
  const keep = (d) => {
    log.push(String(d))
    if (log.length > 200) log.shift()
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  // a test process that dies without its `after` hook takes the server along
  const reap = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', reap)
  child.once('exit', () => process.removeListener('exit', reap))
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`jangkau exited (${child.exitCode}): ${log.join('')}`)
        try {
          return (await fetch(url + '/api/health')).ok
        } catch {
          return false
        }
      },
      { timeout: 20000, what: 'GET /api/health' },
    )
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL')
    throw err
  }
  return { child }
}

// startServer migrates a fresh data dir, creates the superuser, serves on a
// free port, waits for /api/health, creates the accounts and signs them in.
export async function startServer() {
  const bin = binary()
  const dir = mkdtempSync(join(tmpdir(), 'jangkau-clients-'))
  try {
    const opts = { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 }
    execFileSync(bin, ['migrate', 'up', '--dir', dir], opts)
    execFileSync(bin, ['superuser', 'upsert', SUPERUSER, PASSWORD, '--dir', dir], opts)
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`preparing the data dir failed: ${err.stderr || err.message}`)
  }

  let server
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const log = []
    try {
      const { child } = await serveOn(bin, dir, url, log)
      server = new JangkauServer(bin, dir, url, child, log)
      break
    } catch (err) {
      // another process may have taken the port between probe and bind
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true })
        throw err
      }
    }
  }

  try {
    const su = await server.request('POST', '/api/collections/_superusers/auth-with-password', {
      body: { identity: SUPERUSER, password: PASSWORD },
    })
    server.tokens.superuser = su.body.token
    for (const [key, acc] of Object.entries(ACCOUNTS)) {
      const created = await server.request('POST', '/api/collections/users/records', {
        token: server.tokens.superuser,
        body: {
          email: acc.email,
          password: PASSWORD,
          passwordConfirm: PASSWORD,
          name: key,
          role: acc.role,
          area: acc.area,
          verified: true,
        },
      })
      server.ids[key] = created.body.id
      const auth = await server.request('POST', '/api/collections/users/auth-with-password', {
        body: { identity: acc.email, password: PASSWORD },
      })
      server.tokens[key] = auth.body.token
    }
  } catch (err) {
    await server.stop()
    throw err
  }
  return server
}
