// Issue 17's password screens: "Lupa kata sandi" (PocketBase's reset flow:
// request-password-reset, then the e-mailed link to #/reset-password),
// the change of one's own password (POST /api/accounts/password, which
// answers a new session), and the forced change after a one-time password.
import { useState } from 'preact/hooks';
import { setText, t } from '../../shared/i18n.js';
import { fieldErrors, errorMessage } from '../../shared/errors.js';
import { pb } from '../pb.js';
import { FieldError, Alert } from '../ui.jsx';

export function Forgot() {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState('');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const submit = async (ev) => {
    ev.preventDefault();
    setErrors({}); setError(null);
    if (!email.trim()) { setErrors({ email: t('err.required') }); return; }
    setBusy(true);
    try {
      await pb.collection('users').requestPasswordReset(email.trim());
      setSent(email.trim());
    } catch (err) { setErrors(fieldErrors(err)); setError(err); }
    setBusy(false);
  };
  return (
    <section class="card narrow" id="forgot">
      <h1>{t('pw.forgot.title')}</h1>
      <p class="muted">{t('pw.forgot.intro')}</p>
      {sent ? <Alert kind="ok" id="forgot-sent" message={t('pw.forgot.sent', { email: sent })} /> : (
        <form onSubmit={submit} novalidate>
          <label for="forgot-email">{t('login.email')}</label>
          <input id="forgot-email" type="email" autocomplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} aria-invalid={!!errors.email} />
          <FieldError name="email" errors={errors} />
          <button type="submit" class="primary" id="forgot-send" disabled={busy}>{t('pw.forgot.send')}</button>
          {error && !Object.keys(errors).length && <Alert error={error} />}
        </form>
      )}
      <p><a href="#/" class="button" id="forgot-back">{t('pw.back')}</a></p>
    </section>
  );
}

/** New password + confirmation, checked in the browser before it is sent. */
function NewPassword({ v, setV, errors, withOld }) {
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  return (
    <>
      {withOld && <>
        <label for="pw-old">{t('pw.old')}</label>
        <input id="pw-old" type="password" autocomplete="current-password" value={v.oldPassword} onInput={set('oldPassword')} aria-invalid={!!errors.oldPassword} />
        <FieldError name="oldPassword" errors={errors} />
      </>}
      <label for="pw-new">{t('pw.new')}</label>
      <input id="pw-new" type="password" autocomplete="new-password" value={v.password} onInput={set('password')} aria-invalid={!!errors.password} aria-describedby="pw-hint" />
      <p class="hint" id="pw-hint">{t('pw.hint')}</p>
      <FieldError name="password" errors={errors} />
      <label for="pw-confirm">{t('pw.confirm')}</label>
      <input id="pw-confirm" type="password" autocomplete="new-password" value={v.passwordConfirm} onInput={set('passwordConfirm')} aria-invalid={!!errors.passwordConfirm} />
      <FieldError name="passwordConfirm" errors={errors} />
    </>
  );
}

function localCheck(v, withOld) {
  const errs = {};
  if (withOld && !v.oldPassword) errs.oldPassword = t('err.required');
  if ((v.password || '').length < 10) setText(errs, 'password', 'pw.short');
  if (v.password !== v.passwordConfirm) errs.passwordConfirm = t('pw.mismatch');
  return errs;
}

export function ResetPassword({ query }) {
  const token = query?.token || '';
  const [v, setV] = useState({ password: '', passwordConfirm: '' });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    const errs = localCheck(v, false);
    setErrors(errs); setError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await pb.collection('users').confirmPasswordReset(token, v.password, v.passwordConfirm);
      setDone(true);
    } catch (err) {
      const fe = fieldErrors(err);
      if (fe.token) setError(setText({}, 'message', 'pw.reset.expired')); else { setErrors(fe); setError(err); }
    }
    setBusy(false);
  };
  return (
    <section class="card narrow" id="reset-password">
      <h1>{t('pw.reset.title')}</h1>
      {!token && <Alert message={t('pw.reset.notoken')} />}
      {done ? (
        <>
          <Alert kind="ok" id="reset-done" message={t('pw.reset.done')} />
          <p class="row"><a class="button primary" href="#/" id="reset-console">{t('pw.open.console')}</a> <a class="button" href="/app/" id="reset-app">{t('pw.open.app')}</a></p>
        </>
      ) : token && (
        <form onSubmit={submit} novalidate>
          <NewPassword v={v} setV={setV} errors={errors} />
          <button type="submit" class="primary" id="reset-save" disabled={busy}>{t('pw.save')}</button>
          {error && <p class="alert error" role="alert" id="reset-error">{error.message && !error.status ? error.message : errorMessage(error)}</p>}
        </form>
      )}
      {!done && <p><a href="#/forgot" class="button">{t('pw.forgot.title')}</a></p>}
    </section>
  );
}

/** Change one's own password; forced (no way around) after a one-time password. */
export function ChangePassword({ forced, onDone }) {
  const [v, setV] = useState({ oldPassword: '', password: '', passwordConfirm: '' });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    const errs = localCheck(v, true);
    setErrors(errs); setError(null); setMsg('');
    if (Object.keys(errs).length) return;
    setBusy(true);
    const done = () => {
      setV({ oldPassword: '', password: '', passwordConfirm: '' });
      setMsg(setText({}, 'text', 'pw.saved'));
      onDone?.();
    };
    const email = pb.authStore.record?.email;
    try {
      const r = await pb.send('/api/accounts/password', { method: 'POST', body: v });
      pb.authStore.save(r.token, r.record);
      done();
    } catch (err) {
      // No answer, or the session already ended: the change may have been
      // made (it ends every session) and its answer lost. Signing in with
      // the new password tells: it opens the new session the answer held.
      const status = err?.status ?? err?.response?.status;
      const changed = (status === 0 || status === 401) && email
        && await pb.collection('users').authWithPassword(email, v.password).then(() => true, () => false);
      if (changed) done();
      else {
        if (status === 401) pb.authStore.clear(); // the session ended otherwise: sign in again
        setErrors(fieldErrors(err)); setError(err);
      }
    }
    setBusy(false);
  };
  return (
    <section class={forced ? 'card narrow' : 'card'} id="change-password">
      <h2>{t(forced ? 'pw.must.title' : 'pw.change.title')}</h2>
      {forced && <p class="alert warn" id="must-change">{t('pw.must.intro')}</p>}
      <form onSubmit={submit} novalidate>
        <NewPassword v={v} setV={setV} errors={errors} withOld />
        <button type="submit" class="primary" id="pw-save" disabled={busy}>{t('pw.save')}</button>
        {msg && <Alert kind="ok" id="pw-saved" message={msg} />}
        {error && !Object.keys(fieldErrors(error)).length && <Alert error={error} />}
      </form>
    </section>
  );
}
