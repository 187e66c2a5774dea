// Review queue of a district verifier: submitted activities and outreach
// logs of the regency, filtered by district, village, type and date, kept
// up to date by realtime events (a hint to reload: realtime has no replay).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, label, codes, pick, fmtDate, fmtDateTime, fmtNumber } from '../../shared/i18n.js';
import { errorMessage } from '../../shared/errors.js';
import { pb } from '../pb.js';
import { areaName, childrenOf, districtName, recordArea, villagesUnder } from '../areas.js';
import { navigate } from '../router.js';
import { COLLECTIONS, peopleTotal, wibDayStart, wibNextDayStart } from '../records.js';
import { Alert, Progress, Spinner, Place } from '../ui.jsx';
import { PROVINCE } from '../roles.js';

const PER_PAGE = 50;
const BATCH_SIZE = 10; // requests per /api/batch call (server allows 50 in 10 s)
export const QUEUE_KEY = 'jangkau.queue'; // the queue's last filters, for "back to the queue"

/** The regency a verifier reviews (its area's first two segments). */
export function regencyOf(user) { return (user.area || '').split('.').slice(0, 2).join('.'); }

/** The levels of activities a reviewer decides on (reviews go one level
 * up): the province (regency '') regency and province ones, a verifier its
 * regency's village and district ones. */
export function reviewLevels(regency) { return regency ? ['village', 'district'] : ['regency', 'province']; }

/** The PocketBase filter of the queue for these filters ('' regency: the secretariat's queue). */
export function queueFilter(collection, q, regency) {
  const meta = COLLECTIONS[collection];
  const parts = ['status = "submitted"'];
  const params = {};
  if (collection === 'activities') parts.push('(' + reviewLevels(regency).map((l) => `level = "${l}"`).join(' || ') + ')');
  if (regency) { parts.push('regency = {:regency}'); params.regency = regency; }
  if (q.village) { parts.push('village = {:village}'); params.village = q.village; }
  else if (q.district) { parts.push('district = {:district}'); params.district = q.district; }
  if (q.type) { parts.push(`${meta.typeField} = {:type}`); params.type = q.type; }
  const text = (q.q || '').trim();
  if (text) {
    // Words of the record, or the name of its village (names are known here, not on the server).
    const ors = meta.searchFields.map((f) => `${f} ~ {:text}`);
    const villages = villagesUnder(regency || '18').filter((v) => v.name.toLowerCase().includes(text.toLowerCase())).slice(0, 40);
    villages.forEach((v, i) => { ors.push(`village = {:v${i}}`); params['v' + i] = v.id; });
    parts.push('(' + ors.join(' || ') + ')');
    params.text = text;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(q.from || '')) { parts.push(`${meta.dateField} >= {:from}`); params.from = wibDayStart(q.from); }
  if (/^\d{4}-\d{2}-\d{2}$/.test(q.to || '')) { parts.push(`${meta.dateField} < {:to}`); params.to = wibNextDayStart(q.to); }
  return pb.filter(parts.join(' && '), params);
}

