/**
 * Finds the strings in a text that are shaped like a one-time code, in one
 * forward pass without regular expressions:
 *
 *  - plain runs: `482910`, `7KQ2X` (4-10 characters, digits or upper-case
 *    letters with at least one digit; mixed-case runs of 6+ with 2+ letters
 *    and 2+ digits are kept as K_LOWER for the scorer to vet strictly);
 *  - hyphenated: `482-910`, `FWK-7RT` (2-3 equal-length groups), and a short
 *    fixed prefix `G-482910`, `FB-12345` (the prefix is dropped);
 *  - spaced: `482 910` (2-3 equal digit groups), `7KQ 2XF` (2-3 equal groups of
 *    upper-case letters and digits, each holding a digit), and one character per cell or
 *    per space `2\t9\t4\t0\t7\t1`, `4 8 2 9 1 0`, `R k 8 v Q 2`.
 *
 * It rejects, by shape alone, anything glued to other characters by `.` `,`
 * `:` `/` `_` `@` `=` (IP addresses, versions, prices, dates, times, URLs,
 * e-mail addresses, identifiers), numbers after `#`, `+`, `©` or a currency
 * sign, numbers before `%`, a currency or a unit, digit groups that belong to
 * a longer number (phone numbers, card numbers), ZIP codes after a state
 * abbreviation, and URLs.
 */
import * as Units from './units.js';
import * as Chars from './chars.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { UnitBuffer } = Units;
const { isAsciiAlnum, isAsciiLetter, isCjk, isDigit, isLower, isSpace, isUpper, isWordLetter } = Chars;

/**
 * `t.slice(a, b)` without a property lookup on `t`: the texts scanned here come in many string
 * representations, so a `.slice` read at a call site turns megamorphic and often misses V8's
 * lookup cache (callgrind: ~4% of the extractor's instructions).
 */
const stringSlice = String.prototype.slice;
const sliceOf = (t: string, from: number, to: number): string => stringSlice.call(t, from, to);

export const K_PLAIN = 0;
export const K_ALNUM = 1;
export const K_HYPHEN = 2;
export const K_PREFIX = 3;
export const K_SPACED = 4;
export const K_SPLIT = 5;
/** Contains lower-case letters ("4f8k2m9q"): accepted only with a code label right next to it. */
export const K_LOWER = 6;

export interface Candidate {
  /** The code as it would be typed: separators and fixed prefix removed, case kept. */
  value: string;
  /** Range of the whole written form in the source text. */
  start: number;
  end: number;
  kind: number;
}

const MAX_CANDIDATES = 400;
const MIN_LEN = 4;
const MAX_LEN = 10;

/** The text being scanned, as code units. */
const scratch = new UnitBuffer();

/** Characters that glue two alphanumeric runs into one compound token. */
function isConnector(c: number): boolean {
  return (
    c === 46 || c === 44 || c === 58 || c === 47 || c === 95 || c === 64 || c === 61 || c === 38 ||
    c === 63 || c === 37 || c === 92 || c === 43 || c === 35 || c === 126 || c === 0x2019 || c === 39
  );
}

function isCurrency(c: number): boolean {
  return c === 36 || c === 0x20ac || c === 0xa3 || c === 0xa5 || c === 0x20b9 || c === 0x20bd || c === 0xa2 || c === 0x20a9 || c === 0x20ba || c === 0x5143 || c === 0x5186;
}

/** Words after a number that make it an amount, a duration or a measure. */
const UNITS = new Set([
  'usd', 'eur', 'gbp', 'jpy', 'cny', 'rmb', 'rub', 'chf', 'cad', 'aud', 'inr', 'brl', 'mxn', 'btc', 'eth',
  'usdt', 'usdc', 'bnb', 'sol', 'xrp', 'ms', 'sec', 'secs', 'seconds', 'min', 'mins', 'minute', 'minutes',
  'minuten', 'minutos', 'minuti', 'h', 'hr', 'hrs', 'hours', 'stunden', 'heures', 'horas', 'days', 'tage',
  'jours', 'dias', 'km', 'kg', 'mb', 'gb', 'tb', 'kb', 'px', 'pt', 'mm', 'cm', 'mi', 'ft', 'lbs', 'oz', 'x',
  'points', 'pts', 'miles', 'votes', 'views', 'users', 'items', 'bytes', 'k', 'm', 'bn',
]);

/** End of the ASCII alphanumeric run starting at `i`. */
function runEnd(u: Uint16Array, i: number, n: number): number {
  while (i < n && isAsciiAlnum(u[i])) i++;
  return i;
}

