// One activity or outreach log: its fields with their labels, its photos
// (protected files, fetched with a file token), its history from the audit
// trail, and the verifier's decision (approve, or return with a note).
import { useEffect, useState } from 'preact/hooks';
import { t, label, fieldLabel, fmtDate, fmtDateTime, fmtNumber } from '../../shared/i18n.js';
import { errorMessage, fieldErrors } from '../../shared/errors.js';
import { pb } from '../pb.js';
import { levelOf, placeLabel, recordArea } from '../areas.js';
import { COLLECTIONS, PEOPLE, peopleTotal } from '../records.js';
import { QUEUE_KEY, queueFilter, regencyOf } from './queue.jsx';
import { href } from '../router.js';
import { Alert, FieldError, Spinner, StatusBadge, Place } from '../ui.jsx';
import { VERIFIER, PROVINCE } from '../roles.js';
import { canEditActivity } from './activity.jsx';

const LIST_THUMB = '320x320f'; // thumbs the media pipeline defines: 320x320f, 640x640f

/** Whether a desk role recorded it in the console (an activity above a village): a return goes back to it, not to a village phone. */
function byDesk(record) { return !!record.level && record.level !== 'village'; }

function empty(v) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function Value({ kind, value, record }) {
  if (kind === 'participants') return <Participants r={record} />;
  if (kind === 'place') return <Place code={recordArea(record)} />;
  if (empty(value)) return <span class="muted">{t('common.none')}</span>;
  const [k, group] = kind.split(':');
  switch (k) {
    case 'date': return <span>{fmtDate(value)}</span>;
    case 'datetime': return <span>{fmtDateTime(value)}</span>;
    case 'one': return <span data-code={value}>{label(group, value)}</span>;
    case 'many': return <ul class="chips">{value.map((v) => <li data-code={v}>{label(group, v)}</li>)}</ul>;
    case 'count': return <span>{fmtNumber(value)}</span>;
    case 'money': return <span>Rp {fmtNumber(value)}</span>;
    case 'bool': return <span>{value ? t('common.yes') : t('common.no')}</span>;
    case 'village': return <Place code={value} />;
    case 'rad': {
      const ex = record.expand?.rad_indicators;
      const list = Array.isArray(ex) ? ex.map((x) => x.code) : value;
      return <ul class="chips">{list.map((v) => <li>{v}</li>)}</ul>;
    }
    case 'longtext': return <p class="longtext">{value}</p>;
    default: return <span>{String(value)}</span>;
  }
}

function Participants({ r }) {
  return (
    <div class="scroll"><table class="people" id="participants">
      <thead><tr><th /><th>{t('record.male')}</th><th>{t('record.female')}</th></tr></thead>
      <tbody>
        <tr><th>{t('record.children')}</th><td data-field="male_child">{fmtNumber(r.male_child)}</td><td data-field="female_child">{fmtNumber(r.female_child)}</td></tr>
        <tr><th>{t('record.adults')}</th><td data-field="male_adult">{fmtNumber(r.male_adult)}</td><td data-field="female_adult">{fmtNumber(r.female_adult)}</td></tr>
      </tbody>
      <tfoot>
        <tr><th>{t('common.total')}</th><td colSpan="2" data-field="total">{fmtNumber(peopleTotal(r))}</td></tr>
        <tr><th>{fieldLabel('disabled')}</th><td colSpan="2" data-field="disabled">{fmtNumber(r.disabled)}</td></tr>
      </tfoot>
    </table></div>
  );
}

function Photos({ record }) {
  const names = Array.isArray(record.photos) ? record.photos : [];
  const pending = Array.isArray(record.photos_pending) ? record.photos_pending.length : 0;
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!names.length) return undefined;
    // A file token lives 3 minutes: renew it so that opening a photo later still works.
    const get = () => pb.files.getToken().then(setToken, setError);
    get();
    const timer = setInterval(get, 150000);
    return () => clearInterval(timer);
  }, [record.id, names.join(',')]);
  if (!('photos' in record) && !pending) return null; // server without photos yet
  return (
    <section class="card" id="photos">
      <h2>{t('record.photos')}</h2>
      {names.length === 0 && <p class="muted">{t('record.photos.none')}</p>}
      <Alert error={error} />
      {token && (
        <ul class="photos">
          {names.map((n, i) => (
            <li>
              <a href={pb.files.getURL(record, n, { token })} target="_blank" rel="noopener" aria-label={t('record.photos.open', { n: i + 1 })}>
                <img src={pb.files.getURL(record, n, { thumb: LIST_THUMB, token })} alt={t('record.photos.open', { n: i + 1 })} loading="lazy" />
              </a>
            </li>
          ))}
        </ul>
      )}
      {pending > 0 && <p class="muted" id="photos-pending">{t('record.photos.pending', { n: pending })}</p>}
      {'photo_consent' in record && (names.length > 0 || pending > 0) && (
        <p class="muted">{fieldLabel('photo_consent')}: {record.photo_consent ? t('common.yes') : t('common.no')}</p>
      )}
    </section>
  );
}

