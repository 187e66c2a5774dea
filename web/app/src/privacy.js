// The server's privacy guard (privacy/detect.go), read the same way on the
// phone: an officer is told before saving what the server would refuse. It
// is a line-by-line port; tests/clients/privacy.test.js feeds every example
// of the server's tests (privacy/testdata/examples.json, written by
// privacy's TestExamplesFile) through it and fails on any disagreement, so
// a change to detect.go without the same change here fails the build.
//
// Text is read as a person reads it: NFKC per character, every Unicode
// decimal digit as its ASCII digit, characters that show nothing dropped,
// O/o and l/I as 0 and 1 inside runs of digits; numbers are chains of digit
// groups with anything but a letter between them (up to MAX_SEPARATORS
// marks a gap); a window of groups that spells a NIK (16 digits) or an
// Indonesian mobile number is refused, and a passport number after a word
// naming one.

const MAX_GROUPS = 5;
const MAX_SEPARATORS = 4;
const MIN_DIGITS = 9;
const NIK_DIGITS = 16;
const MAX_PHONE_DIGITS = 16;
const PASSPORT_REACH = 40;
const PASSPORT_WORDS = ['paspor', 'pasport', 'passport', 'passpor'];
const PROVINCES = new Set([11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
  61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96]);

// Go's set: Cf, Mn, Me, Variation_Selector, Other_Default_Ignorable_Code_Point
// (JavaScript knows Default_Ignorable_Code_Point, which holds the last one).
const INVISIBLE = /^[\p{Cf}\p{Mn}\p{Me}\p{Variation_Selector}\p{Default_Ignorable_Code_Point}]$/u;
const DECIMAL = /^\p{Nd}$/u;
const LETTER = /^\p{L}$/u;
const SPACE = /^[\p{White_Space}\p{Cc}]$/u;

const D0 = 48, D9 = 57;
const isDigit = (r) => r >= D0 && r <= D9;
const isASCIILetter = (r) => (r >= 97 && r <= 122) || (r >= 65 && r <= 90);
const isLetter = (r) => (r < 128 ? isASCIILetter(r) : LETTER.test(String.fromCodePoint(r)));
const isBlank = (r) => (r < 128 ? r <= 32 || r === 127 : SPACE.test(String.fromCodePoint(r)) || r === 0x2800);
const invisible = (r) => INVISIBLE.test(String.fromCodePoint(r));

// digitValue is the value of a Unicode decimal digit, -1 for anything else:
// Unicode encodes decimal digits in runs of ten from 0 to 9.
function digitValue(r) {
  if (isDigit(r)) return r - D0;
  if (r < 128 || !DECIMAL.test(String.fromCodePoint(r))) return -1;
  let lo = r;
  while (DECIMAL.test(String.fromCodePoint(lo - 1))) lo--;
  return (r - lo) % 10;
}

/** read normalises text into code points as the guard reads them. */
function read(s) {
  const units = [];
  for (const ch of s) {
    const r = ch.codePointAt(0);
    if (r < 128) { units.push(r); continue; }
    if (invisible(r)) continue;
    const d = digitValue(r);
    if (d >= 0) { units.push(D0 + d); continue; }
    for (const x of ch.normalize('NFKC')) {
      const xr = x.codePointAt(0);
      if (invisible(xr)) continue;
      const xd = digitValue(xr);
      units.push(xd >= 0 ? D0 + xd : xr);
    }
  }
  lettersAsDigits(units);
  return units;
}

const O = 79, o = 111, l = 108, I = 73;
const digitLike = (r) => isDigit(r) || r === O || r === o || r === l || r === I;

function lettersAsDigits(units) {
  for (let i = 0; i < units.length;) {
    if (!digitLike(units[i])) { i++; continue; }
    let j = i, digits = 0;
    for (; j < units.length && digitLike(units[j]); j++) if (isDigit(units[j])) digits++;
    if (digits > 0 && j - i - digits <= digits) {
      for (let k = i; k < j; k++) {
        if (units[k] === O || units[k] === o) units[k] = D0;
        else if (units[k] === l || units[k] === I) units[k] = D0 + 1;
      }
    }
    i = j;
  }
}

const glen = (g) => g.to - g.from;

