/**
 * The words of a URL, for judging what a link does: `/users/confirm_email/…` and
 * `?mode=verifyEmail` name an action; `/issue/NOR-483/verify-vat-id-format` and
 * `/articles/360011-como-verificar-tu-cuenta` are titles of pages that merely mention one.
 *
 * A path segment splits into words at `-`, `_`, `.`, `+`, `~`, camelCase and letter/digit
 * boundaries. A segment of four or more words joined by `-` or `_` is a slug (a page title):
 * its words say what the page is about, not what the link does.
 */

import * as Trie from './trie.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { NONE, packTrie, ROOT } = Trie;

/** The link names a verification action: verify, confirm, activate, validate, opt in, magic. */
export const ACTION_VERIFY = 1;
/** The link names a sign-in: login, signin, auth, one-time. */
export const ACTION_LOGIN = 2;

const VERIFY_STEMS = [
  'verif', 'confirm', 'activat', 'activar', 'activer', 'activeer', 'ativar', 'ativacao', 'aktivier', 'attiva',
  'aktywuj', 'aktywac', 'validat', 'validar', 'valider', 'validier', 'validacion', 'magic', 'optin', 'approve',
  'bestaetig', 'bestatig', 'verifizier', 'conferma', 'bevestig', 'potwierdz', 'dogrula', 'onayla', 'passwordless',
  'emailvalidat',
];
const LOGIN_STEMS = ['login', 'logon', 'signin', 'auth', 'sso', 'anmeld', 'einlogg', 'connexion', 'otp', 'onetime'];
const VERIFY_WORDS = new Set(['doi']);
/** Words that start like an action but are not one ("signing" a document, an "author"). */
const NOT_ACTIONS = new Set(['signing', 'signings', 'author', 'authors', 'authority', 'otpusk']);
const PAIRS: readonly [string, string, number][] = [
  ['opt', 'in', ACTION_VERIFY],
  ['double', 'opt', ACTION_VERIFY],
  ['sign', 'in', ACTION_LOGIN],
  ['log', 'in', ACTION_LOGIN],
  ['one', 'time', ACTION_LOGIN],
];
const SLUG_WORDS = 4;
const PAIR_FIRSTS = new Set(PAIRS.map(([a]) => a));

/** Lower-case words of one URL component (already percent-decoded). */
export function componentWords(s: string): string[] {
  const words: string[] = [];
  let start = -1;
  let prevLower = false;
  let prevDigit = false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    const upper = c >= 65 && c <= 90;
    const lower = (c >= 97 && c <= 122) || c > 127;
    const digit = c >= 48 && c <= 57;
    if (!(upper || lower || digit)) {
      if (start >= 0) words.push(s.slice(start, k).toLowerCase());
      start = -1;
      prevLower = prevDigit = false;
      continue;
    }
    // camelCase ("verifyEmail") and letter/digit boundaries ("step2") start a new word
    if (start >= 0 && ((upper && prevLower) || digit !== prevDigit)) {
      words.push(s.slice(start, k).toLowerCase());
      start = -1;
    }
    if (start < 0) start = k;
    prevLower = lower;
    prevDigit = digit;
  }
  if (start >= 0) words.push(s.slice(start).toLowerCase());
  return words;
}

/** True when a path segment reads as a page title: four or more words joined by hyphens or underscores. */
export function isSlug(segment: string): boolean {
  let words = 0;
  let inWord = false;
  for (let k = 0; k < segment.length; k++) {
    const c = segment.charCodeAt(k);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
    if (letter && !inWord) words++;
    inWord = letter || (inWord && c >= 48 && c <= 57);
    if (c === 45 || c === 95) inWord = false;
  }
  return words >= SLUG_WORDS && (segment.includes('-') || segment.includes('_'));
}

/** The stems as a trie: one walk per word instead of a startsWith per stem. */
const STEMS = packTrie(
  [
    ...VERIFY_STEMS.map((w) => ({ units: codes(w), cats: ACTION_VERIFY, isPrefix: true })),
    ...LOGIN_STEMS.map((w) => ({ units: codes(w), cats: ACTION_LOGIN, isPrefix: true })),
    ...[...VERIFY_WORDS].map((w) => ({ units: codes(w), cats: ACTION_VERIFY, isPrefix: false })),
  ],
  (c) => c,
);

function codes(w: string): number[] {
  return Array.from({ length: w.length }, (_, k) => w.charCodeAt(k));
}

