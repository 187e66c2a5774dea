// Jangkau beside unmodified PocketBase v0.40.4 (the anchor, built from
// ../shared/bench/stockpb), each on a fresh data directory, measured in one
// run on the same record shape (Jangkau's activities; on the stock side
// relations are text and there are no rules: it is driven as a superuser).
//
//   bulk        N records, 500 per request, one client: /api/sync/push vs /api/batch
//   native      C phones at once, each a first pull then 4 pushes of 5 (/api/sync/pull, /api/sync/push)
//   watermelon  the same phones through the WatermelonDB endpoint (/api/sync/watermelon)
//               stock side of both: a list of 500 (the village filter) then 4 /api/batch of 5
//   empty       incremental pulls with nothing new, 8 clients in a loop for 5 s, after the burst
//   wire        bytes on the wire of a first pull with and without gzip, cache headers of the web app
//   stores      up-to-date pulls at 10,000 and 1,000,000 stored records and the peak memory of a
//               first pull of 1,000,000 (Go's BenchmarkStores in sync/, both stores built once)
//
// RUNS (environment) or --runs=N repeats the whole table N times (stores are built once).
//
// All phones sign in as one village officer of one village (as the shared
// anchor does); each phone keeps one client id. Rate limits are switched
// off explicitly in both servers' settings, so 500 phones from 127.0.0.1
// are not throttled.
//
// Usage (make bench runs it):
//   JANGKAU_BIN=./jangkau STOCK_BIN=/path/stockpb node bench/anchor.mjs [--runs=3] [--phones=500] [--bulk=5000] [--parts=bulk,native,watermelon,empty,wire,stores]
// Only Node 20's built-in modules are used.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')))
const PHONES = Number(args.phones || 500)
const BULK = Number(args.bulk || 5000)
const PARTS = (args.parts || 'bulk,native,watermelon,empty,wire,stores').split(',')
const RUNS = Number(args.runs || process.env.RUNS || 1)
const STOCK = !('no-stock' in args)
const LOG = args.log === '1'
const SHAPE = args.shape || 'both' // diagnostics: 'pull' or 'push' runs only that part of each phone
const SU = { identity: 'bench@jangkau.test', password: 'Bench-Passw0rd-1!' }
const OFFICER = { email: 'officer@bench.jangkau.test', password: 'Officer-Passw0rd-1!' }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const say = (...a) => LOG && console.error(new Date().toISOString().slice(11, 19), ...a)

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

// newID makes a 15-character record id.
function newID() {
  const abc = 'abcdefghijklmnopqrstuvwxyz0123456789'
  let s = ''
  for (let i = 0; i < 15; i++) s += abc[Math.floor(Math.random() * abc.length)]
  return s
}

// Server is one running binary on a fresh data directory.
class Server {
  static async start(bin, kind) {
    const s = new Server()
    s.kind = kind
    s.dir = mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`))
    const port = await freePort()
    s.url = `http://127.0.0.1:${port}`
    s.proc = spawn(bin, ['serve', '--http', `127.0.0.1:${port}`, '--dir', s.dir, '--dev=false'], { stdio: 'ignore' })
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(s.url + '/api/health')).ok) break
      } catch {}
      if (i > 600) throw new Error(`${kind} did not start`)
      await sleep(100)
    }
    execFileSync(bin, ['superuser', 'upsert', SU.identity, SU.password, '--dir', s.dir])
    s.su = (await s.call('POST', '/api/collections/_superusers/auth-with-password', { body: SU })).json.token
    // Same settings on both sides: batch requests of up to 500, and no rate
    // limits (the phones all come from 127.0.0.1).
    const st = await s.call('PATCH', '/api/settings', {
      token: s.su,
      body: { batch: { enabled: true, maxRequests: 500, timeout: 60, maxBodySize: 0 }, rateLimits: { enabled: false } },
    })
    if (st.status !== 200) throw new Error(`${kind} settings: ${JSON.stringify(st.json).slice(0, 300)}`)
    return s
  }

  async call(method, p, { token, body, headers = {} } = {}) {
    const h = { ...headers }
    if (token) h.Authorization = token
    if (body !== undefined) h['content-type'] = 'application/json'
    const r = await fetch(this.url + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await r.text()
    let json = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = text
    }
    return { status: r.status, json, headers: r.headers }
  }

  // peak is the server's peak resident memory so far (VmHWM), in MB.
  peak() {
    try {
      const m = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)
      return Number(m[1]) / 1024
    } catch {
      return NaN
    }
  }

  // cpu is the CPU time the server has used so far (user + system), in seconds.
  cpu() {
    try {
      const f = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ')
      return (Number(f[11]) + Number(f[12])) / 100
    } catch {
      return NaN
    }
  }

  stop() {
    this.proc.kill('SIGKILL')
    rmSync(this.dir, { recursive: true, force: true })
  }
}

