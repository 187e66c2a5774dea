// Account management (issue 7): the secretariat manages every account, a
// district verifier the village officers of its regency (access.UserRules).
// The list is GET /api/accounts (area names, phones); create, deactivate and
// move go through the users record API. Moving a user resets its phones'
// sync scope on the server.
import { useEffect, useState } from 'preact/hooks';
import { t, label, fmtAgo, setText } from '../../shared/i18n.js';
import { fieldErrors } from '../../shared/errors.js';
import { pb, useCreateOnce, useLatest } from '../pb.js';
import { allAreas } from '../areas.js';
import { Alert, Spinner } from '../ui.jsx';
import { PROVINCE, VERIFIER, TASKFORCE, OFFICER, REGENCY_TF, AGENCY } from '../roles.js';
import { Field, AreaPicker, areaLabel } from '../dash/forms.jsx';
import { AreaCell } from '../dash/views.jsx';
import '../desk-strings.js';

// Desk roles work in the console: no phone is ever enrolled for them (issue 15).
const DESK_ROLES = [REGENCY_TF, AGENCY];

const LEVELS = { [OFFICER]: ['village'], [VERIFIER]: ['regency'], [PROVINCE]: ['province'], [TASKFORCE]: ['province'] };

function CreateForm({ user, onDone, onCancel }) {
  const create = useCreateOnce();
  const roles = user.role === PROVINCE ? [OFFICER, VERIFIER, PROVINCE, TASKFORCE] : [OFFICER];
  const [v, setV] = useState({ role: roles[0], email: '', name: '', password: '', position: '', agency: '', cluster: '', area: user.role === PROVINCE ? '' : '', must_change_password: true });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    const errs = {};
    if (!v.email) setText(errs, 'email', 'err.required');
    if (!v.password || v.password.length < 8) setText(errs, 'password', 'acc.err.password');
    if (!v.area) setText(errs, 'area', 'err.required');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true); setError(null);
    try {
      const body = { ...v, passwordConfirm: v.password, verified: true };
      if (!body.cluster) delete body.cluster;
      await create('users', body);
      onDone();
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
    setBusy(false);
  };
  const within = user.role === VERIFIER ? user.area : undefined;
  return (
    <form class="card" id="account-form" onSubmit={submit} noValidate>
      <h2>{t('acc.new')}</h2>
      <div class="form-grid">
        <Field name="role" label={t('acc.role')} errors={errors}>
          <select id="in-role" value={v.role} onChange={(e) => setV({ ...v, role: e.currentTarget.value, area: e.currentTarget.value === PROVINCE || e.currentTarget.value === TASKFORCE ? '18' : '' })}>
            {roles.map((r) => <option value={r}>{label('roles', r)}</option>)}
          </select>
        </Field>
        <Field name="email" label={t('login.email')} errors={errors}><input id="in-email" type="email" value={v.email} onInput={set('email')} autocomplete="off" /></Field>
        <Field name="password" label={t('acc.password')} errors={errors} hint={t('acc.password.hint')}><input id="in-password" type="text" value={v.password} onInput={set('password')} autocomplete="new-password" /></Field>
        <label class="check wide" for="in-mustchange"><input id="in-mustchange" type="checkbox" checked={v.must_change_password} onChange={(e) => setV({ ...v, must_change_password: e.currentTarget.checked })} /> {t('acc.mustchange')}</label>
        <Field name="name" label={t('acc.name')} errors={errors}><input id="in-name" value={v.name} onInput={set('name')} /></Field>
        <Field name="position" label={t('acc.position')} errors={errors}><input id="in-position" value={v.position} onInput={set('position')} /></Field>
        <Field name="agency" label={t('acc.agency')} errors={errors}><input id="in-agency" value={v.agency} onInput={set('agency')} /></Field>
        {v.role === TASKFORCE && (
          <Field name="cluster" label={t('acc.cluster')} errors={errors}>
            <select id="in-cluster" value={v.cluster} onChange={set('cluster')}><option value="">—</option>{['prevention', 'health_rehab', 'social_rehab', 'legal_norms', 'law_enforcement', 'coordination'].map((c) => <option value={c}>{label('clusters', c)}</option>)}</select>
          </Field>
        )}
        <Field name="area" label={t('acc.area')} errors={errors} class="wide">
          <AreaPicker id="in-area" value={v.area} onChange={(a) => setV({ ...v, area: a })} levels={LEVELS[v.role]} within={within} allAreas={allAreas} invalid={!!errors.area} />
        </Field>
      </div>
      {error && <Alert error={error} />}
      <div class="row">
        <button type="submit" class="primary" id="account-save" disabled={busy}>{t('acc.create')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function Move({ acc, user, onDone, onCancel }) {
  const [to, setTo] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (!to) return;
    setBusy(true); setError(null);
    try { await pb.collection('users').update(acc.id, { area: to }); onDone(); } catch (e) { setError(e); }
    setBusy(false);
  };
  return (
    <div class="confirm move" id={'move-' + acc.id}>
      <AreaPicker id={'move-area-' + acc.id} value={to} onChange={setTo} levels={LEVELS[acc.role] || ['village']} within={user.role === VERIFIER ? user.area : undefined} allAreas={allAreas} />
      <p class="hint">{t('acc.move.hint')}</p>
      <button type="button" class="primary" data-move-save={acc.id} disabled={!to || busy} onClick={save}>{t('acc.move.save')}</button>
      <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      {error && <Alert error={error} />}
    </div>
  );
}

// A manager's reset (issue 17): asks first, then shows the one-time
// password once (POST /api/accounts/{id}/reset-password).
function Reset({ acc, onCancel }) {
  const [busy, setBusy] = useState(false);
  const [pw, setPw] = useState('');
  const [error, setError] = useState(null);
  const name = acc.name || acc.email;
  const go = async () => {
    setBusy(true); setError(null);
    try { setPw((await pb.send('/api/accounts/' + acc.id + '/reset-password', { method: 'POST' })).password); } catch (e) { setError(e); }
    setBusy(false);
  };
  return (
    <div class="confirm reset" id={'reset-' + acc.id} role="dialog" aria-label={t('acc.reset')}>
      {pw ? <>
        <p>{t('acc.reset.done', { name })} <code class="otp" id="reset-otp">{pw}</code></p>
        <p class="hint">{t('acc.reset.note')}</p>
        <button type="button" onClick={onCancel}>{t('common.close')}</button>
      </> : <>
        <p>{t('acc.reset.confirm', { name })}</p>
        <button type="button" class="danger" data-reset-yes={acc.email} disabled={busy} onClick={go}>{t('acc.reset.yes')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </>}
      {error && <Alert error={error} />}
    </div>
  );
}

export function Accounts({ user }) {
  const [filters, setFilters] = useState({ q: '', role: '', deactivated: 'false' });
  const [state, setState] = useState({ loading: true });
  const [creating, setCreating] = useState(false);
  const [moving, setMoving] = useState('');
  const [resetting, setResetting] = useState('');
  const [msg, setMsg] = useState('');
  const latest = useLatest(); // filters typed while the list loads: only the newest shows
  const load = () => {
    const current = latest();
    setState((s) => ({ ...s, loading: true, error: null }));
    const query = { perPage: 500 };
    for (const [k, v] of Object.entries(filters)) if (v) query[k] = v;
    pb.send('/api/accounts', { query, requestKey: null }).then((r) => current() && setState({ items: r.items || [], total: r.totalItems }), (error) => current() && setState({ error }));
  };
  useEffect(load, [JSON.stringify(filters)]);
  const toggle = async (acc) => {
    try {
      await pb.collection('users').update(acc.id, { deactivated: !acc.deactivated });
      setMsg(setText({}, 'text', acc.deactivated ? 'acc.reactivated' : 'acc.deactivated', { name: acc.name || acc.email }));
      load();
    } catch (e) { setState((s) => ({ ...s, error: e })); }
  };
  const roles = user.role === PROVINCE ? [OFFICER, VERIFIER, PROVINCE, TASKFORCE] : [OFFICER];
  return (
    <section id="accounts">
      <div class="page-head">
        <h1>{t('acc.title')}</h1>
        {!creating && <button type="button" class="primary" id="account-new" onClick={() => setCreating(true)}>{t('acc.new')}</button>}
      </div>
      <p class="muted">{t(user.role === PROVINCE ? 'acc.intro.province' : 'acc.intro.verifier')}</p>
      {creating && <CreateForm user={user} onCancel={() => setCreating(false)} onDone={() => { setCreating(false); setMsg(setText({}, 'text', 'acc.created')); load(); }} />}
      <form class="filters acc-filters" onSubmit={(e) => e.preventDefault()}>
        <div><label for="acc-q">{t('acc.search')}</label><input id="acc-q" type="search" value={filters.q} onChange={(e) => setFilters({ ...filters, q: e.currentTarget.value })} /></div>
        <div><label for="acc-role">{t('acc.role')}</label>
          <select id="acc-role" value={filters.role} onChange={(e) => setFilters({ ...filters, role: e.currentTarget.value })}>
            <option value="">{t('common.all')}</option>{roles.map((r) => <option value={r}>{label('roles', r)}</option>)}
          </select></div>
        <div><label for="acc-state">{t('acc.state')}</label>
          <select id="acc-state" value={filters.deactivated} onChange={(e) => setFilters({ ...filters, deactivated: e.currentTarget.value })}>
            <option value="false">{t('acc.active')}</option><option value="true">{t('acc.inactive')}</option><option value="">{t('common.all')}</option>
          </select></div>
      </form>
      {msg && <Alert kind="ok" message={msg} id="acc-msg" />}
      {state.error && <Alert error={state.error} retry={load} />}
      {state.loading && <Spinner />}
      {state.items && (
        <table class="list" id="accounts-table">
          <thead><tr><th>{t('acc.name')}</th><th>{t('acc.role')}</th><th>{t('acc.area')}</th><th>{t('acc.phones')}</th><th></th></tr></thead>
          <tbody>
            {state.items.length === 0 && <tr><td colSpan={5} class="empty">{t('acc.none')}</td></tr>}
            {state.items.map((a) => (
              <tr key={a.id} data-account={a.email} class={a.deactivated ? 'revoked' : ''}>
                <td data-label={t('acc.name')}><b>{a.name || '—'}</b><span class="sub">{a.email}</span>{a.position && <span class="sub">{a.position}{a.agency ? ' · ' + a.agency : ''}</span>}</td>
                <td data-label={t('acc.role')}>{label('roles', a.role)}{a.deactivated && <span class="badge ph-revoked">{t('acc.inactive')}</span>}</td>
                <td data-label={t('acc.area')}><AreaCell area={a.area} /></td>
                <td data-label={t('acc.phones')}>{DESK_ROLES.includes(a.role)
                  ? <span class="muted" data-console-only={a.email} title={t('acc.console_only.hint')}>{t('acc.console_only')}</span>
                  : <>{a.devices || 0}{a.lastSeen && <span class="sub">{fmtAgo(a.lastSeen)}</span>}</>}</td>
                <td class="actions">
                  {a.id !== user.id && <button type="button" class="link" data-toggle={a.email} onClick={() => toggle(a)}>{a.deactivated ? t('acc.reactivate') : t('acc.deactivate')}</button>}
                  {a.id !== user.id && !a.deactivated && <button type="button" class="link" data-move={a.email} onClick={() => setMoving(moving === a.id ? '' : a.id)}>{t('acc.move')}</button>}
                  {a.id !== user.id && !a.deactivated && <button type="button" class="link" data-reset={a.email} onClick={() => setResetting(resetting === a.id ? '' : a.id)}>{t('acc.reset')}</button>}
                  {resetting === a.id && <Reset acc={a} onCancel={() => setResetting('')} />}
                  {moving === a.id && <Move acc={a} user={user} onCancel={() => setMoving('')} onDone={() => { setMoving(''); setMsg(setText({}, 'text', 'acc.moved', { name: a.name || a.email })); load(); }} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
