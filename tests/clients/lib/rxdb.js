// A phone running RxDB 17 on the memory storage, replicating a collection
// with Jangkau's RxDB endpoints exactly as an Ionic/Capacitor app would:
// replicateRxCollection with a pull handler, a push handler and pull.stream$
// fed by the server-sent events of pull_stream.
import { createRxDatabase, deepEqual } from 'rxdb'
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory'
import { replicateRxCollection } from 'rxdb/plugins/replication'
import { Observable, filter } from 'rxjs'

import { FIELDS, SERVER_FIELDS, blank } from './fields.js'
import { HttpError } from './server.js'
import { waitFor } from './wait.js'

const jsonType = {
  text: { type: 'string' },
  number: { type: 'number' },
  bool: { type: 'boolean' },
  list: { type: 'array', items: { type: 'string' } },
  json: { type: ['object', 'null'] },
}

// schemaOf is the RxDB schema of a collection: the server's fields, plus the
// server's `version` of the document (its change sequence).
export function schemaOf(collection) {
  const properties = { id: { type: 'string', maxLength: 36 }, version: { type: 'number' } }
  for (const [name, kind] of Object.entries(FIELDS[collection])) properties[name] = jsonType[kind]
  return { version: 0, primaryKey: 'id', type: 'object', properties, required: ['id'] }
}

const strip = ({ _meta, _rev, _attachments, ...doc }) => doc

// conflictHandler is the app's resolution of a push the server refused
// with its master state. RxDB's default keeps the master and drops the
// phone's edit; this one keeps the master where the record is locked
// (approved, or under review) or deleted, and otherwise merges per field:
// fields the phone changed since the master it last saw win.
export const mergeConflictHandler = {
  isEqual(a, b) {
    return deepEqual(strip(a), strip(b))
  },
  resolve({ newDocumentState, realMasterState, assumedMasterState }) {
    if (realMasterState._deleted || ['approved', 'submitted'].includes(realMasterState.status)) {
      return realMasterState
    }
    const merged = { ...realMasterState }
    for (const [k, v] of Object.entries(strip(newDocumentState))) {
      if (k === 'version' || SERVER_FIELDS.includes(k)) continue
      if (!assumedMasterState || !deepEqual(v, assumedMasterState[k])) merged[k] = v
    }
    return merged
  },
}

// sse reads a server-sent-event stream with fetch and emits each `data:`
// payload parsed as JSON. It reconnects after an error or the end of the
// stream until unsubscribed; the server sends "RESYNC" on every connect.
function sse(url, headers, onEvent) {
  return new Observable((subscriber) => {
    let closed = false
    let controller
    const run = async () => {
      while (!closed) {
        controller = new AbortController()
        try {
          const res = await fetch(url, { headers, signal: controller.signal })
          if (!res.ok) throw new Error(`pull_stream: ${res.status}`)
          onEvent?.({ connected: true })
          const decoder = new TextDecoder()
          let buf = ''
          for await (const chunk of res.body) {
            buf += decoder.decode(chunk, { stream: true })
            let end
            while ((end = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, end)
              buf = buf.slice(end + 2)
              const data = block
                .split('\n')
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).trimStart())
                .join('\n')
              if (!data) continue // a keep-alive comment
              const ev = JSON.parse(data)
              onEvent?.(ev)
              subscriber.next(ev)
            }
          }
        } catch (err) {
          if (closed) return
          onEvent?.({ error: String(err) })
        }
        if (!closed) await new Promise((r) => setTimeout(r, 250))
      }
    }
    run()
    return () => {
      closed = true
      controller?.abort()
    }
  })
}

export class RxPhone {
  // open creates the phone's database; replication starts with online().
  static async open(server, account, name, collection = 'activities') {
    const phone = new RxPhone(server, account, name, collection)
    phone.db = await createRxDatabase({ name, storage: getRxStorageMemory(), multiInstance: false })
    const cols = await phone.db.addCollections({
      [collection]: { schema: schemaOf(collection), conflictHandler: mergeConflictHandler },
    })
    phone.collection = cols[collection]
    return phone
  }

  constructor(server, account, name, collectionName) {
    this.server = server
    this.account = account
    this.name = name
    this.collectionName = collectionName
    this.pulledDocs = [] // every document the pull handler received
    this.pushes = [] // every push: { rows, status, conflicts, cursorAfter }
    this.streamEvents = [] // every event of pull_stream, and { connected: true } on each connect
    this.conflicts = [] // conflicts RxDB resolved
    this.errors = [] // replication errors (RxDB retries them)
    this.duplicatePushes = false
    this.muteStream = false // drop pull_stream hints, as a flaky network does
    this.epoch = 0 // the server's epoch this replication started under (0: the first)
    this.restores = [] // the epochs of the 409 server_restored answers this phone healed from
    this.healed = null // the restart after the last restore (a promise)
  }

