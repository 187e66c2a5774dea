// The case-figure form (issue 15): case figures as the national reporting
// (Simfoni PPA) counts them, checked while the user types with the same
// rules as the server (records.CheckCaseFigures): victims by sex and by age
// band each add up to the victims' total; victims with disability,
// repatriated and with restitution requested at most the total; restitution
// granted at most requested; cases by scope, law and stage and cases served
// at most the cases; each service at most the victims; no victims without a
// case. A figure the list shows as "<5" stays blank and is kept as it is
// unless a new one is typed; a check that needs a blank hidden figure is
// left to the server.
import { useState } from 'preact/hooks';
import { t, label, codes, setText } from '../../shared/i18n.js';
import './casestrings.js';
import { fieldErrors } from '../../shared/errors.js';
import { pb, useCreateOnce } from '../pb.js';
import { areaName, childrenOf } from '../areas.js';
import { Alert, FieldError } from '../ui.jsx';
import { VERIFIER, REGENCY_TF, TASKFORCE } from '../roles.js';
import { Field } from '../dash/forms.jsx';
import { thisYear } from '../dash/api.js';


/** The single counts of a case figure. */
export const SCALARS = ['case_count', 'victims_total', 'victims_disabled', 'victims_repatriated', 'police_reports', 'suspects',
  'restitution_requested', 'restitution_granted', 'cases_served'];

/** The breakdowns: field, vocabulary. */
export const BREAKDOWNS = [
  ['victims_by_sex', 'sexes'], ['victims_by_age', 'age_bands'], ['cases_by_scope', 'case_scopes'], ['cases_by_law', 'case_laws'],
  ['cases_by_stage', 'case_stages'], ['exploitation_types', 'exploitation_types'], ['services', 'case_services'],
];

/** The old child/adult columns: kept on the figures that have them, never sent. */
const LEGACY = ['victims_female_child', 'victims_male_child', 'victims_female_adult', 'victims_male_adult'];

const num = (s) => (s === '' || s === undefined || s === null ? 0 : Number(s));
const isCount = (s) => s === '' || s === undefined || s === null || (Number.isInteger(Number(s)) && Number(s) >= 0);

/**
 * The checks of a form's values, as the server makes them: { field: message }.
 * masked: the hidden figures left blank (kept by the server): a check that
 * needs one of them is not made here.
 */
export function caseChecks(v, masked = {}) {
  const errs = {};
  const hidden = (f) => (masked[f] && (v[f] ?? '') === '')
    || Object.keys(masked).some((k) => k.startsWith(f + '.') && (v[f]?.[k.slice(f.length + 1)] ?? '') === '');
  for (const f of SCALARS) if (!isCount(v[f])) setText(errs, f, 'cf.notCount');
  for (const [f] of BREAKDOWNS) if (Object.values(v[f] || {}).some((n) => !isCount(n))) setText(errs, f, 'cf.notCount');
  const sum = (f) => Object.values(v[f] || {}).reduce((a, n) => a + num(n), 0);
  const total = num(v.victims_total), cases = num(v.case_count);
  const set = (f, msg, ...needs) => { if (!errs[f] && !needs.some(hidden)) errs[f] = msg; };
  if (sum('victims_by_sex') !== total) set('victims_by_sex', t('cf.mustEqual', { what: t('cf.whatSex'), n: sum('victims_by_sex'), total }), 'victims_by_sex', 'victims_total');
  if (sum('victims_by_age') !== total) set('victims_by_age', t('cf.mustEqual', { what: t('cf.whatAge'), n: sum('victims_by_age'), total }), 'victims_by_age', 'victims_total');
  for (const f of ['victims_disabled', 'victims_repatriated', 'restitution_requested']) {
    if (num(v[f]) > total) set(f, t('cf.overVictims', { n: num(v[f]), total }), f, 'victims_total');
  }
  if (num(v.restitution_granted) > num(v.restitution_requested)) {
    set('restitution_granted', t('cf.overRequested', { n: num(v.restitution_granted), total: num(v.restitution_requested) }), 'restitution_granted', 'restitution_requested');
  }
  if (num(v.cases_served) > cases) set('cases_served', t('cf.overCases', { n: num(v.cases_served), total: cases }), 'cases_served', 'case_count');
  for (const f of ['cases_by_scope', 'cases_by_law', 'cases_by_stage']) {
    if (sum(f) > cases) set(f, t('cf.overCases', { n: sum(f), total: cases }), f, 'case_count');
  }
  const over = Object.entries(v.services || {}).find(([, n]) => num(n) > total);
  if (over) set('services', `${label('case_services', over[0])}: ${t('cf.overVictims', { n: num(over[1]), total })}`, 'services', 'victims_total');
  if (cases === 0 && total > 0) set('victims_total', t('cf.noCase'), 'case_count', 'victims_total');
  return errs;
}

