// The cluster view (issue 15): a task-force member (province or regency)
// or an agency officer sees its sub gugus tugas at a glance: the cluster's
// activities this year (from the activities report: counted once at their
// own level), its activities by review status, the latest ones (with
// "Ubah / Edit" where it may still edit them), and the cluster's RAD
// indicators with their targets and achievements (the RAD report filtered
// to the cluster). Everything is read through the same API and policy as
// elsewhere: what the role may not read does not appear.
import { useEffect, useState } from 'preact/hooks';
import { t, label, fmtNumber, fmtDate } from '../../shared/i18n.js';
import { pb, useLatest } from '../pb.js';
import { recordArea } from '../areas.js';
import { Alert, Place, Spinner, StatusBadge } from '../ui.jsx';
import { AGENCY, REGENCY_TF } from '../roles.js';
import { canEditActivity } from './activity.jsx';
import '../desk-strings.js';

const STATUSES = ['draft', 'submitted', 'returned', 'approved'];

async function loadCluster(cluster, year) {
  const mine = pb.filter('cluster = {:c}', { c: cluster });
  const [report, rad, latest, ...byStatus] = await Promise.all([
    pb.send('/api/reports/activities', { query: { year } }),
    pb.send('/api/reports/rad', { query: { year, cluster } }),
    pb.collection('activities').getList(1, 10, { filter: mine, sort: '-start_date,-created' }),
    ...STATUSES.map((s) => pb.collection('activities').getList(1, 1, { filter: pb.filter('cluster = {:c} && status = {:s}', { c: cluster, s }), fields: 'id' })),
  ]);
  const own = (report.totals?.byCluster || []).find((b) => b.key === cluster) || { count: 0, participants: 0 };
  const indicators = (rad.clusters || []).filter((c) => c.cluster === cluster).flatMap((c) => c.indicators || []);
  return { own, indicators, latest: latest.items, byStatus: Object.fromEntries(STATUSES.map((s, i) => [s, byStatus[i].totalItems])) };
}

const num = (v) => (v === null || v === undefined ? '—' : fmtNumber(v));

export function ClusterView({ user }) {
  const cluster = user.cluster || '';
  const [year, setYear] = useState(new Date().getFullYear());
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const latest = useLatest(); // a year changed while the view loads: only the newest shows
  const load = () => {
    const current = latest();
    setData(null);
    loadCluster(cluster, year).then((d) => { if (current()) { setData(d); setError(null); } }, (err) => current() && setError(err));
  };
  useEffect(() => { if (cluster) load(); }, [cluster, year]);
  if (!cluster) return <p class="card alert info" id="cluster-none">{t('cluster.none')}</p>;
  const desk = user.role === REGENCY_TF || user.role === AGENCY;
  return (
    <section id="cluster" data-cluster={cluster}>
      <div class="page-head">
        <h1>{t('cluster.title', { cluster: label('clusters', cluster) })}</h1>
        {desk && <a class="button primary" href="#/activity/new" id="cluster-new">{t('cluster.new')}</a>}
      </div>
      <p class="muted">{t('cluster.intro', { year })}</p>
      <label for="cluster-year">{t('cluster.year')}</label>{' '}
      <select id="cluster-year" value={year} onChange={(e) => setYear(Number(e.currentTarget.value))}>
        {[0, 1, 2, 3].map((d) => { const y = new Date().getFullYear() - d; return <option value={y}>{y}</option>; })}
      </select>
      <Alert error={error} retry={load} />
      {!data && !error && <Spinner />}
      {data && (
        <>
          <div class="stats">
            <div class="stat card" id="cluster-activities"><span class="label">{t('cluster.activities')}</span><b>{fmtNumber(data.own.count)}</b>
              <span class="sub">{t('cluster.participants')}: {fmtNumber(data.own.participants)}</span></div>
            <div class="stat card" id="cluster-status"><span class="label">{t('cluster.byStatus')}</span>
              <span class="sub">{STATUSES.map((s) => <span class="status-count" data-status={s}>{label('statuses', s)}: <b>{fmtNumber(data.byStatus[s])}</b> </span>)}</span></div>
          </div>
          <section class="card">
            <h2>{t('cluster.recent')}</h2>
            {data.latest.length === 0 ? <p class="muted" id="cluster-no-activities">{t('cluster.noActivities')}</p> : (
              <table class="list" id="cluster-latest">
                <thead><tr><th>{t('cluster.col.title')}</th><th>{t('cluster.col.date')}</th><th>{t('cluster.col.area')}</th><th>{t('cluster.col.status')}</th><th></th></tr></thead>
                <tbody>{data.latest.map((a) => (
                  <tr data-id={a.id}>
                    <td data-label={t('cluster.col.title')}><a href={`#/record/activities/${a.id}`}>{a.title}</a></td>
                    <td data-label={t('cluster.col.date')}>{fmtDate(a.start_date)}</td>
                    <td data-label={t('cluster.col.area')}><Place code={recordArea(a)} /></td>
                    <td data-label={t('cluster.col.status')}><StatusBadge status={a.status} /></td>
                    <td class="actions">{canEditActivity(user, a) && <a href={`#/activity/edit/${a.id}`} data-edit={a.id}>{t('act.edit.link')}</a>}</td>
                  </tr>
                ))}</tbody>
              </table>
            )}
          </section>
          <section class="card">
            <h2>{t('cluster.rad')}</h2>
            {data.indicators.length === 0 ? <p class="muted" id="cluster-no-rad">{t('cluster.noRad')}</p> : (
              <table class="list" id="cluster-rad">
                <thead><tr><th>{t('cluster.col.indicator')}</th><th class="num">{t('cluster.col.target')}</th><th class="num">{t('cluster.col.achieved')}</th><th>{t('cluster.col.light')}</th></tr></thead>
                <tbody>{data.indicators.map((i) => (
                  <tr data-indicator={i.code}>
                    <td data-label={t('cluster.col.indicator')}><b>{i.code}</b> {i.description}{i.unit ? <span class="sub">{i.unit}</span> : null}</td>
                    <td class="num" data-label={t('cluster.col.target')}>{num(i.total?.target)}</td>
                    <td class="num" data-label={t('cluster.col.achieved')}>{num(i.total?.achieved)}</td>
                    <td data-label={t('cluster.col.light')}>{i.total?.light ? t('light.' + i.total.light) : '—'}</td>
                  </tr>
                ))}</tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}