function Filters({ q, set, regency, collection }) {
  const districts = childrenOf(regency, 'district');
  const villages = villagesUnder(q.district || regency);
  const meta = COLLECTIONS[collection];
  const active = q.district || q.village || q.type || q.from || q.to || q.q;
  const [text, setText] = useState(q.q || '');
  useEffect(() => setText(q.q || ''), [q.q]);
  useEffect(() => {
    if (text === (q.q || '')) return undefined;
    const timer = setTimeout(() => set({ q: text }), 350);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <form class={regency ? 'filters' : 'filters no-areas'} id="filters" onSubmit={(e) => { e.preventDefault(); set({ q: text }); }} aria-label={t('queue.filters')}>
      <div class="search">
        <label for="f-q">{t('queue.filter.search')}</label>
        <input id="f-q" type="search" value={text} placeholder={t('queue.filter.search.hint')} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      {regency && <div>
        <label for="f-district">{t('queue.filter.district')}</label>
        <select id="f-district" value={q.district || ''} onChange={(e) => set({ district: e.currentTarget.value, village: '' })}>
          <option value="">{t('common.all')}</option>
          {districts.map((d) => <option value={d.id}>{d.name}</option>)}
        </select>
      </div>}
      {regency && <div>
        <label for="f-village">{t('queue.filter.village')}</label>
        <select id="f-village" value={q.village || ''} onChange={(e) => set({ village: e.currentTarget.value })}>
          <option value="">{t('common.all')}</option>
          {villages.map((v) => <option value={v.id}>{q.district ? v.name : `${v.name} — ${districtName(v.parent)}`}</option>)}
        </select>
      </div>}
      <div>
        <label for="f-type">{t('queue.filter.type')}</label>
        <select id="f-type" value={q.type || ''} onChange={(e) => set({ type: e.currentTarget.value })}>
          <option value="">{t('common.all')}</option>
          {codes(meta.typeGroup).map((c) => <option value={c}>{label(meta.typeGroup, c)}</option>)}
        </select>
      </div>
      <div>
        <label for="f-from">{t('queue.filter.from')}</label>
        <input id="f-from" type="date" value={q.from || ''} max={q.to || undefined} onChange={(e) => set({ from: e.currentTarget.value })} />
      </div>
      <div>
        <label for="f-to">{t('queue.filter.to')}</label>
        <input id="f-to" type="date" value={q.to || ''} min={q.from || undefined} onChange={(e) => set({ to: e.currentTarget.value })} />
      </div>
      {active && <div class="filters-reset"><button type="button" class="link" id="f-reset" onClick={() => set({ district: '', village: '', type: '', from: '', to: '', q: '' })}>{t('queue.filter.reset')}</button></div>}
    </form>
  );
}

async function approveAll(collection, ids, onProgress) {
  let done = 0;
  const failures = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) {
    const chunk = ids.slice(i, i + BATCH_SIZE);
    try {
      // One transaction for the chunk: all approved, or none.
      const batch = pb.createBatch();
      for (const id of chunk) batch.collection(collection).update(id, { status: 'approved' });
      await batch.send();
      done += chunk.length;
      onProgress(done, failures);
    } catch {
      // One record refused (returned meanwhile, or out of scope) fails the
      // chunk: approve its records one by one to find out which.
      for (const id of chunk) {
        try {
          await pb.collection(collection).update(id, { status: 'approved' });
        } catch (err) {
          failures.push({ id, message: errorMessage(err) + fieldMessages(err) });
        }
        done += 1;
        onProgress(done, failures);
      }
    }
  }
  return failures;
}

function fieldMessages(err) {
  const data = err?.response?.data || {};
  const msgs = Object.values(data).map((v) => v?.message).filter(Boolean);
  return msgs.length ? ' ' + msgs.map(pick).join(' ') : '';
}

