/**
 * Reads a code word together with the word that qualifies it, the way a person reads a label:
 * "verification code" and "código de verificación" name a code to type, "door code", "gift card
 * code", "código de entrega" and "код заказа" name something else, and a bare "number"
 * ("confirmation number", "Bestellnummer") is an identifier unless it is a verification number
 * (認証番号, 인증번호).
 *
 * The qualifier is the context word right before the code word (English, German, Turkish,
 * Korean order) or, failing that, right after it with at most a short linking word between
 * (Romance and Slavic order: "code de", "codice di", "код для", "kod weryfikacyjny").
 * The scan rewrites the hit categories in place: one pass over the hits, constant work each.
 */
import type { Hits } from './keywords.js';
import * as Words from './words.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { ACTIVATE, CODE, LOGIN, NEGNUM, NEUTRAL, NUMBER, ONETIME, SECURITY, STRONG, TXN, VERIFY, WEAKQ } = Words;

/** Words that may link a code word to a qualifier after it. */
const LINKERS = new Set([
  'de', 'di', 'du', 'da', 'do', 'des', 'del', 'della', 'dello', 'delle', 'dei', 'd', 'of', 'to', 'for', 'pour', 'per',
  'para', 'voor', 'für', 'fur', 'zum', 'zur', 'för', 'для', 'за', 'na', 'pro', 'van',
]);
const MAX_GAP_BEFORE = 3;
/** Categories that say what kind of code or number a word names. */
const QUALIFIERS = VERIFY | ACTIVATE | LOGIN | ONETIME | SECURITY | NEGNUM | TXN | WEAKQ;
const MAX_GAP_AFTER = 10;

/** Categories that make a code word name a code of verification on their own. */
export function isStrongQualifier(cats: number): boolean {
  if (cats & (ONETIME | SECURITY)) return true;
  // "confirmation code", "access code": also a booking's, a door's or a card payment's
  if (cats & WEAKQ) return false;
  return (cats & (LOGIN | ACTIVATE | VERIFY)) !== 0;
}

/** Qualifies every code and number word of `hits` by its neighbour (see the file comment). */
export function resolveLabels(text: string, hits: Hits): void {
  const { start, end, cats } = hits;
  for (let k = 0; k < cats.length; k++) {
    const own = cats[k];
    if (!(own & (CODE | NUMBER)) || own & (NEGNUM | NEUTRAL)) continue;
    let qual = 0;
    // a verb before it ("enter", "Masukkan") qualifies nothing: the qualifier may still follow ("kode verifikasi")
    if (k > 0 && cats[k - 1] & QUALIFIERS && onlySpaces(text, end[k - 1], start[k], MAX_GAP_BEFORE)) qual = cats[k - 1];
    // a compound that carries its own qualifier ("Bestätigungscode", "验证码") takes no second one after it
    if (!((own | qual) & QUALIFIERS) && k + 1 < cats.length && linked(text, end[k], start[k + 1])) qual |= cats[k + 1];
    cats[k] = qualify(own, qual);
  }
}

function qualify(own: number, qual: number): number {
  const all = own | qual;
  // "door code", "gift card code", "código de entrega": another kind of number
  if (qual & (NEGNUM | TXN) && !isStrongQualifier(qual)) return NEGNUM;
  const strong = isStrongQualifier(all);
  if (own & NUMBER && !(own & CODE)) return strong ? (own & ~NUMBER) | CODE | STRONG : NEGNUM;
  return strong ? own | STRONG : own | (qual & WEAKQ);
}

/** True when only spaces, hyphens or no-break spaces (at most `max`) separate `from` and `to`. */
function onlySpaces(text: string, from: number, to: number, max: number): boolean {
  if (to < from || to - from > max) return false;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 45 && c !== 0xa0) return false;
  }
  return true;
}

/** True when `from`..`to` is blank, or blank around one linking word ("de", "di", "для"). */
function linked(text: string, from: number, to: number): boolean {
  if (to < from || to - from > MAX_GAP_AFTER) return false;
  if (onlySpaces(text, from, to, MAX_GAP_AFTER)) return true;
  const gap = text.slice(from, to).trim().toLowerCase();
  const word = gap.endsWith("'") || gap.endsWith('\u2019') ? gap.slice(0, -1) : gap;
  return LINKERS.has(word) && text.charCodeAt(from) === 32;
}

/**
 * How a label names the number after it: 3 a code of verification, sign-in or security;
 * 2 a confirmation / authorisation code (also a booking or card-payment term); 1 a plain code
 * word; 0 no label; -1 another kind of number.
 */
export function labelLevel(cats: number): number {
  if (cats & NEGNUM) return -1;
  if (!(cats & CODE)) return 0;
  if (cats & STRONG) return 3;
  return cats & WEAKQ ? 2 : 1;
}