// raw sends a GET with node:http and counts the bytes as they arrive
// (fetch would decompress them).
function raw(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let bytes = 0
        res.on('data', (c) => (bytes += c.length))
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes }))
      })
      .on('error', reject)
  })
}

// The record shape, from Jangkau's own activities collection.
let schema = null
let village = null

async function jangkau() {
  const s = await Server.start(process.env.JANGKAU_BIN, 'jangkau')
  if (!schema) {
    schema = (await s.call('GET', '/api/collections/activities', { token: s.su })).json.fields
    const filter = encodeURIComponent('level="village" && id~"18.01."')
    village = (await s.call('GET', `/api/collections/areas/records?perPage=1&sort=id&filter=${filter}`, { token: s.su })).json.items[0].id
  }
  const u = await s.call('POST', '/api/collections/users/records', {
    token: s.su,
    body: { email: OFFICER.email, password: OFFICER.password, passwordConfirm: OFFICER.password, name: 'Petugas Desa', role: 'village_officer', area: village, verified: true },
  })
  if (u.status !== 200) throw new Error('officer: ' + JSON.stringify(u.json))
  s.token = (await s.call('POST', '/api/collections/users/auth-with-password', { body: { identity: OFFICER.email, password: OFFICER.password } })).json.token
  return s
}

async function stock() {
  const s = await Server.start(process.env.STOCK_BIN, 'stock')
  const fields = schema
    .filter((f) => !f.system && !f.hidden && !['id', 'created', 'updated'].includes(f.name))
    .map((f) => (f.type === 'relation' ? { name: f.name, type: 'text', max: 100 } : f.type === 'file' ? { name: f.name, type: 'json' } : { ...f, id: undefined, required: false }))
  fields.push({ name: 'created', type: 'autodate', onCreate: true }, { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true })
  const c = await s.call('POST', '/api/collections', { token: s.su, body: { name: 'activities', type: 'base', fields } })
  if (c.status !== 200) throw new Error('stock collection: ' + JSON.stringify(c.json).slice(0, 300))
  s.token = s.su
  return s
}

function record(i) {
  const topics = (schema.find((f) => f.name === 'topics')?.values ?? []).filter((t) => ['migrasi_aman', 'modus_tppo'].includes(t))
  return {
    village, title: `Sosialisasi pencegahan TPPO ${i}`, start_date: '2026-11-20 08:00:00.000Z', type: 'sosialisasi', topics,
    male_child: 3, female_child: 4, male_adult: 10, female_adult: 12, status: 'draft',
  }
}

// The requests of each side. A push of records returns the call's result;
// every non-200 answer (or a per-record refusal) is a failure.
const sides = {
  native: {
    firstPull: (s) => s.call('GET', '/api/sync/pull?cursor=0&limit=1000', { token: s.token }),
    push: async (s, phone, recs) => {
      const r = await s.call('POST', '/api/sync/push', {
        token: s.token,
        body: { clientId: phone.client, mutations: recs.map((d) => ({ mutationId: newID(), collection: 'activities', id: newID(), op: 'upsert', baseVersion: null, data: d })) },
      })
      if (r.status === 200 && r.json.results.some((x) => x.status !== 'applied')) r.status = 'refused'
      return r
    },
  },
  watermelon: {
    firstPull: async (s, phone) => {
      const r = await s.call('GET', '/api/sync/watermelon?last_pulled_at=null', { token: s.token })
      phone.pulledAt = r.json?.timestamp
      return r
    },
    push: async (s, phone, recs) => {
      const created = recs.map((d) => ({ id: newID(), ...d, topics: JSON.stringify(d.topics), _status: 'created', _changed: '' }))
      const empty = { created: [], updated: [], deleted: [] }
      const r = await s.call('POST', `/api/sync/watermelon?last_pulled_at=${phone.pulledAt}`, {
        token: s.token,
        body: { areas: empty, rad_indicators: empty, village_programs: empty, outreach_logs: empty, activities: { created, updated: [], deleted: [] } },
      })
      if (r.status === 200 && Object.keys(r.json.experimentalRejectedIds).length) r.status = 'refused'
      return r
    },
  },
  stock: {
    firstPull: (s) => s.call('GET', `/api/collections/activities/records?perPage=500&skipTotal=1&filter=${encodeURIComponent(`village="${village}"`)}`, { token: s.token }),
    push: (s, phone, recs) =>
      s.call('POST', '/api/batch', { token: s.token, body: { requests: recs.map((d) => ({ method: 'POST', url: '/api/collections/activities/records', body: { id: newID(), ...d } })) } }),
  },
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN)

