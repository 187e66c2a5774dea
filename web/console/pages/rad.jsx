// RAD management (issue 7): the secretariat keeps the Rencana Aksi Daerah
// indicators (cluster, code, unit, yearly targets, counted automatically by a
// named rule or by hand) and enters achievements with evidence links; a
// verifier enters its regency's achievements. Automatic indicators compute
// themselves on the server (report "rad" on the dashboard).
import { useEffect, useState } from 'preact/hooks';
import { t, label, codes, fmtNumber } from '../../shared/i18n.js';
import { fieldErrors } from '../../shared/errors.js';
import { pb, useCreateOnce } from '../pb.js';
import { areaName, childrenOf, placeLabel } from '../areas.js';
import { Alert, Spinner } from '../ui.jsx';
import { PROVINCE, VERIFIER } from '../roles.js';
import { Field } from '../dash/forms.jsx';
import { href } from '../router.js';
import { thisYear } from '../dash/api.js';
import { RuleEditor, ruleSummary } from './radrule.jsx';

const yearsOf = (period) => {
  const m = /^(\d{4})-(\d{4})$/.exec(period || '');
  if (!m) return [];
  const out = [];
  for (let y = Number(m[1]); y <= Number(m[2]) && out.length < 15; y++) out.push(String(y));
  return out;
};

/** The editable number of a year's target: a number, or the "*" entry of a per-area target. */
const targetOf = (targets, y) => {
  const v = targets?.[y];
  if (v && typeof v === 'object') return v['*'] ?? '';
  return v ?? '';
};