/** Index after a URL that starts at `i`, or `i` when none starts there. */
function skipUrl(u: Uint16Array, len: number, i: number, n: number): number {
  let k = -1;
  if (startsWithCI(u, len, i, 'https://')) k = i + 8;
  else if (startsWithCI(u, len, i, 'http://')) k = i + 7;
  else if (startsWithCI(u, len, i, 'www.')) k = i + 4;
  if (k < 0) return i;
  while (k < n) {
    const c = u[k];
    if (isSpace(c) || c === 60 || c === 62 || c === 34 || c === 41 || c === 93) break;
    k++;
  }
  return k;
}

function startsWithCI(u: Uint16Array, len: number, i: number, lit: string): boolean {
  if (i + lit.length > len) return false;
  for (let k = 0; k < lit.length; k++) if ((u[i + k] | 32) !== (lit.charCodeAt(k) | 32)) return false;
  return true;
}

/**
 * True when the run [s, e) is glued to neighbours by a connector (part of a
 * compound token). A colon only glues digits ("14:42"), so "code:482910" stays.
 */
function glued(u: Uint16Array, s: number, e: number, n: number): boolean {
  if (s >= 2) {
    const p = u[s - 1];
    const p2 = u[s - 2];
    if (p === 58 ? isDigit(p2) : isConnector(p) && isAsciiAlnum(p2)) return true;
    if (p === 45 && (isAsciiAlnum(p2) || isWordLetter(p2))) return true;
  }
  if (e + 1 < n) {
    const q = u[e];
    const q2 = u[e + 1];
    if (q === 58 ? isDigit(q2) : isConnector(q) && isAsciiAlnum(q2)) return true;
  }
  return false;
}

/** Index after the compound token around `i` (alphanumerics and connectors). */
function skipCompound(u: Uint16Array, i: number, n: number): number {
  while (i < n) {
    const c = u[i];
    if (isAsciiAlnum(c) || ((isConnector(c) || c === 45) && i + 1 < n && isAsciiAlnum(u[i + 1]))) i++;
    else break;
  }
  return i;
}

/** Letters of other space-separated scripts directly touching the token make it part of a word. */
function touchesWord(c: number): boolean {
  return isWordLetter(c) && !isCjk(c) && !(c >= 0x600 && c <= 0x6ff) && !(c >= 0xac00 && c <= 0xd7af);
}

/** Shape rules on the characters around a token [s, e): true when it cannot be a code. */
function badNeighbours(u: Uint16Array, s: number, e: number, n: number): boolean {
  const p1 = s > 0 ? u[s - 1] : 32;
  const p2 = s > 1 ? u[s - 2] : 32;
  const q1 = e < n ? u[e] : 32;
  const q2 = e + 1 < n ? u[e + 1] : 32;
  if (touchesWord(p1) || touchesWord(q1)) return true;
  if (p1 === 35 || p1 === 43 || p1 === 0xa9 || isCurrency(p1) || p1 === 0x2116 /* № */) return true;
  if (isSpace(p1) && (isCurrency(p2) || p2 === 0xa9 || p2 === 35 || p2 === 0x2116)) return true;
  if (q1 === 37 || isCurrency(q1) || q1 === 0xb0 /* ° */) return true;
  if (isSpace(q1) && (isCurrency(q2) || q2 === 37)) return true;
  // "(800) 555-0142": a closing parenthesis after digits just before
  if (isSpace(p1) && p2 === 41 && s >= 3 && isDigit(u[s - 3])) return true;
  // a unit or currency word after one space on the same line ("30 min", not "…\nMã có")
  if ((q1 === 32 || q1 === 0xa0) && isAsciiLetter(q2)) {
    let k = e + 1;
    let w = '';
    while (k < n && k < e + 8 && isAsciiLetter(u[k])) w += String.fromCharCode(u[k++] | 32);
    if (!(k < n && isWordLetter(u[k])) && UNITS.has(w)) return true;
  }
  // US ZIP code after a two-letter state: "CA 94043", "OR 97205"
  if (e - s === 5 && isSpace(p1) && s >= 4 && isUpper(p2) && isUpper(u[s - 3])) {
    const p4 = u[s - 4];
    if (isSpace(p4) || p4 === 44) return true;
  }
  return false;
}

