// Case figures (angka kasus agregat, issue 7): aggregate counts per regency
// or province and period, with their source and status — never a person.
// Entered by the secretariat (any area), a verifier (its regency) or a
// task-force member (its cluster); the collection rules decide. In the list,
// a regency's counts of 1-4 read "<5" as everywhere else, and the edit form
// never shows them either: a hidden figure is left blank (placeholder "<5")
// and kept as it is unless a new one is typed. "Ubah" shows only on the rows
// the server lets this user change (the same rules as access/rules.go).
import { useEffect, useState } from 'preact/hooks';
import { t, label, setText } from '../../shared/i18n.js';
import { pb, useLatest } from '../pb.js';
import { placeLabel } from '../areas.js';
import { Alert, Spinner } from '../ui.jsx';
import { PROVINCE, VERIFIER, TASKFORCE, REGENCY_TF } from '../roles.js';
import { thisYear } from '../dash/api.js';
import { CaseForm, blankCase, SCALARS, BREAKDOWNS } from './caseform.jsx';

const COUNTS = SCALARS;

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
  const v = { ...blankCase(user), ...r, year: String(r.year), period_index: String(r.period_index || 0), masked: {} };
  for (const k of COUNTS) {
    if (hidden(r[k], r.area)) { v[k] = ''; v.masked[k] = true; } else v[k] = String(r[k] ?? 0);
  }
  for (const [g] of BREAKDOWNS) {
    v[g] = {};
    for (const [k, n] of Object.entries(r[g] || {})) {
      if (hidden(n, r.area)) v.masked[g + '.' + k] = true;
      else v[g][k] = String(n);
    }
  }
  v.original = r;
  return v;
}

function periodText(r) {
  if (r.period_type === 'year') return String(r.year);
  return `${r.year} · ${label('period_types', r.period_type)} ${r.period_index}`;
}

/** The list's columns: cases, victims, female and male victims, served. */
const LIST = [['case_count', (r) => r.case_count, 'cf.case_count'], ['victims_total', (r) => r.victims_total, 'cf.victims_total'],
  ['victims_by_sex.female', (r) => r.victims_by_sex?.female, null, 'sexes', 'female'], ['victims_by_sex.male', (r) => r.victims_by_sex?.male, null, 'sexes', 'male'],
  ['cases_served', (r) => r.cases_served, 'cf.cases_served']];
const listLabel = ([, , key, vocab, code]) => (key ? t(key) : `${t('cf.victims')}: ${label(vocab, code)}`);

export function Cases({ user }) {
  const [state, setState] = useState({ loading: true });
  const [year, setYear] = useState(String(thisYear()));
  // what is typed, kept apart from the year listed: the list's answer
  // re-renders the page while one types, and would put the old year back
  const [yearDraft, setYearDraft] = useState(year);
  const [editing, setEditing] = useState(null);
  const [msg, setMsg] = useState('');
  const latest = useLatest(); // a year changed while the list loads: only the newest shows
  const load = () => {
    const current = latest();
    setState((s) => ({ ...s, loading: true }));
    pb.collection('case_aggregates').getFullList({ filter: pb.filter('year = {:y}', { y: Number(year) }), sort: 'area,period_type,period_index', batch: 500 })
      .then((items) => current() && setState({ items }), (error) => current() && setState({ error }));
  };
  useEffect(load, [year]);
  const canWrite = [PROVINCE, VERIFIER, TASKFORCE, REGENCY_TF].includes(user.role);
  return (
    <section id="cases">
      <div class="page-head">
        <h1>{t('case.title')}</h1>
        {canWrite && !editing && <button type="button" class="primary" id="case-new" onClick={() => setEditing(blankCase(user))}>{t('case.new')}</button>}
      </div>
      <p class="muted">{t('case.intro')}</p>
      {editing && <CaseForm key={editing.id || 'new'} user={user} initial={editing} onCancel={() => setEditing(null)} onDone={() => { setEditing(null); setMsg(setText({}, 'text', 'case.saved')); load(); }} />}
      <div class="toolbar">
        <label class="check">{t('dash.year')}
          <input id="case-year" type="number" min="2000" max="2100" value={yearDraft} onInput={(e) => setYearDraft(e.currentTarget.value)} onChange={(e) => setYear(e.currentTarget.value)} style={{ width: '7rem' }} />
        </label>
        <span class="hint">{t('case.listNote')}</span>
      </div>
      {msg && <Alert kind="ok" message={msg} id="case-msg" />}
      {state.error && <Alert error={state.error} retry={load} />}
      {state.loading && <Spinner />}
      {state.items && (
        <div class="scroll">
          <table class="list data" id="cases-table">
            <thead><tr><th>{t('acc.area')}</th><th>{t('dash.period')}</th>{LIST.map((c) => <th class="num" key={c[0]}>{listLabel(c)}</th>)}<th>{t('k.source')}</th><th></th></tr></thead>
            <tbody>
              {state.items.length === 0 && <tr><td colSpan={10} class="empty">{t('case.none')}</td></tr>}
              {state.items.map((r) => (
                <tr key={r.id} data-case={r.id} data-area={r.area}>
                  <td data-label={t('acc.area')}>{placeLabel(r.area)}</td>
                  <td data-label={t('dash.period')}>{periodText(r)}</td>
                  {LIST.map((c) => { const s = shown(c[1](r), r.area); return <td class="num" key={c[0]} data-label={listLabel(c)} data-col={c[0]}><span class={s === '<5' ? 'fig suppressed' : 'fig'}>{s}</span></td>; })}
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
