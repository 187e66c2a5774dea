// Server errors as people read them: PocketBase's error shape
// {status, message, data: {field: {code, message}}} turned into one message
// per field, in the current language.
import { errorFields, inLang } from './apierror.js';
import { setLater } from './later.js';
import { pick, t } from './i18n.js';

// PocketBase's own validation codes carry English-only messages.
const PB_CODES = {
  validation_required: 'err.required',
  validation_nil_or_not_empty_required: 'err.required',
  validation_invalid_email: 'err.email',
  validation_length_out_of_range: 'err.length',
  validation_max_text_constraint: 'err.length',
  validation_not_unique: 'err.unique',
};

function fieldMessage(e) {
  if (!e) return '';
  if (e.code && PB_CODES[e.code]) return t(PB_CODES[e.code]);
  return pick(e.message || e.code || '');
}

/**
 * { field: message } of a failed request (empty when none). Each message is
 * a getter: read when shown, it is in the language of that moment, so an
 * error kept in a form's state follows a switch of language.
 */
export function fieldErrors(err) {
  const out = {};
  for (const [k, v] of Object.entries(errorFields(err))) {
    if (v && typeof v === 'object') setLater(out, k, () => fieldMessage(v));
  }
  return out;
}

/** One line for a failed request as a whole. */
export function errorMessage(err) {
  if (!err) return '';
  if (err.isAbort) return '';
  const status = err.status ?? err.response?.status;
  if (status === 0 || (status === undefined && err instanceof TypeError)) return t('err.offline');
  if (status === 401) return t('err.session');
  if (status === 403) return t('err.forbidden');
  if (status === 404) return t('err.notfound');
  // what the server says of the request as a whole (it names `request` or
  // `body` where no field of a form is at fault: a wrong password, a body
  // that is not JSON) is the answer's own line, not a field to mark
  const whole = fieldErrors(err);
  if (whole.request || whole.body) return whole.request || whole.body;
  const msg = err.response?.message || err.message || '';
  // PocketBase's general messages (bilingual from the server) say less than the fields
  const en = inLang(msg, 'en');
  if (!msg || /^Something went wrong/.test(en) || /^Failed to /.test(en)) {
    return Object.keys(fieldErrors(err)).length ? t('err.fields') : t('err.generic');
  }
  return pick(msg);
}
