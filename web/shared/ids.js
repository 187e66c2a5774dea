// Record ids made by the browser apps (the field app and the console).
import { identifiers } from '../app/src/privacy.js';

/**
 * An id of len characters drawn from alphabet. A draw the privacy guard reads
 * as a phone or NIK number (a long run of digits: about once in a million) is
 * drawn again: the server refuses such an id for good, and the record it
 * names could never be sent (the guard on ids is the text guard's leniency
 * for machine ids, so what this port of the text guard lets through passes).
 */
export function drawId(alphabet, len) {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(len));
    let id = '';
    for (const b of bytes) id += alphabet[b % alphabet.length];
    if (identifiers(id).length === 0) return id;
  }
}
