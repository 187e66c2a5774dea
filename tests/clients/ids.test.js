// Record ids through the real clients (issue: identifiers a client chooses).
// The ids WatermelonDB makes itself and those the field app makes for its
// records (web/app/src/model.js newId, the ids of the RxDB phone here) all
// pass the server's privacy guard for ids; an id chosen to carry a phone
// number or a NIK is refused, on its own, and never stored.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'

import { startServer, VILLAGE_A } from './lib/server.js'
import { WatermelonPhone, syncComplaints } from './lib/watermelon.js'
import { RxPhone } from './lib/rxdb.js'
import { activity } from './lib/fields.js'
import { newId } from '../../web/app/src/model.js'

const N = 200 // records a phone makes: more than a village makes in a year

describe('client-chosen record ids with the real clients', () => {
  let server

  before(async () => {
    server = await startServer()
  })

  after(async () => {
    await server?.stop()
  })

  const onServer = async (ids) => {
    const found = new Set()
    const list = [...ids]
    for (let i = 0; i < list.length; i += 50) {
      const filter = list.slice(i, i + 50).map((id) => `id = "${id}"`).join(' || ')
      for (const r of await server.records('activities', filter)) found.add(r.id)
    }
    return found
  }

  it('WatermelonDB: its own ids pass; an id carrying a phone number is rejected and kept on the phone', async () => {
    const phone = new WatermelonPhone(server, 'officerA1', 'wm-ids')
    await phone.sync()
    const ids = []
    for (let i = 0; i < N; i++) ids.push(await phone.create('activities', activity(VILLAGE_A, { title: `Sosialisasi ${i}` })))
    assert.ok(ids.every((id) => /^[A-Za-z0-9]{16}$/.test(id)), 'WatermelonDB made 16-character ids')
    const bad = 'hp081234567890x'
    await phone.database.write(async () => {
      await phone.database.get('activities').create((r) => {
        r._raw.id = bad
        r._setRaw('village', VILLAGE_A)
        r._setRaw('title', 'Id pilihan sendiri')
        r._setRaw('type', 'sosialisasi')
        r._setRaw('start_date', '2025-03-10')
        r._setRaw('status', 'draft')
      })
    })
    await phone.sync()
    const push = phone.pushes.at(-1)
    assert.equal(push.status, 200)
    assert.deepEqual(push.body.experimentalRejectedIds.activities, [bad], 'only the chosen id is rejected')
    assert.equal(push.body.rejections.activities[bad].errors.id.code, 'privacy_phone')
    assert.match(push.body.rejections.activities[bad].errors.id.message, /^id tidak boleh memuat nomor telepon.* \/ id must not contain a phone number/)
    assert.equal((await onServer(ids)).size, N, 'every WatermelonDB id stored')
    assert.equal(await server.record('activities', bad), null, 'the chosen id is not stored')
    assert.equal((await phone.raw('activities', bad))._status, 'created', 'it waits on the phone, unsynced')
    assert.deepEqual(syncComplaints(), [])
  })

  it('RxDB with the field app\'s ids: all pass; an id carrying a NIK is never stored', async () => {
    const phone = await RxPhone.open(server, 'officerA2', 'rx-ids')
    try {
      await phone.online()
      const ids = []
      for (let i = 0; i < N; i++) ids.push(await phone.insert({ id: newId(), ...activity(VILLAGE_A, { title: `Penyuluhan ${i}` }) }))
      assert.ok(ids.every((id) => /^[A-Za-z0-9]{16}$/.test(id)), 'the field app makes 16-character ids')
      const bad = 'nik1801234567890001'
      await phone.insert({ id: bad, ...activity(VILLAGE_A, { title: 'Id pilihan sendiri' }) })
      await phone.replication.awaitInSync()
      const pushed = phone.pushedIds()
      assert.ok(ids.every((id) => pushed.has(id)) && pushed.has(bad), 'everything was pushed')
      assert.equal((await onServer(ids)).size, N, 'every field-app id stored')
      assert.equal(await server.record('activities', bad), null, 'the chosen id is not stored')
      assert.deepEqual(phone.errors, [])
    } finally {
      await phone.close()
    }
  })
})
