/**
 * Multilingual context words as category bits. The word lists live in ./lexicon/, one file
 * per language or group of languages, by concept; this file names the categories and turns
 * the lists into the entries the keyword scanner packs (see keywords.ts).
 */
import { BALTIC_BALKAN } from './lexicon/baltic-balkan.js';
import { ASIAN_SPACED } from './lexicon/asian-spaced.js';
import { CENTRAL_EUROPEAN } from './lexicon/central-european.js';
import { CYRILLIC_GREEK } from './lexicon/cyrillic-greek.js';
import { DUTCH } from './lexicon/dutch.js';
import { EAST_ASIAN } from './lexicon/east-asian.js';
import { ENGLISH } from './lexicon/english.js';
import { FRENCH } from './lexicon/french.js';
import { GERMAN } from './lexicon/german.js';
import { ITALIAN } from './lexicon/italian.js';
import { MIDDLE_EASTERN } from './lexicon/middle-eastern.js';
import { NORDIC } from './lexicon/nordic.js';
import { PORTUGUESE } from './lexicon/portuguese.js';
import { SPANISH } from './lexicon/spanish.js';
import { TURKISH } from './lexicon/turkish.js';
import type { Lexicon } from './lexicon/types.js';

/** The word names a code: code, código, код, 验证码, コード, رمز... */
export const CODE = 1;
/** verify / confirm / validate / authenticate. */
export const VERIFY = 2;
/** activate an account. */
export const ACTIVATE = 4;
/** log in / sign in. */
export const LOGIN = 8;
/** one-time / single-use / two-factor. */
export const ONETIME = 16;
/** security / guard. */
export const SECURITY = 32;
/** enter / type / copy / paste / use (what one does with a code). */
export const ENTER = 64;
/** magic (sign-in) link. */
export const MAGIC = 128;
/** expires / valid for. */
export const EXPIRE = 256;
/** click / tap / button / link / below. */
export const CLICK = 512;
/** subscribe (double opt-in confirmation). */
export const SUBSCRIBE = 1024;
/** Labels of numbers that are not codes: order, invoice, phone, ZIP, promo... */
export const NEGNUM = 2048;
/** Links that are never confirmations: unsubscribe, privacy, help, reset password, activity... */
export const LINKNEG = 4096;
/** Weakly negative link words: open, visit, shop, view, details... */
export const LINKWEAK = 8192;
/** An identifier noun: number, Nr., numéro, номер, 番号 (a code only when qualified as one). */
export const NUMBER = 1 << 14;
/** Commerce, booking, delivery and event topic: order, ticket, checkout, webinar... */
export const TXN = 1 << 15;
/** A security warning: don't share the code, you didn't request it, ignore this mail. */
export const WARN = 1 << 16;
/** Something already done: already verified, has been confirmed. */
export const DONE = 1 << 17;
/** Verification words that also describe orders and card payments: confirm, authorise, approve. */
export const WEAKQ = 1 << 18;
/** Approval in a link's text: yes, it was me. */
export const YES = 1 << 19;
/** Neutral: an exact word that must not fall into a shorter stem ("pinned" vs "pin"); never reported. */
export const NEUTRAL = 1 << 20;
/** A unit of time: minutes, hours, Minuten, минут, 分钟. */
export const TIMEUNIT = 1 << 21;
/** Set on a code word that names a code of verification, sign-in or security (see labels.ts). */
export const STRONG = 1 << 22;

/** A physical place or pickup a code opens: door, building, parcel locker (also NEGNUM and TXN). */
export const PLACE = 1 << 23;

export type WordList = readonly [number, readonly string[]];

/** What each concept of a {@link Lexicon} contributes. */
const CONCEPTS: readonly [keyof Lexicon, number][] = [
  ['code', CODE],
  ['number', NUMBER],
  ['verify', VERIFY],
  ['confirm', VERIFY | WEAKQ],
  ['ambiguous', WEAKQ],
  ['activate', ACTIVATE],
  ['login', LOGIN],
  ['onetime', ONETIME],
  ['security', SECURITY],
  ['enter', ENTER],
  ['magic', MAGIC],
  ['expire', EXPIRE],
  ['click', CLICK],
  ['subscribe', SUBSCRIBE],
  ['otherNumber', NEGNUM],
  ['place', NEGNUM | TXN | PLACE],
  ['commerce', NEGNUM | TXN],
  ['topic', TXN],
  ['linkNeg', LINKNEG],
  ['linkWeak', LINKWEAK],
  ['warn', WARN],
  ['done', DONE],
  ['yes', YES],
  ['time', TIMEUNIT],
  ['neutral', NEUTRAL],
];

function toWordLists(lexicons: readonly Lexicon[]): WordList[] {
  const out: WordList[] = [];
  for (const lex of lexicons) for (const [concept, cats] of CONCEPTS) if (lex[concept]) out.push([cats, lex[concept]]);
  return out;
}

/** Languages written with spaces between words. */
export const WORDS: readonly WordList[] = toWordLists([
  ENGLISH, GERMAN, FRENCH, SPANISH, PORTUGUESE, ITALIAN, DUTCH, NORDIC, CENTRAL_EUROPEAN, TURKISH, CYRILLIC_GREEK,
  MIDDLE_EASTERN, ASIAN_SPACED, BALTIC_BALKAN,
]);

/** Chinese, Japanese and Thai: matched anywhere inside runs of those characters, longest first. */
export const CJK_WORDS: readonly WordList[] = toWordLists([EAST_ASIAN]);
