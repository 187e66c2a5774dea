// Jangkau's one error shape (docs/api.md, package apierr on the server):
//   {status, message, data: {field: {code, message}}}
// with every Jangkau message in the agreed form "Bahasa Indonesia / English".
// Both web apps read server errors through this module: codes to decide,
// messages to show.

/** What joins the two languages of a server message. */
export const SEPARATOR = ' / ';

/**
 * The part of a server message in lang ('id' or 'en'): Bahasa Indonesia
 * before the separator, English after it. A message in one language only
 * (PocketBase's own) is returned as it is.
 */
export function inLang(message, lang) {
  if (!message) return '';
  const i = message.indexOf(SEPARATOR);
  if (i < 0) return message;
  return lang === 'en' ? message.slice(i + SEPARATOR.length) : message.slice(0, i);
}

/** The error body of a failed request: the PocketBase SDK's error, a fetch answer's JSON, or the body itself. */
function bodyOf(err) {
  return err?.response && typeof err.response === 'object' ? err.response : err?.data?.data ? err.data : err;
}

/** The field errors of a failed request: {field: {code, message}} (empty when none). */
export function errorFields(err) {
  const data = bodyOf(err)?.data;
  return data && typeof data === 'object' ? data : {};
}

/** The code of field's error, or of the first field's when no field is named ('' when none). */
export function errorCode(err, field) {
  const data = errorFields(err);
  if (field) return data[field]?.code || '';
  for (const v of Object.values(data)) if (v?.code) return v.code;
  return '';
}
