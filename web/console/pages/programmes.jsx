// Village programmes (issue 16): DRPPA, PATBM, Desmigratif, perdes... per
// village, with their history. Each row holds from "valid from" to "valid
// to" (empty: still holds), so a past period's report shows the state then;
// a change of status ends the row and starts a new one the next day. A
// DRPPA row carries the DRPPA self-assessment as a form of KemenPPPA's
// indicators (indicator 8 is a case fact, kept at regency level, not here).
// Who may write follows the policy table (access/policy.go): the regency's
// verifier and the province secretariat here; the village officer in the
// field app. Everyone else with the page reads.
import { useEffect, useRef, useState } from 'preact/hooks';
import { addStrings, t, label, codes, fieldLabel, fmtDate } from '../../shared/i18n.js';
import { fieldErrors } from '../../shared/errors.js';
import labels from '../../../catalog/labels.json';
import { newRecordId, pb, useCreateOnce, useLatest } from '../pb.js';
import { areaName, childrenOf, loadAreas, villagesUnder } from '../areas.js';
import { Alert, FieldError, Spinner, Place } from '../ui.jsx';
import { PROVINCE, VERIFIER } from '../roles.js';
import { todayWIB as today } from '../../shared/wib.js';

addStrings({
  'nav.programmes': ['Program desa', 'Village programmes'],
  'prog.title': ['Program dan kelembagaan desa', 'Village programmes and institutions'],
  'prog.intro': ['DRPPA, PATBM, Desmigratif, perdes dan lainnya per desa/kelurahan, dengan riwayatnya: setiap baris berlaku dari tanggal "berlaku sejak" sampai "berlaku sampai" (kosong: masih berlaku). Laporan periode lalu memakai keadaan pada periode itu. Perubahan status dicatat dengan mengakhiri baris lama dan memulai baris baru.',
    'DRPPA, PATBM, Desmigratif, village regulations and others per village, with their history: each row holds from its "valid from" day to its "valid to" day (empty: still holds). Reports of a past period use the state in that period. A change of status ends the old row and starts a new one.'],
  'prog.regency': ['Kabupaten/kota', 'Regency/city'],
  'prog.village': ['Desa/kelurahan', 'Village'],
  'prog.allVillages': ['Semua desa/kelurahan', 'All villages'],
  'prog.showEnded': ['Tampilkan yang sudah berakhir', 'Show ended rows'],
  'prog.none': ['Belum ada program tercatat.', 'No programme recorded yet.'],
  'prog.period': ['Masa berlaku', 'Valid'],
  'prog.open': ['sekarang', 'now'],
  'prog.ended': ['berakhir', 'ended'],
  'prog.add': ['Tambah program', 'Add a programme'],
  'prog.pickVillage': ['Pilih desa/kelurahan untuk menambah program.', 'Choose a village to add a programme.'],
  'prog.edit': ['Ubah', 'Edit'],
  'prog.end': ['Akhiri / ganti status', 'End / change status'],
  'prog.delete': ['Hapus', 'Delete'],
  'prog.deleteConfirm': ['Hapus baris ini? Hanya untuk baris yang salah catat; program yang berhenti diakhiri, bukan dihapus.', 'Delete this row? Only for a row recorded by mistake; a programme that stopped is ended, not deleted.'],
  'prog.save': ['Simpan', 'Save'],
  'prog.cancel': ['Batal', 'Cancel'],
  'prog.saved': ['Tersimpan.', 'Saved.'],
  'prog.endOn': ['Berakhir pada tanggal', 'Ends on'],
  'prog.nextStatus': ['Lalu', 'Then'],
  'prog.nextNone': ['Program berhenti', 'The programme stops'],
  'prog.nextStatusOf': ['berlanjut dengan status {status} mulai hari berikutnya', 'continues as {status} from the next day'],
  'prog.endSubmit': ['Akhiri', 'End'],
  'prog.drppa': ['Penilaian mandiri DRPPA', 'DRPPA self-assessment'],
  'prog.drppa.hint': ['Indikator KemenPPPA. Bila tanggal penilaian diisi, semua indikator dijawab.', "KemenPPPA's indicators. When the assessment date is given, every indicator is answered."],
  'prog.drppa.none': ['— belum dinilai —', '— not assessed —'],
  'prog.drppa.met': ['{met} dari {of} indikator terpenuhi ({date})', '{met} of {of} indicators met ({date})'],
  'prog.drppa.notAssessed': ['belum dinilai', 'not assessed'],
  'prog.drppa.legacy': ['Penilaian lama (teks bebas, hanya dibaca): isi formulir di atas; isi lama tetap tersimpan.', 'Earlier assessment (free form, read only): fill in the form above; the earlier text stays stored.'],
  'prog.choose': ['— pilih —', '— choose —'],
});

