// Issue 17 in the field app: "Lupa kata sandi" (PocketBase's reset e-mail,
// whose link opens the console's reset page), the change of password (forced
// after a one-time password from the verifier), Web Push on this phone,
// the notification switches and the notices.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, currentSession, replaceSession } from './api.js';
import { formatTime, lang, serverText, t } from './i18n.js';
import { later, setLater } from '../../shared/later.js';

// Messages kept in state are read when shown (later, setLater): a switch of
// language turns them too.

function fieldErrs(err) {
  const out = {};
  if (err instanceof ApiError) for (const [k, v] of Object.entries(err.data || {})) setLater(out, k, () => serverText(v?.message || v?.code || ''));
  return out;
}

export function Forgot() {
  const [email, setEmail] = useState(currentSession()?.user?.email || '');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    if (!email.trim()) { setError(later(() => t('required'))); return; }
    setBusy(true); setError('');
    try {
      const res = await fetch('/api/collections/users/request-password-reset', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: email.trim() }),
      });
      if (res.status === 429) setError(later(() => t('login_too_many')));
      else if (!res.ok) {
        const message = (await res.json().catch(() => ({}))).message || '';
        setError(later(() => serverText(message) || t('pw_failed')));
      }
      else setSent(true);
    } catch { setError(later(() => t('pw_offline'))); }
    setBusy(false);
  };
  return (
    <section class="card" data-testid="forgot">
      <h2>{t('pw_forgot_title')}</h2>
      <p class="hint">{t('pw_forgot_intro')}</p>
      {sent ? <p class="notice" role="status" data-testid="forgot-sent">{t('pw_forgot_sent', { email })}</p> : (
        <form onSubmit={submit} novalidate>
          <label for="forgot-email">{t('email')}</label>
          <input id="forgot-email" type="email" autocomplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          {error && <p class="error" role="alert">{error.text}</p>}
          <button class="primary" type="submit" disabled={busy} data-testid="forgot-send">{t('pw_forgot_send')}</button>
        </form>
      )}
      <p class="center"><a href="#/login" class="back">← {t('pw_back')}</a></p>
    </section>
  );
}

/** Change of one's own password (password sessions; a phone's device token may not). */
export function ChangePassword({ forced }) {
  const s = currentSession();
  const [v, setV] = useState({ oldPassword: '', password: '', passwordConfirm: '' });
  const [errors, setErrors] = useState({});
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  if (s?.kind === 'device') return <section class="card" data-testid="change-password"><h3>{t('pw_change')}</h3><p class="hint">{t('pw_device')}</p></section>;
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = async (ev) => {
    ev.preventDefault();
    const errs = {};
    if (!v.oldPassword) setLater(errs, 'oldPassword', () => t('required'));
    if (v.password.length < 10) setLater(errs, 'password', () => t('pw_short'));
    if (v.password !== v.passwordConfirm) setLater(errs, 'passwordConfirm', () => t('pw_mismatch'));
    setErrors(errs); setMsg('');
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const r = await api('POST', '/api/accounts/password', v);
      await replaceSession(r.token, r.record);
      setV({ oldPassword: '', password: '', passwordConfirm: '' });
      setMsg(later(() => t('pw_saved')));
    } catch (err) {
      const fe = fieldErrs(err);
      setErrors(Object.keys(fe).length ? fe : setLater({}, 'form', () => (err instanceof ApiError ? serverText(err.message) : t('pw_offline'))));
    }
    setBusy(false);
  };
  const f = (name, label, auto) => (
    <>
      <label for={'pw-' + name}>{label}</label>
      <input id={'pw-' + name} type="password" autocomplete={auto} value={v[name]} onInput={set(name)} aria-invalid={!!errors[name]} />
      {errors[name] && <p class="error" role="alert" data-field={name}>{errors[name]}</p>}
    </>
  );
  return (
    <section class="card" data-testid="change-password">
      <h3>{t(forced ? 'pw_must_title' : 'pw_change')}</h3>
      {forced && <p class="notice warn" data-testid="must-change">{t('pw_must_intro')}</p>}
      <form onSubmit={submit} novalidate>
        {f('oldPassword', t(forced ? 'pw_onetime' : 'pw_old'), 'current-password')}
        {f('password', t('pw_new'), 'new-password')}
        <p class="hint">{t('pw_hint')}</p>
        {f('passwordConfirm', t('pw_confirm'), 'new-password')}
        {errors.form && <p class="error" role="alert">{errors.form}</p>}
        <button class="primary" type="submit" disabled={busy} data-testid="pw-save">{t('pw_save')}</button>
        {msg && <p class="notice" role="status" data-testid="pw-saved">{msg.text}</p>}
      </form>
    </section>
  );
}

