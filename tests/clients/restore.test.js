// After a restore of the server (docs/sync.md "After a restore"), the
// documented recipes run with the real WatermelonDB and RxDB: a phone syncs
// a record, the server is backed up (`jangkau backup`), the phone syncs a
// second record and an edit of the first (both acknowledged), the server is
// restored from the backup (`jangkau restore`: a new epoch) and served again
// on the same address. The phone's next sync gets 409 server_restored,
// follows the recipe, and the server holds again what it had acknowledged:
// the second record once, the edit, and no copies.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { startServer, VILLAGE_A } from './lib/server.js'
import { WatermelonPhone, syncComplaints } from './lib/watermelon.js'
import { RxPhone } from './lib/rxdb.js'
import { activity } from './lib/fields.js'
import { waitFor } from './lib/wait.js'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const newId = () => Array.from(randomBytes(16), (b) => ALNUM[b % ALNUM.length]).join('')

describe('a restore the WatermelonDB and RxDB phones heal', () => {
  let server, work

  before(async () => {
    server = await startServer()
    work = mkdtempSync(join(tmpdir(), 'jangkau-clients-restore-'))
  })
  after(async () => {
    await server?.stop()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  // the activities of village A on the server whose title starts with prefix
  const titled = async (prefix) => (await server.records('activities', `village = "${VILLAGE_A}" && title ~ "${prefix}%"`))

  it('WatermelonDB: the records acknowledged after the backup come back, exactly once', async () => {
    const phone = new WatermelonPhone(server, 'officerA1', 'wm-restore')
    const kept = await phone.create('activities', activity(VILLAGE_A, { title: 'WM sebelum cadangan' }))
    await phone.sync()
    await phone.sync() // the server's fields of its own record come back
    const backup = join(work, 'wm.zip')
    server.backup(backup)

    const lost = await phone.create('activities', activity(VILLAGE_A, { title: 'WM sesudah cadangan' }))
    await phone.update('activities', kept, { venue: 'Aula sesudah cadangan' })
    await phone.sync()
    assert.equal(phone.pushes.at(-1).status, 200, 'acknowledged')
    assert.deepEqual(phone.pushes.at(-1).body.experimentalRejectedIds ?? {}, {})
    assert.ok(await server.record('activities', lost))

    await server.restore(backup)
    assert.equal(await server.record('activities', lost), null, 'the restore lost the second record')
    assert.equal((await server.record('activities', kept)).venue, 'Balai desa', 'and the edit')

    await phone.sync()
    assert.equal(phone.restores.length, 1, 'the phone was told of the restore (409 server_restored)')
    const back = await titled('WM ')
    assert.deepEqual(back.map((r) => r.id).sort(), [kept, lost].sort(), 'both records, no copies')
    assert.equal(back.find((r) => r.id === kept).venue, 'Aula sesudah cadangan', 'the edit is back')
    assert.equal(back.find((r) => r.id === lost).created_by, server.ids.officerA1)

    // healed for good: the next syncs neither meet the restore again nor write anything
    const before = await server.feedCursor()
    await phone.sync()
    await phone.sync()
    assert.equal(phone.restores.length, 1)
    assert.deepEqual((await titled('WM ')).map((r) => r.id).sort(), [kept, lost].sort())
    const unsynced = (await phone.database.get('activities').query().fetch()).filter((r) => r._raw._status !== 'synced')
    assert.deepEqual(unsynced.map((r) => r.id), [], 'nothing waits on the phone')
    assert.equal(await server.feedCursor(), before, 'the syncs after the heal wrote nothing')
    assert.deepEqual(syncComplaints(), [], 'WatermelonDB found nothing odd in the sync')
  })

  it('RxDB: the documents acknowledged after the backup come back, exactly once', async () => {
    const phone = await RxPhone.open(server, 'officerA1', 'rx-restore')
    try {
      await phone.online()
      const kept = await phone.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'RX sebelum cadangan' }) })
      await phone.replication.awaitInSync()
      await waitFor(() => server.record('activities', kept), { what: 'the first document on the server' })
      const backup = join(work, 'rx.zip')
      server.backup(backup)

      const lost = await phone.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'RX sesudah cadangan' }) })
      await phone.patch(kept, { venue: 'Aula sesudah cadangan' })
      await phone.replication.awaitInSync()
      await waitFor(async () => (await server.record('activities', lost)) && (await server.record('activities', kept)).venue === 'Aula sesudah cadangan',
        { what: 'the second document and the edit acknowledged' })

      await server.restore(backup)
      assert.equal(await server.record('activities', lost), null, 'the restore lost the second document')

      // the pull_stream reconnects, RxDB pulls with its checkpoint: 409, the recipe restarts the replication
      await waitFor(() => phone.restores.length > 0 && phone.healed !== null, { timeout: 30000, what: 'the phone told of the restore' }).then(() => phone.healed)
      await waitFor(async () => (await server.record('activities', lost)) && (await server.record('activities', kept)).venue === 'Aula sesudah cadangan',
        { timeout: 30000, what: 'the lost document and edit back on the server' })
      await phone.replication.awaitInSync()
      assert.deepEqual((await titled('RX ')).map((r) => r.id).sort(), [kept, lost].sort(), 'both documents, no copies')
      assert.equal(phone.restores.length >= 1 && phone.restores.every((e) => e === phone.epoch), true, 'one new epoch')

      // healed for good: a new document syncs as usual under the new epoch
      const after = await phone.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'RX sesudah pemulihan' }) })
      await waitFor(() => server.record('activities', after), { what: 'a document after the heal' })
      assert.deepEqual((await titled('RX ')).map((r) => r.id).sort(), [kept, lost, after].sort())
      assert.deepEqual((await phone.all()).filter((d) => d.title.startsWith('RX ')).map((d) => d.id).sort(), [kept, lost, after].sort())
    } finally {
      await phone.close()
    }
  })
})
