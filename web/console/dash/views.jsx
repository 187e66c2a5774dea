// One view per report of docs/reports.md, shared by the dashboard and the
// printable annual report. `drill(code)` gives the link to an area's view
// (null on the printed page). Case figures are shown exactly as the server
// sends them: "<5" and "•" stay as they are.
import { t, fmtNumber, fmtDate, lang, label, codes } from '../../shared/i18n.js';
import '../pages/casestrings.js';
import { rl } from './api.js';
import { ruleSummary } from '../pages/radrule.jsx';
import { HBars, StackedPeople, Columns, PctBar, Light, Legend, PARTS, PART_COLORS } from './charts.jsx';
import { StatusBadge } from '../ui.jsx';

const legend = () => Object.fromEntries(PARTS.map((p) => [p, t('p.' + p)]));

export function AreaCell({ area, drill }) {
  if (!area) return null;
  const link = drill && area.level !== 'village' ? drill(area.code) : drill ? drill(area.code) : null;
  return (
    <span class="area-cell" data-area={area.code}>
      {link ? <a href={link} class="drill" data-drill={area.code}>{area.name}</a> : <span>{area.name}</span>}
      {area.level === 'village' && <span class="vplace">{[area.district && t('area.district', { name: area.district }), area.regency].filter(Boolean).join(', ')}</span>}
      {area.active === false && <span class="badge">{t('area.inactive')}</span>}
    </span>
  );
}

function Stat({ label, value, id, sub }) {
  return <div class="stat" id={id}><span class="stat-v">{value}</span><span class="stat-l">{label}</span>{sub && <span class="sub">{sub}</span>}</div>;
}

function monthLabel(m) {
  const d = new Date(m + '-01T00:00:00Z');
  return d.toLocaleDateString(lang() === 'en' ? 'en-GB' : 'id-ID', { month: 'short', timeZone: 'UTC' });
}

// A count hidden by the small-count rule (outreach of villages) shows its mark ("<5", "•").
const breakdown = (list, group, key = 'count') => (list || []).map((b) => ({ key: b.key, label: rl(group, b.key), value: b.mark ? 0 : b[key], text: b.mark || undefined }));
const shownCount = (x, name, v) => x?.hidden?.[name] ?? fmtNumber(v);
const nonZero = (items) => items.filter((i) => i.value);

function PeopleTable({ p }) {
  const v = p || {};
  return (
    <div class="scroll"><table class="people">
      <thead><tr><th></th><th>{t('k.male')}</th><th>{t('k.female')}</th><th>{t('k.total')}</th></tr></thead>
      <tbody>
        <tr><th>{t('k.children')}</th><td>{fmtNumber(v.male_child)}</td><td>{fmtNumber(v.female_child)}</td><td>{fmtNumber((v.male_child || 0) + (v.female_child || 0))}</td></tr>
        <tr><th>{t('k.adults')}</th><td>{fmtNumber(v.male_adult)}</td><td>{fmtNumber(v.female_adult)}</td><td>{fmtNumber((v.male_adult || 0) + (v.female_adult || 0))}</td></tr>
      </tbody>
      <tfoot><tr><th>{t('k.total')}</th><td>{fmtNumber((v.male_child || 0) + (v.male_adult || 0))}</td><td>{fmtNumber((v.female_child || 0) + (v.female_adult || 0))}</td><td>{fmtNumber(v.total)}</td></tr></tfoot>
    </table></div>
  );
}

