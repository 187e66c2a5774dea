// Vocabularies as data (issue 16) with the real clients: a WatermelonDB
// phone and an RxDB phone receive the coded choices and their labels
// through sync, then the secretariat's changes (a new topic, a retired one,
// a renamed label) without an app release; a push of a new record with the
// retired code is refused, one with the new code is taken.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'

import { startServer, VILLAGE_A } from './lib/server.js'
import { WatermelonPhone, syncComplaints } from './lib/watermelon.js'
import { RxPhone } from './lib/rxdb.js'
import { activity } from './lib/fields.js'
import { waitFor } from './lib/wait.js'

describe('vocabularies reach WatermelonDB and RxDB phones', () => {
  let server, wm, rx

  const entries = () => server.records('vocabularies')
  const find = async (kind, code) => (await entries()).find((e) => e.kind === kind && e.code === code)
  const edit = (id, body) => server.request('PATCH', `/api/collections/vocabularies/records/${id}`, { token: server.tokens.superuser, body })

  before(async () => {
    server = await startServer()
    wm = new WatermelonPhone(server, 'officerA1', 'wm-vocab')
    rx = await RxPhone.open(server, 'officerA2', 'rx-vocab', 'vocabularies')
  })

  after(async () => {
    await rx?.replication?.cancel()
    await rx?.db?.close()
    await server?.stop()
  })

  it('both phones hold every entry after their first sync', async () => {
    const all = await entries()
    assert.ok(all.length > 100, `${all.length} entries on the server`)
    await wm.sync()
    const onWm = await wm.all('vocabularies')
    assert.equal(onWm.length, all.length)
    const topic = onWm.find((e) => e.kind === 'topics' && e.code === 'migrasi_aman')
    assert.deepEqual([topic.label_id, topic.label_en, topic.active], ['Migrasi aman / prosedural', 'Safe, procedural migration', true])
    await rx.online()
    await waitFor(async () => (await rx.collection.find().exec()).length === all.length, { what: 'RxDB to hold every entry' })
    assert.deepEqual(syncComplaints(), [])
  })

  it("the secretariat's changes arrive; a retired code is refused on a new record", async () => {
    await server.request('POST', '/api/collections/vocabularies/records', {
      token: server.tokens.superuser,
      body: { kind: 'topics', code: 'judi_online', label_id: 'Judi online', label_en: 'Online gambling', order: 5, active: true },
    })
    await edit((await find('topics', 'pengasuhan')).id, { active: false })
    await edit((await find('topics', 'migrasi_aman')).id, { label_id: 'Migrasi aman dan prosedural' })

    await wm.sync()
    const onWm = await wm.all('vocabularies')
    assert.equal(onWm.find((e) => e.code === 'judi_online')?.label_en, 'Online gambling')
    assert.equal(onWm.find((e) => e.kind === 'topics' && e.code === 'pengasuhan')?.active, false)
    assert.equal(onWm.find((e) => e.kind === 'topics' && e.code === 'migrasi_aman')?.label_id, 'Migrasi aman dan prosedural')

    // RxDB: the pull_stream hint brings the changes without a restart.
    await waitFor(async () => {
      const docs = await rx.collection.find().exec()
      const get = (code) => docs.find((d) => d.kind === 'topics' && d.code === code)
      return get('judi_online')?.label_id === 'Judi online' && get('pengasuhan')?.active === false &&
        get('migrasi_aman')?.label_id === 'Migrasi aman dan prosedural'
    }, { what: 'RxDB to receive the changes' })

    const bad = await wm.create('activities', activity(VILLAGE_A, { title: 'Pengasuhan', topics: ['pengasuhan'] }))
    const good = await wm.create('activities', activity(VILLAGE_A, { title: 'Judi online', topics: ['judi_online'] }))
    await wm.sync()
    const last = wm.pushes.at(-1)
    assert.deepEqual(last.body.experimentalRejectedIds?.activities, [bad])
    assert.equal(last.body.rejections.activities[bad].errors.topics.code, 'retired_code')
    assert.equal(await server.record('activities', bad), null)
    assert.deepEqual((await server.record('activities', good)).topics, ['judi_online'])
  })
})
