// One form for activities and outreach logs: create, edit (drafts and
// returned records), submit, and read-only once submitted or approved. The
// server's refusals (rejected mutations) are shown on their fields.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, currentSession } from './api.js';
import { db } from './db.js';
import { go, useLive } from './hooks.js';
import { codes, fieldLabel, formatDate, label, serverText, t } from './i18n.js';
import { setLater, without } from '../../shared/later.js';
import { checkCodes } from '../../shared/vocab.js';
import { PhotoBadge, StateBadge } from './list.jsx';
import { COUNTS, editable, emptyRecord, FIELDS, FREE_TEXT, newId, normalize, privacyProblems, REQUIRED } from './model.js';
import { preparePhoto } from './photos.js';
import { deleteRecord, discardChanges, keyOf, saveRecord } from './store.js';

const MAX_PHOTOS = 10;

// Field -> catalog group of its codes.
const GROUPS = {
  type: 'activity_types', mode: 'activity_modes', programs: 'programs', cluster: 'clusters', topics: 'topics',
  target_groups: 'target_groups', methods: 'methods', funding_source: 'funding_sources', outreach_type: 'outreach_types',
  target_category: 'target_groups', risk_signals: 'risk_signals', action_taken: 'outreach_actions', referred_to: 'referral_agencies',
};

const TEXT_MAX = { title: 300, venue: 300, type_other: 200, resource_agencies: 1000, partner_agencies: 1000, materials: 1000,
  outcome_summary: 4000, follow_up_plan: 2000, referral_reference: 60, note: 1000 };
const LONG = new Set(['outcome_summary', 'follow_up_plan', 'note', 'materials', 'resource_agencies', 'partner_agencies']);

function Field({ name, error, children, hint }) {
  return (
    <div class={`field${error ? ' has-error' : ''}`} data-field={name}>
      {children}
      {hint}
      {error && <p class="error field-error" data-error-for={name} role="alert">{error}</p>}
    </div>
  );
}

function TextInput({ name, value, set, error, disabled, required }) {
  // Every problem the server would refuse, each with its own line (a NIK and a phone number: two).
  const warns = FREE_TEXT.has(name) ? privacyProblems(value) : [];
  const Tag = LONG.has(name) ? 'textarea' : 'input';
  return (
    <Field name={name} error={error} hint={
      <>
        {FREE_TEXT.has(name) && <p class="privacy" data-privacy-for={name}>{t('privacy_short')}</p>}
        {warns.map((w) => <p class="warn" key={w} data-privacy-problem={w}>{t(`privacy_${w}_hint`)}</p>)}
      </>
    }>
      <label for={`f-${name}`}>{fieldLabel(name)}{required && ' *'}</label>
      <Tag id={`f-${name}`} name={name} value={value} maxLength={TEXT_MAX[name]} rows={LONG.has(name) ? 3 : undefined}
        disabled={disabled} onInput={(e) => set(name, e.currentTarget.value)} aria-invalid={error ? 'true' : undefined} />
    </Field>
  );
}

function DateInput({ name, value, set, error, disabled, required }) {
  return (
    <Field name={name} error={error}>
      <label for={`f-${name}`}>{fieldLabel(name)}{required && ' *'}</label>
      <input id={`f-${name}`} name={name} type="date" value={value} disabled={disabled} onInput={(e) => set(name, e.currentTarget.value)} aria-invalid={error ? 'true' : undefined} />
    </Field>
  );
}

function NumberInput({ name, value, set, error, disabled, labelText }) {
  return (
    <Field name={name} error={error}>
      <label for={`f-${name}`}>{labelText || fieldLabel(name)}</label>
      <input id={`f-${name}`} name={name} type="number" inputMode="numeric" min="0" step="1" value={value === 0 ? '' : value} placeholder="0"
        disabled={disabled} onInput={(e) => set(name, e.currentTarget.value === '' ? 0 : Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)))} />
    </Field>
  );
}