/** The candidate for a hyphen-free or hyphenated token made of `groups` (start/end pairs), or null. */
function tokenCandidate(t: string, u: Uint16Array, groups: number[]): Candidate | null {
  const count = groups.length / 2;
  const start = groups[0];
  const end = groups[groups.length - 1];
  if (count === 1) {
    const len = end - start;
    if (len < MIN_LEN || len > MAX_LEN) return null;
    let digits = 0;
    let lower = 0;
    for (let k = start; k < end; k++) {
      const c = u[k];
      if (isLower(c)) lower++;
      else if (isDigit(c)) digits++;
    }
    if (digits === 0) return null;
    if (lower > 0) {
      if (len < 6 || digits < 2 || len - digits < 2) return null;
      return { value: sliceOf(t, start, end), start, end, kind: K_LOWER };
    }
    return { value: sliceOf(t, start, end), start, end, kind: digits === len ? K_PLAIN : K_ALNUM };
  }
  if (count > 3) return null;
  // fixed prefix: "G-482910", "FB-12345"
  const l0 = groups[1] - groups[0];
  if (count === 2 && l0 <= 3 && allUpper(u, groups[0], groups[1])) {
    const l1 = groups[3] - groups[2];
    if (l1 >= MIN_LEN && l1 <= MAX_LEN && allDigits(u, groups[2], groups[3])) {
      return { value: sliceOf(t, groups[2], groups[3]), start, end, kind: K_PREFIX };
    }
  }
  // equal groups: "482-910", "FWK-7RT", "12-34-56"
  let total = 0;
  let digits = 0;
  let value = '';
  for (let g = 0; g < count; g++) {
    const gs = groups[2 * g];
    const ge = groups[2 * g + 1];
    if (ge - gs !== l0 || l0 < 2) return null;
    for (let k = gs; k < ge; k++) {
      const c = u[k];
      if (isLower(c)) return null;
      if (isDigit(c)) digits++;
    }
    total += ge - gs;
    value += sliceOf(t, gs, ge);
  }
  if (total < MIN_LEN || total > MAX_LEN || digits === 0) return null;
  return { value, start, end, kind: K_HYPHEN };
}

function allUpper(u: Uint16Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (!isUpper(u[k])) return false;
  return true;
}

function allDigits(u: Uint16Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (!isDigit(u[k])) return false;
  return true;
}

/** Single space-like separator between sequence groups; `split` (one character per group) also allows a tab or a line break. */
function isGroupSep(c: number, split: boolean): boolean {
  // a tab is a table cell boundary: it joins one character per cell, never two numbers of two columns
  return c === 32 || c === 0xa0 || c === 0x2009 || c === 0x202f || c === 0x2007 || (split && (c === 9 || c === 10));
}

/** Scans `t` (first `limit` characters) and returns the code-shaped candidates. */
export function findCandidates(t: string, limit: number): Candidate[] {
  const out: Candidate[] = [];
  // a URL check may look up to 8 characters past the limit; the length comes from the copy (see UnitBuffer)
  const u = scratch.load(t, limit + 8);
  const length = scratch.count;
  const n = Math.min(length, limit);
  let i = 0;
  while (i < n && out.length < MAX_CANDIDATES) {
    const c = u[i];
    if (!isAsciiAlnum(c)) {
      i++;
      continue;
    }
    if (i > 0 && isAsciiAlnum(u[i - 1])) {
      i = runEnd(u, i, n);
      continue;
    }
    // URLs start with "http" or "www": other words need no look-ahead
    if ((c | 32) === 104 || (c | 32) === 119) {
      const urlEnd = skipUrl(u, length, i, n);
      if (urlEnd > i) {
        i = urlEnd;
        continue;
      }
    }
    // the run and whether it holds a digit, in one pass
    let j = i;
    let digit = false;
    for (; j < n; j++) {
      const d = u[j];
      if (isDigit(d)) digit = true;
      else if (!isAsciiLetter(d)) break;
    }
    // fast path: ordinary words (no digit, not a prefix like "G-", not a lone capital)
    if (!(j < n && u[j] === 45) && (j - i > 1 ? !digit : isLower(c))) {
      i = j;
      continue;
    }
    // one token: run ('-' run)*
    // a new array per token: emptying one by `length = 0` is a generic store in optimised code
    const groups = [i, j];
    while (j + 1 < n && u[j] === 45 && isAsciiAlnum(u[j + 1]) && groups.length < 16) {
      const s2 = j + 1;
      j = runEnd(u, s2, n);
      groups.push(s2, j);
    }
    if (glued(u, i, j, n) || (j + 1 < n && u[j] === 45 && isAsciiAlnum(u[j + 1]))) {
      i = skipCompound(u, i, n);
      continue;
    }
    if (groups.length === 2 && !allDigitsOrSingle(u, i, j)) {
      const k = spacedAlnum(u, i, j, n, out);
      if (k > j) {
        i = k;
        continue;
      }
    }
    if (groups.length > 2 || !allDigitsOrSingle(u, i, j)) {
      const cand = tokenCandidate(t, u, groups);
      if (cand && !badNeighbours(u, i, j, n) && !numberBefore(u, i)) out.push(cand);
      i = j;
      continue;
    }
    i = sequence(t, u, i, j, n, out);
  }
  return out;
}