  get token() {
    return this.server.tokens[this.account]
  }

  get base() {
    return `/api/sync/rxdb/${this.collectionName}`
  }

  // online starts (or resumes) the replication and waits until in sync.
  async online() {
    if (!this.replication) {
      this.start()
    } else {
      await this.replication.start()
    }
    await this.replication.awaitInSync()
  }

  // restart is docs/sync.md's recipe for a 409 server_restored (the server
  // went back to a backup): cancel the replication and start another under
  // an identifier that includes the server's new epoch. The new one has no
  // checkpoint and no master states: it pulls from the start and pushes
  // every local document with assumedMasterState null; the server takes an
  // identical one as it is, creates those the restore lost, and answers a
  // conflict for those it holds older, which the conflict handler resolves
  // with the phone's fields (assumedMasterState null: every field is the
  // phone's change).
  restart(epoch) {
    if (epoch === this.epoch) return this.healed
    this.epoch = epoch
    const old = this.replication
    this.healed = (async () => {
      await old?.cancel()
      this.start()
      await this.replication.awaitInSync()
    })()
    return this.healed
  }

  // start creates the replication for the current epoch.
  start() {
    const { server } = this
    this.replication = replicateRxCollection({
      collection: this.collection,
      replicationIdentifier: `jangkau-${this.collectionName}-${server.url}${this.epoch ? `-${this.epoch}` : ''}`,
      live: true,
      retryTime: 250,
      pull: {
        batchSize: 50,
        handler: async (checkpoint, batchSize) => {
          const q = new URLSearchParams({ checkpoint: JSON.stringify(checkpoint ?? null), limit: String(batchSize), clientId: this.name })
          const res = await server.request('GET', `${this.base}/pull?${q}`, { token: this.token, allow: [409] })
          if (res.status === 409) {
            if (res.body?.data?.checkpoint?.code !== 'server_restored') throw new HttpError('GET', `${this.base}/pull`, 409, res.body)
            this.restores.push(res.body.epoch)
            queueMicrotask(() => this.restart(res.body.epoch))
            throw new Error('server restored: replication starts again under the new epoch')
          }
          this.pulledDocs.push(...res.body.documents)
          return res.body
        },
        stream$: sse(`${server.url}${this.base}/pull_stream`, { Authorization: this.token }, (ev) => this.streamEvents.push(ev)).pipe(
          filter(() => !this.muteStream),
        ),
      },
      push: {
        batchSize: 50,
        handler: async (rows) => {
          const send = async () => {
            const res = await server.request('POST', `${this.base}/push?clientId=${encodeURIComponent(this.name)}`, {
              token: this.token,
              body: rows,
            })
            this.pushes.push({ rows, status: res.status, conflicts: res.body, cursorAfter: await server.feedCursor() })
            return res.body
          }
          let conflicts = await send()
          // a retry after a lost answer: the same rows once more
          if (this.duplicatePushes) conflicts = await send()
          return conflicts
        },
      },
    })
    this.replication.error$.subscribe((err) => this.errors.push(err))
    this.replication.conflict$?.subscribe((c) => this.conflicts.push(c))
  }

  // offline pauses the replication: local writes wait for online().
  async offline() {
    await this.replication.pause()
  }

  // hints counts the RESYNC events of pull_stream that were not the one sent
  // on (re)connect: the server's hints of changes in the phone's scope.
  hints() {
    return this.streamEvents.filter((ev, i) => ev === 'RESYNC' && !this.streamEvents[i - 1]?.connected).length
  }

  // pushedIds are the documents this phone has pushed.
  pushedIds() {
    return new Set(this.pushes.flatMap((p) => p.rows.map((r) => r.newDocumentState.id)))
  }

  // insert stores a new document with every field the phone writes (the
  // ones not given at their empty value, as the server would store them).
  async insert(doc) {
    const d = await this.collection.insert({ ...blank(this.collectionName), ...doc })
    return d.id
  }

  async patch(id, fields) {
    const d = await this.collection.findOne(id).exec()
    await d.incrementalPatch(fields)
  }

  async remove(id) {
    const d = await this.collection.findOne(id).exec()
    await d.remove()
  }

  async get(id) {
    const d = await this.collection.findOne(id).exec()
    return d ? d.toMutableJSON() : null
  }

  async all() {
    const docs = await this.collection.find().exec()
    return docs.map((d) => d.toMutableJSON()).sort((a, b) => a.id.localeCompare(b.id))
  }

  // until waits (bounded) for the phone's copy of a document to satisfy check.
  async until(id, check, what) {
    return waitFor(async () => check(await this.get(id)), { what: `${this.name}: ${what}` })
  }

  async close() {
    await this.replication?.cancel()
    await this.db?.close()
  }
}
