// Jangkau web console: entry point, layout and routing.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { addStrings, lang, onLang, setLang, t, label } from '../shared/i18n.js';
import strings from './strings.js';
import dashStrings from './dash/strings.js';
import accountStrings from './account-strings.js';
import { Forgot, ResetPassword, ChangePassword } from './pages/password.jsx';
import { pb, me, signOut } from './pb.js';
import { forgetAreas, loadAreas, areaName } from './areas.js';
import { loadVocabularies } from './vocab.js';
import { onVocabularies } from '../shared/vocab.js';
import { useHash, match, navigate } from './router.js';
import { routes, homeOf, allowed } from './routes.js';
import { Login } from './pages/login.jsx';
import { About } from './pages/about.jsx';
import { Alert, Spinner } from './ui.jsx';
import './style.css';

addStrings(strings);
addStrings(dashStrings);
addStrings(accountStrings);

function LangSwitch() {
  const other = lang() === 'id' ? 'en' : 'id';
  return (
    <button type="button" class="lang" id="lang-switch" title={t('lang.switch.title')} aria-label={t('lang.switch.title')}
      onClick={() => setLang(other)}>{t('lang.switch.short')}</button>
  );
}

function Header({ user, path }) {
  const [open, setOpen] = useState(false);
  const items = user ? routes.filter((r) => r.nav && allowed(r, user.role)) : [];
  useEffect(() => setOpen(false), [path]);
  return (
    <header class="top">
      <div class="bar">
        <a class="brand" href={user ? '#' + (homeOf[user.role] || '/about') : '#/'}>
          <strong>{t('app.name')}</strong><span class="org">{t('app.org')}</span>
        </a>
        <div class="bar-end">
          <LangSwitch />
          {user && <button type="button" class="menu-btn" aria-expanded={open} onClick={() => setOpen(!open)}>{t('nav.menu')}</button>}
        </div>
      </div>
      {user && (
        <nav class={open ? 'nav open' : 'nav'} aria-label={t('nav.menu')}>
          {items.map((r) => (
            <a href={'#' + r.path} class={path.startsWith(r.path) ? 'active' : ''} aria-current={path.startsWith(r.path) ? 'page' : undefined}
              data-nav={r.path.slice(1)}>{t(r.nav)}</a>
          ))}
          <span class="who" id="who">{user.name || user.email} · {label('roles', user.role)} · {areaName(user.area)}</span>
          <button type="button" class="link" id="sign-out" onClick={() => { signOut(); navigate('/'); }}>{t('nav.signout')}</button>
        </nav>
      )}
    </header>
  );
}

function App() {
  const [, setLangTick] = useState(lang());
  const [user, setUser] = useState(me());
  const [areasReady, setAreasReady] = useState(false);
  const [areasError, setAreasError] = useState(null);
  const { path, query } = useHash();

  useEffect(() => onLang(setLangTick), []);
  // A change of the vocabularies (loaded, or edited) relabels every screen.
  useEffect(() => onVocabularies(() => setLangTick({})), []);
  useEffect(() => pb.authStore.onChange(() => setUser(me())), []);

  // A stored session is checked once: a deactivated or expired account is signed out.
  useEffect(() => {
    if (pb.authStore.isValid && me()) pb.collection('users').authRefresh().catch(() => signOut());
    else if (pb.authStore.token) signOut();
  }, []);

  useEffect(() => {
    setAreasReady(false);
    setAreasError(null);
    if (!user) { forgetAreas(); return; }
    if (user.must_change_password) return; // refused by the server until the password is changed
    Promise.all([loadAreas(user), loadVocabularies()]).then(() => setAreasReady(true), (e) => setAreasError(e));
  }, [user?.id, user?.area, user?.must_change_password]);

  let body;
  if (!user) {
    body = path === '/about' ? <About /> : path === '/forgot' ? <Forgot /> : path === '/reset-password' ? <ResetPassword query={query} /> : <Login />;
  } else if (user.must_change_password) {
    // a one-time password: the server refuses everything else until it is changed
    body = <ChangePassword forced />;
  } else if (areasError) {
    body = <Alert error={areasError} retry={() => location.reload()} />;
  } else if (!areasReady) {
    body = <Spinner />;
  } else {
    let found = null;
    for (const r of routes) {
      const params = match(r.path, path);
      if (params && allowed(r, user.role)) { found = { r, params }; break; }
    }
    if (!found) {
      const home = homeOf[user.role] || '/about';
      if (path === '/' || path === '') { navigate(home, {}, { replace: true }); body = <Spinner />; }
      else if (routes.some((r) => match(r.path, path))) {
        // The page exists, but not for this role: say so, not "not found".
        body = <div class="card" id="forbidden" role="alert"><h1>{t('forbidden.title')}</h1><p>{t('forbidden.text', { role: label('roles', user.role) })}</p><a class="button" href={'#' + home}>{t('common.back')}</a></div>;
      } else body = <p class="card" id="not-found">{t('notfound')} <a href={'#' + home}>{t('common.back')}</a></p>;
    } else {
      const Page = found.r.page;
      body = <Page user={user} params={found.params} query={query} />;
    }
  }
  return (
    <>
      <Header user={user} path={path} />
      <main id="main">{body}</main>
      <footer class="foot"><a href="#/about">{t('about.credit')}</a></footer>
    </>
  );
}

render(<App />, document.getElementById('app'));
