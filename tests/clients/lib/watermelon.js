// A phone running WatermelonDB 0.28 on the LokiJS adapter (in memory, no web
// worker), synchronised with Jangkau's WatermelonDB endpoints exactly as a
// React Native app would: synchronize({database, pullChanges, pushChanges}).
import { createRequire } from 'node:module'

import { FIELDS, SERVER_FIELDS } from './fields.js'
import { HttpError } from './server.js'

const require = createRequire(import.meta.url)
const { Database, Model, appSchema, tableSchema } = require('@nozbe/watermelondb')
const LokiJSAdapter = require('@nozbe/watermelondb/adapters/lokijs').default
const { synchronize } = require('@nozbe/watermelondb/sync')
const { schemaMigrations } = require('@nozbe/watermelondb/Schema/migrations')
const logger = require('@nozbe/watermelondb/utils/common/logger').default

// WatermelonDB reports what it finds odd in a sync (a record the server
// sends as updated but the phone lacks, a malformed record...) through its
// logger and carries on. The tests collect those complaints and expect none;
// the adapter's chatter is dropped.
export const complaints = []
logger.log = () => {}
logger.debug = () => {}
logger.warn = (...m) => complaints.push(m.map(String).join(' '))
logger.error = (...m) => complaints.push(m.map((x) => (x instanceof Error ? x.message : String(x))).join(' '))

// syncComplaints returns the logged complaints that are about sync.
export const syncComplaints = () => complaints.filter((c) => c.includes('[Sync]'))

const columnType = { text: 'string', number: 'number', bool: 'boolean', list: 'string', json: 'string' }

// The app's local schema: every synced table, every server column. Lists and
// objects are string columns holding JSON (WatermelonDB columns hold only
// strings, numbers and booleans).
export const schema = appSchema({
  version: 1,
  tables: Object.entries(FIELDS).map(([name, fields]) =>
    tableSchema({
      name,
      columns: Object.entries(fields).map(([col, kind]) => ({ name: col, type: columnType[kind], isOptional: true })),
    }),
  ),
})

const modelClasses = Object.keys(FIELDS).map((table) => {
  const M = class extends Model {}
  M.table = table
  return M
})

function encode(table, fields) {
  const out = {}
  for (const [k, v] of Object.entries(fields)) {
    const kind = FIELDS[table][k]
    if (!kind) throw new Error(`${table}.${k} is not in the phone's schema`)
    out[k] = (kind === 'list' || kind === 'json') && v !== null && typeof v !== 'string' ? JSON.stringify(v) : v
  }
  return out
}

// decode turns a raw record into plain values (lists and objects parsed).
export function decode(table, raw) {
  const out = { id: raw.id }
  for (const [k, kind] of Object.entries(FIELDS[table])) {
    const v = raw[k]
    out[k] = (kind === 'list' || kind === 'json') && typeof v === 'string' && v !== '' ? JSON.parse(v) : v
  }
  return out
}

// The tables a phone writes: the ones it re-sends after a restore.
export const WRITTEN_TABLES = ['activities', 'outreach_logs']

/**
 * healAfterRestore is docs/sync.md's recipe for a 409 server_restored (the
 * server went back to a backup): every record this user wrote that the phone
 * holds as synced is marked as changed in every column the phone writes, and
 * the epoch is forgotten. pullChanges then pulls from zero in the same
 * synchronize(): WatermelonDB merges what the server still has with the
 * phone's columns winning (the phone's copy is the newer: the server
 * acknowledged it), and pushes every marked record whole. The server answers
 * an identical one with nothing written, creates again the ones the restore
 * lost, and updates those it holds older. Records of other users come back
 * from their own phones. Records the phone created and never pulled back have
 * no created_by yet: they are this user's.
 */
export async function healAfterRestore(database, me, tables = WRITTEN_TABLES) {
  await database.write(async () => {
    const marked = []
    for (const table of tables) {
      const written = Object.keys(FIELDS[table]).filter((c) => !SERVER_FIELDS.includes(c)).join(',')
      for (const rec of await database.get(table).query().fetch()) {
        if (rec._raw._status !== 'synced' || (rec._raw.created_by && rec._raw.created_by !== me)) continue
        marked.push(rec.prepareUpdate(() => {
          rec._raw._status = 'updated'
          rec._raw._changed = written
        }))
      }
    }
    await database.batch(marked)
  })
  await database.localStorage.remove('jangkauEpoch')
}

export class PushConflict extends Error {
  constructor(body) {
    super(`push refused with 409: ${JSON.stringify(body)}`)
    this.status = 409
    this.body = body
  }
}