const INDEX_COUNT = { year: 0, semester: 2, quarter: 4, month: 12 };

/** An empty form for the user. */
export function blankCase(user) {
  const v = {
    area: user.role === VERIFIER || user.role === REGENCY_TF ? user.area : '18', year: String(thisYear()), period_type: 'year', period_index: '0',
    figure_status: 'provisional', source: 'simfoni_ppa', source_note: '', cluster: user.role === TASKFORCE || user.role === REGENCY_TF ? (user.cluster || '') : '',
  };
  for (const f of SCALARS) v[f] = '';
  for (const [f] of BREAKDOWNS) v[f] = {};
  return v;
}

/** The codes a breakdown offers: the active ones, and any the record already counts (a retired code of earlier data). */
function offered(field, vocab, v) {
  const list = [...codes(vocab)];
  for (const k of Object.keys(v[field] || {})) if (!list.includes(k)) list.push(k);
  for (const k of Object.keys(v.masked || {})) {
    const [f, code] = k.split('.');
    if (f === field && code && !list.includes(code)) list.push(code);
  }
  return list;
}

function Count({ name, v, set, errors, checks, masked }) {
  const err = checks[name];
  return (
    <Field name={name} label={t('cf.' + name)} errors={errors}>
      <input id={'in-' + name} type="number" min="0" step="1" inputMode="numeric" value={v[name]} onInput={set(name)}
        placeholder={masked?.[name] ? '<5' : undefined} aria-invalid={err ? 'true' : undefined} aria-describedby={err ? 'check-' + name : undefined} />
      {err && <p class="field-error check" id={'check-' + name} role="status">{err}</p>}
    </Field>
  );
}

function Breakdown({ field, vocab, v, setIn, errors, checks, total, open }) {
  const err = checks[field];
  const list = offered(field, vocab, v);
  const n = Object.values(v[field] || {}).reduce((a, x) => a + num(x), 0);
  return (
    <fieldset class="wide breakdown" id={'group-' + field} open={open}>
      <legend>{t('cf.' + field)}
        {total !== undefined && <span class={'sub sum' + (err ? ' bad' : '')} id={'sum-' + field}> · {t('cf.sum', { n, total })}</span>}
      </legend>
      <div class="targets-grid">{list.map((k) => (
        <label key={k}>{label(vocab, k)}
          <input id={`in-${field}-${k}`} type="number" min="0" step="1" inputMode="numeric" value={v[field]?.[k] ?? ''} onInput={setIn(field, k)}
            placeholder={v.masked?.[field + '.' + k] ? '<5' : undefined} aria-invalid={err ? 'true' : undefined} />
        </label>
      ))}</div>
      {err && <p class="field-error check" id={'check-' + field} role="status">{err}</p>}
      <FieldError name={field} errors={errors} />
    </fieldset>
  );
}