const answerFields = ['drppa_women_children_groups', 'drppa_disaggregated_data', 'drppa_village_regulation', 'drppa_village_budget'];
const percentFields = ['drppa_women_representation_pct', 'drppa_women_entrepreneurs_pct', 'drppa_rights_based_care_pct'];
const laterAnswers = ['drppa_no_child_labour', 'drppa_no_child_marriage'];
/** The indicators in KemenPPPA's order; 8 (a case fact) is shown, not asked. */
const INDICATORS = [...answerFields, ...percentFields, 'drppa_no_violence_trafficking', ...laterAnswers];
const ANSWERS = Object.keys(labels.drppa_answers);

const day = (v) => (v ? String(v).slice(0, 10) : '');
const nextDay = (d) => { const x = new Date(d + 'T00:00:00Z'); x.setUTCDate(x.getUTCDate() + 1); return x.toISOString().slice(0, 10); };

function legacyText(v) {
  if (v == null || v === '' || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 1);
}

/** "4 of 6 indicators met (1 Jul 2025)" or "not assessed". */
export function drppaSummary(r) {
  if (!day(r.drppa_assessed_on)) return t('prog.drppa.notAssessed');
  const all = [...answerFields, ...laterAnswers];
  const met = all.filter((f) => r[f] === 'terpenuhi').length;
  return t('prog.drppa.met', { met, of: all.length, date: fmtDate(r.drppa_assessed_on) });
}

function emptyForm(village) {
  const f = { village, program: '', status: '', valid_from: today(), valid_to: '', legal_basis_number: '', legal_basis_date: '', note: '', drppa_assessed_on: '' };
  for (const x of [...answerFields, ...laterAnswers]) f[x] = '';
  for (const x of percentFields) f[x] = '';
  return f;
}

function formOf(r) {
  const f = emptyForm(r.village);
  for (const k of Object.keys(f)) f[k] = r[k] ?? '';
  for (const k of ['valid_from', 'valid_to', 'legal_basis_date', 'drppa_assessed_on']) f[k] = day(r[k]);
  const assessed = !!f.drppa_assessed_on;
  for (const k of percentFields) f[k] = assessed || r[k] ? String(r[k] ?? '') : '';
  return f;
}

/** The body sent: DRPPA fields only for a DRPPA row, percentages as numbers. */
function bodyOf(f) {
  const b = { ...f };
  for (const k of percentFields) b[k] = f[k] === '' ? 0 : Number(f[k]);
  if (f.program !== 'drppa') {
    b.drppa_assessed_on = '';
    for (const k of [...answerFields, ...laterAnswers]) b[k] = '';
    for (const k of percentFields) b[k] = 0;
  }
  return b;
}

