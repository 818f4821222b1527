/**
 * Scores code-shaped candidates (see candidates.ts) and picks the one-time
 * code a person would type.
 *
 * A candidate scores from:
 *  - context words near it (code / verification / one-time / sign-in / enter,
 *    in many languages), weighted by distance, before it and after it in the
 *    same sentence ("G-318274 is your Google verification code");
 *  - the nearest label: if the closest context word before it names another
 *    kind of number (order, invoice, phone, user ID, promo code...) it loses;
 *  - presentation: standing alone on its line or in its cell, a "Label:" in
 *    front, big / monospaced / letter-spaced / bold text (HTML), and a
 *    deliberate format (spaced, hyphenated, one digit per cell);
 *  - shape: six digits is typical; year-like, date-like, repeated digits and
 *    promo-like words with a number are penalised.
 * Hidden (pre-header) and small print count less. A candidate needs real code
 * context and a total above {@link THRESHOLD}.
 */
import type { Candidate } from './candidates.js';
import * as Candidates from './candidates.js';
import * as Chars from './chars.js';
import type { TextSpan } from './html.js';
import * as Html from './html.js';
import type { MessageProfile } from './intent.js';
import type { Hits } from './keywords.js';
import * as Keywords from './keywords.js';
import * as Labels from './labels.js';
import * as Words from './words.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { findCandidates, K_ALNUM, K_LOWER, K_PLAIN, K_SPLIT } = Candidates;
const { isWordLetter } = Chars;
const { F_BIG, F_BOLD, F_HIDDEN, F_MONO, F_SMALL, F_SPACED } = Html;
const { firstHitAtOrAfter } = Keywords;
const { isStrongQualifier, labelLevel } = Labels;
const { ACTIVATE, CODE, ENTER, EXPIRE, LOGIN, NEGNUM, ONETIME, PLACE, SECURITY, STRONG, TXN, VERIFY } = Words;

/** One text to search: the subject, the text/plain part or the text of the HTML part. */
export interface OtpSource {
  text: string;
  hits: Hits;
  spans: TextSpan[] | null;
  subject: boolean;
}

const MAX_SCAN = 64 * 1024;
const THRESHOLD = 3;
const MIN_CONTEXT = 1.5;
const WINDOW_BEFORE = 160;
const WINDOW_AFTER = 80;
/** How far before a candidate a code word may make a negative label incidental. */
const INCIDENTAL_REACH = 90;
/** How far before a candidate its label may stand. */
const LABEL_REACH = 90;
/** How far a code word may stand from a random-looking mixed-case code set apart below it. */
const LOWER_REACH = 60;
/** Codes of one form this close together, this many in a row, are a list (backup codes). */
const LIST_GAP = 48;
const LIST_MIN = 3;

/** How much a context word says "a code is here". */
function weight(cats: number): number {
  let w = 0;
  if (cats & CODE) w += 3;
  if (cats & ONETIME) w += 2;
  if (cats & VERIFY) w += 1.2;
  if (cats & (LOGIN | ENTER | ACTIVATE)) w += 0.8;
  if (cats & SECURITY) w += 0.6;
  if (cats & EXPIRE) w += 0.5;
  return w;
}

function decay(d: number): number {
  if (d <= 16) return 1;
  if (d <= 40) return 0.8;
  if (d <= 90) return 0.55;
  return 0.3;
}

/** Context evidence for one candidate (see {@link contextScore}). */
interface Context {
  pos: number;
  neg: number;
  /** Distance to the nearest code word before or after it (Infinity: none). */
  codeDist: number;
  /** {@link labelLevel} of the label nearest to it. */
  level: number;
}

