// The phones of the regency (or the province): last sync, queue length,
// app version, those not heard from longest first; enroll a phone (QR code
// and typed code) and revoke one. Uses the devices API (GET /api/devices,
// POST /api/devices/enrollments, POST /api/devices/{id}/revoke) and falls
// back to reading the devices collection on a server without it.
import { useEffect, useState } from 'preact/hooks';
import { t, fmtAgo, fmtDateTime, fmtNumber, setText } from '../../shared/i18n.js';
import { errorMessage, fieldErrors } from '../../shared/errors.js';
import { pb } from '../pb.js';
import { areaName, districtName } from '../areas.js';
import { Alert, FieldError, Spinner, Place } from '../ui.jsx';
import '../desk-strings.js';

// loopback tells whether the enrollment link names the server's own machine
// (localhost, 127.x, ::1): a phone's camera would open a dead address. The
// server says so (serverLoopback); older servers only give the link.
function loopback(enr) {
  if (typeof enr.serverLoopback === 'boolean') return enr.serverLoopback;
  const m = /^https?:\/\/(\[[^\]]*\]|[^/:?#]*)/i.exec(enr.uri || '');
  const host = m ? m[1].toLowerCase() : '';
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]';
}

const STALE_DAYS = 7; // phones are offline for days; a week without sync needs a call

function lastSyncOf(d) {
  const a = d.last_pull || '';
  const b = d.last_push || '';
  return (a > b ? a : b) || '';
}

/** A device as the devices API lists it, from a raw devices record. */
function fromRecord(d) {
  const u = d.expand?.user;
  return {
    id: d.id, name: d.name, platform: d.platform, appVersion: d.app_version, queueLength: d.queue_length || 0,
    lastSync: lastSyncOf(d), enrolledAt: d.enrolled_at, created: d.created, state: d.revoked_at ? 'revoked' : d.enrolled ? 'active' : 'unenrolled',
    area: u?.area || d.area, userName: u?.name || '',
  };
}

