// The village's programmes on the phone (issue 16): DRPPA, PATBM,
// Desmigratif, perdes... with their validity and, for DRPPA, the
// self-assessment form. Offline first like every record: saved in
// IndexedDB, sent by sync.js (native push; the server checks the period,
// the overlap with another row of the same programme and the DRPPA form on
// every path, and its refusals come back onto the fields). The officer may
// add and change its village's programmes; removing one is for the
// regency's verifier (the policy table), so a programme that stopped is
// ended, not deleted.
import { useState } from 'preact/hooks';
import { db } from './db.js';
import { go, useLive } from './hooks.js';
import { codes, fieldLabel, formatDate, label, serverText, t } from './i18n.js';
import { setLater } from '../../shared/later.js';
import { strings } from './strings.js';
import { DRPPA_ANSWERS, DRPPA_PERCENTS, FREE_TEXT, newId, normalize, PROGRAMMES, privacyProblems, REQUIRED } from './model.js';
import { deleteRecord, discardChanges, keyOf, saveRecord } from './store.js';
import labels from '../../../catalog/labels.json';
import { todayWIB as today } from '../../shared/wib.js';

Object.assign(strings, {
  tab_programmes: ['Program desa', 'Programmes'],
  prog_title: ['Program dan kelembagaan desa', 'Village programmes and institutions'],
  prog_intro: ['Program yang berlaku di desa Anda dan riwayatnya. Program yang berhenti diakhiri (isi tanggal berlaku sampai), tidak dihapus; laporan tahun lalu memakai keadaan tahun itu.',
    'The programmes of your village and their history. A programme that stops is ended (fill in its valid-to date), not deleted; last year\'s reports use that year\'s state.'],
  prog_new: ['Tambah program', 'Add a programme'],
  prog_empty: ['Belum ada program tercatat untuk desa ini.', 'No programme recorded for this village yet.'],
  prog_history: ['Riwayat (sudah berakhir)', 'History (ended)'],
  prog_now: ['sekarang', 'now'],
  prog_st_local: ['Di HP, belum terkirim', 'On the phone, not sent yet'],
  prog_st_sending: ['Sedang dikirim', 'Sending'],
  prog_st_sent: ['Tersimpan di server', 'Saved on the server'],
  prog_st_rejected: ['Ditolak server: perbaiki', 'Refused by the server: fix it'],
  prog_drppa: ['Penilaian mandiri DRPPA', 'DRPPA self-assessment'],
  prog_drppa_hint: ['Indikator KemenPPPA. Bila tanggal penilaian diisi, semua indikator dijawab.', "KemenPPPA's indicators. When the assessment date is given, every indicator is answered."],
  prog_drppa_none: ['— belum dinilai —', '— not assessed —'],
  prog_drppa_met: ['{met} dari {of} indikator terpenuhi', '{met} of {of} indicators met'],
  prog_drppa_legacy: ['Penilaian lama (teks bebas, hanya dibaca):', 'Earlier assessment (free form, read only):'],
  prog_end: ['Akhiri / ganti status', 'End / change status'],
  prog_end_on: ['Berakhir pada tanggal', 'Ends on'],
  prog_then: ['Lalu', 'Then'],
  prog_then_stop: ['Program berhenti', 'The programme stops'],
  prog_then_status: ['berlanjut dengan status {status} mulai hari berikutnya', 'continues as {status} from the next day'],
  prog_end_btn: ['Akhiri', 'End'],
  prog_to_before_from: ['Tanggal berlaku sampai tidak boleh sebelum berlaku sejak.', 'The valid-to date cannot be before the valid-from date.'],
  prog_pct_range: ['Isi 0 sampai 100.', 'Give 0 to 100.'],
  prog_answer_needed: ['Jawab indikator ini (penilaian bertanggal).', 'Answer this indicator (the assessment is dated).'],
  prog_date_needed: ['Isi tanggal penilaian.', 'Give the assessment date.'],
  prog_discard: ['Batalkan perubahan', 'Discard changes'],
  prog_delete: ['Hapus (belum terkirim)', 'Delete (not sent yet)'],
});

const GROUP = { program: 'village_program_kinds', status: 'village_program_statuses' };
const ANSWERS = Object.keys(labels.drppa_answers);
/** KemenPPPA's order: 1-4 answers, 5-7 percentages, 8 a case fact (shown, not asked), 9-10 answers. */
const ORDER = [...DRPPA_ANSWERS.slice(0, 4), ...DRPPA_PERCENTS, 'drppa_no_violence_trafficking', ...DRPPA_ANSWERS.slice(4)];

