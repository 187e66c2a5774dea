// Small shared pieces of the console.
import { t, label } from '../shared/i18n.js';
import { errorMessage } from '../shared/errors.js';
import { areaPlace } from './areas.js';

export function Spinner() {
  return <p class="loading" role="status" aria-live="polite">{t('app.loading')}</p>;
}

/** An error (or message) with an optional retry button. */
export function Alert({ error, message, retry, kind = 'error', id }) {
  // a message kept in state comes as {text} (i18n.setText): read now, in the language of the moment
  const text = (message && typeof message === 'object' ? message.text : message) || errorMessage(error);
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

/**
 * An area as a record's place, by its level: a village with its district and
 * regency under it (265 village names repeat in Lampung), a district with its
 * regency, a regency or the province by name.
 */
export function Place({ code }) {
  const p = areaPlace(code);
  return (
    <span class="village" data-area={code} data-level={p.level} data-village={p.level === 'village' ? code : undefined}>
      <span class="vname">{p.name}</span>
      {p.within && <span class="vplace">{p.within}</span>}
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
