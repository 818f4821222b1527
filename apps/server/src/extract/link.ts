/**
 * Picks the confirmation link: the URL a person would click to verify,
 * confirm, activate or sign in.
 *
 * Every `<a href>` (or, for text-only mail, every URL with the text in front
 * of it as its label) is scored on:
 *  - its text, in many languages: verify/confirm/activate (+4), sign in/log in
 *    (+3), magic link (+2), subscribe (+1.5, double opt-in); weak negatives
 *    such as open/visit/shop/view (-1.5). Text that says unsubscribe,
 *    privacy, help, reset password, activity, track, social... disqualifies;
 *  - the URL (unless it is a click-tracking redirect, which is returned as is
 *    and judged on text alone): verify/confirm/token/oobCode/magic/login in
 *    path or query, a token parameter, a long random secret; homepage,
 *    unsubscribe/help/legal/social paths and hosts count against;
 *  - the surrounding sentence ("Click the button below to verify", "Follow
 *    this link to verify your email address");
 *  - button styling (+1.5) and small print (-1).
 * A plain "Sign in" link without a secret is just the login page, not a
 * magic link. The best link must reach {@link THRESHOLD} and have a positive
 * signal from its text or URL (or from context plus a secret).
 */
import type { HtmlDoc } from './html.js';
import * as Html from './html.js';
import type { Hits } from './keywords.js';
import * as Keywords from './keywords.js';
import * as Url from './url.js';
import * as Words from './words.js';
import * as Chars from './chars.js';
import * as UrlWords from './url-words.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { collapse, F_HIDDEN, F_SMALL } = Html;
const { categoriesOf, firstHitAtOrAfter } = Keywords;
const { analyseUrl } = Url;
const { ACTIVATE, CLICK, DONE, LINKNEG, LINKWEAK, LOGIN, MAGIC, NEGNUM, SUBSCRIBE, TXN, VERIFY, WEAKQ, YES } = Words;
const { foldCode, isCjk, isSpace, isWordLetter } = Chars;
const { slugWords } = UrlWords;

const THRESHOLD = 4;
/** A link whose href appears twice (a button and its text link) gains this much. */
const SEEN_BONUS = 0.5;

/** What the link scorer needs to know about the whole message. */
export interface LinkMessage {
  /** Union of the categories of the subject's context words. */
  subjectCats: number;
  /** The message is about a purchase, a booking, a delivery or an event (see intent.ts). */
  commerce: boolean;
}

const NO_MESSAGE: LinkMessage = { subjectCats: 0, commerce: false };
const CONTEXT_BEFORE = 150;
const CONTEXT_AFTER = 100;
const MAX_TEXT_URLS = 200;

/** A link to score: from an HTML anchor or a URL in plain text. */
interface LinkCandidate {
  href: string;
  /** The words a person reads on the link (anchor text, image alt, or the label before a plain-text URL). */
  label: string;
  /** Range of the link in the text the context hits refer to. */
  start: number;
  end: number;
  button: boolean;
  small: boolean;
}

function decay(d: number): number {
  if (d <= 20) return 1;
  if (d <= 60) return 0.8;
  if (d <= 110) return 0.55;
  return 0.35;
}

/** Score of the link's own words; `positive` tells whether they name a confirmation action. */
function labelScore(cats: number, msg: LinkMessage): { score: number; positive: boolean } {
  let s = 0;
  let positive = false;
  // "Confirm your order", "Bestätigung der Buchung": a confirmation of a purchase, not of an address
  // ...unless what it confirms is a subscription or a sign-up ("Confirmer mon inscription")
  const purchase = ((cats & (NEGNUM | TXN)) !== 0 || msg.commerce) && !(cats & SUBSCRIBE);
  const verifies = cats & ACTIVATE || (cats & VERIFY && !(cats & WEAKQ && purchase));
  if (verifies) {
    s += 4;
    positive = true;
  } else if (cats & LOGIN) {
    s += 3;
    positive = true;
  }
  if (cats & MAGIC) {
    s += 2;
    positive = true;
  }
  if (cats & SUBSCRIBE && !(cats & LINKNEG)) {
    // "Yes, subscribe me", "Ja, schrijf mij in": the answer to a double opt-in. A bare "Subscribe"
    // is an invitation (a newsletter's button) unless the mail is about confirming a subscription.
    const optIn = cats & (YES | VERIFY) || msg.subjectCats & (SUBSCRIBE | VERIFY);
    s += cats & YES ? 3 : 1.5;
    if (optIn) positive = true;
  }
  if (cats & LINKWEAK) s -= 1.5;
  if (cats & NEGNUM && !verifies) s -= 1;
  return { score: s, positive };
}

