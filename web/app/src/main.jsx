// Jangkau's field app: the shell, the routes, the service worker.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { APP_VERSION, currentSession, loadSession, logout, onSession } from './api.js';
import { WipeNotice } from './wipe-notice.jsx';
import { Activate, Login } from './auth.jsx';
import { ChangePassword, Forgot, Notices, NotifySettings } from './account.jsx';
import { db, queueLength, refusedCounts, unsentCount } from './db.js';
import { RecordForm } from './form.jsx';
import { go, useLang, useLive, useRoute } from './hooks.js';
import { formatTime, label, lang, serverText, setLang, t } from './i18n.js';
import { RecordList } from './list.jsx';
import { ProgrammeForm, ProgrammeList } from './programmes.jsx';
import { onSyncState, startAutoSync, syncNow } from './sync.js';
import { loadVocabularies } from './vocab.js';
import { onVocabularies } from '../../shared/vocab.js';
import './style.css';

function LangSwitch() {
  return <button type="button" class="link lang" data-testid="lang-switch" onClick={() => setLang(lang() === 'id' ? 'en' : 'id')}>{t('lang_switch')}</button>;
}

function SyncBar() {
  const [s, setS] = useState({});
  useEffect(() => onSyncState(setS), []);
  const waiting = useLive(() => queueLength(), [], 0);
  const refused = useLive(() => refusedCounts(), [], { total: 0 });
  const online = s.online ?? navigator.onLine;
  return (
    <div class={`syncbar ${online ? 'on' : 'off'}`} data-testid="syncbar" data-online={String(online)} data-running={String(!!s.running)} data-runs={s.runs || 0} data-waiting={waiting}>
      <div class="row">
        <span class="dot" />
        <span class="net">{online ? (s.running ? t('syncing') : t('online')) : t('offline')}</span>
        <span class="queue" data-testid="queue">{waiting ? t('waiting_n', { n: waiting }) : refused.total ? t('nothing_waiting') : t('all_sent')}</span>
        {refused.total > 0 && (
          <a class="badge bad refused" data-testid="refused" href={!refused.activities && !refused.outreach_logs && refused.village_programs ? '#/programmes' : `#/?tab=${refused.activities ? 'activities' : 'outreach_logs'}&status=fix`}>{t('refused_n', { n: refused.total })}</a>
        )}
      </div>
      <button type="button" class="sync" data-testid="sync-now" disabled={!online || s.running} onClick={() => syncNow()}>{t('sync_now')}</button>
      <span class="last">{s.lastError && s.lastError !== 'offline' ? t('sync_failed', { msg: serverText(s.lastError) }) : s.lastSync ? t('last_sync', { time: formatTime(s.lastSync) }) : t('never_synced')}</span>
    </div>
  );
}

function Header({ session }) {
  const a = session?.area;
  return (
    <header class="top">
      <div class="brand">
        <a href="#/" class="name">Jangkau</a>
        {a && <span class="where" data-testid="village">{a.villageName || a.village}{a.district ? `, ${t('kec')} ${a.district}` : ''}{a.regency ? `, ${a.regency}` : ''}</span>}
      </div>
      <nav>
        <LangSwitch />
        {session && <a href="#/settings" class="link" aria-label={t('settings')} title={t('settings')} data-testid="settings-link">⚙</a>}
      </nav>
    </header>
  );
}

function UpdateBanner() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const had = !!navigator.serviceWorker.controller;
    const on = () => { if (had) setReady(true); };
    navigator.serviceWorker.addEventListener('controllerchange', on);
    return () => navigator.serviceWorker.removeEventListener('controllerchange', on);
  }, []);
  if (!ready) return null;
  return <div class="banner">{t('update_ready')} <button type="button" class="small" onClick={() => location.reload()}>{t('reload')}</button></div>;
}

/** "Saved on the phone" after a save, while the record waits to be sent. */
function SavedNotice({ collection, id }) {
  const rec = useLive(() => db.records.get(`${collection}/${id}`).then((r) => r || null), [collection, id], null);
  if (!rec || !(rec.dirty || rec.pending) || rec.rejection) return null;
  return <p class="notice" data-testid="saved-notice">{t('saved_local')}</p>;
}