function b64urlToBytes(s) {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

async function pushSubscription() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

/** Web Push on this phone: the browser's permission, its subscription, the server's copy. */
function PushSwitch() {
  const supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  const [sub, setSub] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (supported) pushSubscription().then(setSub, () => {}); }, []);
  if (!supported) return <p class="hint" data-testid="push-unsupported">{t('push_unsupported')}</p>;
  const on = async () => {
    setBusy(true); setError('');
    try {
      if ((await Notification.requestPermission()) !== 'granted') throw new Error(t('push_denied'));
      const { publicKey } = await api('GET', '/api/notify/vapid');
      const reg = await navigator.serviceWorker.ready;
      const s = (await reg.pushManager.getSubscription()) || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(publicKey) });
      await api('POST', '/api/notify/subscriptions', { ...s.toJSON(), lang: lang() });
      setSub(s);
    } catch (err) {
      // the browser's own refusal (no push service reachable, permission) is in English: say it in the user's words first
      setError(later(() => (err instanceof ApiError ? serverText(err.message) : `${t('push_failed')} (${err.message || err})`)));
    }
    setBusy(false);
  };
  const off = async () => {
    setBusy(true); setError('');
    try {
      await api('DELETE', '/api/notify/subscriptions', { endpoint: sub.endpoint });
      await sub.unsubscribe();
      setSub(null);
    } catch (err) { setError(later(() => (err instanceof ApiError ? serverText(err.message) : String(err)))); }
    setBusy(false);
  };
  return (
    <div data-testid="push" data-on={String(!!sub)}>
      <p>{sub ? t('push_on') : t('push_off')}</p>
      {sub ? <button type="button" disabled={busy} onClick={off} data-testid="push-off">{t('push_disable')}</button>
        : <button type="button" class="primary" disabled={busy} onClick={on} data-testid="push-on">{t('push_enable')}</button>}
      {error && <p class="error" role="alert">{error.text}</p>}
    </div>
  );
}

export function NotifySettings() {
  const [prefs, setPrefs] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => { api('GET', '/api/notify/prefs').then(setPrefs, (e) => setError(later(() => (e instanceof ApiError ? serverText(e.message) : t('pw_offline'))))); }, []);
  const toggle = async (sw, isOn) => {
    const off = isOn ? prefs.off.filter((x) => x !== sw) : [...prefs.off, sw];
    try { setPrefs(await api('PUT', '/api/notify/prefs', { off, lang: lang() })); } catch (e) { setError(later(() => serverText(e.message || ''))); }
  };
  return (
    <section class="card" data-testid="notify-settings">
      <h3>{t('notify_title')}</h3>
      <PushSwitch />
      {error && <p class="error" role="alert">{error.text}</p>}
      {prefs && prefs.kinds.map((k) => (
        <fieldset key={k.kind} class="prefs" data-kind={k.kind}>
          <legend>{t('notify_kind_' + k.kind)}</legend>
          {k.channels.map((c) => {
            const sw = k.kind + '.' + c;
            return (
              <label class="check" key={sw}>
                <input type="checkbox" data-switch={sw} checked={!prefs.off.includes(sw)} onChange={(e) => toggle(sw, e.currentTarget.checked)} />
                <span>{t('notify_channel_' + c)}</span>
              </label>
            );
          })}
        </fieldset>
      ))}
    </section>
  );
}

export function Notices() {
  const [state, setState] = useState(null);
  const load = () => api('GET', '/api/notify/notices').then(setState, () => setState({ items: [], unread: 0, offline: true }));
  useEffect(() => { load(); }, []);
  if (!state) return null;
  const en = lang() === 'en';
  const readAll = async () => { await api('POST', '/api/notify/notices/read', { all: true }).catch(() => {}); load(); };
  return (
    <section class="card" data-testid="notices" data-unread={state.unread}>
      <h3>{t('notices_title')}{state.unread > 0 && <span class="tab-badge">{state.unread}</span>}</h3>
      {state.offline && <p class="hint">{t('notices_offline')}</p>}
      {!state.offline && state.items.length === 0 && <p class="hint">{t('notices_none')}</p>}
      <ul class="notices">
        {state.items.map((n) => (
          <li key={n.id} class={n.readAt ? 'read' : 'unread'} data-notice={n.kind}>
            <strong>{en ? n.titleEn : n.titleId}</strong>
            <span class="hint">{formatTime(Date.parse(n.created.replace(' ', 'T')))}</span>
            <p>{en ? n.bodyEn : n.bodyId}</p>
            {n.link && n.link.startsWith('/app/#') && <a href={n.link.slice(5)} class="button small">{t('notices_open')}</a>}
          </li>
        ))}
      </ul>
      {state.unread > 0 && <button type="button" onClick={readAll} data-testid="notices-readall">{t('notices_readall')}</button>}
    </section>
  );
}