/** find returns the identifiers in units: [{code, from, to}]. */
function find(units) {
  const out = [];
  let chain = [], gaps = [], digits = 0;
  const flush = () => {
    if (digits >= MIN_DIGITS) matchChain(units, chain, gaps, out);
    chain = []; gaps = []; digits = 0;
  };
  const words = [];
  let seps = 0, inSpace = false, listMark = false, spaced = false, broken = false, gapFrom = 0;
  for (let i = 0; i < units.length;) {
    const r = units[i];
    if (isDigit(r)) {
      let j = i + 1;
      while (j < units.length && isDigit(units[j])) j++;
      if (chain.length > 0) {
        if (broken || seps < 1 || seps > MAX_SEPARATORS) flush();
        else gaps.push({ from: gapFrom, to: i, list: listMark && spaced });
      }
      chain.push({ from: i, to: j });
      digits += j - i;
      seps = 0; inSpace = false; listMark = false; spaced = false; broken = false;
      gapFrom = j;
      i = j;
      continue;
    } else if (isLetter(r)) {
      broken = true;
      if (r === 112 || r === 80) {
        const w = passportWordAt(units, i);
        if (w > 0) { words.push(i + w); i += w; continue; }
      }
    } else if (isBlank(r)) {
      if (!inSpace) { seps++; inSpace = true; }
      spaced = true;
    } else {
      seps++;
      inSpace = false;
      if (r === 44 || r === 59 || r === 58 || r === 0x3001) listMark = true;
    }
    i++;
  }
  if (chain.length > 0) flush();
  return findPassports(units, words, out);
}

function matchChain(units, ch, gaps, out) {
  for (let i = 0; i < ch.length;) {
    let n = 0, code = '', total = 0, listed = false, even = true;
    for (let k = 1; i + k <= ch.length; k++) {
      total += glen(ch[i + k - 1]);
      if (k > 1 && total > NIK_DIGITS) break;
      const window = ch.slice(i, i + k);
      if (k > 1) {
        const last = gaps[i + k - 2];
        listed = listed || last.list;
        even = even && sameGap(units, gaps[i], last);
      }
      const byHand = k <= MAX_GROUPS && !listed;
      if (total >= MIN_DIGITS && isPhone(units, window, total, byHand, even, listed)) { n = k; code = 'phone'; break; }
      if ((k === 1 && total > NIK_DIGITS) ||
        (total === NIK_DIGITS && ((byHand && !yearList(units, window)) || (even && !listed && provinceFirst(units, window) && !dates(units, window))))) {
        n = k; code = 'nik'; break;
      }
    }
    if (n === 0) { i++; continue; }
    out.push({ code, from: ch[i].from, to: ch[i + n - 1].to });
    i += n;
  }
}

function sameGap(units, a, b) {
  let i = a.from, j = b.from;
  while (i < a.to && j < b.to) {
    const ri = units[i], rj = units[j];
    if (isBlank(ri) && isBlank(rj)) {
      while (i < a.to && isBlank(units[i])) i++;
      while (j < b.to && isBlank(units[j])) j++;
      continue;
    }
    if (ri !== rj) return false;
    i++; j++;
  }
  return i === a.to && j === b.to;
}

function value(units, g) {
  let v = 0;
  for (let i = g.from; i < g.to; i++) v = 10 * v + (units[i] - D0);
  return v;
}

const isYear = (units, g) => glen(g) === 4 && value(units, g) >= 1900 && value(units, g) <= 2099;
const yearList = (units, gs) => gs.length === 4 && gs.every((g) => isYear(units, g));

function dates(units, gs) {
  const small = (g, max) => glen(g) <= 2 && value(units, g) >= 1 && value(units, g) <= max;
  for (let k = 0; k + 2 < gs.length; k++) {
    if ((small(gs[k], 31) && small(gs[k + 1], 12) && isYear(units, gs[k + 2])) ||
      (isYear(units, gs[k]) && small(gs[k + 1], 12) && small(gs[k + 2], 31))) return true;
  }
  return false;
}

function digitsOf(units, gs) {
  let d = '';
  for (const g of gs) for (let i = g.from; i < g.to; i++) d += String.fromCharCode(units[i]);
  return d;
}

function provinceFirst(units, gs) {
  const d = digitsOf(units, gs);
  return d.length >= 2 && PROVINCES.has(Number(d.slice(0, 2)));
}

function isPhone(units, gs, total, byHand, even, listed) {
  if (total < MIN_DIGITS || total > MAX_PHONE_DIGITS) return false;
  let d = digitsOf(units, gs);
  let lens = gs.map(glen);
  const intl = d[0] === '0' && d[1] === '0';
  if (intl) {
    if (lens[0] === 1 && (!even || listed)) return false;
    d = d.slice(2);
    lens = dropDigits(lens, 2);
    if (d.length < 2 || d[0] !== '6' || d[1] !== '2' || lens.length === 0) return false;
  }
  let national = null;
  if (byHand || listed) {
    national = handPrefix(d, lens, intl);
    if (listed && (lens[0] < 4 || national === null || d.length - national.length >= lens[0])) national = null;
  }
  if (listed && !even) return false;
  if (national === null && even && !listed && !dates(units, gs)) {
    if (d[0] === '6' && d[1] === '2' && d.length > 2 && d[2] === '0') national = d.slice(3);
    else if (d[0] === '6' && d[1] === '2') national = d.slice(2);
    else if (d[0] === '0' && !intl) national = d.slice(1);
  }
  if (national === null || national.length < 8 || national.length > 12 || national[0] !== '8' || national[1] === '0') return false;
  return !amount(units, gs);
}