// burst runs PHONES phones at once: a first pull, then 4 pushes of 5.
async function burst(s, side) {
  const lat = []
  let failed = 0
  const kinds = { pull: [], push: [] } // the same latencies by kind of request
  const timed = async (f, kind) => {
    const t = performance.now()
    let r
    try {
      r = await f()
    } catch (e) {
      r = { status: String(e) }
    }
    lat.push(performance.now() - t)
    kinds[kind].push(performance.now() - t)
    if (r.status !== 200) {
      if (failed++ < 3) say(s.kind, 'failed', r.status, JSON.stringify(r.json ?? '').slice(0, 200))
    }
  }
  const t0 = performance.now()
  const cpu0 = s.cpu()
  const phones0 = process.cpuUsage()
  await Promise.all(
    Array.from({ length: PHONES }, async (_, p) => {
      const phone = { client: `phone-${p}`, pulledAt: 0 }
      if (SHAPE !== 'push') await timed(() => side.firstPull(s, phone), 'pull')
      if (SHAPE !== 'pull') for (let b = 0; b < 4; b++) await timed(() => side.push(s, phone, Array.from({ length: 5 }, (_, k) => record(p * 100 + b * 5 + k))), 'push')
    }),
  )
  const secs = (performance.now() - t0) / 1000
  lat.sort((a, b) => a - b)
  for (const k of Object.values(kinds)) k.sort((a, b) => a - b)
  const cpuMs = ((s.cpu() - cpu0) * 1000) / (PHONES * 20)
  const used = process.cpuUsage(phones0)
  const phonesMs = (used.user + used.system) / 1000 / (PHONES * 20)
  say(s.kind, side === sides.stock ? 'stock' : '', `burst: ${secs.toFixed(1)} s, server CPU ${cpuMs.toFixed(2)} ms per record`)
  return { cpuMs, phonesMs, rps: (PHONES * 20) / secs, p50: pct(lat, 0.5), p99: pct(lat, 0.99), pullP99: pct(kinds.pull, 0.99), pushP99: pct(kinds.push, 0.99), max: lat[lat.length - 1], over10: lat.filter((x) => x > 10000).length, failed, peak: s.peak() }
}

async function bulk(s, side) {
  const phone = { client: 'bulk', pulledAt: 0 }
  if (side === sides.watermelon) await side.firstPull(s, phone)
  const t0 = performance.now()
  const cpu0 = s.cpu()
  for (let i = 0; i < BULK; i += 500) {
    const r = await side.push(s, phone, Array.from({ length: Math.min(500, BULK - i) }, (_, k) => record(i + k)))
    if (r.status !== 200) throw new Error(`${s.kind} bulk: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`)
  }
  const cpuMs = ((s.cpu() - cpu0) * 1000) / BULK
  say(s.kind, `bulk: server CPU ${cpuMs.toFixed(2)} ms per record`)
  return { cpuMs, rps: BULK / ((performance.now() - t0) / 1000), peak: s.peak() }
}

// The up-to-date pulls are asked with node:http on kept-alive connections
// (gzip asked for and undone, every answer parsed as JSON), the same for
// both servers. Node's fetch, which the rest of the bench uses as the shared
// anchor does, costs its client about 700 µs of CPU per request (measured
// beside an up-to-date pull that cost the server 280 µs): on 2 cores shared
// with the server, a fetch client cannot ask more than about 1,500 requests
// a second of any server, and the measure would be the client's.
const benchAgent = new http.Agent({ keepAlive: true })