const nextDay = (d) => { const x = new Date(d + 'T00:00:00Z'); x.setUTCDate(x.getUTCDate() + 1); return x.toISOString().slice(0, 10); };

/** A programme's state on the phone: {code, text, tone}. */
function programmeState(rec) {
  if (rec.rejection) return { code: 'rejected', text: t('prog_st_rejected'), tone: 'bad' };
  if (rec.pending) return { code: 'sending', text: t('prog_st_sending'), tone: 'local' };
  if (rec.dirty) return { code: 'local', text: t('prog_st_local'), tone: 'local' };
  return { code: 'sent', text: t('prog_st_sent'), tone: 'good' };
}

function drppaSummary(d) {
  if (!d.drppa_assessed_on) return '';
  const met = DRPPA_ANSWERS.filter((f) => d[f] === 'terpenuhi').length;
  return t('prog_drppa_met', { met, of: DRPPA_ANSWERS.length });
}

function Row({ rec }) {
  const d = rec.data;
  const s = programmeState(rec);
  return (
    <li>
      <a href={`#/r/${PROGRAMMES}/${rec.id}`} data-id={rec.id} data-program={d.program} data-state={s.code}>
        <div class="row1"><strong class="title">{label(GROUP.program, d.program)}</strong><span class="date">{formatDate(d.valid_from)} – {d.valid_to ? formatDate(d.valid_to) : t('prog_now')}</span></div>
        <div class="row2" data-status={d.status}>{label(GROUP.status, d.status)}{d.program === 'drppa' && d.drppa_assessed_on ? ' · ' + drppaSummary(d) : ''}</div>
        <div class="badges"><span class={`badge ${s.tone}`} data-state={s.code}>{s.text}</span></div>
        {rec.rejection && <div class="note-snippet bad" data-testid="fix-hint">{Object.entries(rec.rejection.errors || {}).map(([f, e]) => `${fieldLabel(f)}: ${serverText(e.message)}`).join(' ')}</div>}
      </a>
    </li>
  );
}

/** The programmes of the village, current first, then the ended ones. */
export function ProgrammeList({ saved }) {
  const recs = useLive(() => db.records.where('collection').equals(PROGRAMMES).toArray(), [], null);
  if (!recs) return null;
  const now = today();
  const live = recs.filter((r) => !r.deleted);
  const sorted = [...live].sort((a, b) => label(GROUP.program, a.data.program).localeCompare(label(GROUP.program, b.data.program)) || b.data.valid_from.localeCompare(a.data.valid_from));
  const current = sorted.filter((r) => !r.data.valid_to || r.data.valid_to >= now);
  const ended = sorted.filter((r) => r.data.valid_to && r.data.valid_to < now);
  return (
    <div data-testid="programmes">
      <p class="hint">{t('prog_intro')}</p>
      {saved && live.some((r) => r.id === saved && (r.dirty || r.pending) && !r.rejection) && <p class="notice" data-testid="saved-notice">{t('saved_local')}</p>}
      {live.length === 0 && <p class="empty">{t('prog_empty')}</p>}
      <ul class="records" data-testid="list-programmes">{current.map((r) => <Row key={r.key} rec={r} />)}</ul>
      {ended.length > 0 && (
        <>
          <h3>{t('prog_history')}</h3>
          <ul class="records" data-testid="list-programmes-ended">{ended.map((r) => <Row key={r.key} rec={r} />)}</ul>
        </>
      )}
      <div class="fab"><a class="button primary" href={`#/new/${PROGRAMMES}`} data-testid="new-programme">+ {t('prog_new')}</a></div>
    </div>
  );
}