/** Scores the context words around a candidate: positive evidence and label penalties. */
function contextScore(src: OtpSource, c: Candidate, codeIntent: boolean): Context {
  const { hits, text } = src;
  let pos = 0;
  let neg = 0;
  let nearest = true;
  let verbBefore = false;
  let codeDist = Infinity;
  let level = 0;
  let labelled = false;
  for (let k = firstHitAtOrAfter(hits, c.start) - 1; k >= 0; k--) {
    const he = hits.end[k];
    if (he > c.start) continue;
    const d = c.start - he;
    if (d > WINDOW_BEFORE) break;
    const cats = hits.cats[k];
    const isNeg = (cats & NEGNUM) !== 0;
    const w = isNeg ? 0 : weight(cats);
    if (isNeg && (nearest || !labelled) && incidental(src, k, c.start, codeIntent)) continue;
    if (nearest && (isNeg || w > 0)) {
      nearest = false;
      if (isNeg) neg -= d <= 40 ? 6 : d <= 90 ? 2 : 0;
      else if (cats & ENTER && d <= 2) verbBefore = true;
      if (!isNeg && cats & CODE) codeDist = d;
    }
    // the label is the nearest code or other-number word (a qualifier may stand between)
    if (!labelled && cats & (CODE | NEGNUM) && d <= LABEL_REACH) {
      labelled = true;
      level = labelLevel(cats);
      if (level === 1 && qualifiedInSentence(src, k)) level = 3;
    }
    pos += w * decay(d);
  }
  // end of the candidate's sentence and line, looked for only within the window (bounded per candidate):
  // positive words count to the end of the line, a label after the code only within its sentence
  const limit = Math.min(text.length, c.end + WINDOW_AFTER);
  let sentenceEnd = c.end;
  while (sentenceEnd < limit && !clauseEnd(text, sentenceEnd)) sentenceEnd++;
  let lineEnd = sentenceEnd;
  while (lineEnd < limit && text.charCodeAt(lineEnd) !== 10) lineEnd++;
  nearest = true;
  for (let k = firstHitAtOrAfter(hits, c.end); k < hits.start.length; k++) {
    const hs = hits.start[k];
    const d = hs - c.end;
    if (d > WINDOW_AFTER || hs > lineEnd) break;
    const cats = hits.cats[k];
    const isNeg = (cats & NEGNUM) !== 0;
    if (isNeg && hs > sentenceEnd) continue;
    // "6038 (Ref: 2210)": a number word followed by its own number labels that one
    if (isNeg && labelsOwnNumber(text, hits.end[k])) continue;
    const w = isNeg ? 0 : weight(cats);
    if (nearest && (isNeg || w > 0)) {
      nearest = false;
      if (isNeg && d <= 30) neg -= 4;
      // "Use 482910 to verify / to sign in": a verb, the code, then its purpose
      else if (verbBefore && d <= 12 && cats & (VERIFY | LOGIN | ACTIVATE)) pos += 1;
      if (!isNeg && cats & CODE) codeDist = Math.min(codeDist, d);
      // "482910 is your verification code": a label right after the code, in its sentence
      if (d <= 30 && hs <= sentenceEnd && (!labelled || labelLevel(cats) < 0)) level = labelLevel(cats);
    }
    pos += 0.9 * w * decay(d);
  }
  return { pos, neg, codeDist, level };
}

/**
 * True when the negative label at hit `k` is a word in a sentence about the code rather than
 * the code's label: "Enter this code in your Customer Area: 592614", "Код для входа в Ozon ID:
 * 284017". That needs a code word earlier in the same clause that names a code of verification
 * or comes with "enter / use", and a label that is not an explicit number. A commerce word
 * ("enter this code on the payment page") is incidental only where the message frames the code
 * as a security step (see intent.ts); a physical place ("access code for the building") never is.
 */
function incidental(src: OtpSource, k: number, at: number, codeIntent: boolean): boolean {
  const { hits, text } = src;
  if (hits.cats[k] & PLACE || (hits.cats[k] & TXN && !codeIntent)) return false;
  for (let j = k - 1; j >= 0 && at - hits.end[j] <= INCIDENTAL_REACH; j--) {
    const cats = hits.cats[j];
    if (cats & NEGNUM) return false;
    if (!(cats & CODE)) continue;
    if (!sameClause(text, hits.end[j], hits.start[k])) return false;
    const entered = j > 0 && (hits.cats[j - 1] & ENTER) !== 0 && hits.start[j] - hits.end[j - 1] <= 12;
    return (cats & STRONG) !== 0 || entered;
  }
  return false;
}

/** How far before a plain code word its sentence may say what the code is for. */
const SENTENCE_QUALIFIER_REACH = 80;

/**
 * The sentence of the plain code word at hit `k` says what it is for before it, with no commerce
 * or other-number word between: "To verify your e-mail, copy this code", "Para verificar tu
 * correo, copia este código". Confirm-type words (also orders and payments) do not count.
 */