export function ActivitiesView({ r, drill }) {
  const tot = r.totals || {};
  const rows = r.rows || [];
  return (
    <div class="report-body" data-view="activities">
      <div class="stats">
        <Stat id="stat-activities" label={t('k.activities')} value={fmtNumber(tot.activities)} />
        <Stat id="stat-participants" label={t('k.participants')} value={fmtNumber(tot.participants?.total)} sub={`${t('k.disabled')}: ${fmtNumber(tot.participants?.disabled)}`} />
        <Stat id="stat-budget" label={t('k.budget')} value={fmtNumber(tot.budget)} />
      </div>
      <div class="grid2">
        <section><h3>{t('k.peopleBy')}</h3><PeopleTable p={tot.participants} /></section>
        {r.series?.length > 0 && <section><Columns id="chart-months" series={r.series} title={t('k.perMonth')} monthLabel={monthLabel} /></section>}
        <section><HBars id="chart-type" title={t('k.byType')} items={breakdown(tot.byType, 'activity_type')} /></section>
        <section><HBars id="chart-topic" title={t('k.byTopic')} items={breakdown(tot.byTopic, 'topic')} /></section>
        <section><HBars id="chart-funding" title={t('k.byFunding')} items={nonZero(breakdown(tot.byFunding, 'funding'))} /></section>
        <section><HBars id="chart-level" title={t('k.byLevel')} items={breakdown(tot.byLevel, 'level')} /></section>
        <section><HBars id="chart-cluster" title={t('k.byCluster')} items={nonZero(breakdown(tot.byCluster, 'cluster'))} /></section>
      </div>
      {r.ownLevel && r.ownLevel.activities > 0 && (
        <p class="muted" id="own-level">{t('k.ownLevel', { n: fmtNumber(r.ownLevel.activities), area: r.area?.name || '' })}</p>
      )}
      {rows.length > 0 && (
        <>
          <StackedPeople id="chart-people" title={t('k.peopleBy')} legend={legend()}
            rows={rows.map((x) => ({ key: x.area.code, label: x.area.name, participants: x.participants }))}
            onPick={drill ? (x) => drill(x.key) : null} />
          <div class="scroll">
            <table class="list data" id="rows-activities">
              <thead><tr><th>{t('k.area')}</th><th class="num">{t('k.activities')}</th>{PARTS.map((p) => <th class="num" key={p}>{t('p.' + p)}</th>)}<th class="num">{t('k.participants')}</th><th class="num">{t('k.budget')}</th></tr></thead>
              <tbody>
                {rows.map((x) => (
                  <tr key={x.area.code} data-row={x.area.code}>
                    <td data-label={t('k.area')}><AreaCell area={x.area} drill={drill} /></td>
                    <td class="num" data-label={t('k.activities')}>{fmtNumber(x.activities)}</td>
                    {PARTS.map((p) => <td class="num" key={p} data-label={t('p.' + p)}>{fmtNumber(x.participants?.[p])}</td>)}
                    <td class="num" data-label={t('k.participants')}>{fmtNumber(x.participants?.total)}</td>
                    <td class="num" data-label={t('k.budget')}>{fmtNumber(x.budget)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {r.records && (
        <section id="village-records">
          <h3>{t('k.records')}</h3>
          {r.records.length === 0 ? <p class="empty">{t('k.none')}</p> : (
            <table class="list">
              <tbody>
                {r.records.map((a) => (
                  <tr key={a.id} data-record={a.id}>
                    <td><a class="rec-link" href={`#/record/activities/${a.id}`}>{a.title}</a><span class="sub">{fmtDate(a.start_date)} · {rl('activity_type', a.type)}</span></td>
                    <td class="num">{fmtNumber(a.participants)} {t('k.participants').toLowerCase()}</td>
                    <td><StatusBadge status={a.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}

export function CoverageView({ r, drill, showAll, onShowAll }) {
  const tot = r.totals || {};
  const un = r.unreached || [];
  const LIMIT = 100;
  const shown = showAll ? un : un.slice(0, LIMIT);
  return (
    <div class="report-body" data-view="coverage">
      <div class="stats">
        <Stat id="stat-villages" label={t('k.villages')} value={fmtNumber(tot.villages)} />
        <Stat id="stat-reached" label={t('k.reached')} value={fmtNumber(tot.reached)} />
        <Stat id="stat-pct" label={t('k.pct')} value={`${fmtNumber(tot.pct)}%`} />
      </div>
      {(r.rows || []).length > 0 && (
        <div class="scroll">
          <table class="list data" id="rows-coverage">
            <thead><tr><th>{t('k.area')}</th><th class="num">{t('k.villages')}</th><th class="num">{t('k.reached')}</th><th class="num">{t('k.notReached')}</th><th>{t('k.pct')}</th></tr></thead>
            <tbody>
              {r.rows.map((x) => (
                <tr key={x.area.code} data-row={x.area.code}>
                  <td data-label={t('k.area')}><AreaCell area={x.area} drill={drill} /></td>
                  <td class="num" data-label={t('k.villages')}>{fmtNumber(x.villages)}</td>
                  <td class="num" data-label={t('k.reached')}>{fmtNumber(x.reached)}</td>
                  <td class="num" data-label={t('k.notReached')}>{fmtNumber(x.notReached)}</td>
                  <td data-label={t('k.pct')}><PctBar pct={x.pct} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section id="unreached">
        <h3>{t('k.unreached', { n: fmtNumber(un.length) })}</h3>
        <ul class="unreached">
          {shown.map((v) => (
            <li key={v.code} data-village={v.code}>
              {drill ? <a href={drill(v.code)}>{v.name}</a> : <span>{v.name}</span>}
              <span class="vplace">{t('area.district', { name: v.district })}, {v.regency}</span>
            </li>
          ))}
        </ul>
        {!showAll && un.length > LIMIT && onShowAll && <button type="button" id="show-all-unreached" onClick={onShowAll}>{t('k.showAll', { n: fmtNumber(un.length) })}</button>}
        {!showAll && un.length > LIMIT && !onShowAll && <p class="hint">{t('k.fullList', { n: fmtNumber(LIMIT) })}</p>}
      </section>
    </div>
  );
}

const fmtMaybe = (v) => (v === null || v === undefined ? '—' : fmtNumber(v));

export function RadView({ r, drill }) {
  const lights = r.lights || {};
  return (
    <div class="report-body" data-view="rad">
      <div class="stats lights">
        {['green', 'yellow', 'red', 'grey'].map((l) => <Stat key={l} id={'stat-light-' + l} label={<Light light={l} label={t('light.' + l)} />} value={fmtNumber(lights[l] || 0)} />)}
      </div>
      <p class="hint">{r.thresholds?.note ? r.thresholds.note.split(' / ')[lang() === 'en' ? 1 : 0] || r.thresholds.note : ''}</p>
      {(r.clusters || []).length === 0 && <p class="empty">{t('k.none')}</p>}
      {(r.clusters || []).map((c) => (
        <section key={c.cluster} class="rad-cluster" data-cluster={c.cluster}>
          <h3>{rl('cluster', c.cluster)}</h3>
          <div class="scroll">
            <table class="list data">
              <thead><tr><th>{t('k.indicator')}</th><th>{t('k.unit')}</th><th class="num">{t('k.target')}</th><th class="num">{t('k.expected')}</th><th class="num">{t('k.achieved')}</th><th>{t('k.light')}</th></tr></thead>
              <tbody>
                {c.indicators.map((i) => (
                  <tr key={i.id} data-indicator={i.code}>
                    <td data-label={t('k.indicator')}><b>{i.code}</b> {i.description || i.activity || i.program}
                      <span class="sub">{i.counting === 'auto' ? ruleSummary(i.rule) : t('rad.manual')}{i.total?.area ? ' · ' + i.total.area.name : ''}{i.direction === 'lower' ? ' · ' + label('rad_directions', 'lower') : ''}</span>
                      {i.budget && <span class="sub" data-budget>{t('rad.budget.line', { a: fmtNumber(i.budget.allocation), r: fmtNumber(i.budget.realisation), p: i.budget.realisationPct == null ? '–' : fmtNumber(i.budget.realisationPct) })}</span>}
                      {i.regencies?.length > 0 && (
                        <details class="rad-regencies"><summary>{t('k.perRegency')}</summary>
                          <table class="mini"><tbody>
                            {i.regencies.map((g) => (
                              <tr key={g.area.code}><td><AreaCell area={g.area} drill={drill} /></td><td class="num">{fmtMaybe(g.achieved)} / {fmtMaybe(g.target)}</td><td><Light light={g.light} label={t('light.' + (g.light || 'grey'))} /></td></tr>
                            ))}
                          </tbody></table>
                        </details>
                      )}
                    </td>
                    <td data-label={t('k.unit')}>{i.unit}</td>
                    <td class="num" data-label={t('k.target')}>{fmtMaybe(i.total?.target)}</td>
                    <td class="num" data-label={t('k.expected')}>{fmtMaybe(i.total?.expected)}</td>
                    <td class="num" data-label={t('k.achieved')}>{fmtMaybe(i.total?.achieved)}{i.total?.targetPct != null && <span class="sub">{fmtNumber(i.total.targetPct)}%</span>}</td>
                    <td data-label={t('k.light')}><Light light={i.total?.light} label={t('light.' + (i.total?.light || 'grey'))} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}

export function ProgramsView({ r, drill }) {
  const progs = r.totals?.programs || [];
  return (
    <div class="report-body" data-view="programs">
      <div class="stats"><Stat label={t('k.villages')} value={fmtNumber(r.totals?.villages)} /></div>
      <HBars id="chart-programs" title={t('k.activePct')} unit="%" max={100}
        items={progs.map((p) => ({ key: p.program, label: rl('program', p.program), value: p.activePct, note: ` (${fmtNumber(p.aktif)})` }))} />
      <div class="scroll">
        <table class="list data" id="totals-programs">
          <thead><tr><th>{t('k.program')}</th><th class="num">{t('k.aktif')}</th><th class="num">{t('k.rintisan')}</th><th class="num">{t('k.tidak_aktif')}</th><th class="num">{t('k.activePct')}</th></tr></thead>
          <tbody>{progs.map((p) => (
            <tr key={p.program}><td data-label={t('k.program')}>{rl('program', p.program)}</td><td class="num" data-label={t('k.aktif')}>{fmtNumber(p.aktif)}</td><td class="num" data-label={t('k.rintisan')}>{fmtNumber(p.rintisan)}</td><td class="num" data-label={t('k.tidak_aktif')}>{fmtNumber(p.tidak_aktif)}</td><td class="num" data-label={t('k.activePct')}>{fmtNumber(p.activePct)}%</td></tr>
          ))}</tbody>
        </table>
      </div>
      {(r.rows || []).length > 0 && (
        <div class="scroll">
          <table class="list data" id="rows-programs">
            <thead><tr><th>{t('k.area')}</th><th class="num">{t('k.villages')}</th>{progs.map((p) => <th class="num" key={p.program}>{rl('program', p.program)}</th>)}</tr></thead>
            <tbody>{r.rows.map((x) => (
              <tr key={x.area.code} data-row={x.area.code}>
                <td data-label={t('k.area')}><AreaCell area={x.area} drill={drill} /></td>
                <td class="num" data-label={t('k.villages')}>{fmtNumber(x.villages)}</td>
                {progs.map((p) => { const v = (x.programs || []).find((y) => y.program === p.program) || {}; return <td class="num" key={p.program} data-label={rl('program', p.program)}>{fmtNumber(v.aktif)}{v.rintisan ? <span class="sub">+{v.rintisan} {t('k.rintisan').toLowerCase()}</span> : null}</td>; })}
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
      {(r.villages || []).length > 0 && (
        <ul class="unreached" id="village-programs">
          {r.villages.map((v) => (
            <li key={v.village.code}><AreaCell area={v.village} drill={drill} />
              <span class="sub">{Object.entries(v.programs || {}).map(([k, s]) => `${rl('program', k)}: ${rl('program_status', s.status)}${s.legal_basis_number ? ` (${s.legal_basis_number})` : ''}`).join(' · ') || '—'}</span></li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function OutreachView({ r, drill }) {
  const tot = r.totals || {};
  const f = tot.followUp || {};
  return (
    <div class="report-body" data-view="outreach">
      <div class="stats">
        <Stat id="stat-logs" label={t('k.logs')} value={fmtNumber(tot.logs)} />
        <Stat label={t('k.people')} value={fmtNumber(tot.participants?.total)} />
        <Stat label={t('k.referred')} value={shownCount(tot, 'referred', tot.referred)} />
        <Stat label={t('k.medianDays')} value={fmtMaybe(f.medianDays)} sub={`${t('k.within7')}: ${fmtNumber(f.within7Pct || 0)}%`} />
      </div>
      <div class="grid2">
        <section><HBars id="chart-risk" title={t('k.risk')} items={breakdown(tot.riskSignals, 'risk_signal')} /></section>
        <section><HBars id="chart-referrals" title={t('k.referrals')} items={breakdown(tot.referrals, 'agency')} /></section>
        <section><HBars title={t('k.actions')} items={breakdown(tot.actions, 'action')} /></section>
        <section>
          <h3>{t('k.followUp')}</h3>
          <dl class="kv">
            <dt>{t('k.withRisk')}</dt><dd>{shownCount(tot, 'followUp.withRisk', f.withRisk)}</dd>
            <dt>{t('k.followedUp')}</dt><dd>{shownCount(tot, 'followUp.followedUp', f.followedUp)} ({shownCount(tot, 'followUp.followedUpPct', f.followedUpPct || 0)}%)</dd>
            <dt>{t('k.open')}</dt><dd>{shownCount(tot, 'followUp.open', f.open)}</dd>
          </dl>
          <PeopleTable p={tot.participants} />
        </section>
        {r.series?.length > 0 && <section><Columns series={r.series} title={t('k.perMonthLogs')} monthLabel={monthLabel} /></section>}
      </div>
      {(r.rows || []).length > 0 && (
        <div class="scroll">
          <table class="list data" id="rows-outreach">
            <thead><tr><th>{t('k.area')}</th><th class="num">{t('k.logs')}</th><th class="num">{t('k.people')}</th><th class="num">{t('k.withRisk')}</th><th class="num">{t('k.referred')}</th><th class="num">{t('k.open')}</th></tr></thead>
            <tbody>{r.rows.map((x) => (
              <tr key={x.area.code} data-row={x.area.code}>
                <td data-label={t('k.area')}><AreaCell area={x.area} drill={drill} /></td>
                <td class="num" data-label={t('k.logs')}>{fmtNumber(x.logs)}</td>
                <td class="num" data-label={t('k.people')}>{fmtNumber(x.participants?.total)}</td>
                <td class="num" data-label={t('k.withRisk')}>{shownCount(x, 'followUp.withRisk', x.followUp?.withRisk)}</td>
                <td class="num" data-label={t('k.referred')}>{shownCount(x, 'referred', x.referred)}</td>
                <td class="num" data-label={t('k.open')}>{shownCount(x, 'followUp.open', x.followUp?.open)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Why the server hid a case figure: "<5" a count of 1-4, "•" a count hidden
 * so that a small one cannot be worked out from the totals. */
const HIDDEN_FIG = { '<5': 'case.hiddenSmall', '•': 'case.hiddenComplement' };

/** A case figure as the server sent it (text; "<5" or "•" when hidden),
 * never a number to draw or compute with. */
function Fig({ v }) {
  if (v === undefined || v === null || v === '') return <span class="muted">—</span>;
  const why = HIDDEN_FIG[v];
  return <span class={why ? 'fig suppressed' : 'fig'} data-fig={v} title={why ? t(why) : undefined}>{v}</span>;
}

/** The single counts of a case figure as report 6 gives them. */
const CASE_COLS = [['case_count', 'k.cases'], ['victims_total', 'k.victims'], ['victims_disabled', 'cf.victims_disabled'],
  ['victims_repatriated', 'cf.victims_repatriated'], ['police_reports', 'cf.police_reports'], ['suspects', 'cf.suspects'],
  ['restitution_requested', 'cf.restitution_requested'], ['restitution_granted', 'cf.restitution_granted'], ['cases_served', 'k.served']];

/** The breakdowns of report 6: field, vocabulary. */
const CASE_BREAKDOWNS = [['victims_by_sex', 'sexes'], ['victims_by_age', 'age_bands'], ['cases_by_scope', 'case_scopes'],
  ['cases_by_law', 'case_laws'], ['cases_by_stage', 'case_stages'], ['exploitation_types', 'exploitation_types'], ['services', 'case_services']];

function CaseCells({ c }) {
  return CASE_COLS.map(([k, l]) => <td class="num" key={k} data-label={t(l)} data-col={k}>{c ? <Fig v={c[k]} /> : <span class="muted">—</span>}</td>);
}

/** The breakdowns' columns: each code counted in any row, in the vocabulary's order. */
function breakdownColumns(all) {
  const out = [];
  for (const [field, vocab] of CASE_BREAKDOWNS) {
    const seen = new Set();
    for (const x of all) for (const k of Object.keys(x.cases?.[field] || {})) seen.add(k);
    const order = [...codes(vocab), ...[...seen].sort()];
    for (const k of [...new Set(order)]) if (seen.has(k)) out.push({ field, vocab, code: k });
  }
  return out;
}

export function CasesView({ r, drill }) {
  const tot = r.totals || {};
  const rows = r.rows || [];
  const withFigures = [...rows, tot].filter((x) => x.cases);
  const bcols = breakdownColumns(withFigures);
  const line = (x, isTotal) => (
    <tr key={(isTotal ? 't-' : '') + x.area?.code} data-row={x.area?.code} class={isTotal ? 'total' : ''}>
      <td data-label={t('k.area')}>{isTotal ? <b>{x.area?.name}</b> : <AreaCell area={x.area} drill={drill} />}
        {x.cases && <span class="sub">{label('case_sources', x.cases.source)} · {t('case.' + x.cases.figure_status)}{x.cases.complete === false ? ' · ' + t('k.incomplete') : ''}</span>}</td>
      <CaseCells c={x.cases} />
      <td class="num" data-label={t('k.activities')}>{fmtNumber(x.intensity?.activities)}</td>
      <td class="num" data-label={t('k.outreach')}>{fmtNumber(x.intensity?.outreach)}</td>
      <td data-label={t('k.coverage')}><PctBar pct={x.intensity?.coveragePct} /></td>
    </tr>
  );
  const bhead = (c) => `${t('cf.' + c.field)}: ${label(c.vocab, c.code)}`;
  return (
    <div class="report-body" data-view="cases">
      <p class="privacy" id="suppression-note">{(r.suppressionNote || '').split(' / ')[lang() === 'en' ? 1 : 0] || r.suppressionNote}</p>
      {r.caseArea && r.area && r.caseArea.code !== r.area.code && <p class="hint">{t('k.caseArea', { name: r.caseArea.name })}</p>}
      {r.activitiesPerCase != null && <div class="stats"><Stat id="stat-per-case" label={t('k.actPerCase')} value={fmtNumber(r.activitiesPerCase)} /></div>}
      <div class="scroll">
        <table class="list data" id="rows-cases">
          <thead>
            <tr><th>{t('k.area')}</th>{CASE_COLS.map(([k, l]) => <th class="num" key={k}>{t(l)}</th>)}<th class="num">{t('k.activities')}</th><th class="num">{t('k.outreach')}</th><th>{t('k.coverage')}</th></tr>
          </thead>
          <tbody>
            {rows.map((x) => line(x, false))}
            {line(tot, true)}
          </tbody>
        </table>
      </div>
      {bcols.length > 0 && (
        <div class="scroll">
          <table class="list data" id="rows-case-breakdowns">
            <thead><tr><th>{t('k.area')}</th>{bcols.map((c) => <th class="num" key={c.field + c.code}>{bhead(c)}</th>)}</tr></thead>
            <tbody>
              {withFigures.map((x) => (
                <tr key={x.area?.code + (x === tot ? '-t' : '')} data-row={x.area?.code} class={x === tot ? 'total' : ''}>
                  <td data-label={t('k.area')}>{x === tot ? <b>{x.area?.name}</b> : x.area?.name}</td>
                  {bcols.map((c) => <td class="num" key={c.field + c.code} data-label={bhead(c)} data-col={c.field + '.' + c.code}><Fig v={x.cases[c.field]?.[c.code] ?? '0'} /></td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function hours(h) {
  if (h === null || h === undefined) return '—';
  return h < 24 ? t('k.hours', { n: fmtNumber(h) }) : t('k.days', { n: fmtNumber(Math.round(h / 24)) });
}

function ReviewBlock({ title, v, id }) {
  if (!v) return null;
  return (
    <section id={id}>
      <h3>{title}</h3>
      <div class="stats">
        <Stat label={t('k.pending')} value={fmtNumber(v.submitted)} />
        <Stat label={t('k.returned')} value={fmtNumber(v.returned)} />
        <Stat label={t('k.approved')} value={fmtNumber(v.approved)} />
        <Stat label={t('k.median')} value={hours(v.medianApprovalHours)} sub={`${t('k.within7')}: ${fmtNumber(v.approvedWithin7Pct || 0)}%`} />
      </div>
      <HBars title={t('k.missing', { n: fmtNumber(v.checked) })} unit="%" max={100}
        items={(v.missing || []).map((m) => ({ key: m.field, label: rl('missing', m.field), value: m.pct, note: ` (${fmtNumber(m.records)})` }))} />
    </section>
  );
}

export function ReviewView({ r, drill }) {
  const tot = r.totals || {};
  return (
    <div class="report-body" data-view="review">
      <div class="grid2">
        <ReviewBlock id="review-activities" title={t('kind.activities')} v={tot.activities} />
        <ReviewBlock id="review-outreach" title={t('kind.outreach_logs')} v={tot.outreach} />
      </div>
      {(r.rows || []).length > 0 && (
        <div class="scroll">
          <table class="list data" id="rows-review">
            <thead><tr><th>{t('k.area')}</th><th class="num">{t('k.pending')}</th><th class="num">{t('k.returned')}</th><th class="num">{t('k.approved')}</th><th class="num">{t('k.median')}</th><th class="num">{t('k.pending')} ({t('k.outreach').toLowerCase()})</th></tr></thead>
            <tbody>{r.rows.map((x) => (
              <tr key={x.area.code} data-row={x.area.code}>
                <td data-label={t('k.area')}><AreaCell area={x.area} drill={drill} /></td>
                <td class="num" data-label={t('k.pending')}>{fmtNumber(x.activities?.submitted)}</td>
                <td class="num" data-label={t('k.returned')}>{fmtNumber(x.activities?.returned)}</td>
                <td class="num" data-label={t('k.approved')}>{fmtNumber(x.activities?.approved)}</td>
                <td class="num" data-label={t('k.median')}>{hours(x.activities?.medianApprovalHours)}</td>
                <td class="num" data-label={t('k.outreach')}>{fmtNumber(x.outreach?.submitted)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export const VIEWS = {
  activities: ActivitiesView,
  coverage: CoverageView,
  rad: RadView,
  programs: ProgramsView,
  outreach: OutreachView,
  cases: CasesView,
  review: ReviewView,
};
export const REPORTS = Object.keys(VIEWS);
export { Legend, PART_COLORS };