export function Queue({ user, query }) {
  // the secretariat decides on regency and province activities only
  const province = user.role === PROVINCE;
  const collection = !province && COLLECTIONS[query.c] ? query.c : 'activities';
  const meta = COLLECTIONS[collection];
  const regency = province ? '' : regencyOf(user);
  const q = { district: query.district || '', village: query.village || '', type: query.type || '', from: query.from || '', to: query.to || '', q: query.q || '' };
  const filter = queueFilter(collection, q, regency);

  const [items, setItems] = useState(null);
  const [total, setTotal] = useState(0);
  const [pages, setPages] = useState(1);
  const [error, setError] = useState(null);
  const [counts, setCounts] = useState({});
  const [selected, setSelected] = useState(new Set());
  const [fresh, setFresh] = useState(new Set());
  const [live, setLive] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const known = useRef(null); // ids shown before a live reload
  const reloadTimer = useRef(0);
  const state = useRef({});
  state.current = { collection, filter, pages };

  function set(patch) {
    const next = { c: collection, ...q, ...patch };
    sessionStorage.setItem(QUEUE_KEY, JSON.stringify(next));
    navigate('/queue', next, { replace: true });
  }

  async function loadCounts() {
    const out = {};
    await Promise.all(Object.keys(COLLECTIONS).map(async (c) => {
      const r = await pb.collection(c).getList(1, 1, { filter: queueFilter(c, {}, regency), fields: 'id' });
      out[c] = r.totalItems;
    }));
    setCounts(out);
  }

  async function load({ live: isLive = false } = {}) {
    const { collection: c, filter: f, pages: n } = state.current;
    try {
      const r = await pb.collection(c).getList(1, PER_PAGE * n, { filter: f, sort: 'submitted_at,id' });
      if (state.current.filter !== f || state.current.collection !== c) return; // filters changed meanwhile
      if (isLive && known.current) {
        const before = known.current;
        setFresh((old) => new Set([...old, ...r.items.filter((x) => !before.has(x.id)).map((x) => x.id)]));
      }
      known.current = new Set(r.items.map((x) => x.id));
      setItems(r.items);
      setTotal(r.totalItems);
      setSelected((s) => new Set([...s].filter((id) => known.current.has(id))));
      setError(null);
    } catch (err) {
      if (!err?.isAbort) setError(err);
    }
    loadCounts().catch(() => {});
  }

  useEffect(() => {
    sessionStorage.setItem(QUEUE_KEY, JSON.stringify({ c: collection, ...q }));
    setItems(null);
    setSelected(new Set());
    setFresh(new Set());
    known.current = null;
    setResult(null);
    load();
  }, [collection, filter]);

  useEffect(() => { if (pages > 1) load(); }, [pages]);

  // Realtime: every change of a record in scope is a hint to reload.
  useEffect(() => {
    let stop = false;
    const unsubs = [];
    const hint = () => {
      clearTimeout(reloadTimer.current);
      reloadTimer.current = setTimeout(() => { if (!stop) load({ live: true }); }, 250);
    };
    const keep = (u) => { if (stop) u().catch(() => {}); else unsubs.push(u); };
    const subs = [pb.realtime.subscribe('PB_CONNECT', () => { if (!stop) { setLive(true); hint(); } }).then(keep)];
    for (const c of Object.keys(COLLECTIONS)) subs.push(pb.collection(c).subscribe('*', hint).then(keep));
    // PB_CONNECT fires only on a new connection: one another page opened
    // earlier is already there.
    Promise.all(subs).then(() => { if (!stop) setLive(pb.realtime.isConnected); }, () => { if (!stop) setLive(false); });
    pb.realtime.onDisconnect = () => { if (!stop) setLive(false); };
    return () => {
      stop = true;
      clearTimeout(reloadTimer.current);
      pb.realtime.onDisconnect = undefined;
      for (const u of unsubs) u().catch(() => {});
    };
  }, []);

  const ids = items ? items.map((r) => r.id) : [];
  const allSelected = ids.length > 0 && ids.every((id) => selected.has(id));
  function toggle(id) {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id); else s.add(id);
    setSelected(s);
    setConfirming(false);
  }

  async function approveSelected() {
    const chosen = ids.filter((id) => selected.has(id));
    setConfirming(false);
    setResult(null);
    setProgress({ done: 0, total: chosen.length });
    const failures = await approveAll(collection, chosen, (done) => setProgress({ done, total: chosen.length }));
    setProgress(null);
    setResult({ ok: chosen.length - failures.length, failures });
    setSelected(new Set());
    await load();
  }

  const regencyName = areaName(regency || '18');
  // activities are recorded at any level (village to province), outreach in a village
  const placeHead = collection === 'activities' ? t('queue.col.area') : t('queue.col.village');
  return (
    <section id="queue">
      <div class="page-head">
        <h1>{t('queue.title')}</h1>
        <span class={live ? 'live on' : 'live'} id="live" title={live ? t('queue.live.title') : t('queue.offline')} data-live={live ? 'on' : 'off'}>
          {live ? t('queue.live') : t('queue.offline')}
        </span>
      </div>
      <p class="muted">{province ? t('queue.intro.province') : t('queue.intro', { regency: regencyName })}</p>
      <div class="tabs" role="tablist">
        {Object.keys(COLLECTIONS).filter((c) => !province || c === 'activities').map((c) => (
          <a role="tab" aria-selected={c === collection} class={c === collection ? 'tab active' : 'tab'} id={'tab-' + c}
            href={'#/queue?c=' + c} onClick={(e) => { e.preventDefault(); set({ c, type: '' }); }}>
            {t('kind.' + c)} <span class="count" data-count={counts[c] ?? ''}>{counts[c] ?? '…'}</span>
          </a>
        ))}
      </div>
      <Filters q={q} set={set} regency={regency} collection={collection} />
      <Alert error={error} retry={() => load()} />
      {result && (
        <div class={result.failures.length ? 'alert warn' : 'alert ok'} role="status" id="batch-result">
          <span>{t('queue.approved.done', { ok: result.ok })}</span>
          {result.failures.length > 0 && (
            <span> {t('queue.approved.failed', { n: result.failures.length })}
              <ul>{result.failures.map((f) => <li>{f.id}: {f.message}</li>)}</ul>
            </span>
          )}
        </div>
      )}
      {progress && <Progress done={progress.done} total={progress.total} text={t('queue.approving', progress)} />}
      {items === null ? <Spinner /> : items.length === 0 ? (
        <p class="empty card" id="queue-empty">{(q.district || q.village || q.type || q.from || q.to || q.q) ? t('queue.empty.filtered') : t('queue.empty')}</p>
      ) : (
        <>
          <div class="toolbar">
            <label class="check">
              <input type="checkbox" id="select-all" checked={allSelected} onChange={() => { setSelected(allSelected ? new Set() : new Set(ids)); setConfirming(false); }} />
              {t('queue.select.all')}
            </label>
            <span class="muted" id="queue-count" data-total={total}>{t('queue.count', { n: fmtNumber(total) })}</span>
            {selected.size > 0 && !progress && (
              confirming ? (
                <span class="confirm" id="confirm-approve">
                  <span>{t('queue.approve.confirm', { n: selected.size })}</span>
                  <button type="button" class="primary" id="confirm-yes" onClick={approveSelected}>{t('record.approve')}</button>
                  <button type="button" id="confirm-no" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
                </span>
              ) : (
                <button type="button" class="primary" id="approve-selected" onClick={() => setConfirming(true)}>
                  {t('queue.approve.selected', { n: selected.size })}
                </button>
              )
            )}
          </div>
          <table class="list" id="queue-table">
            <thead>
              <tr>
                <th class="sel"><span class="sr">{t('queue.select')}</span></th>
                <th>{t('queue.col.record')}</th>
                <th>{placeHead}</th>
                <th>{t('queue.col.date')}</th>
                <th class="num">{t('queue.col.people')}</th>
                <th>{t('queue.col.submitted')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-id={r.id} class={fresh.has(r.id) ? 'fresh' : ''}>
                  <td class="sel"><input type="checkbox" aria-label={t('queue.select') + ' ' + meta.title(r)} checked={selected.has(r.id)} onChange={() => toggle(r.id)} /></td>
                  <td data-label={t('queue.col.record')}>
                    <a class="rec-link" href={`#/record/${collection}/${encodeURIComponent(r.id)}`}>{meta.title(r)}</a>
                    {fresh.has(r.id) && <span class="badge st-new">{t('common.new')}</span>}
                    <span class="sub">{meta.subtitle(r)}</span>
                  </td>
                  <td data-label={placeHead}><Place code={recordArea(r)} /></td>
                  <td data-label={t('queue.col.date')}>{fmtDate(r[meta.dateField])}</td>
                  <td data-label={t('queue.col.people')} class="num">{fmtNumber(peopleTotal(r))}</td>
                  <td data-label={t('queue.col.submitted')}>{fmtDateTime(r.submitted_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length < total && <button type="button" id="load-more" onClick={() => setPages(pages + 1)}>{t('queue.more')}</button>}
        </>
      )}
    </section>
  );
}
