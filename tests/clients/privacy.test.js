// The field app warns before saving what the server's privacy guard would
// refuse (web/app/src/privacy.js, a port of privacy/detect.go). Both are
// held to one list: every example of the server's tests
// (privacy/testdata/examples.json, kept equal to them by the Go test
// TestExamplesFile) must get the field app's answer that the server gives:
// the same refusal code for each refused text, none for each accepted one.
// A spelling the server learns without the field app (or the reverse)
// fails here. No server needed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

import { identifiers, refusalCode } from '../../web/app/src/privacy.js'

const examples = JSON.parse(readFileSync(new URL('../../privacy/testdata/examples.json', import.meta.url), 'utf8'))

test('the field app refuses what the server refuses, with its code', () => {
  assert.ok(examples.refused.length > 100, 'examples read')
  const wrong = examples.refused.filter((e) => refusalCode(e.text) !== e.code).map((e) => `${JSON.stringify(e.text)}: ${refusalCode(e.text) || 'accepted'}, server ${e.code}`)
  assert.deepEqual(wrong, [])
})

test('the field app accepts what the server accepts', () => {
  assert.ok(examples.accepted.length > 100, 'examples read')
  const wrong = examples.accepted.filter((s) => identifiers(s).length > 0).map((s) => `${JSON.stringify(s)}: ${identifiers(s)}`)
  assert.deepEqual(wrong, [])
})

test('generated texts get the server\'s answer', () => {
  assert.ok(examples.generated.length >= 1000, 'examples read')
  const wrong = examples.generated.filter((e) => refusalCode(e.text) !== e.code).map((e) => `${JSON.stringify(e.text)}: ${refusalCode(e.text) || 'accepted'}, server ${e.code || 'accepted'}`)
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${examples.generated.length} disagree`)
})
