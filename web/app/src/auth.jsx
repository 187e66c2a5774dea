// Sign-in screens: email and password, or activation with an enrollment code
// (typed short code, pasted QR link, a link that opened the app, or the QR
// scanned with the camera where the browser can read QR codes).
import { useEffect, useRef, useState } from 'preact/hooks';
import { activateDevice, ApiError, currentSession, loginWithPassword, parseEnrollment } from './api.js';
import { serverText, t } from './i18n.js';
import { setLater } from '../../shared/later.js';

function errorText(err) {
  if (!(err instanceof ApiError)) return t('login_offline');
  const fields = Object.values(err.data || {});
  const msg = fields.length ? fields.map((f) => serverText(f.message)).join(' ') : serverText(err.message);
  return msg || err.message;
}

export function Login({ onDone }) {
  const s = currentSession();
  const [email, setEmail] = useState(s?.user?.email || '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError('');
    try {
      await loginWithPassword(email.trim(), password);
      onDone?.();
    } catch (err) {
      // PocketBase answers a wrong password (or a deactivated account) with a bare 400 "Failed to authenticate.".
      // kept as a getter: shown in the language of the moment (a switch follows)
      if (err instanceof ApiError && err.status === 400) setError(setLater({}, 'text', () => t('login_wrong')));
      else if (err instanceof ApiError && err.status === 429) setError(setLater({}, 'text', () => t('login_too_many')));
      else setError(setLater({}, 'text', () => `${t('login_failed')}: ${errorText(err)}`));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} data-testid="login-form">
      <h2>{t('login_title')}</h2>
      <p class="hint">{t('login_hint')}</p>
      <label for="login-email">{t('email')}</label>
      <input id="login-email" name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <label for="login-password">{t('password')}</label>
      <input id="login-password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      {error && <p class="error" role="alert">{error.text}</p>}
      <button class="primary" type="submit" disabled={busy}>{t('login_btn')}</button>
      <p class="center"><a href="#/activate">{t('use_code')}</a></p>
      <p class="center"><a href="#/forgot" data-testid="forgot-link">{t('forgot')}</a></p>
    </form>
  );
}

function QrScanner({ onCode, onClose }) {
  const video = useRef(null);
  useEffect(() => {
    let stop = false;
    let stream;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        video.current.srcObject = stream;
        await video.current.play();
        const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        while (!stop) {
          const found = await detector.detect(video.current).catch(() => []);
          if (found.length) { onCode(found[0].rawValue); break; }
          await new Promise((r) => requestAnimationFrame(r));
        }
      } catch { onClose(); }
    })();
    return () => { stop = true; stream?.getTracks().forEach((tr) => tr.stop()); };
  }, []);
  return (
    <div class="scanner">
      <video ref={video} playsInline muted />
      <button type="button" onClick={onClose}>{t('activate_scan_stop')}</button>
    </div>
  );
}

export function Activate({ query, onDone }) {
  const fromLink = query?.get('code') || '';
  const [code, setCode] = useState(fromLink || (query?.get('link') ? parseEnrollment(query.get('link')).code : ''));
  const [server, setServer] = useState(query?.get('server') || (query?.get('link') ? parseEnrollment(query.get('link')).server : ''));
  const [name, setName] = useState('');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const canScan = typeof window.BarcodeDetector === 'function' && !!navigator.mediaDevices?.getUserMedia;

  const take = (text) => {
    const e = parseEnrollment(text);
    setCode(e.code);
    setServer(e.server || '');
    setScanning(false);
  };
  const otherServer = server && (() => { try { return new URL(server).origin !== location.origin; } catch { return false; } })();

  const submit = async (ev) => {
    ev.preventDefault();
    const e = parseEnrollment(code);
    setBusy(true);
    setErrors({});
    try {
      await activateDevice(e.code, name.trim());
      onDone?.();
      location.replace('#/'); // the used code leaves the history

    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.data || {}).length) {
        const m = {};
        for (const [f, v] of Object.entries(err.data)) m[f] = serverText(v.message);
        setErrors(m);
      } else setErrors({ _: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} data-testid="activate-form">
      <h2>{t('activate_title')}</h2>
      <p class="hint">{t('activate_hint')}</p>
      {fromLink && <p class="notice">{t('activate_from_link')}</p>}
      {otherServer && <p class="error">{t('activate_other_server', { server })}</p>}
      {canScan && !scanning && <button type="button" onClick={() => setScanning(true)}>{t('activate_scan')}</button>}
      {scanning && <QrScanner onCode={take} onClose={() => setScanning(false)} />}
      <label for="act-code">{t('activate_code')}</label>
      <textarea id="act-code" name="code" rows="2" required value={code} onInput={(e) => take(e.currentTarget.value)} autocapitalize="characters" spellcheck={false} />
      {errors.code && <p class="error field-error">{errors.code}</p>}
      <label for="act-name">{t('activate_name')}</label>
      <input id="act-name" name="name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <p class="hint">{t('activate_name_hint')}</p>
      {errors.name && <p class="error field-error">{errors.name}</p>}
      {(errors._ || errors.clientId || errors.body) && <p class="error" role="alert">{errors._ || errors.clientId || errors.body}</p>}
      <button class="primary" type="submit" disabled={busy}>{t('activate_btn')}</button>
      <p class="center"><a href="#/login">{t('use_password')}</a></p>
    </form>
  );
}