/** The action a lower-case word starts with (a verify stem wins over a login stem), or 0. */
function actionOfWord(w: string): number {
  const { sym, base, check, prefix, exact } = STEMS;
  let cur = ROOT;
  let found = 0;
  for (let k = 0; k < w.length; k++) {
    const c = w.charCodeAt(k);
    if (c >= sym.length) return found;
    const next = base[cur] + sym[c];
    if (check[next] !== cur) return found;
    cur = next;
    if (prefix[cur] !== NONE) found |= prefix[cur];
    if (k + 1 === w.length && exact[cur] !== NONE) found |= exact[cur];
  }
  return found;
}

/** The actions ({@link ACTION_VERIFY}, {@link ACTION_LOGIN}) named by a list of words. */
export function actionsOf(words: readonly string[]): number {
  let found = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (NOT_ACTIONS.has(w)) continue;
    const action = actionOfWord(w);
    if (action & ACTION_VERIFY) found |= ACTION_VERIFY;
    else if (action & ACTION_LOGIN) found |= ACTION_LOGIN;
    if (i + 1 < words.length && PAIR_FIRSTS.has(w)) for (const [a, b, action] of PAIRS) if (w === a && words[i + 1] === b) found |= action;
  }
  return found;
}

/** Percent-decodes without throwing on malformed escapes. */
export function safeDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Every stem and pair word above as a literal: a URL that contains none of them where a word
 * starts (most links of a newsletter) names no action, and is not split into words at all.
 * url.ts looks for them in the same walk as its other path words.
 */
export const ACTION_LITERALS: readonly string[] = [
  ...VERIFY_STEMS, ...LOGIN_STEMS, ...VERIFY_WORDS,
  // the pairs as they are joined in URLs: "optin", "sign-in", "log_in", "one.time" ("signIn" is lower-cased first)
  ...PAIRS.flatMap(([a, b]) => ['', '-', '_', '.', '+'].map((sep) => a + sep + b)),
];

/** The actions a URL's path and query name, leaving out slugs. `path` and `query` are raw (not decoded). */
export function urlActions(path: string, query: string): number {
  let found = 0;
  for (const raw of path.split('/')) {
    if (!raw) continue;
    const segment = safeDecode(raw);
    if (isSlug(segment)) continue;
    found |= actionsOf(componentWords(segment));
  }
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    // campaign tags ("utm_campaign=welcome_verified") name the mailing, not what the link does
    if (isCampaignParam(name)) continue;
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    found |= actionsOf(componentWords(safeDecode(name)));
    // short word-like values ("mode=verifyEmail", "action=confirm"), not tokens or URLs
    if (value.length > 0 && value.length <= 40 && !value.includes('/')) found |= actionsOf(componentWords(value));
  }
  return found;
}

/**
 * True when {@link componentWords} starts a word at `c` after `prev` (0: start of the text).
 * Action words are ASCII; a percent-escape may hide a separator, so callers also let a word
 * start right after one.
 */
export function wordStart(prev: number, c: number): boolean {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
  const digit = c >= 48 && c <= 57;
  if (!letter && !digit) return false;
  const prevLower = (prev >= 97 && prev <= 122) || prev > 127;
  const prevUpper = prev >= 65 && prev <= 90;
  const prevDigit = prev >= 48 && prev <= 57;
  if (!prevLower && !prevUpper && !prevDigit) return true;
  return (c >= 65 && c <= 90 && prevLower) || digit !== prevDigit;
}

/** Analytics parameters an ESP or a campaign tool appends to every link. */
function isCampaignParam(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || n.startsWith('mc_') || n.startsWith('_hs') || n === 'campaign' || n === 'cmp' || n === 'src' || n === 'source';
}

/** The words of the slug segments of a path (page titles), for comparing with a link's text. */
export function slugWords(path: string): Set<string> {
  const out = new Set<string>();
  let end = path.length;
  for (let k = 0; k < path.length; k++) {
    const c = path.charCodeAt(k);
    if (c === 63 || c === 35) {
      end = k;
      break;
    }
  }
  for (const raw of path.slice(0, end).split('/')) {
    // a slug has four or more words: three separators at least, before any decoding
    if (separators(raw) < SLUG_WORDS - 1) continue;
    const segment = safeDecode(raw);
    if (isSlug(segment)) for (const w of componentWords(segment)) if (w.length >= 3) out.add(w);
  }
  return out;
}

function separators(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 45 || s.charCodeAt(k) === 95) n++;
  return n;
}
