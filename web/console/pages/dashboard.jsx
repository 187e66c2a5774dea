// The province dashboard (issue 7): the seven reports of docs/reports.md on
// tabs, with one filter bar (period, include submitted) and a drill-down
// province -> regency -> district -> village. Everything lives in the hash
// (#/dashboard?tab=coverage&area=18.01&period=quarter&year=2025&index=2), so
// a link or a reload shows the same view. A district verifier gets the same
// views for its regency: the server scopes every answer.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, fmtDateTime } from '../../shared/i18n.js';
import { errorMessage } from '../../shared/errors.js';
import { href, navigate } from '../router.js';
import { Alert } from '../ui.jsx';
import { VERIFIER, REGENCY_TF } from '../roles.js';
import { fetchReport, loadReportLabels, reportParams, thisYear, downloadExport } from '../dash/api.js';
import { VIEWS, REPORTS } from '../dash/views.jsx';
import { ReportMap } from '../dash/map.jsx';

const INDEX_COUNT = { semester: 2, quarter: 4, month: 12 };
const ROMAN = ['I', 'II', 'III', 'IV'];

export function LoadBar({ text }) {
  return (
    <div class="loadbar" role="progressbar" aria-busy="true" aria-label={text} id="dash-loading">
      <div class="loadbar-run" /><span class="loadbar-text">{text}</span>
    </div>
  );
}

export function PeriodFilter({ query, path, extra }) {
  const period = query.period || 'year';
  const year = query.year || String(thisYear());
  const set = (patch) => navigate(path, { ...query, ...patch });
  const years = [];
  for (let y = thisYear() + 1; y >= 2020; y--) years.push(String(y));
  return (
    <form class="dash-filters" id="dash-filters" onSubmit={(e) => e.preventDefault()}>
      <div>
        <label for="f-period">{t('dash.period')}</label>
        <select id="f-period" value={period} onChange={(e) => set({ period: e.currentTarget.value, index: INDEX_COUNT[e.currentTarget.value] ? '1' : '' })}>
          {['year', 'semester', 'quarter', 'month', 'custom'].map((p) => <option value={p}>{t('dash.p.' + p)}</option>)}
        </select>
      </div>
      {period !== 'custom' && (
        <div>
          <label for="f-year">{t('dash.year')}</label>
          <select id="f-year" value={year} onChange={(e) => set({ year: e.currentTarget.value })}>
            {years.map((y) => <option value={y}>{y}</option>)}
          </select>
        </div>
      )}
      {INDEX_COUNT[period] && (
        <div>
          <label for="f-index">{t('dash.p.' + period)}</label>
          <select id="f-index" value={query.index || '1'} onChange={(e) => set({ index: e.currentTarget.value })}>
            {Array.from({ length: INDEX_COUNT[period] }, (_, i) => String(i + 1)).map((i) => (
              <option value={i}>{period === 'month' ? new Date(Date.UTC(2020, i - 1, 1)).toLocaleDateString(document.documentElement.lang === 'en' ? 'en-GB' : 'id-ID', { month: 'long', timeZone: 'UTC' }) : `${t('dash.p.' + period)} ${ROMAN[i - 1]}`}</option>
            ))}
          </select>
        </div>
      )}
      {period === 'custom' && (
        <>
          <div><label for="f-from">{t('dash.from')}</label><input id="f-from" type="date" value={query.from || ''} onChange={(e) => set({ from: e.currentTarget.value })} /></div>
          <div><label for="f-to">{t('dash.to')}</label><input id="f-to" type="date" value={query.to || ''} onChange={(e) => set({ to: e.currentTarget.value })} /></div>
        </>
      )}
      {extra !== false && (
        <label class="check sub-switch">
          <input type="checkbox" id="f-sub" checked={query.sub === '1'} onChange={(e) => set({ sub: e.currentTarget.checked ? '1' : '' })} />
          {t('dash.sub')}
        </label>
      )}
    </form>
  );
}

function Crumbs({ report, user, query }) {
  const crumbs = report?.breadcrumb || [];
  // A verifier cannot open the province: its crumbs start at its regency.
  const min = user.role === VERIFIER || user.role === REGENCY_TF ? (user.area || '').length : 0;
  return (
    <nav class="crumbs" aria-label="breadcrumb" id="crumbs">
      {crumbs.filter((c) => c.code.length >= min).map((c, i, all) => (
        <span key={c.code} data-crumb={c.code}>
          {i < all.length - 1 ? <a href={href('/dashboard', { ...query, area: c.code })}>{c.name}</a> : <b aria-current="page">{c.name}</b>}
          {i < all.length - 1 && <span class="sep" aria-hidden="true"> › </span>}
        </span>
      ))}
    </nav>
  );
}