/** The form's own checks, offline, before anything is saved (the server checks again). */
export function validateProgramme(d) {
  const e = {};
  const put = (f, key) => setLater(e, f, () => t(key)); // read when shown: follows a switch of language
  for (const f of REQUIRED[PROGRAMMES]) if (!d[f]) put(f, 'required');
  if (d.valid_to && d.valid_from && d.valid_to < d.valid_from) put('valid_to', 'prog_to_before_from');
  for (const f of FREE_TEXT) {
    const problems = privacyProblems(d[f]);
    if (problems.length) setLater(e, f, () => problems.map((w) => t(`privacy_${w}_block`)).join(' '));
  }
  if (d.program === 'drppa') {
    const any = DRPPA_ANSWERS.some((f) => d[f]) || DRPPA_PERCENTS.some((f) => d[f]);
    if (any && !d.drppa_assessed_on) put('drppa_assessed_on', 'prog_date_needed');
    if (d.drppa_assessed_on) for (const f of DRPPA_ANSWERS) if (!d[f]) put(f, 'prog_answer_needed');
    for (const f of DRPPA_PERCENTS) if (d[f] < 0 || d[f] > 100) put(f, 'prog_pct_range');
  }
  return e;
}

/** A DRPPA row only carries the DRPPA fields. */
function cleaned(d) {
  if (d.program === 'drppa') return d;
  const out = { ...d, drppa_assessed_on: '' };
  for (const f of DRPPA_ANSWERS) out[f] = '';
  for (const f of DRPPA_PERCENTS) out[f] = 0;
  return out;
}

function F({ name, error, children }) {
  return (
    <div class={`field${error ? ' has-error' : ''}`} data-field={name}>
      {children}
      {error && <p class="error field-error" data-error-for={name} role="alert">{error}</p>}
    </div>
  );
}

function legacyText(v) {
  if (v == null || v === '' || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 1);
}