// Fields a history entry leaves out: derived, bookkeeping or ids of people.
const HIDDEN_CHANGES = new Set(['id', 'district', 'regency', 'created_by', 'reviewed_by', 'client_created_at', 'photos_expected', 'photo_hashes', 'photos_pending', 'version']);
const FIELD_KIND = {};
for (const meta of Object.values(COLLECTIONS)) {
  for (const [, fields] of meta.sections) for (const [name, kind] of fields) FIELD_KIND[name] = kind;
}
FIELD_KIND.status = 'one:statuses';
FIELD_KIND.level = 'one:area_levels';
FIELD_KIND.submitted_at = 'datetime';
FIELD_KIND.reviewed_at = 'datetime';

function changeText(name, v) {
  if (empty(v)) return t('common.none');
  const kind = FIELD_KIND[name] || 'text';
  const [k, group] = kind.split(':');
  if (k === 'one') return label(group, v);
  if (k === 'many') return (Array.isArray(v) ? v : [v]).map((x) => label(group, x)).join(', ');
  if (k === 'date') return fmtDate(v);
  if (k === 'datetime') return fmtDateTime(v);
  if (k === 'village' || k === 'place') return placeLabel(v);
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

// readNote turns the JSON note of a read entry into short text.
function readNote(note) {
  if (!note || note[0] !== '{') return note;
  try {
    return Object.entries(JSON.parse(note)).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
  } catch { return note; }
}

function History({ collection, id, version }) {
  const [entries, setEntries] = useState(null);
  const [error, setError] = useState(null);
  const [reads, setReads] = useState(false);
  useEffect(() => {
    pb.send(`/api/audit/${encodeURIComponent(collection)}/${encodeURIComponent(id)}${reads ? '?reads=1' : ''}`, {})
      .then((r) => { setEntries(r.entries || []); setError(null); }, setError);
  }, [collection, id, version, reads]);
  return (
    <section class="card" id="history">
      <h2>{t('record.history')}</h2>
      <label class="check"><input type="checkbox" id="history-reads" checked={reads} onChange={(e) => setReads(e.currentTarget.checked)} /> {t('record.history.reads')}</label>
      <Alert error={error} />
      {entries === null && !error && <Spinner />}
      {entries && entries.length === 0 && <p class="muted">{t('record.history.empty')}</p>}
      {entries && entries.length > 0 && (
        <ol class="history">
          {entries.map((e) => {
            const changes = Object.entries(e.changes || {}).filter(([f]) => !HIDDEN_CHANGES.has(f));
            const status = e.changes?.status;
            const who = e.userName || (e.userHidden ? t('record.history.hiddenuser') : e.superuser ? t('record.history.superuser') : t('record.history.system'));
            return (
              <li data-action={e.action} data-status={status ? status[1] : ''}>
                <div class="h-head">
                  <strong>{t('action.' + e.action)}</strong>
                  {status && <> <StatusBadge status={status[1]} /></>}
                  <span class="muted"> · {fmtDateTime(e.serverTime)} · {who}{e.device ? ' · ' + t('record.history.phone') : ''}
                    {e.clientTime ? ' · ' + t('record.history.phonetime', { time: fmtDateTime(e.clientTime) }) : ''}</span>
                </div>
                {e.note && <p class="h-note"><span class="muted">{t('record.history.note')}:</span> {readNote(e.note)}</p>}
                {changes.length > 0 && (
                  <details>
                    <summary>{t('record.history.changes', { n: changes.length })}</summary>
                    <table class="changes">
                      <tbody>
                        {changes.map(([f, [before, after]]) => (
                          <tr><th>{fieldLabel(f)}</th>
                            {e.action === 'create' ? <td colSpan="2">{changeText(f, after)}</td> : <><td class="before">{changeText(f, before)}</td><td>→ {changeText(f, after)}</td></>}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </details>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

function Decision({ user, collection, record, onDone }) {
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState('');
  const [confirming, setConfirming] = useState(false);
  // reviews go one level up: the verifier decides on village and district
  // activities (and outreach logs), the secretariat on regency and province ones
  const high = collection === 'activities' && (record.level === 'regency' || record.level === 'province');
  const canReview = record.status === 'submitted' && (user.role === VERIFIER ? !high : user.role === PROVINCE && high);
  const canReopen = user.role === PROVINCE && record.status === 'approved';
  if (!canReview && !canReopen) return null;

  async function save(status) {
    setErrors({});
    setError(null);
    if (status === 'returned' && !note.trim()) {
      setErrors({ review_note: t(canReopen ? 'err.reason_required' : 'err.note_required') });
      return;
    }
    setBusy(status);
    setConfirming(false);
    try {
      const body = status === 'returned' ? { status, review_note: note.trim() } : { status };
      const saved = await pb.collection(collection).update(record.id, body, { expand: 'rad_indicators' });
      setNote('');
      onDone(saved, status);
    } catch (err) {
      const fe = fieldErrors(err);
      setErrors(fe);
      // Field errors show on their field; what no field names shows here.
      const known = new Set(['review_note', 'status']);
      if (!Object.keys(fe).length || Object.keys(fe).some((k) => !known.has(k))) setError(err);
    } finally {
      setBusy('');
    }
  }

  return (
    <section class="card decision" id="decision">
      <h2>{t('record.decision')}</h2>
      {canReview && (
        <div class="approve-row">
          {confirming ? (
            <span class="confirm" id="confirm-approve" role="group" aria-label={t('record.approve.confirm')}>
              <span>{t('record.approve.confirm')}</span>
              <button type="button" class="primary" id="confirm-yes" disabled={!!busy} onClick={() => save('approved')}>{t('record.approve.yes')}</button>
              <button type="button" id="confirm-no" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
            </span>
          ) : (
            <button type="button" class="primary" id="approve" disabled={!!busy} onClick={() => setConfirming(true)}>{t('record.approve')}</button>
          )}
        </div>
      )}
      <FieldError name="status" errors={errors} />
      <form id="return-form" onSubmit={(e) => { e.preventDefault(); save('returned'); }} novalidate>
        <label for="review_note">{t(canReopen ? 'record.reopen.note' : 'record.return.note')}</label>
        <textarea id="review_note" name="review_note" rows="3" maxLength={2000} value={note} aria-invalid={!!errors.review_note}
          aria-describedby="review_note-hint" onInput={(e) => setNote(e.currentTarget.value)} />
        <p class="hint" id="review_note-hint">{t(byDesk(record) ? 'record.return.hint.desk' : 'record.return.hint')}</p>
        <FieldError name="review_note" errors={errors} />
        <button type="submit" class={canReopen ? 'primary' : 'danger'} id="return" disabled={!!busy}>{t(canReopen ? 'record.reopen' : byDesk(record) ? 'record.return.desk' : 'record.return')}</button>
      </form>
      <Alert error={error} />
    </section>
  );
}

/** After a decision: a link to the next record waiting in the queue (same filters), or "the queue is empty". */
function NextInQueue({ user, collection, id }) {
  const [next, setNext] = useState(undefined);
  useEffect(() => {
    let q = {};
    try { q = JSON.parse(sessionStorage.getItem(QUEUE_KEY) || 'null') || {}; } catch { /* no filters */ }
    const c = COLLECTIONS[q.c] ? q.c : collection;
    pb.collection(c).getList(1, 2, { filter: queueFilter(c, q, regencyOf(user)), sort: 'submitted_at,id', fields: 'id' })
      .then((r) => { const n = r.items.find((x) => x.id !== id); setNext(n ? { c, id: n.id, left: r.totalItems } : null); }, () => setNext(null));
  }, [collection, id]);
  if (next === undefined) return null;
  if (!next) return <p class="muted" id="queue-done">{t('record.next.none')}</p>;
  return <a class="button primary" id="next-record" href={`#/record/${next.c}/${encodeURIComponent(next.id)}`}>{t('record.next', { n: next.left })} →</a>;
}

export function RecordPage({ user, params }) {
  const collection = params.collection;
  const meta = COLLECTIONS[collection];
  const [record, setRecord] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  const [version, setVersion] = useState(0);

  function load() {
    if (!meta) return;
    pb.collection(collection).getOne(params.id, { expand: 'rad_indicators' }).then((r) => { setRecord(r); setError(null); }, setError);
  }
  useEffect(() => { setRecord(null); setDone(''); load(); }, [collection, params.id]);

  // Another reviewer (or a phone) may change the record while it is open.
  useEffect(() => {
    if (!meta) return undefined;
    let unsub = null;
    let stop = false;
    pb.collection(collection).subscribe(params.id, () => { load(); setVersion((v) => v + 1); })
      .then((u) => { if (stop) u(); else unsub = u; }).catch(() => {});
    return () => { stop = true; if (unsub) unsub().catch(() => {}); };
  }, [collection, params.id]);

  let back = '#/queue';
  try { const q = JSON.parse(sessionStorage.getItem(QUEUE_KEY) || 'null'); if (q) back = href('/queue', q); } catch { /* default */ }

  if (!meta) return <p class="card">{t('notfound')}</p>;
  if (error) return <Alert error={error} retry={load} />;
  if (!record) return <Spinner />;
  return (
    <article id="record" data-status={record.status} data-collection={collection}>
      {user.role === VERIFIER && <p><a href={back} id="back-to-queue">← {t('record.back')}</a></p>}
      <div class="page-head">
        <div>
          <p class="kicker">{t('kind.' + collection + '.one')}</p>
          <h1 id="record-title">{meta.title(record)}</h1>
          <p class="muted" id="record-place"><Place code={recordArea(record)} /></p>
        </div>
        <StatusBadge status={record.status} />
      </div>
      {done && (
        <div class="done-row">
          <Alert kind="ok" id="record-done" message={t(done === 'approved' ? 'record.done.approved' : byDesk(record) ? 'record.done.returned.desk' : 'record.done.returned')} />
          {user.role === VERIFIER && <NextInQueue user={user} collection={collection} id={record.id} />}
        </div>
      )}
      <div class="record-grid">
        <div>
          {meta.sections.map(([title, fields]) => {
            const shown = fields.filter(([name, kind]) => kind === 'participants' || (!empty(record[name]) && !((kind === 'count' || kind === 'money') && !record[name])) || ['title', 'type', 'village', 'area', 'date', 'start_date', 'outreach_type'].includes(name));
            if (!shown.length) return null;
            return (
              <section class="card">
                <h2>{t(title)}</h2>
                <dl class="fields">
                  {shown.map(([name, kind]) => (
                    <div class="field" data-field={name}>
                      <dt>{name === 'participants' ? t('queue.col.people') : kind === 'place' ? label('area_levels', levelOf(recordArea(record))) : fieldLabel(name)}</dt>
                      <dd><Value kind={kind} value={record[name]} record={record} /></dd>
                    </div>
                  ))}
                </dl>
              </section>
            );
          })}
          <section class="card">
            <h2>{t('record.reviewState')}</h2>
            <dl class="fields">
              <div class="field" data-field="status"><dt>{fieldLabel('status')}</dt><dd><StatusBadge status={record.status} /></dd></div>
              {record.review_note && <div class="field" data-field="review_note"><dt>{fieldLabel('review_note')}</dt><dd id="current-note">{record.review_note}</dd></div>}
              {record.submitted_at && <div class="field"><dt>{fieldLabel('submitted_at')}</dt><dd>{fmtDateTime(record.submitted_at)}</dd></div>}
              {record.reviewed_at && <div class="field"><dt>{fieldLabel('reviewed_at')}</dt><dd>{fmtDateTime(record.reviewed_at)}</dd></div>}
              {record.client_created_at && <div class="field"><dt>{fieldLabel('client_created_at')}</dt><dd>{fmtDateTime(record.client_created_at)}</dd></div>}
            </dl>
          </section>
        </div>
        <div>
          {!done && user.role === VERIFIER && record.status !== 'submitted' && (
            <p class="alert info" id="not-submitted">{record.status === 'approved' ? t('record.locked') : t('record.notsubmitted', { status: label('statuses', record.status) })}</p>
          )}
          {collection === 'activities' && canEditActivity(user, record) && (
            <p><a class="button primary" id="edit-activity" href={`#/activity/edit/${record.id}`}>{t('act.edit.link')}</a></p>
          )}
          <Decision user={user} collection={collection} record={record}
            onDone={(saved, status) => { setRecord(saved); setDone(status); setVersion((v) => v + 1); }} />
          <Photos record={record} />
          <History collection={collection} id={record.id} version={version + record.updated} />
        </div>
      </div>
    </article>
  );
}