function DrppaForm({ f, set, errors, legacy }) {
  return (
    <fieldset class="wide drppa" id="drppa-form">
      <legend>{t('prog.drppa')}</legend>
      <p class="hint">{t('prog.drppa.hint')}</p>
      <div>
        <label for="in-drppa_assessed_on">{fieldLabel('drppa_assessed_on')}</label>
        <input id="in-drppa_assessed_on" type="date" name="drppa_assessed_on" value={f.drppa_assessed_on} onInput={set('drppa_assessed_on')} />
        <FieldError name="drppa_assessed_on" errors={errors} />
      </div>
      <ol class="drppa-indicators">
        {INDICATORS.map((k) => {
          const text = label('drppa_indicators', k);
          if (k === 'drppa_no_violence_trafficking') {
            return <li key={k} class="case-fact" data-indicator={k}><span class="hint">{text}</span></li>;
          }
          return (
            <li key={k} data-indicator={k}>
              <label for={'in-' + k}>{text}</label>
              {percentFields.includes(k)
                ? <input id={'in-' + k} name={k} type="number" min="0" max="100" step="0.1" inputMode="decimal" value={f[k]} onInput={set(k)} />
                : (
                  <select id={'in-' + k} name={k} value={f[k]} onChange={set(k)}>
                    <option value="">{t('prog.drppa.none')}</option>
                    {ANSWERS.map((a) => <option key={a} value={a}>{label('drppa_answers', a)}</option>)}
                  </select>
                )}
              <FieldError name={k} errors={errors} />
            </li>
          );
        })}
      </ol>
      {legacy && (
        <div class="legacy" id="drppa-legacy">
          <p class="hint">{t('prog.drppa.legacy')}</p>
          <pre>{legacy}</pre>
        </div>
      )}
    </fieldset>
  );
}

function ProgrammeForm({ row, village, onDone, onCancel }) {
  const create = useCreateOnce();
  const [f, setF] = useState(row ? formOf(row) : emptyForm(village));
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setErrors({}); setError(null);
    try {
      if (row) await pb.collection('village_programs').update(row.id, bodyOf(f));
      else await create('village_programs', bodyOf(f));
      await onDone();
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
    finally { setBusy(false); }
  };
  const kinds = codes('village_program_kinds');
  if (row && !kinds.includes(row.program)) kinds.push(row.program); // a retired kind stays on its rows
  const input = (k, type = 'text', extra = {}) => (
    <div>
      <label for={'in-' + k}>{fieldLabel(k)}</label>
      <input id={'in-' + k} name={k} type={type} value={f[k]} onInput={set(k)} {...extra} />
      <FieldError name={k} errors={errors} />
    </div>
  );
  return (
    <form class="card form-grid" id="programme-form" data-id={row?.id || ''} onSubmit={submit}>
      <h2 class="wide">{row ? `${label('village_program_kinds', row.program)}: ${t('prog.edit')}` : t('prog.add')} · <Place code={f.village} /></h2>
      <div>
        <label for="in-program">{fieldLabel('program')}</label>
        <select id="in-program" name="program" value={f.program} required disabled={!!row} onChange={set('program')}>
          <option value="">{t('prog.choose')}</option>
          {kinds.map((c) => <option key={c} value={c}>{label('village_program_kinds', c)}</option>)}
        </select>
        <FieldError name="program" errors={errors} />
      </div>
      <div>
        <label for="in-status">{fieldLabel('status')}</label>
        <select id="in-status" name="status" value={f.status} required onChange={set('status')}>
          <option value="">{t('prog.choose')}</option>
          {codes('village_program_statuses').map((c) => <option key={c} value={c}>{label('village_program_statuses', c)}</option>)}
        </select>
        <FieldError name="status" errors={errors} />
      </div>
      {input('valid_from', 'date', { required: true })}
      {input('valid_to', 'date')}
      {input('legal_basis_number', 'text', { maxLength: 200 })}
      {input('legal_basis_date', 'date')}
      <div class="wide">
        <label for="in-note">{fieldLabel('note')}</label>
        <textarea id="in-note" name="note" maxLength={1000} value={f.note} onInput={set('note')} />
        <FieldError name="note" errors={errors} />
      </div>
      {f.program === 'drppa' && <DrppaForm f={f} set={set} errors={errors} legacy={legacyText(row?.drppa_assessment)} />}
      {error && !Object.keys(errors).length && <Alert error={error} />}
      <div class="wide actions">
        <button type="submit" class="primary" name="save" disabled={busy}>{t('prog.save')}</button>
        <button type="button" name="cancel" onClick={onCancel}>{t('prog.cancel')}</button>
      </div>
    </form>
  );
}