export class WatermelonPhone {
  constructor(server, account, name) {
    this.server = server
    this.account = account
    this.name = name
    this.database = new Database({
      adapter: new LokiJSAdapter({
        schema,
        dbName: name,
        useWebWorker: false,
        useIncrementalIndexedDB: false,
        migrations: schemaMigrations({ migrations: [] }),
        // in memory (Node has no IndexedDB): no autosave timer to keep the process alive
        extraLokiOptions: { autosave: false },
        onSetUpError: (err) => {
          throw err
        },
      }),
      modelClasses,
    })
    this.pushes = [] // every push answer: { status, body, cursorAfter }
    this.pulled = [] // every pulled change: { table, id, deleted, village }
    this.restores = [] // the epochs of the 409 server_restored answers this phone healed from
  }

  get token() {
    return this.server.tokens[this.account]
  }

  async create(table, fields) {
    let id
    await this.database.write(async () => {
      const rec = await this.database.get(table).create((r) => {
        for (const [k, v] of Object.entries(encode(table, fields))) r._setRaw(k, v)
      })
      id = rec.id
    })
    return id
  }

  async update(table, id, fields) {
    await this.database.write(async () => {
      const rec = await this.database.get(table).find(id)
      await rec.update((r) => {
        for (const [k, v] of Object.entries(encode(table, fields))) r._setRaw(k, v)
      })
    })
  }

  // remove deletes a record the way a synced app must: marked as deleted,
  // so the next push carries the delete.
  async remove(table, id) {
    await this.database.write(async () => {
      const rec = await this.database.get(table).find(id)
      await rec.markAsDeleted()
    })
  }

  // raw returns the stored raw record (with _status and _changed), or null.
  async raw(table, id) {
    const found = await this.database.get(table).query().fetch()
    const rec = found.find((r) => r.id === id)
    return rec ? { ...rec._raw } : null
  }

  async get(table, id) {
    const raw = await this.raw(table, id)
    return raw ? decode(table, raw) : null
  }

  async all(table) {
    const found = await this.database.get(table).query().fetch()
    return found.map((r) => decode(table, r._raw)).sort((a, b) => a.id.localeCompare(b.id))
  }

  async pendingDeletes(table) {
    return this.database.adapter.getDeletedRecords(table)
  }

  // sync runs one WatermelonDB synchronize(). Test hooks:
  // afterPull runs after the pull answered and before the push (another
  // phone can write meanwhile); pushTwice sends the same push twice, as when
  // the first answer is lost on a flaky network, and keeps the second answer.
  async sync({ afterPull, pushTwice = false } = {}) {
    const log = {}
    const { server, name } = this
    await synchronize({
      database: this.database,
      migrationsEnabledAtVersion: 1,
      // Jangkau sends every record as "updated" (see sync/watermelon.go)
      sendCreatedAsUpdated: true,
      log,
      pullChanges: async ({ lastPulledAt, schemaVersion, migration }) => {
        const q = new URLSearchParams({
          last_pulled_at: String(lastPulledAt ?? 'null'),
          epoch: String((await this.database.localStorage.get('jangkauEpoch')) ?? 0),
          schema_version: String(schemaVersion),
          migration: JSON.stringify(migration ?? null),
          clientId: name,
        })
        let res = await server.request('GET', `/api/sync/watermelon?${q}`, { token: this.token, allow: [409] })
        if (res.status === 409) {
          if (res.body?.data?.last_pulled_at?.code !== 'server_restored') throw new HttpError('GET', '/api/sync/watermelon', 409, res.body)
          // the server was restored: re-send what this user wrote, pulling from zero first
          this.restores.push(res.body.epoch)
          await healAfterRestore(this.database, server.ids[this.account])
          q.set('last_pulled_at', '0')
          q.set('epoch', '0')
          res = await server.request('GET', `/api/sync/watermelon?${q}`, { token: this.token })
        }
        if (res.body.epoch) await this.database.localStorage.set('jangkauEpoch', res.body.epoch)
        for (const [table, ch] of Object.entries(res.body.changes)) {
          for (const raw of [...ch.created, ...ch.updated]) this.pulled.push({ table, id: raw.id, village: raw.village })
          for (const id of ch.deleted) this.pulled.push({ table, id, deleted: true })
        }
        if (afterPull) await afterPull()
        return res.body
      },
      pushChanges: async ({ changes, lastPulledAt }) => {
        const path = `/api/sync/watermelon?last_pulled_at=${lastPulledAt}&clientId=${encodeURIComponent(name)}`
        const send = async () => {
          const res = await server.request('POST', path, { token: this.token, body: changes, allow: [409] })
          const entry = { status: res.status, body: res.body, cursorAfter: await server.feedCursor() }
          this.pushes.push(entry)
          return res
        }
        let res = await send()
        if (pushTwice && res.status === 200) res = await send()
        if (res.status === 409) throw new PushConflict(res.body)
        return { experimentalRejectedIds: res.body.experimentalRejectedIds }
      },
    })
    return log
  }
}