function send(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: benchAgent, headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        let buf = Buffer.concat(chunks)
        try {
          if (res.headers['content-encoding'] === 'gzip') buf = gunzipSync(buf)
        } catch (err) {
          return reject(err)
        }
        resolve({ status: res.statusCode, headers: res.headers, body: buf })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

// empty measures incremental pulls that find nothing new: 8 clients, 5 s.
async function empty(s, path) {
  let n = 0
  let failed = 0
  const cpu0 = s.cpu()
  const client0 = process.cpuUsage()
  const end = performance.now() + 5000
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        const r = await send('GET', s.url + path, { Authorization: s.token, 'Accept-Encoding': 'gzip' })
        let ok = r.status === 200
        try {
          ok &&= typeof JSON.parse(r.body.toString('utf8')) === 'object'
        } catch {
          ok = false
        }
        if (!ok) failed++
        n++
      }
    }),
  )
  const client = process.cpuUsage(client0)
  say(s.kind, `empty pulls: server CPU ${(((s.cpu() - cpu0) * 1e6) / n).toFixed(0)} µs, client ${((client.user + client.system) / n).toFixed(0)} µs per request`)
  return { rps: n / 5, failed }
}

const rows = []
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-')
function row(what, ours, anchor, ratio, goal, met) {
  rows.push({ what, ours, anchor, ratio: ratio === undefined ? '' : Number.isFinite(ratio) ? ratio.toFixed(2) + 'x' : String(ratio), goal, met: met === undefined ? '' : met ? 'yes' : 'NO' })
}

async function withServer(make, fn) {
  const s = await make()
  try {
    return await fn(s)
  } finally {
    s.stop()
  }
}

// stock's side of a burst is run once and is the anchor of both protocols.
let stockBurst = null
let stockEmpty = null
async function stockBurstOnce() {
  if (stockBurst || !STOCK) return stockBurst
  await withServer(stock, async (s) => {
    say('stock burst')
    stockBurst = await burst(s, sides.stock)
    const since = new Date(Date.now() + 60_000).toISOString().replace('T', ' ')
    stockEmpty = await empty(s, `/api/collections/activities/records?perPage=500&skipTotal=1&filter=${encodeURIComponent(`village="${village}" && updated > "${since}"`)}`)
  })
  return stockBurst
}

// The p99 of first pulls and of pushes apart: a client on the same cores
// spends more on reading a large first pull than the server on sending it.
const latency = (b) => `${fmt(b.rps)} rec/s, p50 ${fmt(b.p50 / 1000, 2)} s, p99 ${fmt(b.p99 / 1000, 2)} s (pulls ${fmt(b.pullP99 / 1000, 2)}, pushes ${fmt(b.pushP99 / 1000, 2)}), max ${fmt(b.max / 1000, 1)} s, failed ${b.failed}`
function burstRows(name, ours, anchor) {
  const ratio = anchor ? ours.rps / anchor.rps : NaN
  row(`burst ${PHONES} phones, ${name}: first pull + 4 pushes of 5`, latency(ours), anchor ? latency(anchor) : '-', ratio, '>= 2x, p99 <= 2 s, none failed or > 10 s',
    ratio >= 2 && ours.p99 <= 2000 && ours.failed === 0 && ours.over10 === 0)
  row(`server CPU per record in that burst (ms)`, fmt(ours.cpuMs, 2), anchor ? fmt(anchor.cpuMs, 2) : '-', anchor ? anchor.cpuMs / ours.cpuMs : undefined, '(stock / Jangkau)')
  // The phones are this script, on the same cores: when the cores are
  // busy, the rate is bounded by the CPU the server and the phones spend
  // per record together, so the ratio of the sums is the most a faster
  // server alone could give.
  const both = (b) => b.cpuMs + b.phonesMs
  row(`phones' CPU per record in that burst (ms; this script, same cores)`, fmt(ours.phonesMs, 2), anchor ? fmt(anchor.phonesMs, 2) : '-', undefined, '(load generator)')
  row(`server + phones CPU per record (ms)`, fmt(both(ours), 2), anchor ? fmt(both(anchor), 2) : '-', anchor ? both(anchor) / both(ours) : undefined, '(stock / Jangkau)')
  row(`peak memory in that burst (MB, VmHWM)`, fmt(ours.peak), anchor ? fmt(anchor.peak) : '-', undefined, '<= 150', ours.peak <= 150)
}