function dropDigits(lens, n) {
  const l = lens.slice();
  while (n > 0 && l.length > 0) {
    if (l[0] > n) { l[0] -= n; return l; }
    n -= l[0];
    l.shift();
  }
  return l;
}

function handPrefix(d, lens, intl) {
  const first = d.slice(0, lens[0]);
  const next = lens.length > 1 ? lens[1] : 0;
  if (!intl && first.length >= 3 && first.startsWith('08')) return d.slice(1);
  if (first.length >= 4 && first.startsWith('628')) return d.slice(2);
  if (first.length >= 5 && first.startsWith('6208')) return d.slice(3);
  if (!intl && (first === '0' || first === '08') && next >= 3) return d.slice(1);
  if (first === '62' && next >= 3) return d.slice(2);
  if (first === '62' && next === 1 && d[2] === '0' && lens.length > 2 && lens[2] >= 3) return d.slice(3);
  return null;
}

function amount(units, gs) {
  if (gs.length < 2 || glen(gs[0]) > 3 || units[gs[0].from] === D0) return false;
  if (gs[0].from > 0 && units[gs[0].from - 1] === 43) return false; // '+'
  for (let k = 1; k < gs.length; k++) {
    const single = gs[k].from - gs[k - 1].to === 1;
    const sep = units[gs[k].from - 1];
    if (single && sep === 46 && glen(gs[k]) === 3) continue; // '.'
    if (single && sep === 44 && glen(gs[k]) <= 2 && k === gs.length - 1 && k > 1) continue; // ','
    return false;
  }
  return true;
}

function findPassports(units, words, out) {
  let at = 0;
  for (const end of words) {
    for (let j = Math.max(end, at); j < units.length && j < end + PASSPORT_REACH && !sentenceEnd(units, j); j++) {
      const to = passportAt(units, j);
      if (to > 0) { out.push({ code: 'passport', from: j, to }); at = to; break; }
    }
  }
  return out.sort((a, b) => a.from - b.from);
}

function sentenceEnd(units, j) {
  switch (units[j]) {
    case 59: case 10: case 13: case 63: case 33: return true; // ; \n \r ? !
    case 46: { // '.'
      if (j + 1 < units.length && !isBlank(units[j + 1])) return false;
      let k = j;
      while (k > 0 && isLetter(units[k - 1])) k--;
      return j - k > 3;
    }
  }
  return false;
}

function passportWordAt(units, i) {
  const r = units[i];
  if ((r !== 112 && r !== 80) || (i > 0 && isLetter(units[i - 1]))) return 0;
  for (const w of PASSPORT_WORDS) {
    if (i + w.length > units.length) continue;
    let ok = true;
    for (let k = 0; k < w.length && ok; k++) ok = String.fromCodePoint(units[i + k]).toLowerCase() === w[k];
    if (ok) return w.length;
  }
  return 0;
}

function passportAt(units, j) {
  if (j > 0 && (isLetter(units[j - 1]) || isDigit(units[j - 1]))) return 0;
  let k = j;
  while (k < units.length && k - j < 3 && isASCIILetter(units[k])) k++;
  const letters = k - j;
  if (letters < 1 || letters > 2) return 0;
  if (k < units.length && (units[k] === 32 || units[k] === 45 || units[k] === 46)) k++;
  let d = k;
  while (d < units.length && isDigit(units[d])) d++;
  const n = d - k;
  if (n < 6 || n > 8 || (d < units.length && isLetter(units[d]))) return 0;
  return d;
}

// mightHoldNumber: plain ASCII with fewer than five digits holds nothing.
function mightHoldNumber(s) {
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return true;
    if (c >= D0 && c <= D9 && ++digits >= 5) return true;
  }
  return false;
}

/**
 * What in a text the server's guard refuses, each kind once, in the
 * server's order of precedence: 'nik', 'phone', 'passport'.
 */
export function identifiers(text) {
  if (!text || !mightHoldNumber(text)) return [];
  const kinds = new Set(find(read(text)).map((f) => f.code));
  return ['nik', 'phone', 'passport'].filter((k) => kinds.has(k));
}

/** The code the server answers text with (privacy_nik, privacy_phone, privacy_passport), or ''. */
export function refusalCode(text) {
  const k = identifiers(text)[0];
  return k ? 'privacy_' + k : '';
}
