// WatermelonDB 0.28 synchronize() on the LokiJS adapter against a real Jangkau
// server (GET/POST /api/sync/watermelon). Two officers' phones in village
// 18.01.04.2001, one officer's phone in village 18.02.01.2001, the verifier of
// regency 18.01 on the REST API. The tests run in order on one server; each
// makes its own records.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'

import { startServer, VILLAGE_A, VILLAGE_B } from './lib/server.js'
import { WatermelonPhone, PushConflict, syncComplaints } from './lib/watermelon.js'
import { activity, outreach } from './lib/fields.js'
import { assertSameRecords } from './lib/check.js'

describe('WatermelonDB synchronize() with Jangkau', () => {
  let server, a1, a2, b

  const villageA = (table) => server.records(table, `village = "${VILLAGE_A}"`)

  // assertConverged: both phones of village A hold exactly the server's
  // records of the village, field by field, and nothing waits to be pushed.
  async function assertConverged(label) {
    for (const table of ['activities', 'outreach_logs']) {
      const onServer = await villageA(table)
      assertSameRecords(table, await a1.all(table), onServer, `${label}, phone A1`)
      assertSameRecords(table, await a2.all(table), onServer, `${label}, phone A2`)
    }
    for (const phone of [a1, a2]) {
      for (const table of ['activities', 'outreach_logs']) {
        const unsynced = (await phone.database.get(table).query().fetch()).filter((r) => r._raw._status !== 'synced')
        assert.deepEqual(unsynced.map((r) => r.id), [], `${label}: ${phone.name} has unsynced ${table}`)
      }
    }
  }

  before(async () => {
    server = await startServer()
    a1 = new WatermelonPhone(server, 'officerA1', 'wm-a1')
    a2 = new WatermelonPhone(server, 'officerA2', 'wm-a2')
    b = new WatermelonPhone(server, 'officerB', 'wm-b')
    await b.sync() // the other village's phone is in sync from the start
  })

  after(async () => {
    await server?.stop()
  })

  it('two phones of one village create records offline, sync and converge', async () => {
    const mine = {
      a1: [
        ['activities', await a1.create('activities', activity(VILLAGE_A, { title: 'Sosialisasi A1 pertama' }))],
        ['activities', await a1.create('activities', activity(VILLAGE_A, { title: 'Sosialisasi A1 kedua', venue: 'Masjid' }))],
        ['outreach_logs', await a1.create('outreach_logs', outreach(VILLAGE_A))],
      ],
      a2: [
        ['activities', await a2.create('activities', activity(VILLAGE_A, { title: 'Penyuluhan A2', type: 'penyuluhan' }))],
        ['outreach_logs', await a2.create('outreach_logs', outreach(VILLAGE_A, { outreach_type: 'home_visit' }))],
      ],
    }
    for (const [table, id] of [...mine.a1, ...mine.a2]) {
      assert.match(id, /^[A-Za-z0-9]{16}$/, 'WatermelonDB makes 16-character ids')
      assert.equal(await server.record(table, id), null, 'nothing reaches the server while offline')
    }

    await a1.sync() // pushes A1's records
    await a2.sync() // pulls A1's, pushes A2's
    await a1.sync() // pulls A2's (and the server's fields of its own)
    await a2.sync()

    for (const [who, records] of Object.entries(mine)) {
      for (const [table, id] of records) {
        const rec = await server.record(table, id)
        assert.ok(rec, `${table} ${id} of ${who} is on the server`)
        assert.equal(rec.created_by, server.ids[who === 'a1' ? 'officerA1' : 'officerA2'])
        assert.equal(rec.regency, '18.01')
        assert.equal(rec.district, '18.01.04')
        assert.equal(rec.status, 'draft')
      }
    }
    assert.equal((await villageA('activities')).length, 3)
    assert.equal((await villageA('outreach_logs')).length, 2)
    await assertConverged('after two rounds')

    // lists travel as JSON strings in WatermelonDB columns
    const raw = await a2.raw('activities', mine.a1[0][1])
    assert.equal(raw.topics, '["migrasi_aman","modus_tppo"]')

    // of the areas, the phone holds those that name its place: its village,
    // district, regency and the province, no other village's
    const areas = await a1.all('areas')
    assert.ok(areas.some((a) => a.id === VILLAGE_A && a.name), 'the village itself is on the phone')
    assert.deepEqual(areas.map((a) => a.id).sort(), ['18', '18.01', '18.01.04', VILLAGE_A])

    assert.deepEqual(syncComplaints(), [], 'WatermelonDB found nothing odd in the sync')
  })

  it('both phones edit one record: the later push is refused with 409, the next sync merges per column', async () => {
    const id = await a1.create('activities', activity(VILLAGE_A, { title: 'Rapat koordinasi', type: 'rapat_koordinasi' }))
    await a1.sync()
    await a2.sync()

    await a1.update('activities', id, { venue: 'Aula kecamatan', title: 'Judul dari A1' })
    await a2.update('activities', id, { title: 'Judul dari A2', budget: 2500000 })

    // A2 pulls; before it pushes, A1 syncs its edit: A2's push is refused
    const refused = a2.sync({ afterPull: () => a1.sync() })
    await assert.rejects(refused, (err) => {
      assert.ok(err instanceof PushConflict, `expected a 409, got ${err}`)
      assert.deepEqual(err.body.conflicts, [{ table: 'activities', id }])
      return true
    })
    let rec = await server.record('activities', id)
    assert.equal(rec.title, 'Judul dari A1', 'the refused push wrote nothing')
    assert.equal(rec.venue, 'Aula kecamatan')
    assert.equal(rec.budget, 1500000)
    assert.equal(a2.pushes.at(-1).cursorAfter, a1.pushes.at(-1).cursorAfter, 'the feed did not move for the 409')
    const waiting = await a2.raw('activities', id)
    assert.equal(waiting._status, 'updated', "A2's edit still waits on the phone")
    assert.deepEqual(waiting._changed.split(',').sort(), ['budget', 'title'])

    // the next synchronize() pulls A1's edit, keeps A2's columns, pushes
    const log = await a2.sync()
    const resolved = (log.resolvedConflicts || []).find((c) => c.local.id === id)
    assert.ok(resolved, 'WatermelonDB resolved the conflict per column')
    rec = await server.record('activities', id)
    assert.equal(rec.venue, 'Aula kecamatan', "A1's column survives")
    assert.equal(rec.title, 'Judul dari A2', 'the column both edited: the later sync (A2) wins')
    assert.equal(rec.budget, 2500000, "A2's column survives")

    await a1.sync()
    await a2.sync() // a push comes back in the pusher's next pull (with the server's `updated`)
    await assertConverged('after the conflict')
  })

  it('a delete on one phone reaches the other, and an edit never brings a deleted record back', async () => {
    const gone = await a1.create('activities', activity(VILLAGE_A, { title: 'Dibuat keliru' }))
    const raced = await a1.create('outreach_logs', outreach(VILLAGE_A, { note: 'Dihapus saat diubah' }))
    await a1.sync()
    await a2.sync()
    assert.ok(await a2.get('activities', gone))

    await a1.remove('activities', gone)
    await a1.sync()
    assert.equal(await server.record('activities', gone), null, 'deleted on the server')
    assert.deepEqual(await a1.pendingDeletes('activities'), [], 'the delete is no longer pending on A1')
    await a2.sync()
    assert.equal(await a2.get('activities', gone), null, 'the delete reached A2')

    // A2 edits a record that A1 deletes between A2's pull and push: the
    // server refuses the push (409) instead of re-creating the record, and
    // the next sync brings the delete.
    await a2.update('outreach_logs', raced, { note: 'Diubah di A2' })
    await assert.rejects(
      a2.sync({
        afterPull: async () => {
          await a1.remove('outreach_logs', raced)
          await a1.sync()
        },
      }),
      (err) => err instanceof PushConflict && err.body.conflicts.some((c) => c.id === raced),
    )
    assert.equal(await server.record('outreach_logs', raced), null, 'the edit did not re-create the record')
    await a2.sync()
    assert.equal(await a2.get('outreach_logs', raced), null, 'the delete won on A2')
    assert.equal(await server.record('outreach_logs', raced), null)

    await a1.sync()
    await a2.sync()
    await assertConverged('after the deletes')
  })

  it('an approved record cannot be changed from the phone; other records in the same push go through', async () => {
    const id = await a1.create('activities', activity(VILLAGE_A, { title: 'Kampanye KIE', type: 'kampanye_kie' }))
    await a1.sync()
    await a1.update('activities', id, { status: 'submitted' })
    await a1.sync()
    assert.equal((await server.record('activities', id)).status, 'submitted')

    const approved = await server.request('PATCH', `/api/collections/activities/records/${id}`, {
      token: server.tokens.verifierA,
      body: { status: 'approved' },
    })
    assert.equal(approved.body.status, 'approved')
    assert.equal(approved.body.reviewed_by, server.ids.verifierA)

    // offline, A1 edits the record (it does not know of the approval yet)
    // and logs a new activity
    await a1.update('activities', id, { title: 'Diubah setelah disetujui' })
    const other = await a1.create('activities', activity(VILLAGE_A, { title: 'Kegiatan baru' }))

    const log = await a1.sync()
    assert.deepEqual(log.rejectedIds, { activities: [id] }, 'the locked record comes back in experimentalRejectedIds')
    assert.equal(a1.pushes.at(-1).body.rejections.activities[id].reason, 'locked')

    const rec = await server.record('activities', id)
    assert.equal(rec.title, 'Kampanye KIE', 'the server keeps its version')
    assert.equal(rec.status, 'approved')
    assert.equal(rec.updated, approved.body.updated, 'the approved record was not written again')
    assert.ok(await server.record('activities', other), 'the other record of the push was written')

    const local = await a1.raw('activities', id)
    assert.equal(local._status, 'updated', 'the refused edit stays unsynced on the phone')
    assert.equal(local.status, 'approved', 'the pull brought the approval')
    assert.equal((await a1.raw('activities', other))._status, 'synced')

    // the next sync refuses it again, and nothing else is held up
    const again = await a1.sync()
    assert.deepEqual(again.rejectedIds, { activities: [id] })
    assert.equal((await server.record('activities', id)).updated, approved.body.updated)

    // the other phone gets the server's version
    await a2.sync()
    const onA2 = await a2.get('activities', id)
    assert.equal(onA2.status, 'approved')
    assert.equal(onA2.title, 'Kampanye KIE')
  })

  it('the same push sent twice writes once', async () => {
    const edited = await a1.create('activities', activity(VILLAGE_A, { title: 'Pelatihan kader' }))
    await a1.sync()
    await a2.sync()
    const before = await server.feedCursor()

    const created = await a2.create('outreach_logs', outreach(VILLAGE_A, { note: 'Dikirim dua kali' }))
    await a2.update('activities', edited, { outcome_summary: 'Peserta memahami migrasi aman' })
    const n = a2.pushes.length
    await a2.sync({ pushTwice: true }) // the first answer is "lost": the phone sends again

    const [first, second] = a2.pushes.slice(n)
    assert.equal(first.status, 200)
    assert.equal(second.status, 200, 'the retried push is accepted, not refused as a conflict')
    assert.equal(await server.changesSince(before), 2, 'the pushes wrote two changes')
    assert.ok(first.cursorAfter > before)
    assert.equal(second.cursorAfter, first.cursorAfter, 'the second push wrote nothing')
    assert.deepEqual(second.body.experimentalRejectedIds, {})

    assert.equal((await server.records('outreach_logs', `id = "${created}"`)).length, 1)
    assert.equal((await server.record('activities', edited)).outcome_summary, 'Peserta memahami migrasi aman')
    assert.equal((await a2.raw('outreach_logs', created))._status, 'synced')
    await a1.sync()
    await a2.sync()
    assert.equal(await server.feedCursor(), first.cursorAfter, 'the pulls that follow write nothing either')
    assert.equal((await a1.get('activities', edited)).outcome_summary, 'Peserta memahami migrasi aman')
  })

  it('a phone of another village receives none of it', async () => {
    const own = await b.create('activities', activity(VILLAGE_B, { title: 'Sosialisasi desa B' }))
    const intruder = await b.create('activities', activity(VILLAGE_A, { title: 'Menyamar sebagai desa A' }))
    const log = await b.sync()
    assert.deepEqual(log.rejectedIds, { activities: [intruder] }, 'B cannot write into village A')
    assert.equal(await server.record('activities', intruder), null)
    assert.ok(await server.record('activities', own))
    await b.sync()

    const aIds = new Set([
      ...(await villageA('activities')).map((r) => r.id),
      ...(await villageA('outreach_logs')).map((r) => r.id),
    ])
    assert.ok(aIds.size >= 8, `village A has records by now (${aIds.size})`)
    assert.deepEqual(b.pulled.filter((c) => aIds.has(c.id) || c.village === VILLAGE_A), [], 'no pull of B carried village A')
    const synced = (await b.database.get('activities').query().fetch()).filter((r) => r._raw._status === 'synced')
    assert.deepEqual(synced.map((r) => r.id), [own], "B's synced activities are its own")
    assert.equal((await b.raw('activities', intruder))._status, 'created', 'the refused record stays unsynced on B')
    assert.deepEqual(await b.all('outreach_logs'), [])
    const areas = await b.all('areas')
    assert.ok(areas.some((a) => a.id === VILLAGE_B))
    assert.deepEqual(areas.filter((a) => a.id.startsWith('18.01')).map((a) => a.id), [], "no area of A's regency")

    // and village A's phones never see B's record
    await a1.sync()
    assert.equal(await a1.get('activities', own), null)
    assert.deepEqual(a1.pulled.filter((c) => c.id === own), [])
    assert.deepEqual(syncComplaints(), [], 'WatermelonDB found nothing odd in any sync')
  })

  it('new phones of one village download at once from the kept answer, and a later one gets what was written since', async () => {
    // a first download of whole tables is kept gzip-compressed per scope
    // (sync/firstpull.go): the phones below share it, byte for byte
    const first = await fetch(server.url + '/api/sync/watermelon?last_pulled_at=null', { headers: { Authorization: server.tokens.officerA1 } })
    assert.equal(first.headers.get('content-encoding'), 'gzip', 'fetch asks for gzip and gets it')
    await first.text()
    const fresh = [1, 2, 3].map((n) => new WatermelonPhone(server, 'officerA1', `wm-fresh-${n}`))
    await Promise.all(fresh.map((p) => p.sync()))
    for (const table of ['activities', 'outreach_logs']) {
      const onServer = await villageA(table)
      assert.ok(onServer.length > 0)
      for (const p of fresh) assertSameRecords(table, await p.all(table), onServer, `${p.name} after its first sync`)
    }
    const areas = (await fresh[0].all('areas')).map((a) => a.id)
    for (const p of fresh.slice(1)) assert.deepEqual((await p.all('areas')).map((a) => a.id), areas)

    // a write in the village after those downloads reaches the next phone's first one
    const late = await a1.create('activities', activity(VILLAGE_A, { title: 'Sosialisasi setelah unduhan' }))
    await a1.sync()
    assert.ok(await server.record('activities', late))
    const next = new WatermelonPhone(server, 'officerA2', 'wm-fresh-4')
    await next.sync()
    assert.equal((await next.get('activities', late))?.title, 'Sosialisasi setelah unduhan')
    assertSameRecords('activities', await next.all('activities'), await villageA('activities'), 'the phone after the write')
    // and the phones of before get it by their next (incremental) sync
    await fresh[0].sync()
    assert.equal((await fresh[0].get('activities', late))?.title, 'Sosialisasi setelah unduhan')
    assert.deepEqual(syncComplaints(), [], 'WatermelonDB found nothing odd in any sync')
  })
})