// oneRun measures every part once and adds its rows.
async function oneRun() {
  // schema and village come from the first Jangkau server, always started before a stock one
  if (PARTS.includes('bulk')) {
    say('bulk')
    const ours = await withServer(jangkau, (s) => bulk(s, sides.native))
    const anchor = STOCK ? await withServer(stock, (s) => bulk(s, sides.stock)) : null
    const ratio = anchor ? ours.rps / anchor.rps : NaN
    row(`bulk push, ${fmt(BULK)} records, 500 per request, one client (rec/s)`, fmt(ours.rps), anchor ? `${fmt(anchor.rps)} (/api/batch)` : '-', ratio, '>= 2x', ratio >= 2)
    row(`server CPU per record in the bulk push (ms)`, fmt(ours.cpuMs, 2), anchor ? fmt(anchor.cpuMs, 2) : '-', anchor ? anchor.cpuMs / ours.cpuMs : undefined, '(stock / Jangkau)')
  }
  for (const proto of ['native', 'watermelon']) {
    if (!PARTS.includes(proto)) continue
    say(proto, 'burst')
    await withServer(jangkau, async (s) => {
      const ours = await burst(s, sides[proto])
      burstRows(proto === 'native' ? 'native protocol' : 'WatermelonDB', ours, await stockBurstOnce())
      if (proto === 'native' && PARTS.includes('empty')) {
        const head = (await s.call('GET', '/api/sync/pull?cursor=0&limit=1', { token: s.token })).json
        let cursor = head.cursor
        while (true) {
          const page = (await s.call('GET', `/api/sync/pull?cursor=${cursor}&limit=5000`, { token: s.token })).json
          cursor = page.cursor
          if (!page.hasMore) break
        }
        const e = await empty(s, `/api/sync/pull?cursor=${cursor}&clientId=phone-0&appVersion=1.0.0&queueLength=0`)
        row(`incremental pull with nothing new, 8 clients on node:http (requests/s)`, fmt(e.rps) + (e.failed ? ` (${e.failed} failed)` : ''),
          stockEmpty ? `${fmt(stockEmpty.rps)} (list, updated > now)` : '-', stockEmpty ? e.rps / stockEmpty.rps : NaN, '>= 5,000/s', e.rps >= 5000 && e.failed === 0)
      }
      if (proto === 'watermelon' && PARTS.includes('wire')) {
        const auth = { Authorization: s.token }
        const plain = await raw(s.url + '/api/sync/watermelon?last_pulled_at=null', auth)
        const gz = await raw(s.url + '/api/sync/watermelon?last_pulled_at=null', { ...auth, 'Accept-Encoding': 'gzip' })
        row(`first WatermelonDB pull after the burst (bytes on the wire)`, `${fmt(gz.bytes)} gzip (${fmt(plain.bytes)} plain)`, '-', plain.bytes / gz.bytes,
          '>= 4x smaller', gz.headers['content-encoding'] === 'gzip' && plain.bytes / gz.bytes >= 4)
        const nplain = await raw(s.url + '/api/sync/pull?cursor=0&limit=1000', auth)
        const ngz = await raw(s.url + '/api/sync/pull?cursor=0&limit=1000', { ...auth, 'Accept-Encoding': 'gzip' })
        row(`first native page of 1,000 (bytes on the wire)`, `${fmt(ngz.bytes)} gzip (${fmt(nplain.bytes)} plain)`, '-', nplain.bytes / ngz.bytes,
          '>= 4x smaller', ngz.headers['content-encoding'] === 'gzip' && nplain.bytes / ngz.bytes >= 4)
        await staticRows(s)
      }
    })
  }
}

