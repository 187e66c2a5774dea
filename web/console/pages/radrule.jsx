// The rule editor of an automatic RAD indicator (issue 16): which records it
// counts (activities, outreach, village programmes), which of them (filters
// picked from the vocabularies, by their labels) and what it measures, with
// the value the rule would have, computed live by the server
// (GET /api/reports/rad/preview) for a chosen year in the user's area.
import { useEffect, useRef, useState } from 'preact/hooks';
import { addStrings, t, label, codes, fmtNumber, pick } from '../../shared/i18n.js';
import { entryOf } from '../../shared/vocab.js';
import { errorFields } from '../../shared/apierror.js';
import { errorMessage } from '../../shared/errors.js';
import { pb } from '../pb.js';
import { thisYear } from '../dash/api.js';

addStrings({
  'rule.title': ['Aturan penghitungan', 'Counting rule'],
  'rule.intro': ['Capaian dihitung otomatis dari catatan yang sudah disetujui, pada tahun dan wilayah laporan.', 'The achievement is computed from approved records, in the report\'s year and area.'],
  'rule.preset': ['Mulai dari aturan baku', 'Start from a standard rule'],
  'rule.source': ['Data yang dihitung', 'Records counted'],
  'rule.measure': ['Yang diukur', 'Measure'],
  'rule.filters': ['Saringan', 'Filters'],
  'rule.filters.hint': ['Tiap saringan menyimpan catatan dengan salah satu pilihan yang dicentang; catatan harus lolos semua saringan yang diisi. Tanpa centang: semua.',
    'Each filter keeps the records with any of the ticked choices; a record must pass every filter filled in. Nothing ticked: all.'],
  'rule.any': ['Semua', 'All'],
  'rule.retired': ['tidak dipakai lagi', 'retired'],
  'rule.preview': ['Pratinjau nilai', 'Preview of the value'],
  'rule.year': ['Tahun', 'Year'],
  'rule.computing': ['Menghitung…', 'Computing…'],
  'rule.byRegency': ['Per kabupaten/kota', 'By regency'],
  'rule.path.stats': ['dari ringkasan statistik', 'from the statistics tables'],
  'rule.path.records': ['dari catatan', 'from the records'],
  'rule.choose': ['Pilih data dan ukuran.', 'Choose the records and a measure.'],
});

/** What each source offers: its measures, and its filters with the list their choices come from. */
export const SOURCES = {
  activities: {
    measures: ['records', 'participants', 'participants_female', 'participants_child', 'budget', 'villages_reached', 'villages_reached_pct'],
    filters: { levels: 'area_levels', types: 'activity_types', topics: 'topics', target_groups: 'target_groups', programs: 'programs', clusters: 'clusters', funding_sources: 'funding_sources', methods: 'methods' },
  },
  outreach: {
    measures: ['records', 'participants', 'participants_female', 'participants_child', 'villages_reached', 'villages_reached_pct', 'agencies'],
    filters: { types: 'outreach_types', topics: 'topics', target_groups: 'target_groups', risk_signals: 'risk_signals', actions: 'outreach_actions', agencies: 'referral_agencies', flags: 'rad_rule_flags' },
  },
  programmes: {
    measures: ['villages', 'villages_pct'],
    filters: { program_kinds: 'village_program_kinds', program_statuses: 'village_program_statuses' },
  },
};

/** The nine standard rules of the first engine, as rules (reports.radPresets on the server). */
export const PRESETS = {
  activities_count: { source: 'activities', measure: 'records' },
  sosialisasi_count: { source: 'activities', measure: 'records', filters: { types: ['sosialisasi'] } },
  participants_total: { source: 'activities', measure: 'participants' },
  participants_female: { source: 'activities', measure: 'participants_female' },
  participants_child: { source: 'activities', measure: 'participants_child' },
  villages_reached_pct: { source: 'activities', measure: 'villages_reached_pct' },
  villages_active_patbm: { source: 'programmes', measure: 'villages', filters: { program_kinds: ['patbm'], program_statuses: ['aktif'] } },
  outreach_count: { source: 'outreach', measure: 'records' },
  referrals_count: { source: 'outreach', measure: 'records', filters: { flags: ['referred'] } },
};

const isPct = (rule) => /_pct$/.test(rule?.measure || '');

