// Unit tests of the field app's pure modules, in Node: every catalog code
// has a label in both languages, the sync diff, enrollment links.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './harness.mjs';
import { parseEnrollment } from '../../web/app/src/enroll.js';
import labels from '../../catalog/labels.json' with { type: 'json' };
import { diff, differs, FIELDS, newId, normalize } from '../../web/app/src/model.js';
import { oneAtATime } from '../../web/app/src/serial.js';

// catalog.go variable -> catalog/labels.json group (the one file of labels,
// over which the phone installs the vocabularies it receives)
const GROUPS = {
  Statuses: 'statuses', Clusters: 'clusters', ActivityTypes: 'activity_types', ActivityModes: 'activity_modes',
  Programs: 'programs', Topics: 'topics', TargetGroups: 'target_groups', Methods: 'methods', FundingSources: 'funding_sources',
  OutreachTypes: 'outreach_types', RiskSignals: 'risk_signals', OutreachActions: 'outreach_actions',
  ReferralAgencies: 'referral_agencies', Roles: 'roles',
};

async function catalogLists() {
  const src = await readFile(join(ROOT, 'catalog', 'catalog.go'), 'utf8');
  const consts = Object.fromEntries([...src.matchAll(/^\s*(\w+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]));
  const lists = {};
  for (const m of src.matchAll(/^var (\w+) = \[\]string\{([^}]*)\}/gm)) {
    lists[m[1]] = m[2].split(',').map((x) => x.trim()).filter(Boolean).map((x) => (x.startsWith('"') ? JSON.parse(x) : consts[x]));
  }
  return lists;
}

test('every catalog code the app shows has an Indonesian and an English label', async () => {
  const lists = await catalogLists();
  for (const [goName, group] of Object.entries(GROUPS)) {
    assert.ok(lists[goName], `catalog.go has ${goName}`);
    for (const code of lists[goName]) {
      const l = labels[group]?.[code];
      assert.ok(l?.id && l?.en, `${group}.${code} needs {id, en}`);
    }
    assert.deepEqual(Object.keys(labels[group]).sort(), [...lists[goName]].sort(), `${group}: no label for a code catalog.go lacks`);
  }
  for (const col of Object.keys(FIELDS)) {
    for (const f of Object.keys(FIELDS[col])) assert.ok(labels.fields[f]?.id && labels.fields[f]?.en, `fields.${f}`);
  }
});

test('diff sends every filled field of a new record and only changes of a known one', () => {
  const data = normalize('activities', { village: '18.01.04.2001', title: 'Sosialisasi', start_date: '2025-03-10', type: 'sosialisasi',
    topics: ['migrasi_aman'], male_child: 3, status: 'draft' });
  const created = diff('activities', data, null);
  assert.deepEqual(created, { village: '18.01.04.2001', title: 'Sosialisasi', start_date: '2025-03-10', type: 'sosialisasi', topics: ['migrasi_aman'], male_child: 3, status: 'draft' });
  // The server's form of the same record: dates with time, empty numbers 0, lists [].
  const server = { id: 'x', version: 7, village: '18.01.04.2001', title: 'Sosialisasi', start_date: '2025-03-10 00:00:00.000Z', end_date: '',
    type: 'sosialisasi', topics: ['migrasi_aman'], target_groups: [], male_child: 3, female_child: 0, status: 'draft', photos_expected: null,
    photo_consent: false, budget: 0, review_note: '', regency: '18.01' };
  assert.equal(differs('activities', data, server), false);
  assert.deepEqual(diff('activities', { ...data, disabled: 2, topics: ['migrasi_aman', 'modus_tppo'], status: 'submitted' }, server),
    { disabled: 2, topics: ['migrasi_aman', 'modus_tppo'], status: 'submitted' });
  // topic order does not matter; photo order does
  assert.equal(differs('activities', { ...data, topics: ['migrasi_aman'] }, { ...server, topics: ['migrasi_aman'] }), false);
  assert.deepEqual(diff('activities', { ...data, end_date: '2025-03-11' }, server), { end_date: '2025-03-11' });
});

test('ids made on the phone fit the server (15-36 [A-Za-z0-9_-])', () => {
  const seen = new Set();
  for (let i = 0; i < 1000; i++) {
    const id = newId();
    assert.match(id, /^[A-Za-z0-9]{16}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 1000);
});

test('an id drawn as a phone number is drawn again (the server would refuse it for good)', (t) => {
  // the first draw spells 0812345678901234 (digits are ALNUM's last ten)
  const phone = Uint8Array.from('0812345678901234', (d) => 52 + Number(d));
  const real = crypto.getRandomValues.bind(crypto);
  let draws = 0;
  t.mock.method(crypto, 'getRandomValues', (buf) => {
    draws++;
    if (draws === 1) buf.set(phone);
    else real(buf);
    return buf;
  });
  const id = newId();
  assert.equal(draws, 2);
  assert.notEqual(id, '0812345678901234');
  assert.match(id, /^[A-Za-z0-9]{16}$/);
});

test('enrollment: QR link, protocol-handler link, app link, bare and short codes', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig-_x';
  assert.deepEqual(parseEnrollment(`jangkau://enroll?code=${jwt}&server=https%3A%2F%2Fjangkau.example.go.id`), { code: jwt, server: 'https://jangkau.example.go.id' });
  assert.deepEqual(parseEnrollment(`web+jangkau://enroll?code=${jwt}`), { code: jwt, server: '' });
  assert.deepEqual(parseEnrollment(`https://jangkau.example.go.id/app/#/activate?code=${jwt}`), { code: jwt, server: '' });
  assert.deepEqual(parseEnrollment(`  ${jwt}\n`), { code: jwt });
  assert.deepEqual(parseEnrollment('5B31-9FAF-1DZR'), { code: '5B31-9FAF-1DZR' });
  assert.deepEqual(parseEnrollment(''), { code: '' });
});

test('a sync asked for while one is closing runs after it (a change the stream tells of then is not missed)', async () => {
  // The work's last step awaits (as the sync's closing writes to IndexedDB do);
  // the stream's "something changed" lands there, after the last pull.
  const runs = [];
  let closing = null;
  const sync = oneAtATime(async () => {
    runs.push(runs.length + 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (runs.length === 1) closing = sync(); // told while closing
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
  await sync();
  await closing;
  assert.deepEqual(runs, [1, 2], 'one more run after the one that was closing');

  // Many calls during one run make one more run, not one each.
  runs.length = 0;
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const busy = oneAtATime(async () => { runs.push(runs.length + 1); if (runs.length === 1) await held; });
  const first = busy();
  await Promise.all([busy(), busy(), busy()]);
  release();
  await first;
  assert.deepEqual(runs, [1, 2]);

  // An idle call runs at once.
  await busy();
  assert.deepEqual(runs, [1, 2, 3]);
});
