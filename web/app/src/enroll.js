// Enrollment links and codes (docs/devices.md), kept apart so they can be tested in Node.

/**
 * Reads an enrollment from what the officer has: the QR's link
 * (jangkau://enroll?code=…&server=…, or web+jangkau://…, or this app's
 * /app/#/activate?code=… link), the bare code, or the 12-character short code.
 */
export function parseEnrollment(input) {
  const s = (input || '').trim();
  if (!s) return { code: '' };
  const m = s.match(/^(?:web\+)?jangkau:\/\/enroll\?(.*)$/i) || s.match(/[#?&]\/?activate\?(.*)$/) || s.match(/^[a-z]+:\/\/[^?]*\?(.*code=.*)$/i);
  if (m) {
    const q = new URLSearchParams(m[1]);
    return { code: q.get('code') || '', server: q.get('server') || '' };
  }
  return { code: s };
}