function IndicatorForm({ initial, onDone, onCancel }) {
  const create = useCreateOnce();
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [saveErr, setSaveErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  const setTarget = (y) => (e) => {
    const n = e.currentTarget.value;
    const targets = { ...(v.targets || {}) };
    const old = targets[y];
    if (old && typeof old === 'object') targets[y] = { ...old, '*': n === '' ? undefined : Number(n) };
    else if (n === '') delete targets[y];
    else targets[y] = Number(n);
    setV({ ...v, targets });
  };
  const setBudget = (y, k) => (e) => {
    const n = e.currentTarget.value;
    const budgets = { ...(v.budgets || {}) };
    const year = { ...(budgets[y] || {}) };
    if (n === '') delete year[k]; else year[k] = Number(n);
    if (Object.keys(year).length) budgets[y] = year; else delete budgets[y];
    setV({ ...v, budgets });
  };
  const submit = async (e) => {
    e.preventDefault();
    const body = {
      code: v.code, rad_period: v.rad_period, cluster: v.cluster, program: v.program, activity: v.activity, description: v.description,
      unit: v.unit, level: v.level, lead_agency: v.lead_agency, baseline: Number(v.baseline || 0), targets: v.targets || {},
      counting: v.counting, rule: v.counting === 'auto' ? (v.rule || null) : null, direction: v.direction || 'higher', budgets: v.budgets || {}, active: !!v.active,
    };
    if (v.counting === 'auto' && !(v.rule?.source && v.rule?.measure)) { setErrors({ rule: t('err.required') }); return; }
    setBusy(true); setError(null); setErrors({}); setSaveErr(null);
    try {
      if (v.id) await pb.collection('rad_indicators').update(v.id, body);
      else await create('rad_indicators', body);
      onDone();
    } catch (err) { setErrors(fieldErrors(err)); setError(err); setSaveErr(err); }
    setBusy(false);
  };
  return (
    <form class="card" id="rad-form" onSubmit={submit} noValidate>
      <h2>{v.id ? t('rad.edit') : t('rad.new')}</h2>
      <div class="form-grid">
        <Field name="rad_period" label={t('rad.period')} errors={errors}><input id="in-rad_period" value={v.rad_period} onInput={set('rad_period')} placeholder="2022-2026" /></Field>
        <Field name="cluster" label={t('acc.cluster')} errors={errors}>
          <select id="in-cluster" value={v.cluster} onChange={set('cluster')}>{codes('clusters').map((c) => <option value={c}>{label('clusters', c)}</option>)}</select>
        </Field>
        <Field name="code" label={t('rad.code')} errors={errors}><input id="in-code" value={v.code} onInput={set('code')} placeholder="P.1.1" /></Field>
        <Field name="description" label={t('rad.description')} errors={errors} class="wide"><input id="in-description" value={v.description} onInput={set('description')} /></Field>
        <Field name="program" label={t('k.program')} errors={errors}><input id="in-program" value={v.program} onInput={set('program')} /></Field>
        <Field name="activity" label={t('rad.activity')} errors={errors}><input id="in-activity" value={v.activity} onInput={set('activity')} /></Field>
        <Field name="lead_agency" label={t('rad.lead')} errors={errors}><input id="in-lead_agency" value={v.lead_agency} onInput={set('lead_agency')} /></Field>
        <Field name="unit" label={t('k.unit')} errors={errors}><input id="in-unit" value={v.unit} onInput={set('unit')} placeholder="kegiatan, %, desa" /></Field>
        <Field name="level" label={t('rad.level')} errors={errors}>
          <select id="in-level" value={v.level} onChange={set('level')}><option value="province">{label('area_levels', 'province')}</option><option value="regency">{label('area_levels', 'regency')}</option></select>
        </Field>
        <Field name="baseline" label={t('rad.baseline')} errors={errors}><input id="in-baseline" type="number" min="0" value={v.baseline} onInput={set('baseline')} /></Field>
        <Field name="direction" label={t('rad.direction')} errors={errors}>
          <select id="in-direction" value={v.direction || 'higher'} onChange={set('direction')}>{codes('rad_directions').map((d) => <option value={d}>{label('rad_directions', d)}</option>)}</select>
        </Field>
        <Field name="counting" label={t('rad.counting')} errors={errors}>
          <select id="in-counting" value={v.counting} onChange={set('counting')}><option value="manual">{t('rad.manual')}</option><option value="auto">{t('rad.auto')}</option></select>
        </Field>
        {v.counting === 'auto' && (
          <div class="wide">
            <RuleEditor rule={v.rule} onChange={(rule) => setV({ ...v, rule })} err={saveErr} unit={v.unit} years={yearsOf(v.rad_period)} />
            {errors.rule && !saveErr && <p class="field-error" role="alert">{errors.rule}</p>}
          </div>
        )}
        <div><label class="check" style={{ marginTop: '2rem' }}><input type="checkbox" id="in-active" checked={!!v.active} onChange={set('active')} />{t('acc.active')}</label></div>
        <Field name="targets" label={t('rad.targets')} errors={errors} class="wide" hint={v.level === 'regency' ? t('rad.targets.regency') : ''}>
          <div class="targets-grid">
            {yearsOf(v.rad_period).map((y) => <label key={y}>{y}<input type="number" min="0" data-target-year={y} value={targetOf(v.targets, y)} onInput={setTarget(y)} /></label>)}
          </div>
        </Field>
        <Field name="budgets" label={t('rad.budgets')} errors={errors} class="wide" hint={t('rad.budgets.hint')}>
          <div class="targets-grid">
            {yearsOf(v.rad_period).map((y) => (
              <fieldset key={y} class="budget-year"><legend>{y}</legend>
                {['allocation', 'realisation'].map((k) => (
                  <label key={k}>{t('rad.budget.' + k)}<input type="number" min="0" data-budget-year={y} data-budget={k} value={v.budgets?.[y]?.[k] ?? ''} onInput={setBudget(y, k)} /></label>
                ))}
              </fieldset>
            ))}
          </div>
        </Field>
      </div>
      {error && <Alert error={error} />}
      <div class="row">
        <button type="submit" class="primary" id="rad-save" disabled={busy}>{t('common.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function Achievements({ ind, user }) {
  const create = useCreateOnce();
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [errors, setErrors] = useState({});
  const areas = user.role === VERIFIER ? [user.area] : (ind.level === 'province' ? ['18'] : childrenOf('18', 'regency').map((a) => a.id).concat(['18']));
  const [v, setV] = useState({ area: areas[0], year: String(thisYear()), period_type: 'year', period_index: '0', value: '', evidence: '', note: '' });
  const load = () => pb.collection('rad_achievements').getFullList({ filter: pb.filter('indicator = {:id}', { id: ind.id }), sort: '-year,area,period_type,period_index' })
    .then(setItems, setError);
  useEffect(() => { load(); }, [ind.id]);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const add = async (e) => {
    e.preventDefault();
    setError(null); setErrors({});
    const links = v.evidence.split(/\s+/).map((s) => s.trim()).filter(Boolean);
    try {
      await create('rad_achievements', {
        indicator: ind.id, area: v.area, year: Number(v.year), period_type: v.period_type,
        period_index: v.period_type === 'year' ? 0 : Number(v.period_index), evidence_links: links, note: v.note,
        ...(v.value === '' ? {} : { value: Number(v.value) }), // an empty value is left out, and refused
      });
      setV({ ...v, value: '', evidence: '', note: '' });
      load();
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
  };
  const remove = async (id) => { try { await pb.collection('rad_achievements').delete(id); load(); } catch (e) { setError(e); } };
  return (
    <div class="achievements" id={'ach-' + ind.code}>
      <h3>{t('rad.achievements')} — {ind.code}</h3>
      {ind.counting === 'auto' && <p class="hint">{t('rad.autoNote')}</p>}
      {items === null ? <Spinner /> : (
        <table class="list">
          <tbody>
            {items.length === 0 && <tr><td class="empty">{t('rad.noAch')}</td></tr>}
            {items.map((a) => (
              <tr key={a.id} data-achievement={a.id}>
                <td>{placeLabel(a.area)}<span class="sub">{a.year}{a.period_type !== 'year' ? ` · ${label('period_types', a.period_type)} ${a.period_index}` : ''}</span></td>
                <td class="num"><b>{fmtNumber(a.value)}</b> {ind.unit}</td>
                <td>{(a.evidence_links || []).map((l) => <a href={l} target="_blank" rel="noopener noreferrer" class="evidence">{l.replace(/^https?:\/\//, '').slice(0, 40)}</a>)}{a.note && <span class="sub">{a.note}</span>}</td>
                <td><button type="button" class="link" onClick={() => remove(a.id)}>{t('common.delete')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="form-grid ach-form" onSubmit={add} noValidate>
        <Field name="area" label={t('acc.area')} errors={errors}><select id="ach-area" value={v.area} onChange={set('area')}>{areas.map((a) => <option value={a}>{areaName(a)}</option>)}</select></Field>
        <Field name="year" label={t('dash.year')} errors={errors}><input id="ach-year" type="number" value={v.year} onInput={set('year')} /></Field>
        <Field name="period_type" label={t('dash.period')} errors={errors}>
          <div class="inline2">
            <select id="ach-period_type" value={v.period_type} onChange={(e) => setV({ ...v, period_type: e.currentTarget.value, period_index: e.currentTarget.value === 'year' ? '0' : '1' })}>
              {codes('period_types').map((p) => <option value={p}>{label('period_types', p)}</option>)}
            </select>
            {v.period_type !== 'year' && <input type="number" min="1" max="12" value={v.period_index} onInput={set('period_index')} aria-label={t('dash.index')} />}
          </div>
        </Field>
        <Field name="value" label={`${t('k.achieved')} (${ind.unit || '-'})`} errors={errors}><input id="ach-value" type="number" min="0" step="any" value={v.value} onInput={set('value')} /></Field>
        <Field name="evidence_links" label={t('rad.evidence')} errors={errors} hint={t('rad.evidence.hint')} class="wide"><textarea id="ach-evidence" rows="2" value={v.evidence} onInput={set('evidence')} /></Field>
        <Field name="note" label={t('rad.note')} errors={errors} class="wide"><input id="ach-note" value={v.note} onInput={set('note')} /></Field>
        <div class="wide"><button type="submit" class="primary" id="ach-save">{t('rad.addAchievement')}</button></div>
      </form>
      {error && <Alert error={error} />}
    </div>
  );
}

export function Rad({ user }) {
  const [state, setState] = useState({ loading: true });
  const [cluster, setCluster] = useState('');
  const [editing, setEditing] = useState(null);
  const [open, setOpen] = useState('');
  const load = () => pb.collection('rad_indicators').getFullList({ sort: 'cluster,code', batch: 500 }).then((items) => setState({ items }), (error) => setState({ error }));
  useEffect(() => { load(); }, []);
  const isProvince = user.role === PROVINCE;
  const blank = { rad_period: '2022-2026', cluster: 'prevention', code: '', description: '', program: '', activity: '', lead_agency: '', unit: '', level: 'regency', baseline: 0, targets: {}, counting: 'manual', rule: null, direction: 'higher', active: true };
  const items = (state.items || []).filter((i) => !cluster || i.cluster === cluster);
  const openInd = (state.items || []).find((i) => i.id === open);
  return (
    <section id="rad">
      <div class="page-head">
        <h1>{t('rad.title')}</h1>
        <div class="row" style={{ marginTop: 0 }}>
          <a class="button" href={href('/dashboard', { tab: 'rad' })}>{t('rad.toReport')}</a>
          {isProvince && !editing && <button type="button" class="primary" id="rad-new" onClick={() => setEditing(blank)}>{t('rad.new')}</button>}
        </div>
      </div>
      {editing && <IndicatorForm initial={editing} onCancel={() => setEditing(null)} onDone={() => { setEditing(null); load(); }} />}
      <div class="toolbar">
        <label class="check">{t('acc.cluster')}
          <select id="rad-cluster" value={cluster} onChange={(e) => setCluster(e.currentTarget.value)} style={{ width: 'auto' }}>
            <option value="">{t('common.all')}</option>{codes('clusters').map((c) => <option value={c}>{label('clusters', c)}</option>)}
          </select>
        </label>
      </div>
      {state.error && <Alert error={state.error} retry={load} />}
      {state.loading && <Spinner />}
      {openInd && (
        <div class="card">
          <Achievements ind={openInd} user={user} />
          <button type="button" class="link" onClick={() => setOpen('')}>{t('common.close')}</button>
        </div>
      )}
      {state.items && (
        <table class="list" id="rad-table">
          <thead><tr><th>{t('rad.code')}</th><th>{t('k.indicator')}</th><th>{t('rad.counting')}</th><th>{t('rad.targets')}</th><th></th></tr></thead>
          <tbody>
            {items.length === 0 && <tr><td colSpan={5} class="empty">{t('rad.none')}</td></tr>}
            {items.map((i) => (
              <tr key={i.id} data-indicator={i.code} class={i.active ? '' : 'revoked'}>
                <td data-label={t('rad.code')}><b>{i.code}</b><span class="sub">{label('clusters', i.cluster)} · {i.rad_period}</span></td>
                <td data-label={t('k.indicator')}>{i.description || i.activity || i.program}<span class="sub">{i.unit} · {label('area_levels', i.level)}{i.lead_agency ? ' · ' + i.lead_agency : ''}{i.direction === 'lower' ? ' · ' + label('rad_directions', 'lower') : ''}</span></td>
                <td data-label={t('rad.counting')}>{i.counting === 'auto' ? ruleSummary(i.rule) : t('rad.manual')}</td>
                <td data-label={t('rad.targets')}>{yearsOf(i.rad_period).map((y) => { const v = targetOf(i.targets, y); return v === '' ? null : <span class="badge" key={y}>{y}: {fmtNumber(v)}</span>; })}</td>
                <td class="actions">
                  {isProvince && <button type="button" class="link" data-edit={i.code} onClick={() => setEditing({ ...blank, ...i })}>{t('common.edit')}</button>}
                  <button type="button" class="link" data-achievements={i.code} onClick={() => setOpen(open === i.id ? '' : i.id)}>{t('rad.achievements')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
