// The annual report of the task force (Laporan Tahunan GT PP TPPO), reports
// 1-7 for one year and the caller's area (GET /api/reports/annual), laid out
// for printing (print CSS in style.css: no menu, no buttons, A4 margins), and
// its workbook (GET /api/exports/annual.xlsx).
import { useEffect, useState } from 'preact/hooks';
import { t, lang, fmtDateTime } from '../../shared/i18n.js';
import { Alert } from '../ui.jsx';
import { href, navigate } from '../router.js';
import { fetchReport, loadReportLabels, thisYear } from '../dash/api.js';
import { useLatest } from '../pb.js';
import { VIEWS, REPORTS } from '../dash/views.jsx';
import { ExportButtons, LoadBar } from './dashboard.jsx';

export function Annual({ query }) {
  const year = query.year || String(thisYear());
  const params = { year, period: 'year', ...(query.area ? { area: query.area } : {}), ...(query.sub === '1' ? { includeSubmitted: '1' } : {}) };
  const key = JSON.stringify(params);
  const [state, setState] = useState({ loading: true });
  const latest = useLatest(); // year or area changed while the report loads: only the newest shows
  const load = () => {
    const current = latest();
    setState({ loading: true });
    Promise.all([loadReportLabels(), fetchReport('annual', params)])
      .then(([, data]) => current() && setState({ data }), (error) => current() && setState({ error }));
  };
  useEffect(load, [key]);
  const r = state.data;
  const years = [];
  for (let y = thisYear(); y >= 2020; y--) years.push(String(y));
  return (
    <article id="annual" class="annual" data-ready={r ? '1' : '0'}>
      <div class="no-print toolbar">
        <a href={href('/dashboard', { area: query.area, year })}>{t('common.back')}</a>
        <label class="check">{t('dash.year')}
          <select id="annual-year" value={year} onChange={(e) => navigate('/annual', { ...query, year: e.currentTarget.value })} style={{ width: 'auto' }}>
            {years.map((y) => <option value={y}>{y}</option>)}
          </select>
        </label>
        <button type="button" class="primary" id="print" onClick={() => window.print()} disabled={!r}>{t('annual.print')}</button>
        <ExportButtons id="annual-exports" names={[['annual', t('annual.xlsx'), ['xlsx']]]} params={params} />
      </div>
      {state.loading && <LoadBar text={t('dash.loading')} />}
      {state.error && <Alert error={state.error} retry={load} />}
      {r && (
        <>
          <header class="annual-head">
            <p class="kicker">{t('app.org')}</p>
            <h1>{t('annual.title')} {r.year}</h1>
            <p>{r.area?.name} · {lang() === 'en' ? r.period?.labelEn : r.period?.label} · {(r.statuses || []).map((s) => t('k.' + s)).join(', ')}</p>
            <p class="hint">{t('annual.generated', { when: fmtDateTime(r.generatedAt) })}</p>
          </header>
          {REPORTS.map((k, i) => {
            const sub = r[k];
            if (!sub) return null;
            const View = VIEWS[k];
            return (
              <section class="annual-part" key={k} data-part={k}>
                <h2>{i + 1}. {lang() === 'en' ? sub.titleEn : sub.title}</h2>
                <View r={sub} drill={null} showAll={(sub.unreached || []).length <= 300} />
              </section>
            );
          })}
          <p class="hint credit">{r.credit}</p>
        </>
      )}
    </article>
  );
}