const ACTION = VERIFY | ACTIVATE | LOGIN | MAGIC;

/** Result slot of {@link contextScore}: an action word right next to the link ("...magic link:", "click here to activate"). */
const near = { action: false };

/**
 * The line before the link ends with a colon and names the action anywhere in it: "To confirm
 * your e-mail address and finish signing up, press the button:" over a "Continue" button.
 */
function leadInNamesAction(text: string, hits: Hits, start: number, msg: LinkMessage): boolean {
  let k = start - 1;
  while (k >= 0 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k--;
  if (k >= 0 && text.charCodeAt(k) === 10) k--;
  while (k >= 0 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k--;
  const colon = text.charCodeAt(k);
  if (colon !== 58 && colon !== 0xff1a) return false;
  const lineStart = text.lastIndexOf('\n', k - 1) + 1;
  if (k - lineStart > LEAD_IN_REACH) return false;
  for (let h = firstHitAtOrAfter(hits, lineStart); h < hits.start.length && hits.end[h] <= k; h++) {
    const cats = actionCats(hits.cats[h], msg);
    if (cats & ACTION && !(cats & LINKNEG)) return true;
  }
  return false;
}

/** Longest lead-in line read by {@link leadInNamesAction}. */
const LEAD_IN_REACH = 200;

/** Context words around the link, within the same text. */
function contextScore(text: string, hits: Hits, start: number, end: number, msg: LinkMessage): number {
  let s = 0;
  near.action = false;
  for (let k = firstHitAtOrAfter(hits, start) - 1; k >= 0; k--) {
    const he = hits.end[k];
    if (he > start) continue;
    const d = start - he;
    if (d > CONTEXT_BEFORE) break;
    const cats = actionCats(hits.cats[k], msg);
    s += contextWeight(cats, d);
    if (d <= 40 && cats & ACTION && !(cats & LINKNEG)) near.action = true;
  }
  // the lead-in line labels the link as a sentence right next to it would
  if (!near.action && leadInNamesAction(text, hits, start, msg)) {
    near.action = true;
    s += 1;
  }
  let stop = end + CONTEXT_AFTER;
  for (let k = end; k < stop && k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || c === 46 || c === 0x3002) {
      stop = k;
      break;
    }
  }
  for (let k = firstHitAtOrAfter(hits, end); k < hits.start.length && hits.start[k] < stop; k++) {
    const cats = actionCats(hits.cats[k], msg);
    s += contextWeight(cats, hits.start[k] - end);
    if (hits.start[k] - end <= 40 && cats & ACTION && !(cats & LINKNEG)) near.action = true;
  }
  return Math.max(-3, Math.min(3, s));
}

/**
 * A context word's categories as evidence for a link: in commerce mail "confirmed" and
 * "bevestigd" describe the order, and "already verified" describes what is done, not an action.
 */
function actionCats(cats: number, msg: LinkMessage): number {
  if (cats & DONE) return cats & ~ACTION;
  if (msg.commerce && cats & WEAKQ && !(cats & (ACTIVATE | LOGIN | MAGIC))) return cats & ~VERIFY;
  return cats;
}

function contextWeight(cats: number, d: number): number {
  if (cats & LINKNEG) return d <= 40 ? -1.5 : 0;
  let w = 0;
  if (cats & (VERIFY | ACTIVATE | MAGIC)) w = 1.5;
  else if (cats & LOGIN) w = 1.2;
  else if (cats & SUBSCRIBE) w = 0.5;
  else if (cats & CLICK) w = 0.4;
  return w * decay(d);
}

/**
 * "http…" or "www." in any case. Only ASCII letters lower-case to these, so
 * comparing code units answers as `toLowerCase().startsWith()` would.
 */
function startsLikeUrl(s: string): boolean {
  const c0 = s.charCodeAt(0) | 32;
  const c1 = s.charCodeAt(1) | 32;
  const c2 = s.charCodeAt(2) | 32;
  const c3 = s.charCodeAt(3);
  return (c0 === 104 && c1 === 116 && c2 === 116 && (c3 | 32) === 112) || (c0 === 119 && c1 === 119 && c2 === 119 && c3 === 46);
}

/** "http://" or "https://" in any case, compared as {@link startsLikeUrl} does. */
function isHttpUrl(href: string): boolean {
  if (!startsLikeUrl(href) || (href.charCodeAt(0) | 32) !== 104) return false;
  const c4 = href.charCodeAt(4);
  if ((c4 | 32) === 115) return href.charCodeAt(5) === 58 && href.charCodeAt(6) === 47 && href.charCodeAt(7) === 47;
  return c4 === 58 && href.charCodeAt(5) === 47 && href.charCodeAt(6) === 47;
}

/**
 * True for link text that is no text: empty, the URL itself, no letters at all, or one
 * identifier ("verify:schema-migrations", "user_settings/2fa") rather than words to read.
 */
function isBareLabel(label: string, href: string): boolean {
  if (!label || label === href) return true;
  if (startsLikeUrl(label) || isIdentifier(label)) return true;
  for (let k = 0; k < label.length; k++) if (isWordLetter(label.charCodeAt(k)) || isCjk(label.charCodeAt(k))) return false;
  return true;
}

/** One token with no space that joins words with `:`, `_` or `/` (a job, branch, file or setting name). */
function isIdentifier(label: string): boolean {
  let joined = false;
  for (let k = 0; k < label.length; k++) {
    const c = label.charCodeAt(k);
    if (isSpace(c)) return false;
    if (c === 58 || c === 95 || c === 47) joined = joined || (k > 0 && k < label.length - 1);
  }
  return joined;
}

/** "Acme.com", "shop.example.co.uk": a link text that is a domain name (a logo or homepage link). */
function isDomainName(label: string): boolean {
  const dot = label.lastIndexOf('.');
  if (dot <= 0 || label.length - dot < 3 || label.length > 64) return false;
  for (let k = 0; k < label.length; k++) {
    const c = label.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46)) return false;
  }
  for (let k = dot + 1; k < label.length; k++) {
    const c = label.charCodeAt(k) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** The label lower-cased with diacritics folded (other characters kept, so offsets match). */
function foldedAscii(label: string): string {
  let out = '';
  for (let k = 0; k < label.length; k++) out += String.fromCharCode(foldCode(label.charCodeAt(k)));
  return out;
}

/** Three or more words of the link's text appear in a title slug of its URL ("…/issue/NOR-483/verify-vat-id-format"). */
function echoesSlug(label: string, path: string): boolean {
  // a slug joins its words with hyphens or underscores
  if (label.length < 12 || (path.indexOf('-') < 0 && path.indexOf('_') < 0)) return false;
  const slug = slugWords(path);
  if (slug.size < 3) return false;
  let shared = 0;
  let from = 0;
  const folded = foldedAscii(label);
  for (let k = 0; k <= folded.length; k++) {
    const c = k < folded.length ? folded.charCodeAt(k) : 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
    if (k - from >= 3 && slug.has(folded.slice(from, k)) && ++shared >= 3) return true;
    from = k + 1;
  }
  return false;
}

/**
 * Scores one link. A link that cannot be the confirmation link (not `eligible`) is scored only
 * when `always` (the ranking exposed for tests): `pick` skips the rest of its work, above all
 * reading the URL for a random-looking secret.
 */
function scoreLink(c: LinkCandidate, text: string, hits: Hits, msg: LinkMessage, always = false): { score: number; eligible: boolean; path: string } {
  const bare = isBareLabel(c.label, c.href);
  const cats = bare ? 0 : categoriesOf(c.label);
  // unsubscribe, privacy, help, reset password, activity...: never a confirmation link
  if (cats & LINKNEG) return { score: -Infinity, eligible: false, path: '' };
  // "Acme.com" is the logo or homepage link
  if (!bare && isDomainName(c.label)) return { score: -Infinity, eligible: false, path: '' };
  const lab = labelScore(cats, msg);
  let url = analyseUrl(c.href, 0, false);
  if (!url.ok) return { score: -Infinity, eligible: false, path: '' };
  const ctx = contextScore(text, hits, c.start, c.end, msg);
  // a click-tracking wrapper is opened only for a link that may be the one: not for the "Shop now"
  // and "Read more" links of a newsletter, unless the sentence around them speaks of an action
  if (url.tracked && (!(cats & LINKWEAK) || ctx > 0 || near.action)) url = analyseUrl(c.href);
  if (!url.ok) return { score: -Infinity, eligible: false, path: '' };
  const judged = !url.tracked || url.unwrapped;
  const urlPositive = judged && url.positive && !url.negative;
  const generic = bare || !(cats & ACTION);
  // "Here is your magic link: <a>", "<a>Click here</a> to activate": the sentence labels the link
  const labelledByContext = generic && near.action;
  const contextual = labelledByContext && ctx > 1 && !url.negative && !url.homepage && (!judged || url.tokenParam || url.secret);
  // "Votre lien de connexion", "Your sign-in link": the subject names the link, the button carries the secret
  const subjectNamed = c.button && judged && subjectNamesLink(msg.subjectCats) && !url.negative && !url.homepage && (url.tokenParam || url.secret);
  // a "Confirm" button whose URL says unsubscribe, reset or security settings confirms that, not the address
  const confirmsSomethingElse = judged && url.negative && cats & WEAKQ && !(cats & (ACTIVATE | LOGIN | MAGIC | SUBSCRIBE));
  const eligible = (lab.positive && !confirmsSomethingElse) || urlPositive || contextual || subjectNamed;
  if (!eligible && !always) return { score: -Infinity, eligible, path: url.path };
  let score = lab.score;
  if (judged) {
    if (url.positive) score += 2.5;
    // the product's rule: a link to /verify, /confirm or /activate with a token is the confirmation link
    if (url.verifyAction && (url.tokenParam || url.secret)) score += 1.5;
    if (url.tokenParam) score += 1.5;
    score += url.secret ? 1.5 : url.tokenParam ? 0 : -1.5;
    if (url.negative) score -= 4;
    if (url.homepage) score -= 5;
    // "Sign in to X" pointing at a login page without a secret is not a magic link
    if (cats & LOGIN && !(cats & (VERIFY | ACTIVATE | MAGIC)) && !url.secret && !url.tokenParam) score -= 5;
  }
  // a tracked "Log in" button hides its URL: only a sign-in mail (subject or sentence says so) makes it a magic link
  if (!judged && cats & LOGIN && !(cats & (VERIFY | ACTIVATE | MAGIC)) && !(msg.subjectCats & ACTION) && ctx < 1) score -= 3;
  score += generic ? ctx * 1.5 : ctx;
  if (labelledByContext) score += 1.5;
  if (c.button) score += 1.5;
  if (c.small) score -= 1;
  return { score, eligible, path: url.path };
}

/** The subject names a link that verifies, activates or signs in ("Your magic link", "Lien de connexion"). */
function subjectNamesLink(cats: number): boolean {
  return (cats & (VERIFY | ACTIVATE | LOGIN | MAGIC)) !== 0 && (cats & CLICK) !== 0 && !(cats & (LINKNEG | DONE));
}

/** Picks the best candidate (same href seen twice adds a little). */
function pick(cands: LinkCandidate[], text: string, hits: Hits, msg: LinkMessage): string | null {
  const best = new Map<string, { score: number; seen: number; order: number; cand: LinkCandidate; path: string }>();
  cands.forEach((c, order) => {
    const r = scoreLink(c, text, hits, msg);
    if (!r.eligible) return;
    const prev = best.get(c.href);
    if (!prev) best.set(c.href, { score: r.score, seen: 1, order, cand: c, path: r.path });
    else {
      if (r.score > prev.score) {
        prev.score = r.score;
        prev.cand = c;
      }
      prev.seen++;
    }
  });
  const ranked: { href: string; score: number; cand: LinkCandidate; path: string }[] = [];
  for (const [href, b] of best) {
    const score = b.score + (b.seen > 1 ? SEEN_BONUS : 0);
    if (score >= THRESHOLD) ranked.push({ href, score, cand: b.cand, path: b.path });
  }
  ranked.sort((a, b) => b.score - a.score);
  // a title echoed by the URL's slug is a page about the action (checked only for the links that would win)
  for (const r of ranked) if (!echoesSlug(r.cand.label, r.path) || isBareLabel(r.cand.label, r.href)) return r.href;
  return null;
}

/** Confirmation link among the anchors of an HTML part. */
export function linkFromHtml(doc: HtmlDoc, hits: Hits, msg: LinkMessage): string | null {
  const cands = htmlCandidates(doc);
  return cands.length ? pick(cands, doc.text, hits, msg) : null;
}

/** Exposed for tests and tuning: every anchor of an HTML part with its score. */
export function rankHtmlLinks(doc: HtmlDoc, hits: Hits, msg: LinkMessage = NO_MESSAGE): { href: string; label: string; button: boolean; score: number; eligible: boolean }[] {
  return htmlCandidates(doc).map((c) => ({ href: c.href, label: c.label, button: c.button, ...scoreLink(c, doc.text, hits, msg, true) }));
}

function htmlCandidates(doc: HtmlDoc): LinkCandidate[] {
  const cands: LinkCandidate[] = [];
  for (const a of doc.anchors) {
    if (a.flags & F_HIDDEN || !a.href) continue;
    if (!isHttpUrl(a.href)) continue;
    cands.push({
      href: a.href,
      label: a.text || collapse(a.alt),
      start: a.start,
      end: a.end,
      button: a.button,
      small: (a.flags & F_SMALL) !== 0,
    });
  }
  return cands;
}

/** True when an HTML part has at least one http(s) anchor. */
export function hasHttpAnchors(doc: HtmlDoc): boolean {
  return doc.anchors.some((a) => isHttpUrl(a.href));
}

/** Confirmation link among the URLs of a plain-text part; the clause before a URL is its label. */
export function linkFromText(text: string, hits: Hits, limit: number, msg: LinkMessage): string | null {
  const cands = textCandidates(text, limit);
  return cands.length ? pick(cands, text, hits, msg) : null;
}

/** Exposed for tests and tuning: every URL of a plain-text part with its score. */
export function rankTextLinks(text: string, hits: Hits, msg: LinkMessage = NO_MESSAGE): { href: string; label: string; score: number; eligible: boolean }[] {
  return textCandidates(text, text.length).map((c) => ({ href: c.href, label: c.label, ...scoreLink(c, text, hits, msg, true) }));
}

function textCandidates(text: string, limit: number): LinkCandidate[] {
  const cands: LinkCandidate[] = [];
  const n = Math.min(text.length, limit);
  let from = 0;
  while (cands.length < MAX_TEXT_URLS) {
    const i = text.indexOf('http', from);
    if (i < 0 || i >= n) break;
    from = i + 4;
    const head = text.slice(i, i + 8).toLowerCase();
    if (!head.startsWith('https://') && !head.startsWith('http://')) continue;
    if (i > 0 && /* part of a word */ isUrlChar(text.charCodeAt(i - 1))) continue;
    let e = i;
    while (e < n && !isSpace(text.charCodeAt(e)) && !isUrlStop(text.charCodeAt(e))) e++;
    while (e > i && isTrailingPunct(text.charCodeAt(e - 1))) e--;
    let href = text.slice(i, e);
    if (href.endsWith(')') && href.indexOf('(') < 0) href = href.slice(0, -1);
    // the label is the clause before the URL on its line: back to the line start or a sentence end
    let ls = i;
    while (ls > 0 && i - ls < 120) {
      const c = text.charCodeAt(ls - 1);
      if (c === 10 || c === 0x3002 || ((c === 46 || c === 33 || c === 63) && ls < i && isSpace(text.charCodeAt(ls)))) break;
      ls--;
    }
    const label = trimLabel(collapse(text.slice(ls, i)));
    cands.push({ href, label, start: ls, end: e, button: false, small: false });
    from = e;
  }
  return cands;
}

/** Drops the punctuation between a label and its URL ("Verify email (", "Sign in: "). */
function trimLabel(label: string): string {
  let e = label.length;
  while (e > 0) {
    const c = label.charCodeAt(e - 1);
    if (isSpace(c) || c === 58 || c === 40 || c === 60 || c === 91 || c === 45 || c === 0x2013 || c === 0x2014 || c === 62 || c === 0xff1a) e--;
    else break;
  }
  return label.slice(0, e);
}

function isUrlChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 47 || c === 61;
}

function isUrlStop(c: number): boolean {
  return c === 60 || c === 62 || c === 34 || c === 0x3e || c === 0x60;
}

function isTrailingPunct(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 39 || c === 93 || c === 0x3002;
}