/**
 * The choices a picker shows: the vocabulary's active codes, and the codes
 * the record holds that are retired or unknown (so they can be seen and
 * taken off; validate() refuses them on a new choice).
 */
function shown(group, value) {
  const active = codes(group);
  const held = [].concat(value || []).filter((c) => c && !active.includes(c));
  return [...active, ...held];
}

function Select({ name, value, set, error, disabled, required }) {
  return (
    <Field name={name} error={error}>
      <label for={`f-${name}`}>{fieldLabel(name)}{required && ' *'}</label>
      <select id={`f-${name}`} name={name} value={value} disabled={disabled} onChange={(e) => set(name, e.currentTarget.value)} aria-invalid={error ? 'true' : undefined}>
        <option value="">{t('choose')}</option>
        {shown(GROUPS[name], value).map((c) => <option key={c} value={c}>{label(GROUPS[name], c)}</option>)}
      </select>
    </Field>
  );
}

/** Several codes as tappable chips (checkboxes underneath). */
function Chips({ name, value, set, error, disabled }) {
  const toggle = (c) => set(name, value.includes(c) ? value.filter((x) => x !== c) : [...value, c]);
  return (
    <Field name={name} error={error}>
      <fieldset class="chips" disabled={disabled}>
        <legend>{fieldLabel(name)}</legend>
        {shown(GROUPS[name], value).map((c) => (
          <label key={c} class={`chip${value.includes(c) ? ' on' : ''}`}>
            <input type="checkbox" name={name} value={c} checked={value.includes(c)} onChange={() => toggle(c)} />
            {label(GROUPS[name], c)}
          </label>
        ))}
      </fieldset>
    </Field>
  );
}

function Counts({ data, set, errors, disabled }) {
  const total = data.male_child + data.female_child + data.male_adult + data.female_adult;
  return (
    <section class="card">
      <h3>{t('section_participants')}</h3>
      <p class="hint">{t('participants_hint')}</p>
      <div class="grid2">
        {COUNTS.slice(0, 4).map((c) => <NumberInput key={c} name={c} value={data[c]} set={set} error={errors[c]} disabled={disabled} />)}
      </div>
      <NumberInput name="disabled" value={data.disabled} set={set} error={errors.disabled} disabled={disabled} />
      <p class="total" data-testid="participants-total">{t('participants_total', { n: total })}</p>
    </section>
  );
}

function Thumb({ blob, alt }) {
  const url = useMemo(() => (blob ? URL.createObjectURL(blob) : ''), [blob]);
  useEffect(() => () => url && URL.revokeObjectURL(url), [url]);
  return url ? <img src={url} alt={alt} /> : <span class="noimg" />;
}

/** Photos stored on the server that this phone did not take (another phone's). */
function ServerPhotos({ rec, localHashes }) {
  const [token, setToken] = useState('');
  const names = (rec?.remote?.photos || []).filter((n) => !Object.entries(rec.remote.photo_hashes || {}).some(([h, f]) => f === n && localHashes.has(h)));
  useEffect(() => {
    if (!names.length || !navigator.onLine) return;
    api('POST', '/api/files/token').then((r) => setToken(r.token)).catch(() => {});
  }, [names.length]);
  if (!names.length) return null;
  return (
    <div>
      <p class="hint">{t('photos_server', { n: names.length })}</p>
      {token && (
        <div class="photos">
          {names.map((n) => <figure key={n}><img alt="" src={`/api/files/${rec.collection}/${rec.id}/${n}?thumb=320x320f&token=${encodeURIComponent(token)}`} /></figure>)}
        </div>
      )}
    </div>
  );
}

