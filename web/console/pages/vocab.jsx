// Vocabularies (issue 16): the secretariat keeps the coded choices of the
// records (activity types, topics, target groups, clusters...) without a
// developer: adds codes, renames them in both languages, reorders and
// retires them. A code is never changed or deleted (old records carry it);
// a retired code stays on the records that have it and leaves the pickers.
// Phones receive the changes at their next sync.
import { useEffect, useState } from 'preact/hooks';
import { t, label, pick } from '../../shared/i18n.js';
import { setLater } from '../../shared/later.js';
import { KINDS } from '../../shared/vocab.js';
import { fieldErrors } from '../../shared/errors.js';
import { pb, useCreateOnce } from '../pb.js';
import { loadVocabularies } from '../vocab.js';
import { Alert, FieldError, Spinner } from '../ui.jsx';
import { PROVINCE } from '../roles.js';

const STEP = 10;

function Row({ e, editable, first, last, onMove, onSaved }) {
  const [v, setV] = useState({ label_id: e.label_id, label_en: e.label_en });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  useEffect(() => setV({ label_id: e.label_id, label_en: e.label_en }), [e.id, e.label_id, e.label_en]);
  const save = async (patch) => {
    setBusy(true); setErrors({});
    try { await pb.collection('vocabularies').update(e.id, patch); await onSaved(); }
    catch (err) { setErrors(setLater(fieldErrors(err), '_', () => pick(err.message))); }
    finally { setBusy(false); }
  };
  const dirty = v.label_id !== e.label_id || v.label_en !== e.label_en;
  return (
    <tr data-code={e.code} class={e.active ? '' : 'retired'}>
      <td data-label={t('vocab.code')}><code>{e.code}</code>{!e.active && <span class="badge ph-revoked" data-retired>{t('vocab.retired')}</span>}</td>
      <td data-label={t('vocab.label_id')}>
        {editable ? <input aria-label={t('vocab.label_id') + ' ' + e.code} name="label_id" value={v.label_id} maxLength={200} onInput={(x) => setV({ ...v, label_id: x.currentTarget.value })} /> : e.label_id}
        <FieldError name="label_id" errors={errors} />
      </td>
      <td data-label={t('vocab.label_en')}>
        {editable ? <input aria-label={t('vocab.label_en') + ' ' + e.code} name="label_en" value={v.label_en} maxLength={200} onInput={(x) => setV({ ...v, label_en: x.currentTarget.value })} /> : e.label_en}
        <FieldError name="label_en" errors={errors} />
      </td>
      {editable && (
        <td class="actions">
          <button type="button" class="small" name="save" disabled={!dirty || busy || !v.label_id || !v.label_en} onClick={() => save(v)}>{t('common.save')}</button>
          <button type="button" class="small" name="up" disabled={first || busy} aria-label={t('vocab.up')} onClick={() => onMove(e, -1)}>↑</button>
          <button type="button" class="small" name="down" disabled={last || busy} aria-label={t('vocab.down')} onClick={() => onMove(e, 1)}>↓</button>
          <button type="button" class="small" name={e.active ? 'retire' : 'restore'} disabled={busy} onClick={() => save({ active: !e.active })}>{e.active ? t('vocab.retire') : t('vocab.restore')}</button>
          {errors._ && !errors.label_id && !errors.label_en && <p class="field-error" role="alert">{errors._}</p>}
        </td>
      )}
    </tr>
  );
}

function AddForm({ kind, next, onSaved }) {
  const create = useCreateOnce();
  const empty = { code: '', label_id: '', label_en: '' };
  const [v, setV] = useState(empty);
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: k === 'code' ? e.currentTarget.value.toLowerCase() : e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setErrors({}); setError(null);
    try {
      await create('vocabularies', { ...v, kind, order: next, active: true });
      setV(empty);
      await onSaved();
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
    finally { setBusy(false); }
  };
  return (
    <form class="card form-grid" id="vocab-add" onSubmit={submit}>
      <h2>{t('vocab.add')}</h2>
      <p class="hint">{t('vocab.add.hint')}</p>
      <div><label for="in-code">{t('vocab.code')}</label><input id="in-code" name="code" value={v.code} required pattern="[a-z0-9][a-z0-9_]*" maxLength={50} onInput={set('code')} /><FieldError name="code" errors={errors} /></div>
      <div><label for="in-label_id">{t('vocab.label_id')}</label><input id="in-label_id" name="label_id" value={v.label_id} required maxLength={200} onInput={set('label_id')} /><FieldError name="label_id" errors={errors} /></div>
      <div><label for="in-label_en">{t('vocab.label_en')}</label><input id="in-label_en" name="label_en" value={v.label_en} required maxLength={200} onInput={set('label_en')} /><FieldError name="label_en" errors={errors} /></div>
      {error && !Object.keys(errors).length && <Alert error={error} />}
      <div><button type="submit" class="primary" disabled={busy}>{t('vocab.add.submit')}</button></div>
    </form>
  );
}

export function Vocabularies({ user, query }) {
  const [kind, setKind] = useState(query?.get?.('kind') || KINDS[0]);
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const editable = user.role === PROVINCE;
  const reload = async () => {
    try { setRows(await loadVocabularies()); setError(null); } catch (err) { setError(err); }
  };
  useEffect(() => { reload(); }, []);
  if (error) return <Alert error={error} retry={reload} />;
  if (!rows) return <Spinner />;
  const entries = rows.filter((r) => r.kind === kind).sort((a, b) => a.order - b.order || (a.code < b.code ? -1 : 1));
  // Moving swaps the order numbers of two neighbours (renumbered first when two share one).
  const move = async (e, dir) => {
    const i = entries.indexOf(e);
    const j = i + dir;
    if (j < 0 || j >= entries.length) return;
    const orders = entries.map((x, k) => x.order);
    const distinct = new Set(orders).size === orders.length;
    try {
      if (!distinct) {
        for (let k = 0; k < entries.length; k++) {
          if (entries[k].order !== (k + 1) * STEP) await pb.collection('vocabularies').update(entries[k].id, { order: (k + 1) * STEP });
          entries[k].order = (k + 1) * STEP;
        }
      }
      const a = entries[i], b = entries[j];
      await pb.collection('vocabularies').update(a.id, { order: b.order });
      await pb.collection('vocabularies').update(b.id, { order: a.order });
    } catch (err) { setError(err); return; }
    await reload();
  };
  const next = (entries.reduce((m, x) => Math.max(m, x.order), 0) || 0) + STEP;
  return (
    <section id="vocabularies">
      <h1>{t('vocab.title')}</h1>
      <p class="hint">{t('vocab.intro')}</p>
      <div class="card filters">
        <label for="in-kind">{t('vocab.kind')}</label>
        <select id="in-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {KINDS.map((k) => <option value={k}>{label('vocabulary_kinds', k)}</option>)}
        </select>
      </div>
      <table class="list" id="vocab-table" data-kind={kind}>
        <thead><tr><th>{t('vocab.code')}</th><th>{t('vocab.label_id')}</th><th>{t('vocab.label_en')}</th>{editable && <th><span class="sr">{t('vocab.actions')}</span></th>}</tr></thead>
        <tbody>
          {entries.map((e, i) => <Row key={e.id} e={e} editable={editable} first={i === 0} last={i === entries.length - 1} onMove={move} onSaved={reload} />)}
        </tbody>
      </table>
      {editable && <AddForm kind={kind} next={next} onSaved={reload} />}
    </section>
  );
}