/** Ends a row on a day and, if a status is chosen, starts the next row the day after (one batch). */
function EndForm({ row, onDone, onCancel }) {
  const [on, setOn] = useState(today() < day(row.valid_from) ? day(row.valid_from) : today());
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  // the next row's id, kept while tries fail (useCreateOnce's reason): the
  // batch is whole or nothing, so that row stored means a try went through
  const nextId = useRef(null);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setErrors({}); setError(null);
    try {
      const batch = pb.createBatch();
      batch.collection('village_programs').update(row.id, { valid_to: on });
      if (next) {
        const f = bodyOf(formOf(row));
        delete f.valid_to;
        nextId.current ||= newRecordId();
        batch.collection('village_programs').create({ ...f, id: nextId.current, status: next, valid_from: nextDay(on) });
      }
      await batch.send();
      nextId.current = null;
      await onDone();
    } catch (err) {
      if (next && nextId.current && await pb.collection('village_programs').getOne(nextId.current).then(() => true, () => false)) {
        nextId.current = null; // a try whose answer was lost had ended and continued the row
        await onDone();
        return;
      }
      const fe = fieldErrors(err);
      // a batch names the failing request: show its fields
      const inner = err?.response?.data ? Object.values(err.response.data).find((x) => x?.response?.data)?.response?.data : null;
      setErrors(inner ? fieldErrors({ response: { data: inner } }) : fe);
      setError(err);
    } finally { setBusy(false); }
  };
  return (
    <form class="card form-grid" id="end-form" data-id={row.id} onSubmit={submit}>
      <h2 class="wide">{label('village_program_kinds', row.program)}: {t('prog.end')} · <Place code={row.village} /></h2>
      <div>
        <label for="in-end-on">{t('prog.endOn')}</label>
        <input id="in-end-on" name="valid_to" type="date" required min={day(row.valid_from)} value={on} onInput={(e) => setOn(e.currentTarget.value)} />
        <FieldError name="valid_to" errors={errors} />
      </div>
      <div>
        <label for="in-next">{t('prog.nextStatus')}</label>
        <select id="in-next" name="next_status" value={next} onChange={(e) => setNext(e.currentTarget.value)}>
          <option value="">{t('prog.nextNone')}</option>
          {codes('village_program_statuses').map((c) => <option key={c} value={c}>{t('prog.nextStatusOf', { status: label('village_program_statuses', c) })}</option>)}
        </select>
        <FieldError name="valid_from" errors={errors} />
      </div>
      {error && <Alert error={error} />}
      <div class="wide actions">
        <button type="submit" class="primary" name="end" disabled={busy}>{t('prog.endSubmit')}</button>
        <button type="button" name="cancel" onClick={onCancel}>{t('prog.cancel')}</button>
      </div>
    </form>
  );
}

