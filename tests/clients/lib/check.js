// Comparisons shared by the tests.
import assert from 'node:assert/strict'

import { FIELDS, SERVER_FIELDS } from './fields.js'

// pick keeps the synced fields of a record or document (only those a phone
// writes with clientFields), so a phone's copy and the server's record (REST
// shape) can be compared.
export function pick(table, doc, { clientFields = false } = {}) {
  const out = { id: doc.id }
  for (const k of Object.keys(FIELDS[table])) {
    if (clientFields && SERVER_FIELDS.includes(k)) continue
    out[k] = doc[k]
  }
  return out
}

// assertSameRecords checks that a phone holds exactly the server's records,
// field by field (the fields phones write, with clientFields).
export function assertSameRecords(table, phoneDocs, serverRecords, label, opts = {}) {
  const byId = (a, b) => a.id.localeCompare(b.id)
  assert.deepEqual(
    phoneDocs.map((d) => pick(table, d, opts)).sort(byId),
    serverRecords.map((r) => pick(table, r, opts)).sort(byId),
    `${label}: the phone's ${table} differ from the server's`,
  )
}