/** "Install the app" where the browser offers it (beforeinstallprompt: Chromium on Android and desktop). */
let installEvent = null;
const installListeners = new Set();
window.addEventListener('beforeinstallprompt', (e) => { e.preventDefault(); installEvent = e; installListeners.forEach((f) => f(e)); });
window.addEventListener('appinstalled', () => { installEvent = null; installListeners.forEach((f) => f(null)); });

function InstallOffer() {
  const [ev, setEv] = useState(installEvent);
  const [hidden, setHidden] = useState(() => localStorage.getItem('jangkau.install.later') === '1');
  useEffect(() => { installListeners.add(setEv); return () => installListeners.delete(setEv); }, []);
  if (!ev || hidden) return null;
  const install = async () => {
    ev.prompt();
    const choice = await ev.userChoice.catch(() => null);
    if (choice?.outcome === 'accepted') { installEvent = null; setEv(null); }
  };
  return (
    <div class="card install" data-testid="install-offer">
      <p>{t('install_text')}</p>
      <div class="actions">
        <button type="button" class="primary" data-testid="install" onClick={install}>{t('install')}</button>
        <button type="button" onClick={() => { localStorage.setItem('jangkau.install.later', '1'); setHidden(true); }}>{t('install_later')}</button>
      </div>
    </div>
  );
}

function Tabs({ tab, badge }) {
  return (
    <div class="tabs" role="tablist">
      <a role="tab" href="#/?tab=activities" class={tab === 'activities' ? 'on' : ''} data-testid="tab-activities">{t('tab_activities')}{badge('activities')}</a>
      <a role="tab" href="#/?tab=outreach_logs" class={tab === 'outreach_logs' ? 'on' : ''} data-testid="tab-outreach_logs">{t('tab_outreach')}{badge('outreach_logs')}</a>
      <a role="tab" href="#/programmes" class={tab === 'village_programs' ? 'on' : ''} data-testid="tab-programmes">{t('tab_programmes')}{badge('village_programs')}</a>
    </div>
  );
}

/** The village's programmes, under the same tabs as the records. */
function ProgrammesHome({ query }) {
  const refused = useLive(() => refusedCounts(), [], { village_programs: 0 });
  const badge = (c) => refused[c] > 0 && <span class="tab-badge" data-testid={`refused-${c}`} aria-label={t('refused_n', { n: refused[c] })}>{refused[c]}</span>;
  return (
    <div>
      <Tabs tab="village_programs" badge={badge} />
      <ProgrammeList saved={query.get('saved')} />
    </div>
  );
}

function Home({ query }) {
  const tab = query.get('tab') === 'outreach_logs' ? 'outreach_logs' : 'activities';
  const refused = useLive(() => refusedCounts(), [], { activities: 0, outreach_logs: 0 });
  const badge = (c) => refused[c] > 0 && <span class="tab-badge" data-testid={`refused-${c}`} aria-label={t('refused_n', { n: refused[c] })}>{refused[c]}</span>;
  return (
    <div>
      <InstallOffer />
      <Tabs tab={tab} badge={badge} />
      {query.get('saved') && <SavedNotice collection={tab} id={query.get('saved')} />}
      <RecordList key={tab + (query.get('status') || '')} collection={tab} initialStatus={query.get('status') || 'all'} />
      <div class="fab">
        <a class="button primary" href={`#/new/${tab}`} data-testid="new-record">+ {tab === 'activities' ? t('new_activity') : t('new_outreach')}</a>
      </div>
    </div>
  );
}

function Settings({ session }) {
  const waiting = useLive(() => unsentCount(), [], 0);
  const out = async () => {
    if (!confirm(waiting ? t('logout_unsent', { n: waiting }) : t('logout_confirm'))) return;
    await logout();
    go('/login');
  };
  return (
    <div>
      <section class="card">
        <h3>{t('account')}</h3>
        <p>{t('signed_in_as')}: <strong>{session.user.name || session.user.email}</strong><br />{session.user.email}<br />{label('roles', session.user.role)}</p>
        <p class="hint">{session.kind === 'device' ? t('via_device', { id: session.deviceId }) : t('via_password')}</p>
        <button type="button" class="danger" onClick={out} data-testid="logout">{t('logout')}</button>
      </section>
      <Notices />
      <NotifySettings />
      <ChangePassword />
      <section class="card">
        <h3>{t('language')}</h3>
        <div class="actions">
          <button type="button" class={lang() === 'id' ? 'primary' : ''} onClick={() => setLang('id')}>Bahasa Indonesia</button>
          <button type="button" class={lang() === 'en' ? 'primary' : ''} onClick={() => setLang('en')}>English</button>
        </div>
      </section>
      <section class="card">
        <h3>{t('about')}</h3>
        <p>{t('about_text')}</p>
        <p class="hint">{t('credit')}</p>
        <p class="hint">{t('version', { v: APP_VERSION })}</p>
      </section>
    </div>
  );
}

