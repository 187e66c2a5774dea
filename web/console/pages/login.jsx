import { useState } from 'preact/hooks';
import { setText, t } from '../../shared/i18n.js';
import { fieldErrors, errorMessage } from '../../shared/errors.js';
import { pb } from '../pb.js';
import { FieldError } from '../ui.jsx';

export function Login() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [errors, setErrors] = useState({});

  async function submit(ev) {
    ev.preventDefault();
    setError('');
    setErrors({});
    const errs = {};
    if (!email.trim()) setText(errs, 'identity', 'err.required');
    if (!password) setText(errs, 'password', 'err.required');
    if (Object.keys(errs).length) { setErrors(errs); return; }
    setBusy(true);
    try {
      await pb.collection('users').authWithPassword(email.trim(), password);
      // App re-renders through authStore.onChange and sends the user home.
    } catch (err) {
      const fe = fieldErrors(err);
      setErrors(fe);
      // kept as a getter: shown in the language of the moment (a switch follows)
      setError({ get text() { return err.status === 400 && !Object.keys(fe).length ? t('login.failed') : errorMessage(err); } });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card narrow" id="login">
      <h1>{t('login.title')}</h1>
      <p class="muted">{t('login.intro')}</p>
      <form onSubmit={submit} novalidate>
        <label for="email">{t('login.email')}</label>
        <input id="email" name="email" type="email" autocomplete="username" value={email}
          onInput={(e) => setEmail(e.currentTarget.value)} aria-invalid={!!errors.identity} />
        <FieldError name="identity" errors={errors} />
        <label for="password">{t('login.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" value={password}
          onInput={(e) => setPassword(e.currentTarget.value)} aria-invalid={!!errors.password} />
        <FieldError name="password" errors={errors} />
        <button type="submit" class="primary" id="login-submit" disabled={busy}>{busy ? t('login.busy') : t('login.submit')}</button>
        {error && <p class="alert error" role="alert" id="login-error">{error.text}</p>}
      </form>
      <p><a href="#/forgot" class="button link-button" id="login-forgot">{t('login.forgot')}</a></p>
    </section>
  );
}