// staticRows checks how the web apps are served: index.html revalidated,
// bundles (linked as name.js?v=<content hash>) immutable under that URL
// and revalidated under any other, both compressed.
async function staticRows(s) {
  for (const page of ['/', '/app/']) {
    const index = await fetch(s.url + page).then((r) => r.text())
    const idx = await raw(s.url + page, { 'Accept-Encoding': 'gzip' })
    const assets = [...index.matchAll(/(?:src|href)="([^"]+\.(?:js|css)(?:\?v=[0-9a-f]+)?)"/g)].map((m) => new URL(m[1], s.url + page))
    const sized = []
    let ok = assets.length > 0
    for (const a of assets) {
      const p = await raw(a.href)
      const g = await raw(a.href, { 'Accept-Encoding': 'gzip' })
      const stale = await raw(a.origin + a.pathname + '?v=000000000000', { 'Accept-Encoding': 'gzip' })
      sized.push(`${path.basename(a.pathname)} ${fmt(g.bytes / 1024)} KB gzip (${fmt(p.bytes / 1024)} KB), ${g.headers['cache-control'] || 'no Cache-Control'}`)
      ok &&= /immutable/.test(g.headers['cache-control'] || '') && /no-cache/.test(stale.headers['cache-control'] || '') &&
        g.headers['content-encoding'] === 'gzip' && g.bytes < p.bytes && Boolean(g.headers.etag)
    }
    row(`web app ${page}: index.html`, `Cache-Control ${idx.headers['cache-control'] || '(none)'}, ${idx.headers['content-encoding'] || 'uncompressed'}`, '-', undefined,
      'revalidated', /no-cache/.test(idx.headers['cache-control'] || '') && Boolean(idx.headers.etag))
    row(`web app ${page}: bundles`, sized.join('; ') || '(none)', '-', undefined, 'gzip, immutable at their hashed URL', ok)
  }
}

// stores runs Go's BenchmarkStores once for all runs (its stores take
// minutes to build) and returns each run's figures.
function stores() {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-stores-')), 'stores.json')
  say('stores (go test -bench BenchmarkStores)')
  execFileSync('go', ['test', '-run', '^$', '-bench', '^BenchmarkStores$', '-benchtime', '1x', '-timeout', '0', './sync/'], {
    cwd: root,
    stdio: ['ignore', LOG ? 'inherit' : 'ignore', 'inherit'],
    env: { ...process.env, JANGKAU_BENCH_RUNS: String(RUNS), JANGKAU_BENCH_JSON: out, STOCK_BIN: STOCK ? process.env.STOCK_BIN : '' },
  })
  const runs = JSON.parse(readFileSync(out, 'utf8'))
  rmSync(path.dirname(out), { recursive: true, force: true })
  return runs
}

function storeRows(r) {
  const n = (x) => fmt(x)
  const j = `${n(r.UpToDateJLarge)} at ${n(r.Large)} vs ${n(r.UpToDateJSmall)} at ${n(r.Small)}`
  const st = STOCK ? `${n(r.UpToDateSLarge)} vs ${n(r.UpToDateSSmall)} (list, updated > now)` : '-'
  const keep = r.UpToDateJLarge / r.UpToDateJSmall
  row(`up-to-date pulls, 8 clients (requests/s), ${n(r.Large)} vs ${n(r.Small)} stored records`, j, st, STOCK ? r.UpToDateJLarge / r.UpToDateSLarge : NaN,
    `>= 5,000/s at both, ${n(r.Large)} within 0.8x of ${n(r.Small)}`, Math.min(r.UpToDateJLarge, r.UpToDateJSmall) >= 5000 && keep >= 0.8)
  row(`first pull of ${n(r.FirstPullRecords)} records: peak memory (MB, VmHWM; seconds)`, `${n(r.FirstPullJPeak)} MB (${fmt(r.FirstPullJSecs, 1)} s, native pages)`,
    STOCK ? `${n(r.FirstPullSPeak)} MB (${fmt(r.FirstPullSSecs, 1)} s, list of 500 by id)` : '-', undefined, '< 200 MB', r.FirstPullJPeak < 200)
}

const storeRuns = PARTS.includes('stores') ? stores() : []
for (let run = 1; run <= RUNS; run++) {
  rows.length = 0
  stockBurst = stockEmpty = null
  await oneRun()
  if (storeRuns[run - 1]) storeRows(storeRuns[run - 1])
  console.log(`\nRun ${run} of ${RUNS}: Jangkau beside stock PocketBase v0.40.4 (fresh servers, both with --dev=false and rate limits off; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end)\n`)
  console.log('| measure | Jangkau | stock PocketBase | ratio | goal | met |')
  console.log('|---|---|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.what} | ${r.ours} | ${r.anchor} | ${r.ratio} | ${r.goal} | ${r.met} |`)
}