/**
 * Equal groups of upper-case letters and digits set apart by single spaces, each holding a digit
 * and a letter or more digits ("7KQ 2XF", "A4C 9Z2 K7Q"): one code shown in groups, as `482 910`
 * is for digits. Adds the joined candidate and returns the index after it, or `s` when
 * [s, e) does not start such a run (a word, a lone group, groups of unequal length).
 */
function spacedAlnum(u: Uint16Array, s: number, e: number, n: number, out: Candidate[]): number {
  const len = e - s;
  if (len < 3 || len > 5 || !upperAlnumWithDigit(u, s, e)) return s;
  let k = e;
  let count = 1;
  while (count < 3 && k + 1 < n && isGroupSep(u[k], false)) {
    const g = k + 1;
    const ge = runEnd(u, g, n);
    if (ge - g !== len || !upperAlnumWithDigit(u, g, ge) || glued(u, g, ge, n) || (ge < n && u[ge] === 45)) break;
    count++;
    k = ge;
  }
  if (count === 1 || count * len > MAX_LEN) return s;
  // one more group of the kind (of another length, or a fourth): part of something longer
  if (k + 1 < n && isGroupSep(u[k], false)) {
    const ge = runEnd(u, k + 1, n);
    if (ge > k + 1 && upperAlnumWithDigit(u, k + 1, ge)) return s;
  }
  if (numberBefore(u, s) || badNeighbours(u, s, k, n)) return s;
  let value = '';
  for (let m = s; m < k; m++) if (isAsciiAlnum(u[m])) value += String.fromCharCode(u[m]);
  out.push({ value, start: s, end: k, kind: K_SPACED });
  return k;
}

/** u[s, e) is upper-case letters and digits with at least one digit. */
function upperAlnumWithDigit(u: Uint16Array, s: number, e: number): boolean {
  let digit = false;
  for (let k = s; k < e; k++) {
    const c = u[k];
    if (isDigit(c)) digit = true;
    else if (!isUpper(c)) return false;
  }
  return digit;
}

function allDigitsOrSingle(u: Uint16Array, s: number, e: number): boolean {
  return e - s === 1 ? isDigit(u[s]) || isUpper(u[s]) : allDigits(u, s, e);
}

/** True when a digit (or a phone-style closing parenthesis) sits one separator before `s`. */
function numberBefore(u: Uint16Array, s: number): boolean {
  if (s < 2 || !isGroupSep(u[s - 1], false)) return false;
  const p = u[s - 2];
  return isDigit(p) || (p === 41 && s >= 3 && isDigit(u[s - 3]));
}

/**
 * Reads a run of simple groups separated by single spaces (or cells) starting
 * with the digit group or single character [s, e), adds the candidate it forms
 * and returns the index after it.
 */
function sequence(t: string, u: Uint16Array, s: number, e: number, n: number, out: Candidate[]): number {
  const single = e - s === 1;
  let count = 1;
  let total = e - s;
  let equal = true;
  let tainted = numberBefore(u, s);
  let k = e;
  let hasDigit = isDigit(u[s]);
  while (count <= MAX_LEN + 2 && k + 1 < n && isGroupSep(u[k], single)) {
    const g = k + 1;
    if (!isAsciiAlnum(u[g])) break;
    const ge = runEnd(u, g, n);
    const len = ge - g;
    const simple = !glued(u, g, ge, n) && !(ge + 1 < n && u[ge] === 45 && isAsciiAlnum(u[ge + 1]));
    if (single) {
      // after the first character a lower-case letter may follow ("R k 8 v Q 2": a mixed-case code spaced out)
      if (len !== 1) {
        if (isDigit(u[g]) && isDigit(u[s])) tainted = true;
        break;
      }
      if (!simple) {
        tainted = true;
        break;
      }
    } else {
      if (!allDigits(u, g, ge)) break;
      if (!simple) {
        tainted = true;
        break;
      }
      if (len !== e - s) equal = false;
    }
    hasDigit ||= isDigit(u[g]);
    total += len;
    count++;
    k = ge;
  }
  if (tainted) return skipCompound(u, k, n);
  if (count === 1) {
    if (e - s >= MIN_LEN) {
      const cand = tokenCandidate(t, u, [s, e]);
      if (cand && !badNeighbours(u, s, e, n)) out.push(cand);
    }
    return e;
  }
  const ok = single
    ? count >= MIN_LEN && count <= MAX_LEN && hasDigit
    : count <= 3 && equal && e - s >= 2 && e - s <= 4 && total >= MIN_LEN && total <= MAX_LEN;
  if (ok && !badNeighbours(u, s, k, n)) {
    let value = '';
    for (let m = s; m < k; m++) if (isAsciiAlnum(u[m])) value += String.fromCharCode(u[m]);
    out.push({ value, start: s, end: k, kind: single ? K_SPLIT : K_SPACED });
  }
  return k;
}