/** A rule in words: its measure, source and filters, by their labels. */
export function ruleSummary(rule) {
  if (!rule || !rule.source) return '';
  const parts = [`${label('rad_rule_measures', rule.measure)} · ${label('rad_rule_sources', rule.source)}`];
  const groups = SOURCES[rule.source]?.filters || {};
  for (const [f, values] of Object.entries(rule.filters || {})) {
    if (!values?.length) continue;
    parts.push(`${label('rad_rule_filters', f)}: ${values.map((v) => label(groups[f] || f, v)).join(', ')}`);
  }
  return parts.join(' · ');
}

/** The rule's field errors of a failed save or preview: {"source": msg, "filters.topics": msg, "": msg}. */
export function ruleErrors(err) {
  const out = {};
  const walk = (node, path) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.code === 'string') { out[path] = pick(node.message || node.code); return; }
    for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
  };
  const rule = errorFields(err).rule;
  if (rule && typeof rule.code === 'string') out[''] = pick(rule.message || rule.code);
  else walk(rule, '');
  return out;
}

function Err({ msg }) {
  return msg ? <p class="field-error" role="alert">{msg}</p> : null;
}

/** The choices a filter offers: the active codes, and the ones the rule already holds (retired ones included). */
function choicesOf(group, held) {
  const list = codes(group);
  for (const c of held || []) if (!list.includes(c)) list.push(c);
  return list;
}

function FilterPicker({ name, group, values, onChange, error }) {
  const held = values || [];
  const toggle = (code) => (e) => {
    const next = e.currentTarget.checked ? [...held, code] : held.filter((c) => c !== code);
    onChange(next);
  };
  return (
    <details class="rule-filter" data-filter={name} open={held.length > 0}>
      <summary>
        <b>{label('rad_rule_filters', name)}</b>{' '}
        <span class="sub" data-chosen>{held.length ? held.map((c) => label(group, c)).join(', ') : t('rule.any')}</span>
      </summary>
      <div class="rule-choices">
        {choicesOf(group, held).map((code) => {
          const e = entryOf(group, code);
          return (
            <label class="check" key={code}>
              <input type="checkbox" value={code} checked={held.includes(code)} onChange={toggle(code)} />
              {label(group, code)}{e && e.active === false ? <span class="sub"> ({t('rule.retired')})</span> : null}
            </label>
          );
        })}
      </div>
      <Err msg={error} />
    </details>
  );
}

/** The value of an unsaved rule for a year, computed by the server after each change (a short pause first). */
function Preview({ rule, unit, years }) {
  const [year, setYear] = useState(() => {
    const now = String(thisYear());
    return years.includes(now) ? now : (years[years.length - 1] || now);
  });
  const [state, setState] = useState({});
  const timer = useRef(null);
  const key = JSON.stringify(rule || {});
  useEffect(() => {
    if (!rule?.source || !rule?.measure) { setState({}); return undefined; }
    const ctl = new AbortController();
    clearTimeout(timer.current);
    setState((s) => ({ ...s, busy: true }));
    timer.current = setTimeout(() => {
      pb.send(`/api/reports/rad/preview?${new URLSearchParams({ rule: key, year })}`, { method: 'GET', signal: ctl.signal, requestKey: null })
        .then((p) => setState({ p }), (error) => { if (!error?.isAbort) setState({ error }); });
    }, 350);
    return () => { clearTimeout(timer.current); ctl.abort(); };
  }, [key, year]);
  const pct = isPct(rule);
  const fmt = (v) => (pct ? `${fmtNumber(v)}%` : `${fmtNumber(v)}${unit ? ' ' + unit : ''}`);
  const errs = state.error ? ruleErrors(state.error) : {};
  return (
    <div class="rule-preview" id="rule-preview" aria-live="polite">
      <div class="row" style={{ marginTop: 0, alignItems: 'center' }}>
        <h3 style={{ margin: 0 }}>{t('rule.preview')}</h3>
        <label class="check">{t('rule.year')}
          <select id="rule-year" value={year} onChange={(e) => setYear(e.currentTarget.value)} style={{ width: 'auto' }}>
            {(years.length ? years : [String(thisYear())]).map((y) => <option value={y}>{y}</option>)}
          </select>
        </label>
      </div>
      {!rule?.source || !rule?.measure ? <p class="hint">{t('rule.choose')}</p> : null}
      {state.p && (
        <div data-busy={state.busy ? 'true' : 'false'}>
          <p class="rule-value"><b id="rule-preview-value" data-value={state.p.total.value}>{fmt(state.p.total.value)}</b>{' '}
            <span class="sub">{state.p.total.area.name} · {state.p.year} · {t(`rule.path.${state.p.path}`)}</span></p>
          {state.p.regencies?.length > 0 && (
            <details><summary>{t('rule.byRegency')}</summary>
              <table class="list compact" id="rule-preview-regencies"><tbody>
                {state.p.regencies.map((r) => <tr key={r.area.code} data-area={r.area.code}><td>{r.area.name}</td><td class="num">{fmt(r.value)}</td></tr>)}
              </tbody></table>
            </details>
          )}
        </div>
      )}
      {state.busy && !state.p && <p class="hint">{t('rule.computing')}</p>}
      {state.error && <p class="field-error" role="alert" id="rule-preview-error">{Object.values(errs)[0] || errorMessage(state.error)}</p>}
    </div>
  );
}