function Photos({ rec, data, set, newPhotos, setNewPhotos, errors, disabled }) {
  const stored = useLive(() => (rec ? db.photos.where('key').equals(rec.key).toArray() : []), [rec?.key], []);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const byHash = new Map(stored.map((p) => [p.hash, p]));
  for (const p of newPhotos) byHash.set(p.hash, { ...p, state: 'new' });
  const shown = data.photos_expected.map((h) => byHash.get(h)).filter(Boolean);

  const add = async (ev) => {
    const files = [...ev.currentTarget.files];
    ev.currentTarget.value = '';
    setBusy(true);
    setErr('');
    try {
      let hashes = data.photos_expected;
      const added = [];
      for (const f of files) {
        if (hashes.length >= MAX_PHOTOS) { setErr(t('photo_limit')); break; }
        const p = await preparePhoto(f);
        if (hashes.includes(p.hash)) continue;
        hashes = [...hashes, p.hash];
        added.push(p);
      }
      setNewPhotos([...newPhotos, ...added]);
      set('photos_expected', hashes);
    } catch (e) {
      setErr(e.message);
    } finally {
      setBusy(false);
    }
  };
  const remove = (hash) => {
    set('photos_expected', data.photos_expected.filter((h) => h !== hash));
    setNewPhotos(newPhotos.filter((p) => p.hash !== hash));
  };
  return (
    <section class="card" data-testid="photos">
      <h3>{t('section_photos')}</h3>
      <div class="photos">
        {shown.map((p) => (
          <figure key={p.hash} data-hash={p.hash} data-photo-state={p.state}>
            <Thumb blob={p.thumb} alt="" />
            <figcaption>{p.state === 'new' ? '' : t('photo_state_' + p.state)}{p.error ? ': ' + serverText(p.error) : ''}</figcaption>
            {!disabled && p.state !== 'done' && <button type="button" class="small" onClick={() => remove(p.hash)}>{t('photo_remove')}</button>}
          </figure>
        ))}
      </div>
      <ServerPhotos rec={rec} localHashes={new Set(stored.map((p) => p.hash))} />
      {!disabled && (
        <label class="button">
          {t('take_photo')}
          <input type="file" name="photo" accept="image/*" capture="environment" multiple onChange={add} hidden />
        </label>
      )}
      {busy && <p class="hint">{t('photo_processing')}</p>}
      {(err || errors.photos) && <p class="error field-error" data-error-for="photos">{err || errors.photos}</p>}
      <Field name="photo_consent" error={errors.photo_consent}>
        <label class="check">
          <input type="checkbox" name="photo_consent" checked={data.photo_consent} disabled={disabled} onChange={(e) => set('photo_consent', e.currentTarget.checked)} />
          {t('photo_consent')}
        </label>
      </Field>
      {errors.photos_expected && <p class="error field-error" data-error-for="photos_expected">{errors.photos_expected}</p>}
    </section>
  );
}

/**
 * The form's own checks before anything is saved. A draft may lack the
 * required fields (it stays on the phone until they are there); nothing is
 * saved, draft or not, with a NIK or a phone number in its text.
 */
export function validate(collection, data, remote = null) {
  const e = {};
  const put = (f, text) => setLater(e, f, text); // read when shown: follows a switch of language
  // The vocabularies the phone last received: a code they lack, or a
  // retired one the server's version of the record did not hold, would be
  // refused by the server; say so now, offline.
  for (const [f, group] of Object.entries(GROUPS)) {
    if (!(f in data)) continue;
    const bad = checkCodes(group, data[f], [].concat(remote?.[f] || []));
    if (bad) put(f, () => t(bad.code === 'retired_code' ? 'code_retired' : 'code_unknown', { label: label(group, bad.value) }));
  }
  if (data.status !== 'draft') for (const f of REQUIRED[collection]) if (!data[f]) put(f, () => t('required'));
  for (const f of FREE_TEXT) {
    const problems = privacyProblems(data[f]);
    if (problems.length) put(f, () => problems.map((w) => t(`privacy_${w}_block`)).join(' '));
  }
  if (data.end_date && data.start_date && data.end_date < data.start_date) put('end_date', () => t('end_before_start'));
  if (data.photos_expected.length && !data.photo_consent) put('photo_consent', () => t('photo_consent_needed'));
  if (collection === 'activities' && data.status !== 'draft' && data.type === 'lainnya' && !data.type_other) put('type_other', () => t('other_type_hint'));
  return e;
}

