// Case figures (angka kasus agregat, issue 7): aggregate counts per regency
// or province and period, with their source and status — never a person.
// Entered by the secretariat (any area), a verifier (its regency) or a
// task-force member (its cluster); the collection rules decide. In the list,
// a regency's counts of 1-4 read "<5" as everywhere else, and the edit form
// never shows them either: a hidden figure is left blank (placeholder "<5")
// and kept as it is unless a new one is typed. "Ubah" shows only on the rows
// the server lets this user change (the same rules as access/rules.go).
import { useEffect, useState } from 'preact/hooks';
import { t, label, codes } from '../../shared/i18n.js';
import { fieldErrors } from '../../shared/errors.js';
import { pb } from '../pb.js';
import { areaName, childrenOf } from '../areas.js';
import { Alert, Spinner } from '../ui.jsx';
import { PROVINCE, VERIFIER, TASKFORCE, REGENCY_TF } from '../roles.js';
import { Field } from '../dash/forms.jsx';
import { thisYear } from '../dash/api.js';

const COUNTS = ['case_count', 'victims_female_child', 'victims_male_child', 'victims_female_adult', 'victims_male_adult', 'cases_served'];
const INDEX_COUNT = { year: 0, semester: 2, quarter: 4, month: 12 };

/** A count as shown below province level: 1-4 -> "<5". */
export function shown(n, areaCode) {
  const v = Number(n || 0);
  if (areaCode && areaCode.includes('.') && v >= 1 && v <= 4) return '<5';
  return String(v);
}

/** Whether the collection rules let this user change the record: the
 * secretariat any, a verifier its regency's, a task-force member its cluster's. */
export function mayEdit(user, r) {
  if (user.role === PROVINCE) return true;
  if (user.role === VERIFIER) return !!user.area && r.area === user.area && (r.regency || r.area) === user.area;
  if (user.role === TASKFORCE) return !!user.cluster && r.cluster === user.cluster;
  if (user.role === REGENCY_TF) return !!user.cluster && r.cluster === user.cluster && r.area === user.area;
  return false;
}

const hidden = (n, area) => shown(n, area) === '<5';

/** The edit form's values for a record: figures the list shows as "<5" stay blank. */
export function editValues(user, r) {
  const v = { ...blank(user), ...r, year: String(r.year), period_index: String(r.period_index || 0), masked: {} };
  for (const k of COUNTS) if (hidden(r[k], r.area)) { v[k] = ''; v.masked[k] = true; }
  for (const g of ['exploitation_types', 'services']) {
    v[g] = {};
    for (const [k, n] of Object.entries(r[g] || {})) {
      if (hidden(n, r.area)) v.masked[g + '.' + k] = true;
      else v[g][k] = n;
    }
  }
  v.original = r;
  return v;
}

function periodText(r) {
  if (r.period_type === 'year') return String(r.year);
  return `${r.year} · ${label('period_types', r.period_type)} ${r.period_index}`;
}

function blank(user) {
  return {
    area: user.role === VERIFIER || user.role === REGENCY_TF ? user.area : '18', year: String(thisYear()), period_type: 'year', period_index: '0',
    case_count: '', victims_female_child: '', victims_male_child: '', victims_female_adult: '', victims_male_adult: '', cases_served: '',
    exploitation_types: {}, services: {}, figure_status: 'provisional', source: 'simfoni_ppa', source_note: '', cluster: user.role === TASKFORCE || user.role === REGENCY_TF ? (user.cluster || '') : '',
  };
}

