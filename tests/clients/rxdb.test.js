// RxDB 17 replicateRxCollection on the memory storage against a real Jangkau
// server (GET /api/sync/rxdb/activities/pull, POST .../push, and the
// server-sent events of .../pull_stream feeding pull.stream$). Two officers'
// phones in village 18.01.04.2001, one officer's phone in village
// 18.02.01.2001, the verifier of regency 18.01 on the REST API. The phones
// replicate live; "offline" pauses a phone's replication. The tests run in
// order on one server; each makes its own records.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'

import { startServer, VILLAGE_A, VILLAGE_B } from './lib/server.js'
import { RxPhone } from './lib/rxdb.js'
import { activity } from './lib/fields.js'
import { assertSameRecords } from './lib/check.js'
import { waitFor } from './lib/wait.js'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
// newId makes a 16-character id on the phone, like WatermelonDB's.
const newId = () => Array.from(randomBytes(16), (b) => ALNUM[b % ALNUM.length]).join('')

describe('RxDB replicateRxCollection with Jangkau', () => {
  let server, a1, a2, b

  const villageA = () => server.records('activities', `village = "${VILLAGE_A}"`)

  // converged waits until both phones of village A hold exactly the
  // server's activities of the village. The fields phones write must match
  // everywhere; the fields the server fills (regency, created_by, updated,
  // version...) must match on every document a phone did not push itself.
  // RxDB takes a document it pushed as the master state: when its own pull
  // crosses the push (the pull_stream hint arrives before the push answer),
  // it skips the document and moves its checkpoint on, so the pushing phone
  // sees the server's fields of its own write when the record next changes
  // on the server.
  async function converged(label) {
    await waitFor(
      async () => {
        const onServer = await villageA()
        for (const phone of [a1, a2]) {
          const docs = await phone.all()
          assertSameRecords('activities', docs, onServer, `${label}, ${phone.name}`, { clientFields: true })
          const pushed = phone.pushedIds()
          assertSameRecords(
            'activities',
            docs.filter((d) => !pushed.has(d.id)),
            onServer.filter((r) => !pushed.has(r.id)),
            `${label}, ${phone.name}, records of others`,
          )
        }
        return true
      },
      { what: `${label}: both phones hold the server's records` },
    )
  }

  // pushesOf lists what the server answered to pushes of a document.
  const pushesOf = (phone, id) => phone.pushes.filter((p) => p.rows.some((r) => r.newDocumentState.id === id))

  before(async () => {
    server = await startServer()
    a1 = await RxPhone.open(server, 'officerA1', 'rx-a1')
    a2 = await RxPhone.open(server, 'officerA2', 'rx-a2')
    b = await RxPhone.open(server, 'officerB', 'rx-b')
    await b.online() // the other village's phone replicates live from the start
  })

  after(async () => {
    for (const phone of [a1, a2, b]) await phone?.close()
    await server?.stop()
  })

  it('two phones of one village create records offline, sync and converge', async () => {
    // the phones have never been online: their replications start below
    const ofA1 = [
      await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Sosialisasi A1 pertama' }) }),
      await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Sosialisasi A1 kedua', venue: 'Masjid' }) }),
    ]
    const ofA2 = [await a2.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Penyuluhan A2', type: 'penyuluhan' }) })]
    for (const id of [...ofA1, ...ofA2]) assert.equal(await server.record('activities', id), null)

    await a1.online()
    await a2.online()
    await converged('after going online')

    for (const [id, who] of [...ofA1.map((id) => [id, 'officerA1']), ...ofA2.map((id) => [id, 'officerA2'])]) {
      const rec = await server.record('activities', id)
      assert.equal(rec.created_by, server.ids[who])
      assert.equal(rec.regency, '18.01')
      assert.equal(rec.status, 'draft')
      const doc = await (who === 'officerA1' ? a2 : a1).get(id) // the other phone's copy
      assert.equal(typeof doc.version, 'number', 'documents carry the server version')
      assert.equal(doc.created_by, server.ids[who])
      assert.deepEqual(doc.topics, ['migrasi_aman', 'modus_tppo'], 'lists travel as JSON arrays')
    }
    assert.equal((await villageA()).length, 3)
    // A1 learnt of A2's records through pull_stream: it never asked itself
    assert.ok(a1.streamEvents.some((e) => e.connected) && a1.streamEvents[1] === 'RESYNC', 'pull_stream sent RESYNC on connect')
    assert.ok(a1.hints() >= 1, 'and hinted A1 of changes in its scope')
    assert.deepEqual(a1.errors.concat(a2.errors).map(String), [], 'no replication errors')
  })

  it('both phones edit one record: the server hands back its master state and RxDB resolves it', async () => {
    const id = await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Rapat koordinasi', type: 'rapat_koordinasi' }) })
    await a1.replication.awaitInSync()
    await a2.until(id, (d) => d?.title === 'Rapat koordinasi', 'has the new record')

    await a1.offline()
    await a2.offline()
    await a1.patch(id, { venue: 'Aula kecamatan', title: 'Judul dari A1' })
    await a2.patch(id, { title: 'Judul dari A2', budget: 2500000 })

    await a1.online()
    assert.equal((await server.record('activities', id)).title, 'Judul dari A1')
    await a2.online()

    // A2's push assumed the state before A1's edit: the server refused it and
    // answered with its master state; the app's conflict handler kept A1's
    // venue, A2's title and budget, and RxDB pushed the result
    const refused = pushesOf(a2, id).find((p) => p.conflicts.some((c) => c.id === id))
    assert.ok(refused, 'a push of A2 came back with the master state')
    const master = refused.conflicts.find((c) => c.id === id)
    assert.equal(master.venue, 'Aula kecamatan')
    assert.equal(master.title, 'Judul dari A1')
    const resolution = a2.conflicts.find((c) => c.input.realMasterState.id === id)
    assert.ok(resolution, 'RxDB reported the conflict it resolved')
    assert.deepEqual(
      [resolution.output.venue, resolution.output.title, resolution.output.budget],
      ['Aula kecamatan', 'Judul dari A2', 2500000],
      'resolved per field',
    )

    const rec = await server.record('activities', id)
    assert.equal(rec.venue, 'Aula kecamatan', "A1's field survives")
    assert.equal(rec.title, 'Judul dari A2', 'the field both edited: the later push (A2) wins')
    assert.equal(rec.budget, 2500000, "A2's field survives")
    await converged('after the conflict')
  })

  it('a delete on one phone reaches the other, and an edit never brings a deleted record back', async () => {
    const gone = await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Dibuat keliru' }) })
    const raced = await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Dihapus saat diubah' }) })
    await a1.replication.awaitInSync()
    await a2.until(raced, (d) => d, 'has the records')
    await a2.until(gone, (d) => d, 'has the records')

    await a1.remove(gone)
    await a1.replication.awaitInSync()
    assert.equal(await server.record('activities', gone), null, 'deleted on the server')
    await a2.until(gone, (d) => d === null, 'the delete arrived')

    // A2 edits offline a record A1 deletes meanwhile: the deleted master
    // comes back to A2, which drops its edit; the server does not re-create it
    await a2.offline()
    await a2.patch(raced, { venue: 'Diubah di A2' })
    await a1.remove(raced)
    await a1.replication.awaitInSync()
    assert.equal(await server.record('activities', raced), null)
    await a2.online()
    await a2.until(raced, (d) => d === null, 'the delete won')
    const answered = pushesOf(a2, raced).flatMap((p) => p.conflicts).filter((c) => c.id === raced)
    assert.deepEqual(answered, [{ id: raced, _deleted: true, version: answered[0]?.version }], 'the server answered A2 with the delete')
    const resolution = a2.conflicts.find((c) => c.input.realMasterState.id === raced)
    assert.equal(resolution?.output._deleted, true, 'RxDB resolved to the delete')
    assert.equal(await server.record('activities', raced), null, 'the edit did not re-create the record')
    await converged('after the deletes')
  })

  it('an approved record cannot be changed from the phone: RxDB gets the master state back', async () => {
    const id = await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Kampanye KIE', type: 'kampanye_kie' }) })
    await a1.replication.awaitInSync()
    await a1.patch(id, { status: 'submitted' })
    await a1.replication.awaitInSync()
    assert.equal((await server.record('activities', id)).status, 'submitted')

    const approved = await server.request('PATCH', `/api/collections/activities/records/${id}`, {
      token: server.tokens.verifierA,
      body: { status: 'approved' },
    })
    assert.equal(approved.body.status, 'approved')
    await a1.until(id, (d) => d?.status === 'approved', 'the approval arrived')
    const before = await server.feedCursor()

    await a1.patch(id, { title: 'Diubah setelah disetujui' })
    await a1.until(id, (d) => d?.title === 'Kampanye KIE', "the phone is back on the server's version")

    const refused = pushesOf(a1, id).filter((p) => p.rows.some((r) => r.newDocumentState.title === 'Diubah setelah disetujui'))
    assert.ok(refused.length > 0, 'the edit was pushed')
    for (const p of refused) {
      const master = p.conflicts.find((c) => c.id === id)
      assert.ok(master, 'the server answered with its master state')
      assert.equal(master.status, 'approved')
      assert.equal(master.title, 'Kampanye KIE')
    }
    const resolution = a1.conflicts.find((c) => c.input.realMasterState.id === id)
    assert.equal(resolution?.output.title, 'Kampanye KIE', "RxDB resolved to the server's state")
    const rec = await server.record('activities', id)
    assert.equal(rec.title, 'Kampanye KIE', 'the server keeps its version')
    assert.equal(rec.updated, approved.body.updated)
    assert.equal(await server.feedCursor(), before, 'the refused push wrote nothing')
    await a2.until(id, (d) => d?.status === 'approved' && d.title === 'Kampanye KIE', "A2 has the server's version")
  })

  it('the same push sent twice writes once', async () => {
    const edited = await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Pelatihan kader' }) })
    await a1.replication.awaitInSync()
    await a1.until(edited, (d) => typeof d?.version === 'number', 'has the server version')
    await a1.offline()
    const created = await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Dikirim dua kali' }) })
    await a1.patch(edited, { outcome_summary: 'Peserta memahami migrasi aman' })
    const before = await server.feedCursor()
    const n = a1.pushes.length
    a1.duplicatePushes = true // every answer is "lost": the phone sends again
    try {
      await a1.online()
    } finally {
      a1.duplicatePushes = false
    }

    const pushes = a1.pushes.slice(n)
    assert.ok(pushes.length >= 2 && pushes.length % 2 === 0, `pushes went in pairs (${pushes.length})`)
    const rows = (p) => JSON.stringify(p.rows)
    for (let i = 0; i < pushes.length; i += 2) {
      const [first, second] = [pushes[i], pushes[i + 1]]
      assert.equal(rows(first), rows(second))
      assert.deepEqual(second.conflicts, [], 'the replay is no conflict')
      assert.equal(second.cursorAfter, first.cursorAfter, 'the replay wrote nothing')
    }
    assert.equal(await server.changesSince(before), 2, 'two changes written in all')
    assert.ok(pushes.at(-1).cursorAfter > before)
    assert.equal((await server.records('activities', `id = "${created}"`)).length, 1)
    assert.equal((await server.record('activities', edited)).outcome_summary, 'Peserta memahami migrasi aman')
    await converged('after the replays')
    assert.equal(await server.feedCursor(), pushes.at(-1).cursorAfter, 'the syncs after the replays wrote nothing')
  })

  it("a phone's own successive edits are no conflicts, also when no pull came between them", async () => {
    const id = await a1.insert({ id: newId(), ...activity(VILLAGE_A, { title: 'Dicatat bertahap' }) })
    await a1.replication.awaitInSync()
    // the hints are lost: RxDB's assumed master of the document is what it
    // pushed last, without the version the server gave it
    a1.muteStream = true
    try {
      await a1.patch(id, { venue: 'Balai dusun' })
      await a1.replication.awaitInSync()
      await a1.patch(id, { male_adult: 25 })
      await a1.replication.awaitInSync()
      await a1.patch(id, { outcome_summary: 'Selesai' })
      await a1.replication.awaitInSync()
    } finally {
      a1.muteStream = false
    }
    const pushes = pushesOf(a1, id)
    assert.equal(pushes.length, 4, 'the create and three edits were pushed')
    assert.deepEqual(pushes.flatMap((p) => p.conflicts), [], 'none came back as a conflict')
    assert.deepEqual(a1.conflicts.filter((c) => c.input.realMasterState.id === id), [])
    const rec = await server.record('activities', id)
    assert.deepEqual([rec.venue, rec.male_adult, rec.outcome_summary], ['Balai dusun', 25, 'Selesai'])
    await converged('after the edits')
  })

  it('a phone of another village receives none of it', async () => {
    // B's stream has been open through all of village A's changes
    assert.ok(b.streamEvents[0]?.connected && b.streamEvents[1] === 'RESYNC', "B's pull_stream is connected")
    assert.equal(b.hints(), 0, "village A's changes sent B no hint")
    const own = await b.insert({ id: newId(), ...activity(VILLAGE_B, { title: 'Sosialisasi desa B' }) })
    await b.replication.awaitInSync()
    await waitFor(() => b.hints() > 0, { what: 'a hint of its own change on B' })
    await b.until(own, (d) => typeof d?.version === 'number', 'its own record came back with the server version')
    b.replication.reSync()
    await b.replication.awaitInSync()

    const aIds = new Set((await villageA()).map((r) => r.id))
    assert.ok(aIds.size >= 6, `village A has records by now (${aIds.size})`)
    assert.deepEqual(b.pulledDocs.filter((d) => aIds.has(d.id) || d.village === VILLAGE_A), [], 'no pull of B carried village A')
    assertSameRecords('activities', await b.all(), await server.records('activities', `village = "${VILLAGE_B}"`), 'phone B')
    assert.deepEqual((await b.all()).map((d) => d.id), [own])

    // and village A's phones never see B's record
    a1.replication.reSync()
    await a1.replication.awaitInSync()
    assert.equal(await a1.get(own), null)
    assert.deepEqual(a1.pulledDocs.filter((d) => d.id === own), [])
    assert.deepEqual([a1, a2, b].flatMap((p) => p.errors).map(String), [], 'no replication errors')
  })

  it("an officer moved to another village: the phone drops the old village's records and gets the new one's", async () => {
    await a2.replication.awaitInSync()
    const before = (await a2.all()).map((d) => d.id)
    assert.ok(before.length >= 6, `A2 holds village A's records (${before.length})`)
    await server.request('PATCH', `/api/collections/users/records/${server.ids.officerA2}`, {
      token: server.tokens.superuser,
      body: { area: VILLAGE_B },
    })
    const pulled = a2.pulledDocs.length
    a2.replication.reSync()
    await a2.replication.awaitInSync()
    const ofB = await server.records('activities', `village = "${VILLAGE_B}"`)
    await waitFor(async () => (await a2.all()).length === ofB.length, { what: 'A2 holds only village B' })
    assertSameRecords('activities', await a2.all(), ofB, 'phone A2 after the move')
    const dropped = a2.pulledDocs.slice(pulled).filter((d) => d._deleted).map((d) => d.id)
    assert.deepEqual(dropped.sort(), [...before].sort(), "the pull sent a delete for each record of village A it held, and no other")
    assert.deepEqual(a2.errors.map(String), [], 'no replication errors')
  })
})