/**
 * The rule editor: rule {source, measure, filters}; onChange(rule); err
 * the failed save (its data.rule errors are shown where they belong).
 */
export function RuleEditor({ rule, onChange, err, unit, years }) {
  const r = rule || {};
  const src = SOURCES[r.source];
  const errs = err ? ruleErrors(err) : {};
  const setSource = (e) => {
    const source = e.currentTarget.value;
    const measures = SOURCES[source]?.measures || [];
    onChange({ source, measure: measures.includes(r.measure) ? r.measure : measures[0], filters: {} });
  };
  const setFilter = (name) => (values) => {
    const filters = { ...(r.filters || {}) };
    if (values.length) filters[name] = values; else delete filters[name];
    onChange({ ...r, filters });
  };
  const preset = Object.keys(PRESETS).find((p) => JSON.stringify(normal(PRESETS[p])) === JSON.stringify(normal(r))) || '';
  return (
    <fieldset class="rule-editor wide" id="rule-editor">
      <legend>{t('rule.title')}</legend>
      <p class="hint">{t('rule.intro')}</p>
      <div class="form-grid">
        <div>
          <label for="rule-preset">{t('rule.preset')}</label>
          <select id="rule-preset" value={preset} onChange={(e) => e.currentTarget.value && onChange(structuredClone(PRESETS[e.currentTarget.value]))}>
            <option value="">—</option>
            {codes('rad_counting_rules').map((p) => <option value={p}>{label('rad_counting_rules', p)}</option>)}
          </select>
        </div>
        <div>
          <label for="rule-source">{t('rule.source')}</label>
          <select id="rule-source" value={r.source || ''} onChange={setSource}>
            <option value="">—</option>
            {codes('rad_rule_sources').map((s) => <option value={s}>{label('rad_rule_sources', s)}</option>)}
          </select>
          <Err msg={errs.source} />
        </div>
        <div>
          <label for="rule-measure">{t('rule.measure')}</label>
          <select id="rule-measure" value={r.measure || ''} onChange={(e) => onChange({ ...r, measure: e.currentTarget.value })} disabled={!src}>
            {(src?.measures || []).map((m) => <option value={m}>{label('rad_rule_measures', m)}</option>)}
          </select>
          <Err msg={errs.measure} />
        </div>
      </div>
      {src && (
        <div class="rule-filters">
          <h3>{t('rule.filters')}</h3>
          <p class="hint">{t('rule.filters.hint')}</p>
          {Object.entries(src.filters).map(([name, group]) => (
            <FilterPicker key={r.source + name} name={name} group={group} values={r.filters?.[name]} onChange={setFilter(name)} error={errs[`filters.${name}`]} />
          ))}
          {Object.entries(errs).filter(([k]) => k.startsWith('filters.') && !src.filters[k.slice(8)]).map(([k, m]) => <Err key={k} msg={m} />)}
        </div>
      )}
      <Err msg={errs[''] || Object.entries(errs).filter(([k]) => !['source', 'measure'].includes(k) && !k.startsWith('filters.')).map(([, m]) => m)[0]} />
      <Preview rule={r.source ? r : null} unit={unit} years={years || []} />
    </fieldset>
  );
}

/** A rule with empty filters dropped and values sorted, to compare rules. */
function normal(rule) {
  const filters = {};
  for (const k of Object.keys(rule?.filters || {}).sort()) {
    if (rule.filters[k]?.length) filters[k] = [...rule.filters[k]].sort();
  }
  return { source: rule?.source || '', measure: rule?.measure || '', filters };
}