// Fields the summary leaves out (shown otherwise, or bookkeeping).
const SUMMARY_SKIP = new Set(['village', 'status', 'photo_consent', 'photos_expected', ...COUNTS]);

function summaryValue(name, kind, v) {
  if (kind === 'date') return formatDate(v);
  if (kind === 'select') return label(GROUPS[name], v) || v;
  if (kind === 'multi') return v.map((c) => label(GROUPS[name], c) || c).join(', ');
  if (name === 'budget') return 'Rp ' + Number(v).toLocaleString('id-ID');
  return String(v);
}

/** A record the officer can no longer change (submitted, approved): a compact read-only summary, not a disabled form. */
function Summary({ rec, data, readonlyReason }) {
  const remote = rec.remote;
  const kinds = FIELDS[rec.collection];
  const rows = Object.entries(kinds).filter(([n, k]) => !SUMMARY_SKIP.has(n) && !(k === 'multi' ? !data[n]?.length : !data[n]));
  const total = data.male_child + data.female_child + data.male_adult + data.female_adult;
  const photos = (remote?.photos || []).length || data.photos_expected.length;
  return (
    <article class="card summary" data-testid="record-summary" data-collection={rec.collection} data-id={rec.id}>
      <div class="badges"><StateBadge rec={rec} /><PhotoBadge photos={[]} rec={rec} /></div>
      <p class="hint" data-testid="readonly">{readonlyReason}</p>
      <dl>
        {rows.map(([n, k]) => <div key={n} data-field={n}><dt>{fieldLabel(n)}</dt><dd>{summaryValue(n, k, data[n])}</dd></div>)}
        <div data-field="participants"><dt>{t('section_participants')}</dt>
          <dd>{t('participants_total', { n: total })} ({fieldLabel('male_child')} {data.male_child}, {fieldLabel('female_child')} {data.female_child}, {fieldLabel('male_adult')} {data.male_adult}, {fieldLabel('female_adult')} {data.female_adult}; {fieldLabel('disabled')} {data.disabled})</dd></div>
        {photos > 0 && <div data-field="photos"><dt>{t('section_photos')}</dt><dd>{t('photos_count', { n: photos })}</dd></div>}
        {remote?.submitted_at && <div data-field="submitted_at"><dt>{t('submitted_on')}</dt><dd>{formatDate(remote.submitted_at)}</dd></div>}
      </dl>
    </article>
  );
}

