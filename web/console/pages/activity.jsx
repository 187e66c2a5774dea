// New activity of a task-force desk role (issue 15): a regency task-force
// member records its regency's or one of its districts' activities, a
// province agency officer the province's, always of its own cluster (the
// server fills it in and checks it). Saved as a draft or submitted for
// review one level up (the secretariat for regency and province
// activities, the regency's verifier for district ones). The server checks
// everything again and names the field of any refusal.
import { useEffect, useState } from 'preact/hooks';
import { t, label, codes } from '../../shared/i18n.js';
import { fieldErrors } from '../../shared/errors.js';
import { pb, useCreateOnce } from '../pb.js';
import { areaName, childrenOf } from '../areas.js';
import { navigate } from '../router.js';
import { Alert, Spinner } from '../ui.jsx';
import { AGENCY, REGENCY_TF } from '../roles.js';
import '../desk-strings.js';
import { Field } from '../dash/forms.jsx';

const PEOPLE = ['male_child', 'female_child', 'male_adult', 'female_adult', 'disabled'];

/** The areas the user records activities of: its regency and its districts, or the province. */
export function activityAreas(user) {
  if (user.role === REGENCY_TF) return [user.area, ...childrenOf(user.area, 'district').map((d) => d.id)];
  return [user.area || '18'];
}

const EMPTY = { title: '', start_date: '', end_date: '', type: 'rapat_koordinasi', mode: 'luring',
  venue: '', topics: [], target_groups: [], funding_source: '', budget: '', outcome_summary: '',
  male_child: '', female_child: '', male_adult: '', female_adult: '', disabled: '' };

// The levels each desk role records at (access/policy.go, authoring).
const DESK_LEVELS = { [REGENCY_TF]: ['district', 'regency'], [AGENCY]: ['province'] };

/**
 * Whether the desk user may edit this activity in the console, as the
 * policy allows it: its own cluster, a level it records at, inside its
 * area, while a draft or returned (a submitted one waits for the reviewer;
 * an approved one is locked). The server checks it again.
 */
export function canEditActivity(user, rec) {
  const levels = DESK_LEVELS[user?.role];
  if (!levels || !rec || !['draft', 'returned'].includes(rec.status)) return false;
  const area = rec.area || '';
  return levels.includes(rec.level) && rec.cluster === user.cluster && (area === user.area || area.startsWith(user.area + '.'));
}

/** The form's values of a stored activity. */
function valuesOf(rec) {
  const v = { ...EMPTY, area: rec.area };
  for (const k of Object.keys(EMPTY)) {
    if (rec[k] === undefined || rec[k] === null) continue;
    v[k] = ['start_date', 'end_date'].includes(k) ? String(rec[k]).slice(0, 10) : Array.isArray(rec[k]) ? [...rec[k]] : String(rec[k]);
  }
  for (const k of [...PEOPLE, 'budget']) if (v[k] === '0') v[k] = '';
  return v;
}

export function NewActivity({ user }) {
  return <ActivityForm user={user} />;
}

/** Editing a draft or returned activity of the desk user (#/activity/edit/:id). */
export function EditActivity({ user, params }) {
  const [rec, setRec] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { pb.collection('activities').getOne(params.id).then(setRec, setError); }, [params.id]);
  if (error) return <Alert error={error} />;
  if (!rec) return <Spinner />;
  if (!canEditActivity(user, rec)) {
    return <p class="card alert info" id="activity-locked">{t('act.locked', { status: label('statuses', rec.status) })}</p>;
  }
  return <ActivityForm user={user} record={rec} />;
}