function daysSince(v) {
  if (!v) return null;
  const d = new Date(String(v).replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : Math.floor((Date.now() - d.getTime()) / 86400000);
}

function staleFirst(a, b) {
  const ra = a.state === 'revoked' ? 1 : 0;
  const rb = b.state === 'revoked' ? 1 : 0;
  if (ra !== rb) return ra - rb;
  return (a.lastSync || '').localeCompare(b.lastSync || '') || a.id.localeCompare(b.id);
}

async function loadDevices() {
  try {
    const r = await pb.send('/api/devices', { query: { perPage: 500 } });
    if (Array.isArray(r?.items)) return { supported: true, items: r.items.slice().sort(staleFirst) };
  } catch (err) {
    if (err.status !== 404) throw err;
  }
  const rows = await pb.collection('devices').getFullList({ expand: 'user', batch: 500 });
  return { supported: false, items: rows.map(fromRecord).sort(staleFirst) };
}

function Enroll({ onClose, onEnrolled }) {
  const [officers, setOfficers] = useState(null);
  const [user, setUser] = useState('');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [enrollment, setEnrollment] = useState(null);
  const [qrToken, setQrToken] = useState('');

  useEffect(() => {
    pb.collection('users').getFullList({ filter: 'role = "village_officer" && deactivated = false', sort: 'area,name', fields: 'id,name,area' })
      .then(setOfficers, setError);
  }, []);

  async function submit(ev) {
    ev.preventDefault();
    setErrors({});
    setError(null);
    if (!user) { setErrors({ user: t('err.pick_officer') }); return; }
    setBusy(true);
    try {
      const [enr, token] = await Promise.all([
        pb.send('/api/devices/enrollments', { method: 'POST', body: { user } }),
        pb.files.getToken(),
      ]);
      setQrToken(token);
      setEnrollment(enr);
      onEnrolled();
    } catch (err) {
      const fe = fieldErrors(err);
      setErrors(fe);
      if (err.status === 404) setError(setText({}, 'message', 'phones.enroll.unavailable'));
      else if (!fe.user) setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" id="enroll">
      <h2>{t('phones.enroll')}</h2>
      {!enrollment && (
        <form onSubmit={submit} novalidate>
          <label for="enroll-user">{t('phones.enroll.officer')}</label>
          {officers === null && !error ? <Spinner /> : (
            <select id="enroll-user" value={user} onChange={(e) => setUser(e.currentTarget.value)} aria-invalid={!!errors.user}>
              <option value="">{t('phones.enroll.choose')}</option>
              {(officers || []).map((o) => (
                <option value={o.id}>{areaName(o.area)} — {districtName(o.area.split('.').slice(0, 3).join('.'))} · {o.name}</option>
              ))}
            </select>
          )}
          {officers && officers.length === 0 && <p class="muted">{t('phones.noofficers')}</p>}
          <FieldError name="user" errors={errors} />
          <div class="row">
            <button type="submit" class="primary" id="enroll-create" disabled={busy}>{t('phones.enroll.create')}</button>
            <button type="button" onClick={onClose}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      {error && <Alert message={error.message && !error.status ? error.message : errorMessage(error)} />}
      {enrollment && (
        <div class="enrollment" id="enrollment">
          <p>{t('phones.enroll.scan')}</p>
          {loopback(enrollment) && <p class="alert warn" id="enroll-loopback" role="alert">{t('phones.enroll.loopback', { url: enrollment.server || enrollment.uri })}</p>}
          <img class="qr" id="enroll-qr" src={`${enrollment.qr}?token=${encodeURIComponent(qrToken)}`} alt={t('phones.enroll.qr')} width="264" height="264" />
          <p class="code-line">{t('phones.enroll.code')}: <code id="enroll-code">{enrollment.shortCode || enrollment.code}</code></p>
          {enrollment.expiresAt && <p class="muted">{t('phones.enroll.expires', { time: fmtDateTime(enrollment.expiresAt) })}</p>}
          <button type="button" onClick={onClose} id="enroll-close">{t('common.close')}</button>
        </div>
      )}
    </section>
  );
}

export function Phones() {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [enrolling, setEnrolling] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [wipe, setWipe] = useState(false);
  const [message, setMessage] = useState('');
  const [rowError, setRowError] = useState({});

  function load() {
    loadDevices().then((d) => { setData(d); setError(null); }, setError);
  }
  useEffect(load, []);

  async function revoke(id) {
    setConfirm('');
    setMessage('');
    try {
      // wipe: the phone sends what it holds, then deletes its data (docs/devices.md)
      await pb.send(`/api/devices/${encodeURIComponent(id)}/revoke`, { method: 'POST', body: { wipe } });
      setMessage(setText({}, 'text', wipe ? 'phones.revoked.wipe' : 'phones.revoked.done'));
      setWipe(false);
      load();
    } catch (err) {
      setRowError({ [id]: err.status === 404 && !data?.supported ? t('phones.enroll.unavailable') : errorMessage(err) });
    }
  }

  return (
    <section id="phones">
      <div class="page-head">
        <h1>{t('phones.title')}</h1>
        {data?.supported && !enrolling && <button type="button" class="primary" id="enroll-open" onClick={() => setEnrolling(true)}>{t('phones.enroll')}</button>}
      </div>
      <p class="muted">{t('phones.intro')}</p>
      {data && !data.supported && <p class="alert info" id="phones-limited">{t('phones.enroll.unavailable')}</p>}
      {enrolling && <Enroll onClose={() => { setEnrolling(false); load(); }} onEnrolled={load} />}
      <Alert error={error} retry={load} />
      {message && <Alert kind="ok" message={message} id="phones-message" />}
      {!data && !error && <Spinner />}
      {data && data.items.length === 0 && <p class="card empty" id="phones-empty">{t('phones.empty')}</p>}
      {data && data.items.length > 0 && (
        <table class="list" id="phones-table">
          <thead>
            <tr>
              <th>{t('phones.col.phone')}</th><th>{t('phones.col.village')}</th><th>{t('phones.col.officer')}</th>
              <th>{t('phones.col.sync')}</th><th class="num">{t('phones.col.queue')}</th><th>{t('phones.col.version')}</th>
              <th>{t('phones.col.state')}</th><th><span class="sr">{t('phones.revoke')}</span></th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => {
              // A phone that never synced counts from its enrollment (as the server orders them).
              const days = d.daysSinceSync ?? daysSince(d.lastSync || d.enrolledAt || d.created);
              const stale = d.state !== 'revoked' && (days === null || days >= STALE_DAYS);
              return (
                <tr data-id={d.id} class={stale ? 'stale' : d.state === 'revoked' ? 'revoked' : ''}>
                  <td data-label={t('phones.col.phone')}>{d.name || d.platform || t('phones.unnamed')}{d.name && d.platform ? <span class="sub">{d.platform}</span> : null}</td>
                  <td data-label={t('phones.col.village')}>{d.area ? <Place code={d.area} /> : t('common.none')}</td>
                  <td data-label={t('phones.col.officer')}>{d.userName || t('common.none')}</td>
                  <td data-label={t('phones.col.sync')}>
                    {d.lastSync ? <span title={fmtDateTime(d.lastSync)}>{fmtAgo(d.lastSync)}</span> : t('phones.never')}
                    {stale && <span class="badge st-stale">{t('phones.stale')}</span>}
                  </td>
                  <td data-label={t('phones.col.queue')} class={d.queueLength > 0 ? 'num warn' : 'num'}>{fmtNumber(d.queueLength)}</td>
                  <td data-label={t('phones.col.version')}>{d.appVersion || t('common.none')}</td>
                  <td data-label={t('phones.col.state')}><span class={'badge ph-' + d.state} data-wipe-state={d.wipe ? (d.wipedAt ? 'wiped' : 'pending') : undefined}>
                    {t(d.state === 'revoked' && d.wipe ? (d.wipedAt ? 'phones.state.wiped' : 'phones.state.wipe_pending') : 'phones.state.' + d.state)}</span></td>
                  <td class="actions">
                    {d.state !== 'revoked' && data.supported && (confirm === d.id ? (
                      <span class="confirm">
                        <span>{t('phones.revoke.confirm')}</span>
                        <label class="check" title={t('phones.wipe.hint')}>
                          <input type="checkbox" data-wipe={d.id} checked={wipe} onChange={(e) => setWipe(e.currentTarget.checked)} /> {t('phones.wipe')}
                        </label>
                        {wipe && <span class="muted">{t('phones.wipe.hint')}</span>}
                        <button type="button" class="danger" data-revoke-yes={d.id} onClick={() => revoke(d.id)}>{t(wipe ? 'phones.revoke.wipe' : 'phones.revoke')}</button>
                        <button type="button" onClick={() => { setConfirm(''); setWipe(false); }}>{t('common.cancel')}</button>
                      </span>
                    ) : <button type="button" data-revoke={d.id} onClick={() => setConfirm(d.id)}>{t('phones.revoke')}</button>)}
                    {rowError[d.id] && <p class="field-error">{rowError[d.id]}</p>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