export function ProgrammeForm({ id, village }) {
  const [recId] = useState(() => id || newId());
  const rec = useLive(() => db.records.get(keyOf(PROGRAMMES, recId)).then((r) => r || null), [recId], undefined);
  const [data, setData] = useState(null);
  const [errors, setErrors] = useState({});
  const [touched, setTouched] = useState(false);
  const [ending, setEnding] = useState(false);
  const [endOn, setEndOn] = useState(today());
  const [then, setThen] = useState('');
  if (rec === undefined) return null;
  const d = data || (rec ? rec.data : { ...normalize(PROGRAMMES, {}), village, valid_from: today() });
  const set = (k, v) => { setData({ ...d, [k]: v }); setTouched(true); };
  const serverErrors = {};
  if (rec?.rejection && !touched) for (const [f, v] of Object.entries(rec.rejection.errors || {})) serverErrors[f] = serverText(v.message);
  const errs = { ...serverErrors, ...errors };
  const synced = !!rec?.remote;
  const save = async () => {
    const next = cleaned(d);
    const e = validateProgramme(next);
    setErrors(e);
    if (Object.keys(e).length) return;
    await saveRecord(PROGRAMMES, recId, next);
    go(`/programmes?saved=${recId}`);
    import('./sync.js').then((m) => m.syncNow());
  };
  // Ends this row and, with a status chosen, starts the next row the day after:
  // saved in that order, so the end reaches the server first.
  const end = async () => {
    const old = cleaned({ ...d, valid_to: endOn });
    const e = validateProgramme(old);
    setErrors(e);
    if (Object.keys(e).length) return;
    await saveRecord(PROGRAMMES, recId, old);
    if (then) {
      const fresh = { ...old, status: then, valid_from: nextDay(endOn), valid_to: '' };
      await saveRecord(PROGRAMMES, newId(), fresh);
    }
    go('/programmes?saved=' + recId);
    import('./sync.js').then((m) => m.syncNow());
  };
  const kinds = codes(GROUP.program);
  if (d.program && !kinds.includes(d.program)) kinds.push(d.program);
  const select = (name, group, required, disabled) => (
    <F name={name} error={errs[name]}>
      <label for={`f-${name}`}>{fieldLabel(name)}{required && ' *'}</label>
      <select id={`f-${name}`} name={name} value={d[name]} disabled={disabled} onChange={(e) => set(name, e.currentTarget.value)}>
        <option value="">{t('choose')}</option>
        {(group === GROUP.program ? kinds : codes(group)).map((c) => <option key={c} value={c}>{label(group, c)}</option>)}
      </select>
    </F>
  );
  const date = (name, required) => (
    <F name={name} error={errs[name]}>
      <label for={`f-${name}`}>{fieldLabel(name)}{required && ' *'}</label>
      <input id={`f-${name}`} name={name} type="date" value={d[name]} onInput={(e) => set(name, e.currentTarget.value)} />
    </F>
  );
  const text = (name, max, long) => {
    const Tag = long ? 'textarea' : 'input';
    return (
      <F name={name} error={errs[name]}>
        <label for={`f-${name}`}>{fieldLabel(name)}</label>
        <Tag id={`f-${name}`} name={name} value={d[name]} maxLength={max} rows={long ? 3 : undefined} onInput={(e) => set(name, e.currentTarget.value)} />
        <p class="privacy">{t('privacy_short')}</p>
      </F>
    );
  };
  const legacy = legacyText(rec?.remote?.drppa_assessment);
  return (
    <form class="record-form" data-testid="programme-form" data-id={recId} onSubmit={(e) => { e.preventDefault(); save(); }}>
      <h2>{synced ? label(GROUP.program, d.program) : t('prog_new')}</h2>
      {rec?.rejection && <div class="rejected" data-testid="rejection"><p>{t('prog_st_rejected')}</p></div>}
      <section class="card">
        {select('program', GROUP.program, true, synced)}
        {select('status', GROUP.status, true, false)}
        {date('valid_from', true)}
        {date('valid_to', false)}
        {text('legal_basis_number', 200, false)}
        {date('legal_basis_date', false)}
        {text('note', 1000, true)}
      </section>
      {d.program === 'drppa' && (
        <section class="card" data-testid="drppa-form">
          <h3>{t('prog_drppa')}</h3>
          <p class="hint">{t('prog_drppa_hint')}</p>
          {date('drppa_assessed_on', false)}
          {ORDER.map((f) => {
            const text8 = label('drppa_indicators', f);
            if (f === 'drppa_no_violence_trafficking') return <p key={f} class="hint case-fact" data-indicator={f}><em>{text8}</em></p>;
            if (DRPPA_PERCENTS.includes(f)) {
              return (
                <F key={f} name={f} error={errs[f]}>
                  <label for={`f-${f}`}>{text8}</label>
                  <input id={`f-${f}`} name={f} type="number" inputMode="decimal" min="0" max="100" step="0.1" value={d[f] === 0 && !d.drppa_assessed_on ? '' : d[f]}
                    onInput={(e) => set(f, e.currentTarget.value === '' ? 0 : Number(e.currentTarget.value))} />
                </F>
              );
            }
            return (
              <F key={f} name={f} error={errs[f]}>
                <label for={`f-${f}`}>{text8}</label>
                <select id={`f-${f}`} name={f} value={d[f]} onChange={(e) => set(f, e.currentTarget.value)}>
                  <option value="">{t('prog_drppa_none')}</option>
                  {ANSWERS.map((a) => <option key={a} value={a}>{label('drppa_answers', a)}</option>)}
                </select>
              </F>
            );
          })}
          {legacy && <div class="hint" data-testid="drppa-legacy"><p>{t('prog_drppa_legacy')}</p><pre>{legacy}</pre></div>}
        </section>
      )}
      <div class="actions">
        <button type="submit" class="primary" name="save">{t('save')}</button>
        {synced && !d.valid_to && !ending && <button type="button" name="end" onClick={() => setEnding(true)}>{t('prog_end')}</button>}
        {rec && rec.dirty === 1 && rec.remote && !rec.pending && <button type="button" name="discard" onClick={async () => { await discardChanges(rec.key); setData(null); setErrors({}); setTouched(false); }}>{t('prog_discard')}</button>}
        {rec && !rec.remote && !rec.pending && <button type="button" class="danger" name="delete" onClick={async () => { if (confirm(t('delete_confirm'))) { await deleteRecord(rec.key); go('/programmes'); } }}>{t('prog_delete')}</button>}
      </div>
      {ending && (
        <section class="card" data-testid="end-form">
          <h3>{t('prog_end')}</h3>
          <F name="end_on" error={errs.valid_to}>
            <label for="f-end-on">{t('prog_end_on')}</label>
            <input id="f-end-on" name="end_on" type="date" value={endOn} onInput={(e) => setEndOn(e.currentTarget.value)} />
          </F>
          <F name="then">
            <label for="f-then">{t('prog_then')}</label>
            <select id="f-then" name="then" value={then} onChange={(e) => setThen(e.currentTarget.value)}>
              <option value="">{t('prog_then_stop')}</option>
              {codes(GROUP.status).map((c) => <option key={c} value={c}>{t('prog_then_status', { status: label(GROUP.status, c) })}</option>)}
            </select>
          </F>
          <div class="actions"><button type="button" class="primary" name="end-confirm" onClick={end}>{t('prog_end_btn')}</button></div>
        </section>
      )}
    </form>
  );
}