export function RecordForm({ collection, id }) {
  const isNew = !id;
  const [recId] = useState(() => id || newId());
  const key = keyOf(collection, recId);
  const rec = useLive(() => db.records.get(key).then((r) => r || null), [key], undefined);
  const session = currentSession();
  const [data, setData] = useState(null);
  const [newPhotos, setNewPhotos] = useState([]);
  const [localErrors, setLocalErrors] = useState({});
  const [message, setMessage] = useState('');

  // Load the phone's version once (and again when the server's answer changes it while the form is untouched).
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (rec === undefined) return;
    if (!touched) setData(rec ? { ...rec.data } : { ...emptyRecord(collection, session.user.area), ...(collection === 'activities' ? { cluster: 'prevention', mode: 'luring' } : {}) });
  }, [rec, touched]);

  if (rec === undefined || !data) return null;
  if (!isNew && !rec) return <p class="empty">404</p>;

  const canEdit = isNew || editable(rec);
  const set = (f, v) => { setTouched(true); setData((d) => ({ ...d, [f]: v })); setLocalErrors((e) => without(e, f)); };
  const serverErrors = {};
  if (rec?.rejection && !touched) for (const [f, v] of Object.entries(rec.rejection.errors || {})) serverErrors[f] = serverText(v.message);
  const errors = { ...serverErrors, ...Object.fromEntries(Object.entries(localErrors).filter(([, v]) => v)) };
  const formFields = new Set([...Object.keys(normalize(collection, {})), 'photos']);
  const otherErrors = Object.entries(serverErrors).filter(([f]) => !formFields.has(f) || f === 'status' || f === 'village');

  const save = async (status) => {
    const next = { ...data, status };
    const e = validate(collection, next, rec?.remote);
    setLocalErrors(e);
    if (Object.keys(e).length) {
      setMessage('fix_errors'); // a key: shown in the language of the moment
      const first = document.querySelector(`[data-field="${Object.keys(e)[0]}"]`);
      first?.scrollIntoView({ block: 'center' });
      return;
    }
    await saveRecord(collection, recId, next, newPhotos.filter((p) => next.photos_expected.includes(p.hash)));
    setNewPhotos([]);
    setTouched(false);
    setMessage('');
    go(`/?tab=${collection}&saved=${recId}`);
    import('./sync.js').then((m) => m.syncNow());
  };

  const remote = rec?.remote;
  const readonlyReason = !canEdit ? (data.status === 'approved' || remote?.status === 'approved' ? t('readonly_approved') : t('readonly_submitted')) : '';
  const keepStatus = data.status === 'returned' ? 'returned' : 'draft';
  const p = { set, errors, disabled: !canEdit };

  if (!canEdit && rec) return <Summary rec={rec} data={data} readonlyReason={readonlyReason} />;

  return (
    <form class="record-form" data-testid="record-form" data-collection={collection} data-id={recId} onSubmit={(e) => { e.preventDefault(); save('submitted'); }}>
      <p class="privacy-box" data-testid="privacy-warning">{t('privacy_warning')}</p>
      {(rec || readonlyReason) && <div class="card status-card">
        {rec && <div class="badges"><StateBadge rec={rec} /><PhotoBadge photos={[]} rec={rec} /></div>}
        {remote?.status === 'returned' && remote.review_note && (
          <div class="returned" data-testid="review-note">
            <strong>{t('returned_note')}:</strong>
            <p>{remote.review_note}</p>
            {canEdit && <p class="hint">{t('returned_fix')}</p>}
          </div>
        )}
        {rec?.rejection && (
          <div class="rejected" data-testid="rejection">
            <strong>{t('rejected_title')}</strong>
            {rec.rejection.reason === 'deleted' && <p>{t('rejected_deleted')}</p>}
            {Object.keys(serverErrors).some((f) => formFields.has(f) && f !== 'status' && f !== 'village') && <p>{t('rejected_see_fields')}</p>}
            {otherErrors.map(([f, m]) => <p key={f}>{fieldLabel(f)}: {m}</p>)}
            <button type="button" class="small" onClick={async () => { if (confirm(t('discard_confirm'))) { await discardChanges(rec.key); setTouched(false); } }}>{t('discard')}</button>
          </div>
        )}
        {rec?.conflict && !rec.rejection && rec.dirty === 1 && <p class="hint">{t('conflict_note')}</p>}
        {readonlyReason && <p class="hint" data-testid="readonly">{readonlyReason}</p>}
      </div>}

      {collection === 'activities' ? (
        <>
          <section class="card">
            <h3>{t('section_activity')}</h3>
            <TextInput name="title" value={data.title} required {...p} error={errors.title} />
            <Select name="type" value={data.type} required {...p} error={errors.type} />
            {data.type === 'lainnya' && <TextInput name="type_other" value={data.type_other} {...p} error={errors.type_other} />}
            <div class="grid2">
              <DateInput name="start_date" value={data.start_date} required {...p} error={errors.start_date} />
              <DateInput name="end_date" value={data.end_date} {...p} error={errors.end_date} />
            </div>
            <TextInput name="venue" value={data.venue} {...p} error={errors.venue} />
            <Select name="mode" value={data.mode} {...p} error={errors.mode} />
          </section>
          <section class="card">
            <h3>{t('section_audience')}</h3>
            <Chips name="topics" value={data.topics} {...p} error={errors.topics} />
            <Chips name="target_groups" value={data.target_groups} {...p} error={errors.target_groups} />
            <Chips name="programs" value={data.programs} {...p} error={errors.programs} />
            <Chips name="methods" value={data.methods} {...p} error={errors.methods} />
            <Select name="cluster" value={data.cluster} {...p} error={errors.cluster} />
          </section>
          <Counts data={data} set={set} errors={errors} disabled={!canEdit} />
          <section class="card">
            <h3>{t('section_agencies')}</h3>
            <p class="hint">{t('agencies_hint')}</p>
            <TextInput name="resource_agencies" value={data.resource_agencies} {...p} error={errors.resource_agencies} />
            <TextInput name="partner_agencies" value={data.partner_agencies} {...p} error={errors.partner_agencies} />
          </section>
          <section class="card">
            <h3>{t('section_materials')}</h3>
            <TextInput name="materials" value={data.materials} {...p} error={errors.materials} />
            <NumberInput name="materials_count" value={data.materials_count} {...p} error={errors.materials_count} />
            <Select name="funding_source" value={data.funding_source} {...p} error={errors.funding_source} />
            <NumberInput name="budget" value={data.budget} {...p} error={errors.budget} />
          </section>
          <section class="card">
            <h3>{t('section_outcome')}</h3>
            <TextInput name="outcome_summary" value={data.outcome_summary} {...p} error={errors.outcome_summary} />
            <TextInput name="follow_up_plan" value={data.follow_up_plan} {...p} error={errors.follow_up_plan} />
          </section>
        </>
      ) : (
        <>
          <section class="card">
            <h3>{t('section_outreach')}</h3>
            <p class="privacy-box">{t('outreach_privacy')}</p>
            <DateInput name="date" value={data.date} required {...p} error={errors.date} />
            <Select name="outreach_type" value={data.outreach_type} required {...p} error={errors.outreach_type} />
            <Select name="target_category" value={data.target_category} {...p} error={errors.target_category} />
            <Chips name="topics" value={data.topics} {...p} error={errors.topics} />
          </section>
          <Counts data={data} set={set} errors={errors} disabled={!canEdit} />
          <section class="card">
            <h3>{t('section_risk')}</h3>
            <Chips name="risk_signals" value={data.risk_signals} {...p} error={errors.risk_signals} />
            <Select name="action_taken" value={data.action_taken} {...p} error={errors.action_taken} />
            {(data.action_taken === 'referred' || data.referred_to.length > 0) && <Chips name="referred_to" value={data.referred_to} {...p} error={errors.referred_to} />}
            {(data.action_taken === 'referred' || data.referral_reference) && <TextInput name="referral_reference" value={data.referral_reference} {...p} error={errors.referral_reference} />}
            <DateInput name="follow_up_date" value={data.follow_up_date} {...p} error={errors.follow_up_date} />
            <TextInput name="note" value={data.note} {...p} error={errors.note} />
          </section>
        </>
      )}

      <Photos rec={rec} data={data} set={set} newPhotos={newPhotos} setNewPhotos={setNewPhotos} errors={errors} disabled={!canEdit} />

      {message && <p class="error" role="alert">{t(message)}</p>}
      {canEdit && (
        <div class="actions">
          <button type="button" name="save-draft" onClick={() => save(keepStatus)}>{keepStatus === 'returned' ? t('save') : t('save_draft')}</button>
          <button type="submit" name="submit" class="primary">{t('submit')}</button>
          {rec && (rec.data.status === 'draft' || !rec.remote) && !rec.deleted && (
            <button type="button" class="danger" name="delete" onClick={async () => { if (confirm(t('delete_confirm'))) { await deleteRecord(rec.key); go(`/?tab=${collection}`); import('./sync.js').then((m) => m.syncNow()); } }}>{t('delete')}</button>
          )}
        </div>
      )}
      {remote?.submitted_at && <p class="hint small">{fieldLabel('status')}: {label('statuses', remote.status)} · {formatDate(remote.submitted_at)}</p>}
    </form>
  );
}