function qualifiedInSentence(src: OtpSource, k: number): boolean {
  const { hits, text } = src;
  for (let j = k - 1; j >= 0 && hits.start[k] - hits.end[j] <= SENTENCE_QUALIFIER_REACH; j--) {
    const cats = hits.cats[j];
    if (cats & (NEGNUM | TXN)) return false;
    if (!sameClause(text, hits.end[j], hits.start[k])) return false;
    if (isStrongQualifier(cats)) return true;
  }
  return false;
}

/** No line break or sentence end between `from` and `to`. */
function sameClause(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (clauseEnd(text, k)) return false;
  return true;
}

/** A line break, or a sentence end (". ", "! ", "? ", "。", "！", "？") at `k`. */
function clauseEnd(text: string, k: number): boolean {
  const c = text.charCodeAt(k);
  if (c === 10 || c === 0x3002 || c === 0xff01 || c === 0xff1f) return true;
  return (c === 46 || c === 33 || c === 63) && (k + 1 >= text.length || isBlank(text.charCodeAt(k + 1)) || text.charCodeAt(k + 1) === 10);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 13;
}

/**
 * Layout score: alone on its line (+2.5), alone in its table cell (+2), or
 * after a "Label:" with nothing after it on the line (+1).
 */
function layoutScore(text: string, c: Candidate): { score: number; alone: boolean } {
  let a = c.start - 1;
  while (a >= 0 && isBlank(text.charCodeAt(a)) && text.charCodeAt(a) !== 9) a--;
  const left = a < 0 ? 10 : text.charCodeAt(a);
  let b = c.end;
  while (b < text.length && isBlank(text.charCodeAt(b)) && text.charCodeAt(b) !== 9) b++;
  // trailing full stop or closing punctuation still counts as alone
  if (b < text.length && (text.charCodeAt(b) === 46 || text.charCodeAt(b) === 0x3002)) b++;
  while (b < text.length && isBlank(text.charCodeAt(b)) && text.charCodeAt(b) !== 9) b++;
  const right = b >= text.length ? 10 : text.charCodeAt(b);
  if (left === 10 && right === 10) return { score: 2.5, alone: true };
  if ((left === 10 || left === 9) && (right === 10 || right === 9)) return { score: 2, alone: true };
  if ((left === 58 || left === 0xff1a) && (right === 10 || right === 9)) return { score: 1, alone: false };
  return { score: 0, alone: false };
}

/** Flags of the HTML text span containing `pos` (binary search), or 0. */
function flagsAt(spans: TextSpan[] | null, pos: number): number {
  if (!spans || spans.length === 0) return 0;
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid];
    if (pos < s.start) hi = mid - 1;
    else if (pos >= s.end) lo = mid + 1;
    else return s.flags;
  }
  return 0;
}

function styleScore(flags: number): number {
  let s = 0;
  if (flags & (F_BIG | F_MONO | F_SPACED)) s += 1.5;
  else if (flags & F_BOLD) s += 0.5;
  if (flags & F_HIDDEN) s -= 2;
  if (flags & F_SMALL && !(flags & F_BIG)) s -= 1;
  return s;
}

/** Shape score of the typed value; null rejects it outright. */
function shapeScore(c: Candidate): number | null {
  const v = c.value;
  const len = v.length;
  let s = 0;
  let letters = 0;
  let run = 0;
  let maxRun = 0;
  let leading = 0;
  for (let k = 0; k < len; k++) {
    const ch = v.charCodeAt(k);
    if ((ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122)) {
      letters++;
      run++;
      if (run > maxRun) maxRun = run;
      if (leading === k) leading++;
    } else run = 0;
  }
  if (letters > 0) {
    if (maxRun >= 6) return null; // a word, not a code
    s -= 0.5;
    // WORD + a small number: SPRING25, WELCOME10 (promo codes)
    if (leading >= 4 && len - leading <= 3 && letters === leading) s -= 3;
  } else {
    if (len === 4 && (v.startsWith('19') || v.startsWith('20'))) s -= 3;
    if (len === 6) s += 0.5;
    if (len >= 9) s -= 0.5;
    if (len === 8 && dateLike(v)) s -= 2;
    let same = true;
    for (let k = 1; k < len; k++) if (v.charCodeAt(k) !== v.charCodeAt(0)) same = false;
    if (same) s -= 2;
  }
  if (c.kind === K_LOWER) s -= 1;
  if (c.kind === K_SPLIT) s += 1;
  else if (c.kind !== K_PLAIN && c.kind !== K_ALNUM) s += 0.5;
  return s;
}