function CaseForm({ user, initial, onDone, onCancel }) {
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const setIn = (group, k) => (e) => setV({ ...v, [group]: { ...v[group], [k]: e.currentTarget.value } });
  const areas = user.role === VERIFIER || user.role === REGENCY_TF ? [user.area] : ['18', ...childrenOf('18', 'regency').map((a) => a.id)];
  const submit = async (e) => {
    e.preventDefault();
    const masked = v.masked || {};
    const body = { ...v, year: Number(v.year), period_index: v.period_type === 'year' ? 0 : Number(v.period_index) };
    delete body.masked; delete body.original;
    // A hidden figure left blank is not sent: the server keeps it.
    for (const k of COUNTS) {
      if (masked[k] && v[k] === '') delete body[k];
      else body[k] = Number(v[k] || 0);
    }
    for (const g of ['exploitation_types', 'services']) {
      const kept = Object.entries(v.original?.[g] || {}).filter(([k]) => masked[g + '.' + k] && (v[g]?.[k] ?? '') === '');
      body[g] = Object.fromEntries([...kept, ...Object.entries(v[g] || {}).filter(([, n]) => n !== '' && Number(n) > 0)].map(([k, n]) => [k, Number(n)]));
    }
    if (!body.cluster) delete body.cluster;
    const id = body.id; delete body.id;
    for (const k of ['created', 'updated', 'collectionId', 'collectionName', 'expand', 'regency', 'created_by']) delete body[k];
    setBusy(true); setError(null); setErrors({});
    try {
      if (id) await pb.collection('case_aggregates').update(id, body);
      else await pb.collection('case_aggregates').create(body);
      onDone();
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
    setBusy(false);
  };
  return (
    <form class="card" id="case-form" onSubmit={submit} noValidate>
      <h2>{v.id ? t('case.edit') : t('case.new')}</h2>
      <p class="privacy">{t('case.privacy')}</p>
      {Object.keys(v.masked || {}).length > 0 && <p class="hint" id="case-masked">{t('case.maskedNote')}</p>}
      <div class="form-grid">
        <Field name="area" label={t('acc.area')} errors={errors}>
          <select id="in-area" value={v.area} onChange={set('area')}>{areas.map((a) => <option value={a}>{areaName(a)}</option>)}</select>
        </Field>
        <Field name="year" label={t('dash.year')} errors={errors}><input id="in-year" type="number" min="2000" max="2100" value={v.year} onInput={set('year')} /></Field>
        <Field name="period_type" label={t('dash.period')} errors={errors}>
          <div class="inline2">
            <select id="in-period_type" value={v.period_type} onChange={(e) => setV({ ...v, period_type: e.currentTarget.value, period_index: e.currentTarget.value === 'year' ? '0' : '1' })}>
              {codes('period_types').map((p) => <option value={p}>{label('period_types', p)}</option>)}
            </select>
            {v.period_type !== 'year' && (
              <select id="in-period_index" value={v.period_index} onChange={set('period_index')} aria-label={t('dash.index')}>
                {Array.from({ length: INDEX_COUNT[v.period_type] }, (_, i) => <option value={String(i + 1)}>{i + 1}</option>)}
              </select>
            )}
          </div>
        </Field>
        {COUNTS.map((k) => (
          <Field key={k} name={k} label={t('case.' + k)} errors={errors}><input id={'in-' + k} type="number" min="0" inputMode="numeric" value={v[k]} onInput={set(k)} placeholder={v.masked?.[k] ? '<5' : undefined} aria-describedby={v.masked?.[k] ? 'case-masked' : undefined} /></Field>
        ))}
        <Field name="figure_status" label={t('k.status')} errors={errors}>
          <select id="in-figure_status" value={v.figure_status} onChange={set('figure_status')}>
            <option value="provisional">{t('case.provisional')}</option><option value="final">{t('case.final')}</option>
          </select>
        </Field>
        <Field name="source" label={t('k.source')} errors={errors}>
          <select id="in-source" value={v.source} onChange={set('source')}>{codes('case_sources').map((s) => <option value={s}>{label('case_sources', s)}</option>)}</select>
        </Field>
        <Field name="source_note" label={t('case.source_note')} errors={errors}><input id="in-source_note" value={v.source_note} onInput={set('source_note')} /></Field>
        <details class="wide"><summary>{t('case.types')}</summary>
          <div class="targets-grid">{codes('exploitation_types').map((k) => (
            <label key={k}>{label('exploitation_types', k)}<input type="number" min="0" value={v.exploitation_types?.[k] ?? ''} onInput={setIn('exploitation_types', k)} placeholder={v.masked?.['exploitation_types.' + k] ? '<5' : undefined} /></label>
          ))}</div>
        </details>
        <details class="wide"><summary>{t('case.services')}</summary>
          <div class="targets-grid">{codes('case_services').map((k) => (
            <label key={k}>{label('case_services', k)}<input type="number" min="0" value={v.services?.[k] ?? ''} onInput={setIn('services', k)} placeholder={v.masked?.['services.' + k] ? '<5' : undefined} /></label>
          ))}</div>
        </details>
      </div>
      {error && <Alert error={error} />}
      <div class="row">
        <button type="submit" class="primary" id="case-save" disabled={busy}>{t('common.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

export function Cases({ user }) {
  const [state, setState] = useState({ loading: true });
  const [year, setYear] = useState(String(thisYear()));
  const [editing, setEditing] = useState(null);
  const [msg, setMsg] = useState('');
  const load = () => {
    setState((s) => ({ ...s, loading: true }));
    pb.collection('case_aggregates').getFullList({ filter: pb.filter('year = {:y}', { y: Number(year) }), sort: 'area,period_type,period_index', batch: 500 })
      .then((items) => setState({ items }), (error) => setState({ error }));
  };
  useEffect(load, [year]);
  const canWrite = [PROVINCE, VERIFIER, TASKFORCE, REGENCY_TF].includes(user.role);
  return (
    <section id="cases">
      <div class="page-head">
        <h1>{t('case.title')}</h1>
        {canWrite && !editing && <button type="button" class="primary" id="case-new" onClick={() => setEditing(blank(user))}>{t('case.new')}</button>}
      </div>
      <p class="muted">{t('case.intro')}</p>
      {editing && <CaseForm user={user} initial={editing} onCancel={() => setEditing(null)} onDone={() => { setEditing(null); setMsg(t('case.saved')); load(); }} />}
      <div class="toolbar">
        <label class="check">{t('dash.year')}
          <input id="case-year" type="number" min="2000" max="2100" value={year} onChange={(e) => setYear(e.currentTarget.value)} style={{ width: '7rem' }} />
        </label>
        <span class="hint">{t('case.listNote')}</span>
      </div>
      {msg && <Alert kind="ok" message={msg} id="case-msg" />}
      {state.error && <Alert error={state.error} retry={load} />}
      {state.loading && <Spinner />}
      {state.items && (
        <div class="scroll">
          <table class="list data" id="cases-table">
            <thead><tr><th>{t('acc.area')}</th><th>{t('dash.period')}</th>{COUNTS.map((k) => <th class="num" key={k}>{t('case.' + k)}</th>)}<th>{t('k.source')}</th><th></th></tr></thead>
            <tbody>
              {state.items.length === 0 && <tr><td colSpan={10} class="empty">{t('case.none')}</td></tr>}
              {state.items.map((r) => (
                <tr key={r.id} data-case={r.id} data-area={r.area}>
                  <td data-label={t('acc.area')}>{areaName(r.area)}</td>
                  <td data-label={t('dash.period')}>{periodText(r)}</td>
                  {COUNTS.map((k) => { const s = shown(r[k], r.area); return <td class="num" key={k} data-label={t('case.' + k)} data-col={k}><span class={s === '<5' ? 'fig suppressed' : 'fig'}>{s}</span></td>; })}
                  <td data-label={t('k.source')}>{label('case_sources', r.source)}<span class="sub">{r.figure_status === 'final' ? t('case.final') : t('case.provisional')}</span></td>
                  <td>{mayEdit(user, r) && <button type="button" class="link" data-edit={r.id} onClick={() => setEditing(editValues(user, r))}>{t('common.edit')}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