/** The body to send: numbers, breakdowns without empty counts, hidden figures left blank not sent. */
export function caseBody(v) {
  const masked = v.masked || {};
  const body = { ...v, year: Number(v.year), period_index: v.period_type === 'year' ? 0 : Number(v.period_index) };
  delete body.masked; delete body.original;
  for (const f of SCALARS) {
    if (masked[f] && v[f] === '') delete body[f];
    else body[f] = num(v[f]);
  }
  for (const [f] of BREAKDOWNS) {
    const kept = Object.entries(v.original?.[f] || {}).filter(([k]) => masked[f + '.' + k] && (v[f]?.[k] ?? '') === '');
    body[f] = Object.fromEntries([...kept, ...Object.entries(v[f] || {}).filter(([, n]) => n !== '' && Number(n) > 0)].map(([k, n]) => [k, Number(n)]));
  }
  if (!body.cluster) delete body.cluster;
  for (const k of ['id', 'created', 'updated', 'collectionId', 'collectionName', 'expand', 'regency', 'created_by', ...LEGACY]) delete body[k];
  return body;
}

export function CaseForm({ user, initial, onDone, onCancel }) {
  const create = useCreateOnce();
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const setIn = (group, k) => (e) => setV({ ...v, [group]: { ...v[group], [k]: e.currentTarget.value } });
  const areas = user.role === VERIFIER || user.role === REGENCY_TF ? [user.area] : ['18', ...childrenOf('18', 'regency').map((a) => a.id)];
  const checks = caseChecks(v, v.masked || {});
  const bad = Object.keys(checks).length > 0;
  const submit = async (e) => {
    e.preventDefault();
    setTried(true);
    if (bad) return;
    const body = caseBody(v);
    setBusy(true); setError(null); setErrors({});
    try {
      if (v.id) await pb.collection('case_aggregates').update(v.id, body);
      else await create('case_aggregates', body);
      onDone();
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
    setBusy(false);
  };
  const common = { v, set, errors, checks, masked: v.masked };
  const group = { v, setIn, errors, checks };
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
        <Field name="source" label={t('k.source')} errors={errors}>
          <select id="in-source" value={v.source} onChange={set('source')}>{codes('case_sources').map((s) => <option value={s}>{label('case_sources', s)}</option>)}</select>
        </Field>
        <Field name="figure_status" label={t('k.status')} errors={errors}>
          <select id="in-figure_status" value={v.figure_status} onChange={set('figure_status')}>
            <option value="provisional">{t('case.provisional')}</option><option value="final">{t('case.final')}</option>
          </select>
        </Field>
        <Field name="source_note" label={t('case.source_note')} errors={errors}><input id="in-source_note" value={v.source_note} onInput={set('source_note')} /></Field>

        <h3 class="wide">{t('cf.cases')}</h3>
        <Count name="case_count" {...common} />
        <Count name="police_reports" {...common} />
        <Count name="suspects" {...common} />
        <Count name="cases_served" {...common} />
        <Breakdown field="cases_by_scope" vocab="case_scopes" {...group} />
        <Breakdown field="cases_by_law" vocab="case_laws" {...group} />
        <Breakdown field="cases_by_stage" vocab="case_stages" {...group} />
        <Breakdown field="exploitation_types" vocab="exploitation_types" {...group} />

        <h3 class="wide">{t('cf.victims')}</h3>
        <Count name="victims_total" {...common} />
        <Count name="victims_disabled" {...common} />
        <Count name="victims_repatriated" {...common} />
        <Count name="restitution_requested" {...common} />
        <Count name="restitution_granted" {...common} />
        <Breakdown field="victims_by_sex" vocab="sexes" total={num(v.victims_total)} {...group} />
        <Breakdown field="victims_by_age" vocab="age_bands" total={num(v.victims_total)} {...group} />
        <Breakdown field="services" vocab="case_services" {...group} />
      </div>
      {tried && bad && <p class="field-error" id="case-fix" role="alert">{t('cf.fix')}</p>}
      {!bad && <p class="hint ok" id="case-ok">{t('cf.ok')}</p>}
      {error && <Alert error={error} />}
      <div class="row">
        <button type="submit" class="primary" id="case-save" disabled={busy}>{t('common.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