/** YYYYMMDD with a plausible month and day. */
function dateLike(v: string): boolean {
  const y = +v.slice(0, 4);
  const m = +v.slice(4, 6);
  const d = +v.slice(6, 8);
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** Scores one candidate; null when it has no code context at all. */
function scoreCandidate(src: OtpSource, c: Candidate, msg: OtpMessage): number | null {
  const shape = shapeScore(c);
  if (shape === null) return null;
  const ctx = contextScore(src, c, msg.profile.codeIntent);
  const layout = layoutScore(src.text, c);
  const flags = flagsAt(src.spans, c.start);
  // lower-case codes exist ("4f8k2m9q") but so do words with digits: demand a code label right next
  // to it, or a random-looking token set apart (own line, cell or big type) under a code word
  let labelledToken = 0;
  if (c.kind === K_LOWER) {
    const labelled = ctx.codeDist <= 8 || (ctx.codeDist <= 16 && layout.score > 0);
    const setApart = (layout.alone || (flags & (F_BIG | F_MONO | F_SPACED)) !== 0) && ctx.codeDist <= LOWER_REACH && randomLooking(c.value);
    if (ctx.neg !== 0 || !(labelled || setApart)) return null;
    // "Your reset code is k3m9x2pq": right after its label and random in shape, it reads as a code
    if (ctx.codeDist <= 8 && randomLooking(c.value)) labelledToken = 1;
  }
  // commerce mail (receipts, bookings, gift cards, promotions, webinars) holds codes that are not
  // one-time codes; take one there only under a verification label or with security framing
  // in a table, the header cell above names the column: "Request no." over a number, "Code" over the code
  const column = columnLabel(src, c);
  if (column < 0) return null;
  const level = Math.max(ctx.level, column);
  if (msg.profile.commerce && !msg.profile.codeIntent && level < 3) return null;
  let pos = ctx.pos + column;
  // the subject says "your code"; the body shows the code prominently without a label
  if (msg.subjectHasCode && !src.subject && (layout.alone || flags & (F_BIG | F_MONO | F_SPACED))) pos += 1.5;
  if (pos < MIN_CONTEXT) return null;
  let score = shape + labelledToken + Math.min(pos, 6) + ctx.neg + layout.score + styleScore(flags);
  if (src.subject) score += 0.5;
  return score;
}

/**
 * The label of a candidate that fills a table cell on its own, read from the cell in the same
 * column of the row above (the HTML scanner writes cells as tab-separated, rows as lines):
 * -1 for a header that names another kind of number, the {@link labelLevel} of its code word
 * otherwise, 0 when there is no such header.
 */
function columnLabel(src: OtpSource, c: Candidate): number {
  const { text, hits } = src;
  const lineStart = text.lastIndexOf('\n', c.start - 1) + 1;
  if (lineStart === 0) return 0;
  let cellStart = c.start;
  while (cellStart > lineStart && isBlank(text.charCodeAt(cellStart - 1)) && text.charCodeAt(cellStart - 1) !== 9) cellStart--;
  let cellEnd = c.end;
  while (cellEnd < text.length && isBlank(text.charCodeAt(cellEnd)) && text.charCodeAt(cellEnd) !== 9) cellEnd++;
  const before = cellStart > lineStart ? text.charCodeAt(cellStart - 1) : 10;
  const after = cellEnd < text.length ? text.charCodeAt(cellEnd) : 10;
  // alone in its cell, on a row of cells
  if (!(before === 9 || after === 9) || (before !== 9 && cellStart !== lineStart) || (after !== 9 && after !== 10)) return 0;
  let column = 0;
  for (let k = lineStart; k < cellStart; k++) if (text.charCodeAt(k) === 9) column++;
  // the same column of the row above
  const rowEnd = lineStart - 1;
  const rowStart = text.lastIndexOf('\n', rowEnd - 1) + 1;
  const firstTab = text.indexOf('\t', rowStart);
  if (firstTab < 0 || firstTab >= rowEnd) return 0; // the line above is no row of cells
  let headStart = rowStart;
  for (let col = 0; col < column; col++) {
    const tab = text.indexOf('\t', headStart);
    if (tab < 0 || tab >= rowEnd) return 0;
    headStart = tab + 1;
  }
  let headEnd = text.indexOf('\t', headStart);
  if (headEnd < 0 || headEnd > rowEnd) headEnd = rowEnd;
  let level = 0;
  for (let k = firstHitAtOrAfter(hits, headStart); k < hits.start.length && hits.start[k] < headEnd; k++) {
    const l = labelLevel(hits.cats[k]);
    if (l < 0) return -1;
    level = Math.max(level, l);
  }
  return level;
}

/** A number follows the word ending at `end` (after blanks, ":", "." or "#"): the word is that number's label. */
function labelsOwnNumber(text: string, end: number): boolean {
  for (let k = end; k < text.length && k < end + 4; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) return true;
    if (!(isBlank(c) || c === 58 || c === 46 || c === 35 || c === 0xff1a)) return false;
  }
  return false;
}