export function Programmes({ user }) {
  const canWrite = user.role === VERIFIER || user.role === PROVINCE;
  const own = user.area && user.area.includes('.') ? user.area.split('.').slice(0, 2).join('.') : '';
  const [ready, setReady] = useState(false);
  const [regency, setRegency] = useState(own);
  const [village, setVillage] = useState('');
  const [ended, setEnded] = useState(false);
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const [editing, setEditing] = useState(null); // {kind: 'new'|'edit'|'end', row}
  useEffect(() => { loadAreas(user).then(() => setReady(true), setError); }, []);
  const latest = useLatest(); // regency or village changed while the list loads: only the newest shows
  const reload = async () => {
    const current = latest();
    if (!regency) { setRows([]); return; }
    setRows(null);
    try {
      const filter = village ? pb.filter('village = {:v}', { v: village }) : pb.filter('regency = {:r}', { r: regency });
      const list = await pb.collection('village_programs').getFullList({ filter, sort: 'village,program,-valid_from', batch: 500 });
      if (!current()) return;
      setRows(list);
      setError(null);
    } catch (err) { if (current()) setError(err); }
  };
  useEffect(() => { reload(); }, [regency, village]);
  if (!ready && !error) return <Spinner />;
  const regencies = own ? [] : childrenOf('18', 'regency');
  const villages = regency ? villagesUnder(regency) : [];
  const now = today();
  const shown = (rows || []).filter((r) => ended || !day(r.valid_to) || day(r.valid_to) >= now);
  const done = async () => { setEditing(null); await reload(); };
  const remove = async (r) => {
    if (!confirm(t('prog.deleteConfirm'))) return;
    try { await pb.collection('village_programs').delete(r.id); await reload(); } catch (err) { setError(err); }
  };
  return (
    <section id="programmes">
      <h1>{t('prog.title')}</h1>
      <p class="hint">{t('prog.intro')}</p>
      <div class="card filters">
        {!own && (
          <div>
            <label for="in-regency">{t('prog.regency')}</label>
            <select id="in-regency" value={regency} onChange={(e) => { setRegency(e.currentTarget.value); setVillage(''); }}>
              <option value="">{t('prog.choose')}</option>
              {regencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </div>
        )}
        <div>
          <label for="in-village">{t('prog.village')}</label>
          <select id="in-village" value={village} disabled={!regency} onChange={(e) => setVillage(e.currentTarget.value)}>
            <option value="">{t('prog.allVillages')}</option>
            {villages.map((a) => <option key={a.id} value={a.id}>{a.name} ({areaName(a.parent)})</option>)}
          </select>
        </div>
        <div class="check">
          <label><input type="checkbox" id="in-ended" checked={ended} onChange={(e) => setEnded(e.currentTarget.checked)} /> {t('prog.showEnded')}</label>
        </div>
      </div>
      {error && <Alert error={error} retry={reload} />}
      {canWrite && !editing && (
        village
          ? <p><button type="button" class="primary" id="add-programme" onClick={() => setEditing({ kind: 'new' })}>+ {t('prog.add')}</button></p>
          : regency && <p class="hint" id="pick-village">{t('prog.pickVillage')}</p>
      )}
      {editing?.kind === 'new' && <ProgrammeForm village={village} onDone={done} onCancel={() => setEditing(null)} />}
      {editing?.kind === 'edit' && <ProgrammeForm row={editing.row} village={editing.row.village} onDone={done} onCancel={() => setEditing(null)} />}
      {editing?.kind === 'end' && <EndForm row={editing.row} onDone={done} onCancel={() => setEditing(null)} />}
      {regency && !rows && <Spinner />}
      {rows && shown.length === 0 && <p class="empty" id="no-programmes">{t('prog.none')}</p>}
      {rows && shown.length > 0 && (
        <table class="table list" id="programme-table">
          <thead><tr>
            <th>{t('prog.village')}</th><th>{fieldLabel('program')}</th><th>{fieldLabel('status')}</th><th>{t('prog.period')}</th>
            <th>{fieldLabel('legal_basis_number')}</th><th>{t('prog.drppa')}</th>{canWrite && <th />}
          </tr></thead>
          <tbody>
            {shown.map((r) => {
              const isEnded = day(r.valid_to) && day(r.valid_to) < now;
              return (
                <tr key={r.id} data-id={r.id} data-program={r.program} data-ended={isEnded ? 'true' : 'false'}>
                  <td data-label={t('prog.village')}><Place code={r.village} /></td>
                  <td data-label={fieldLabel('program')}>{label('village_program_kinds', r.program)}</td>
                  <td data-label={fieldLabel('status')}><span class={'badge prog-' + r.status} data-status={r.status}>{label('village_program_statuses', r.status)}</span></td>
                  <td data-label={t('prog.period')} class="period">
                    {fmtDate(r.valid_from)} – {day(r.valid_to) ? fmtDate(r.valid_to) : t('prog.open')}
                    {isEnded && <span class="badge" data-ended>{t('prog.ended')}</span>}
                  </td>
                  <td data-label={fieldLabel('legal_basis_number')}>{r.legal_basis_number}{day(r.legal_basis_date) ? ` (${fmtDate(r.legal_basis_date)})` : ''}</td>
                  <td data-label={r.program === 'drppa' ? t('prog.drppa') : undefined} class="drppa-summary">{r.program === 'drppa' ? drppaSummary(r) : ''}</td>
                  {canWrite && (
                    <td class="actions">
                      <button type="button" class="small" name="edit" onClick={() => setEditing({ kind: 'edit', row: r })}>{t('prog.edit')}</button>
                      {!isEnded && <button type="button" class="small" name="end" onClick={() => setEditing({ kind: 'end', row: r })}>{t('prog.end')}</button>}
                      <button type="button" class="small danger" name="delete" onClick={() => remove(r)}>{t('prog.delete')}</button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