export function ExportButtons({ names, params, id = 'exports' }) {
  const [busy, setBusy] = useState('');
  const [done, setDone] = useState('');
  const [error, setError] = useState(null);
  const go = async (name, format) => {
    setBusy(name + '.' + format); setError(null); setDone('');
    try { setDone(await downloadExport(name, format, params)); } catch (e) { setError(e); }
    setBusy('');
  };
  return (
    <div class="exports" id={id}>
      {names.map(([name, text, formats = ['csv', 'xlsx']]) => (
        <span class="exp-group" key={name}>
          <span class="exp-label">{text}</span>
          {formats.map((f) => (
            <button type="button" key={f} data-export={`${name}.${f}`} disabled={!!busy} onClick={() => go(name, f)}>{f.toUpperCase()}</button>
          ))}
        </span>
      ))}
      {busy && <span class="muted" role="status">{t('exp.busy')}</span>}
      {done && <span class="alert ok" role="status" id="export-done">{t('exp.done', { file: done })}</span>}
      {error && <Alert error={error} />}
    </div>
  );
}

export function Dashboard({ user, query }) {
  const tab = REPORTS.includes(query.tab) ? query.tab : 'activities';
  const params = reportParams(query);
  const key = JSON.stringify([tab, params]);
  const [state, setState] = useState({ key: null, data: null, error: null, loading: true });
  const [showAll, setShowAll] = useState(false);
  const ctl = useRef(null);

  // Case figures are for whole calendar years only (docs/reports.md): the
  // server refuses other periods, so the tab offers the year instead.
  const caseYear = tab === 'cases' && params.period !== 'year'
    ? String(params.year || (params.from || '').slice(0, 4) || thisYear()) : '';
  const load = () => {
    if (caseYear) {
      ctl.current?.abort();
      setState({ key, data: null, error: null, loading: false, caseYear });
      return;
    }
    if (params.period === 'custom' && (!params.from || !params.to)) {
      setState({ key, data: null, error: null, loading: false, need: true });
      return;
    }
    ctl.current?.abort();
    const c = new AbortController();
    ctl.current = c;
    setState((s) => ({ ...s, key, loading: true, error: null }));
    Promise.all([loadReportLabels(), fetchReport(tab, params, c.signal)])
      .then(([, data]) => { if (!c.signal.aborted) setState({ key, data, error: null, loading: false }); })
      .catch((error) => { if (!c.signal.aborted) setState((s) => ({ ...s, key, error, loading: false })); });
  };
  useEffect(() => { setShowAll(false); load(); return () => ctl.current?.abort(); }, [key]);

  const r = state.data && state.data.report === tab ? state.data : null;
  const drill = (code) => href('/dashboard', { ...query, area: code });
  const View = VIEWS[tab];
  const exportNames = [[`report_${tab}`, t('exp.report')], ['activities', t('exp.activities')], ['outreach_logs', t('exp.outreach_logs')]];

  return (
    <section id="dashboard" data-tab={tab} data-area={r?.area?.code || ''} data-loading={state.loading ? '1' : '0'}>
      <div class="page-head">
        <div>
          <h1>{t('dash.title')}</h1>
          <p class="kicker" id="dash-period">{r?.period ? (document.documentElement.lang === 'en' ? r.period.labelEn : r.period.label) : ''}
            {' · '}{query.sub === '1' ? t('dash.sub.on') : t('dash.approvedOnly')}</p>
        </div>
        <a class="button" id="to-annual" href={href('/annual', { year: params.year || String(thisYear()), area: query.area })}>{t('exp.annual')}</a>
      </div>
      <PeriodFilter query={query} path="/dashboard" />
      <Crumbs report={r} user={user} query={query} />
      <nav class="tabs dash-tabs" role="tablist">
        {REPORTS.map((k) => (
          <a key={k} role="tab" href={href('/dashboard', { ...query, tab: k })} class={k === tab ? 'tab active' : 'tab'} aria-selected={k === tab} data-tab={k}>{t('tab.' + k)}</a>
        ))}
      </nav>
      {state.need && <Alert kind="info" message={t('dash.custom.need')} />}
      {state.caseYear && (
        <div class="alert info" role="status" id="cases-year-only">
          <span>{t('case.yearOnly')}</span>
          <a class="button" id="cases-show-year" href={href('/dashboard', { ...query, period: 'year', year: state.caseYear, index: '', from: '', to: '' })}>
            {t('case.showYear', { year: state.caseYear })}
          </a>
        </div>
      )}
      {state.loading && <LoadBar text={t('dash.loading')} />}
      {state.error && <Alert error={state.error} retry={load} />}
      {r && (
        <div class={state.loading ? 'card report stale' : 'card report'} id="report" data-report={r.report} data-ready={state.loading ? '0' : '1'}>
          <div class="report-head">
            <h2>{document.documentElement.lang === 'en' ? r.titleEn : r.title} — {r.area?.name}</h2>
            {r.childLevel && <p class="hint">{t('dash.drill')}</p>}
          </div>
          <ReportMap r={r} tab={tab} drill={drill} query={query} />
          <View r={r} drill={drill} showAll={showAll} onShowAll={() => setShowAll(true)} />
          <div class="export-bar">
            <h3>{t('exp.title')}</h3>
            <ExportButtons names={exportNames} params={params} />
            <p class="hint">{t('exp.note')}</p>
          </div>
          <p class="hint credit">{r.credit} · {fmtDateTime(r.generatedAt)}</p>
        </div>
      )}
    </section>
  );
}
