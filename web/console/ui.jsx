// Small shared pieces of the console.
import { t, label } from '../shared/i18n.js';
import { errorMessage } from '../shared/errors.js';
import { areaName, villagePlace } from './areas.js';

export function Spinner() {
  return <p class="loading" role="status" aria-live="polite">{t('app.loading')}</p>;
}

/** An error (or message) with an optional retry button. */
export function Alert({ error, message, retry, kind = 'error', id }) {
  const text = message || errorMessage(error);
  if (!text) return null;
  return (
    <div class={'alert ' + kind} role={kind === 'error' ? 'alert' : 'status'} id={id}>
      <span>{text}</span>
      {retry && <button type="button" class="link" onClick={retry}>{t('common.retry')}</button>}
    </div>
  );
}

/** The message the server (or the form) gave for one field. */
export function FieldError({ name, errors }) {
  const msg = errors?.[name];
  if (!msg) return null;
  return <p class="field-error" id={'err-' + name} data-field={name} role="alert">{msg}</p>;
}

export function StatusBadge({ status }) {
  return <span class={'badge st-' + status} data-status={status}>{label('statuses', status)}</span>;
}

/** A village with its district and regency beside it (265 names repeat in Lampung). */
export function Village({ code }) {
  return (
    <span class="village" data-village={code}>
      <span class="vname">{areaName(code)}</span>
      <span class="vplace">{villagePlace(code)}</span>
    </span>
  );
}

export function Progress({ done, total, text }) {
  return (
    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax={total} aria-valuenow={done} id="progress">
      <div class="progress-bar" style={{ width: total ? `${Math.round((100 * done) / total)}%` : '0%' }} />
      <span class="progress-text">{text}</span>
    </div>
  );
}