/** A letter of any script between `from` and `to` (list numbering and bullets are not letters). */
function hasLetters(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (isWordLetter(text.charCodeAt(k))) return true;
  return false;
}

/** The line holding `pos` starts with ">" (after blanks): quoted from an earlier message. */
function onQuotedLine(text: string, pos: number): boolean {
  let k = text.lastIndexOf('\n', pos - 1) + 1;
  while (k < pos && isBlank(text.charCodeAt(k))) k++;
  return text.charCodeAt(k) === 62 /* > */;
}

/** Letters and digits alternate at least three times ("Rk8vQ2", "k3m9x2pq"), unlike "iPadOS18" or "mp3". */
function randomLooking(v: string): boolean {
  let changes = 0;
  for (let k = 1; k < v.length; k++) if (isDigitCode(v.charCodeAt(k)) !== isDigitCode(v.charCodeAt(k - 1))) changes++;
  return changes >= 3;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** What the scorer needs to know about the whole message. */
export interface OtpMessage {
  /** The subject names a code ("Your verification code"). */
  subjectHasCode: boolean;
  profile: MessageProfile;
}

/** Returns the best one-time code across the sources, or null. */
export function findOtp(sources: OtpSource[], msg: OtpMessage): string | null {
  const best = new Map<string, { score: number; seen: number; order: number }>();
  let order = 0;
  for (const src of sources) {
    const cands = findCandidates(src.text, MAX_SCAN);
    const inList = listItems(cands, src.text);
    for (let i = 0; i < cands.length; i++) {
      if (inList[i]) continue;
      // a code in the quoted part of a reply ("> Your code is 448120") was the earlier message's
      if (!src.subject && onQuotedLine(src.text, cands[i].start)) continue;
      const c = cands[i];
      const score = scoreCandidate(src, c, msg);
      if (score === null) continue;
      const prev = best.get(c.value);
      if (!prev) best.set(c.value, { score, seen: 1, order: order++ });
      else {
        prev.score = Math.max(prev.score, score);
        prev.seen++;
      }
    }
  }
  let bestValue: string | null = null;
  let bestScore = -Infinity;
  let bestOrder = Infinity;
  for (const [value, b] of best) {
    const score = b.score + 0.3 * Math.min(2, b.seen - 1);
    if (score < THRESHOLD) continue;
    if (score > bestScore || (score === bestScore && b.order < bestOrder)) {
      bestValue = value;
      bestScore = score;
      bestOrder = b.order;
    }
  }
  return bestValue;
}

/**
 * Marks candidates that belong to a list of look-alike codes (backup codes, a table of vouchers):
 * three or more of the same form and length, each close after the one before with no words
 * between (a table whose rows name each number differently is no list). A list is not a one-time
 * code.
 */
function listItems(cands: readonly Candidate[], text: string): boolean[] {
  const out = new Array<boolean>(cands.length).fill(false);
  let runStart = 0;
  for (let i = 1; i <= cands.length; i++) {
    const continues =
      i < cands.length &&
      cands[i].kind === cands[i - 1].kind &&
      cands[i].value.length === cands[i - 1].value.length &&
      cands[i].start - cands[i - 1].end <= LIST_GAP &&
      !hasLetters(text, cands[i - 1].end, cands[i].start);
    if (continues) continue;
    if (i - runStart >= LIST_MIN) for (let k = runStart; k < i; k++) out[k] = true;
    runStart = i;
  }
  return out;
}

/** Exposed for tests and tuning: every scored candidate of one source. */
export function scoreAll(src: OtpSource, msg: OtpMessage): { value: string; score: number | null }[] {
  return findCandidates(src.text, MAX_SCAN).map((c) => ({ value: c.value, score: scoreCandidate(src, c, msg) }));
}