function ActivityForm({ user, record }) {
  const create = useCreateOnce();
  const areas = activityAreas(user);
  const [v, setV] = useState(record ? valuesOf(record) : { ...EMPTY, area: areas[0] });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const toggle = (k, code) => () => setV({ ...v, [k]: v[k].includes(code) ? v[k].filter((x) => x !== code) : [...v[k], code] });
  const save = async (status) => {
    const body = { ...v, status, budget: Number(v.budget || 0) };
    for (const k of PEOPLE) body[k] = Number(v[k] || 0);
    for (const k of ['start_date', 'end_date']) body[k] = v[k] ? v[k] + ' 00:00:00.000Z' : '';
    if (!body.funding_source) delete body.funding_source;
    // the title and date are needed: said here before the server says it
    const missing = {};
    if (!v.title.trim()) missing.title = t('act.required');
    if (!v.start_date) missing.start_date = t('act.required');
    setErrors(missing);
    if (Object.keys(missing).length) return;
    setBusy(true); setError(null);
    try {
      const rec = record ? await pb.collection('activities').update(record.id, body) : await create('activities', body);
      navigate(`/record/activities/${rec.id}`);
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
    setBusy(false);
  };
  return (
    <form class="card" id="activity-form" data-mode={record ? 'edit' : 'new'} onSubmit={(e) => { e.preventDefault(); save('submitted'); }} noValidate>
      <h1>{record ? t('act.edit') : t('act.new')}</h1>
      {record?.status === 'returned' && record.review_note && <p class="alert warn" id="act-review-note">{t('act.returned')}: {record.review_note}</p>}
      <p class="muted">{t('act.intro', { cluster: label('clusters', user.cluster || '') })}</p>
      <div class="form-grid">
        <Field name="area" label={label('fields', 'area')} errors={errors}>
          <select id="in-area" value={v.area} onChange={set('area')}>{areas.map((a) => <option value={a}>{areaName(a)}</option>)}</select>
        </Field>
        <Field name="title" label={label('fields', 'title')} errors={errors}><input id="in-title" value={v.title} onInput={set('title')} /></Field>
        <Field name="start_date" label={label('fields', 'start_date')} errors={errors}><input id="in-start_date" type="date" value={v.start_date} onInput={set('start_date')} /></Field>
        <Field name="end_date" label={label('fields', 'end_date')} errors={errors}><input id="in-end_date" type="date" value={v.end_date} onInput={set('end_date')} /></Field>
        <Field name="type" label={label('fields', 'type')} errors={errors}>
          <select id="in-type" value={v.type} onChange={set('type')}>{codes('activity_types').map((c) => <option value={c}>{label('activity_types', c)}</option>)}</select>
        </Field>
        <Field name="mode" label={label('fields', 'mode')} errors={errors}>
          <select id="in-mode" value={v.mode} onChange={set('mode')}>{codes('activity_modes').map((c) => <option value={c}>{label('activity_modes', c)}</option>)}</select>
        </Field>
        <Field name="venue" label={label('fields', 'venue')} errors={errors}><input id="in-venue" value={v.venue} onInput={set('venue')} /></Field>
        <Field name="funding_source" label={label('fields', 'funding_source')} errors={errors}>
          <select id="in-funding_source" value={v.funding_source} onChange={set('funding_source')}>
            <option value="">–</option>{codes('funding_sources').map((c) => <option value={c}>{label('funding_sources', c)}</option>)}
          </select>
        </Field>
        <Field name="budget" label={label('fields', 'budget')} errors={errors}><input id="in-budget" type="number" min="0" value={v.budget} onInput={set('budget')} /></Field>
        {PEOPLE.map((k) => (
          <Field key={k} name={k} label={label('fields', k)} errors={errors}><input id={'in-' + k} type="number" min="0" inputMode="numeric" value={v[k]} onInput={set(k)} /></Field>
        ))}
        <fieldset class="wide" id="in-topics"><legend>{label('fields', 'topics')}</legend>
          {codes('topics').map((c) => <label class="check" key={c}><input type="checkbox" checked={v.topics.includes(c)} onChange={toggle('topics', c)} />{label('topics', c)}</label>)}
        </fieldset>
        <fieldset class="wide" id="in-target_groups"><legend>{label('fields', 'target_groups')}</legend>
          {codes('target_groups').map((c) => <label class="check" key={c}><input type="checkbox" checked={v.target_groups.includes(c)} onChange={toggle('target_groups', c)} />{label('target_groups', c)}</label>)}
        </fieldset>
        <Field name="outcome_summary" label={label('fields', 'outcome_summary')} errors={errors} class="wide"><textarea id="in-outcome_summary" value={v.outcome_summary} onInput={set('outcome_summary')} /></Field>
      </div>
      {error && <Alert error={error} />}
      <div class="row">
        <button type="submit" class="primary" id="act-submit" disabled={busy}>{t('act.submit')}</button>
        <button type="button" id="act-draft" disabled={busy} onClick={() => save('draft')}>{t('act.draft')}</button>
      </div>
    </form>
  );
}