function App() {
  useLang();
  // Vocabularies received through sync relabel every screen.
  const [, setVocabTick] = useState(0);
  useEffect(() => onVocabularies(() => setVocabTick((n) => n + 1)), []);
  const route = useRoute();
  const [session, setSession] = useState(currentSession());
  useEffect(() => onSession(setSession), []);
  // a one-time password from the verifier: nothing works until it is changed (the server refuses)
  const mustChange = session && session.kind === 'password' && session.user.must_change_password && !session.needsLogin;
  const active = session && session.user.role === 'village_officer' && !mustChange;
  useEffect(() => {
    if (!active || session.needsLogin) return undefined;
    return startAutoSync();
  }, [active, session?.needsLogin, session?.user?.id]);

  const { path, query } = route;
  let body;
  if (path === '/activate') body = <Activate query={query} />;
  else if (path === '/forgot') body = <Forgot />;
  else if (mustChange) body = <ChangePassword forced />;
  else if (session?.wipe) body = null; // revoked with wipe: sending, then deleting (WipeNotice)
  else if (!session || path === '/login') body = session && !session.needsLogin && path === '/login' ? (go('/'), null) : <Login onDone={() => go('/')} />;
  else if (!active && session.user.role !== 'village_officer') {
    body = (
      <section class="card">
        <p>{t('not_officer', { role: label('roles', session.user.role) })}</p>
        <div class="actions"><a class="button" href="/">{t('open_console')}</a><button type="button" onClick={async () => { await logout(); go('/login'); }}>{t('logout')}</button></div>
      </section>
    );
  } else {
    const m = path.match(/^\/(new|r)\/(activities|outreach_logs)(?:\/([A-Za-z0-9_-]+))?$/);
    const pm = path.match(/^\/(new|r)\/village_programs(?:\/([A-Za-z0-9_-]+))?$/);
    if (m) body = <RecordForm key={path} collection={m[2]} id={m[1] === 'r' ? m[3] : null} />;
    else if (pm) body = <ProgrammeForm key={path} id={pm[1] === 'r' ? pm[2] : null} village={session.area?.village || session.user.area} />;
    else if (path === '/programmes') body = <ProgrammesHome query={query} />;
    else if (path === '/settings') body = <Settings session={session} />;
    else body = <Home query={query} />;
  }
  const back = path !== '/' && session && path !== '/login' && path !== '/activate' && path !== '/forgot' && !mustChange;
  return (
    <>
      <Header session={session} />
      <UpdateBanner />
      <WipeNotice session={session} />
      {session?.needsLogin && path !== '/login' && path !== '/activate' && (
        <div class="banner bad" data-testid="session-ended">
          {t('session_ended')} {session.authError ? `(${serverText(session.authError)})` : ''}
          <a class="button small" href={session.kind === 'device' ? '#/activate' : '#/login'}>{session.kind === 'device' ? t('reactivate') : t('relogin')}</a>
        </div>
      )}
      {active && !session.needsLogin && <SyncBar />}
      <main>
        {back && path !== '/programmes' && <p><a href={path.includes('village_programs') ? '#/programmes' : `#/?tab=${path.includes('outreach_logs') ? 'outreach_logs' : 'activities'}`} class="back">← {t('back')}</a></p>}
        {body}
      </main>
    </>
  );
}

async function boot() {
  document.documentElement.lang = lang();
  // A link handed over by the protocol handler (web+jangkau://enroll?...) arrives as ?link=.
  const params = new URLSearchParams(location.search);
  if (params.get('link') || params.get('code')) {
    const q = new URLSearchParams();
    if (params.get('link')) q.set('link', params.get('link'));
    if (params.get('code')) q.set('code', params.get('code'));
    history.replaceState(null, '', location.pathname + '#/activate?' + q);
  }
  await db.open();
  await loadVocabularies();
  await loadSession();
  render(<App />, document.getElementById('app'));
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('./sw.js', { scope: './' }).catch((err) => console.warn('service worker', err));
  }
}

boot();
