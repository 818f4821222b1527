/**
 * Finds the context words of {@link WORDS} in a text in one linear pass.
 *
 * Words of space-separated scripts are matched from their first letter
 * against a character trie (longest entry wins; phrases may cross one space,
 * hyphen or apostrophe). Runs of Chinese/Japanese characters are matched at
 * every position. German-style compounds ending in "code" (Sicherheitscode,
 * Anmeldecode) also count as code words.
 */
import * as Chars from './chars.js';
import * as Units from './units.js';
import type { PackedTrie, TrieEntry } from './trie.js';
import * as Trie from './trie.js';
import type { WordList } from './words.js';
import * as Words from './words.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { foldCode, isCjk, isWordChar, lowerCode } = Chars;
const { UnitBuffer } = Units;
const { NONE, ROOT, packTrie } = Trie;
const { CJK_WORDS, CODE, NEGNUM, NEUTRAL, NUMBER, WORDS } = Words;

/** Code unit standing for the gap inside a phrase (space, hyphen or apostrophe). */
const SEP = 32;
const MAX_HITS = 20000;

function entries(lists: readonly WordList[], prefixAll: boolean): TrieEntry[] {
  const out: TrieEntry[] = [];
  for (const [cats, words] of lists) {
    for (const raw of words) {
      const isPrefix = prefixAll || raw.endsWith('*');
      const word = isPrefix && raw.endsWith('*') ? raw.slice(0, -1) : raw;
      const units: number[] = [];
      for (let k = 0; k < word.length; k++) {
        const c = prefixAll ? word.charCodeAt(k) : foldCode(word.charCodeAt(k));
        units.push(c === 45 || c === 39 || c === 0x2019 ? SEP : c);
      }
      out.push({ units, cats, isPrefix });
    }
  }
  return out;
}

/** Words of space-separated scripts, matched case-insensitively. */
const WORD_TRIE: PackedTrie = packTrie(entries(WORDS, false), foldCode);
/** Chinese/Japanese entries: every entry matches as a prefix, no case folding. */
const CJK_TRIE: PackedTrie = packTrie(entries(CJK_WORDS, true), (c) => c);

/**
 * The word trie's arrays interleaved, one 8-byte record per state (base, check, stem
 * categories, word categories), states and symbols pre-multiplied by four: a step reads one
 * record instead of three arrays. The categories are stored as indices into {@link WCATS} (the
 * lexicon has a few dozen distinct combinations), so a record is four 16-bit fields and the
 * ~12,700 states take 100 KB instead of 200 KB as 32-bit fields: fewer cache misses on the
 * deep states of long words.
 */
const W_BASE = 0;
const W_CHECK = 1;
const W_PREFIX = 2;
const W_EXACT = 3;
/** Index of "no categories" in a record's category fields. */
const W_NONE = 0;
const { records: WT, cats: WCATS } = interleave(WORD_TRIE);
const WSYM = scaledSymbols(WORD_TRIE);
const WROOT = ROOT * 4;

function interleave(t: PackedTrie): { records: Uint16Array; cats: Int32Array } {
  // 16-bit fields hold states scaled by four: the trie must stay under 16,384 slots
  if (t.base.length * 4 > 0xffff) throw new Error(`the keyword trie has ${t.base.length} slots, more than its 16-bit layout holds`);
  const combos = [NONE];
  const indexOf = (cats: number): number => {
    if (cats === NONE) return W_NONE;
    let k = combos.indexOf(cats);
    if (k < 0) k = combos.push(cats) - 1;
    return k;
  };
  const out = new Uint16Array(t.base.length * 4);
  for (let s = 0; s < t.base.length; s++) {
    out[s * 4 + W_BASE] = t.base[s] * 4;
    out[s * 4 + W_CHECK] = t.check[s] * 4;
    out[s * 4 + W_PREFIX] = indexOf(t.prefix[s]);
    out[s * 4 + W_EXACT] = indexOf(t.exact[s]);
  }
  if (combos.length > 0xffff) throw new Error('too many keyword category combinations for the 16-bit layout');
  return { records: out, cats: Int32Array.from(combos) };
}

function scaledSymbols(t: PackedTrie): Uint16Array {
  const out = new Uint16Array(t.sym.length);
  for (let c = 0; c < t.sym.length; c++) out[c] = t.sym[c] * 4;
  return out;
}

/** Keyword occurrences, in text order, as parallel arrays. */
export interface Hits {
  start: number[];
  end: number[];
  cats: number[];
}

function isGap(c: number): boolean {
  return c === 32 || c === 45 || c === 39 || c === 0x2019 || c === 0xa0 || c === 0x2010 || c === 0x2011;
}

/** The text being scanned, as code units. */
const scratch = new UnitBuffer();

/** Result slots of {@link walk} and {@link walkWord}. */
const found = { cats: -1, end: 0 };

/** Sets {@link found} for a match at (scaled) trie state `cur`, `atEnd` of the word ending at `e`. */
function matchAt(cur: number, atEnd: boolean, e: number): void {
  const pre = WT[cur + W_PREFIX];
  const ex = WT[cur + W_EXACT];
  if (pre !== W_NONE || (atEnd && ex !== W_NONE)) {
    let cats = pre !== W_NONE ? WCATS[pre] : 0;
    if (atEnd && ex !== W_NONE) cats = WCATS[ex] & NEUTRAL ? NEUTRAL : cats | WCATS[ex];
    found.cats = cats;
    found.end = e;
  }
}

/**
 * Walks the word trie from `s`, inside the word that ends at `wordEnd` and on
 * across single gaps into the next words; on a match sets {@link found} to the
 * categories and the end of the last matched word.
 */
function walk(u: Uint16Array, s: number, wordEnd: number, n: number): void {
  found.cats = -1;
  let cur = WROOT;
  for (let k = s; k < wordEnd; k++) {
    const next = WT[cur + W_BASE] + WSYM[u[k]];
    if (WT[next + W_CHECK] !== cur) return;
    cur = next;
    matchAt(cur, k + 1 === wordEnd, wordEnd);
  }
  followPhrase(u, cur, wordEnd, n);
}

/**
 * {@link walk} for a word whose end is not known yet: finds the end in the
 * same pass (each character is read once) and returns it.
 */
function walkWord(u: Uint16Array, s: number, n: number): number {
  found.cats = -1;
  let cur = WROOT;
  let stem = 0; // deepest state on the path that ends a stem (0: none)
  let e = s;
  for (; e < n; e++) {
    const c = u[e];
    if (!isWordChar(c)) break;
    if (cur === 0) continue;
    const next = WT[cur + W_BASE] + WSYM[c];
    cur = WT[next + W_CHECK] === cur ? next : 0;
    if (cur !== 0 && WT[cur + W_PREFIX] !== W_NONE) stem = cur;
  }
  // the last match along the word wins: the whole word (exact entry) if it is one, else the longest stem
  if (cur !== 0 && WT[cur + W_EXACT] !== W_NONE) matchAt(cur, true, e);
  else if (stem !== 0) matchAt(stem, false, e);
  if (cur !== 0) followPhrase(u, cur, e, n);
  return e;
}

/** Continues a walk at (scaled) state `cur` across one space, hyphen or apostrophe into the next words. */
function followPhrase(u: Uint16Array, cur: number, e: number, n: number): void {
  while (e + 1 < n && isGap(u[e]) && isWordChar(u[e + 1])) {
    const next = WT[cur + W_BASE] + WSYM[SEP];
    if (WT[next + W_CHECK] !== cur) return;
    cur = next;
    let k = e + 1;
    e = k + 1;
    while (e < n && isWordChar(u[e])) e++;
    for (; k < e; k++) {
      const step = WT[cur + W_BASE] + WSYM[u[k]];
      if (WT[step + W_CHECK] !== cur) return;
      cur = step;
      matchAt(cur, k + 1 === e, e);
    }
  }
}

/** Endings of compound code words: "Bestätigungscode", "verificatiekode", "inloggningskod", "kinnituskood", "vahvistuskoodi". */
const CODE_ENDINGS = ['code', 'codes', 'kode', 'koden', 'koder', 'kod', 'kood', 'koodi', 'koodia', 'koodin', 'koodisi', 'kods'];

/** True when the word at [s, e) ends with a code word ({@link CODE_ENDINGS}) and is at least two letters longer. */
function codeCompound(u: Uint16Array, s: number, e: number): boolean {
  if (e - s < 6) return false;
  // every ending holds "od" within its last five letters: almost every word stops here
  let od = false;
  for (let k = e - 2; k >= e - 5 && !od; k--) od = lowerCode(u[k]) === 111 && lowerCode(u[k + 1]) === 100;
  return od && endsWithOneOf(u, s, e, CODE_ENDINGS, 2);
}

/** True when the word at [s, e) ends with one of `endings` (lower-case) after at least `before` more letters. */
function endsWithOneOf(u: Uint16Array, s: number, e: number, endings: readonly string[], before: number): boolean {
  for (let i = 0; i < endings.length; i++) {
    const ending = endings[i];
    const len = ending.length;
    if (e - s < len + before) continue;
    let k = 0;
    while (k < len && lowerCode(u[e - len + k]) === ending.charCodeAt(k)) k++;
    if (k === len) return true;
  }
  return false;
}

/** Endings of compound number words: "Kundennummer", "kundnummer", "asiakasnumero", "tilausnumeron". */
const NUMBER_ENDINGS = ['nummer', 'nummern', 'nummers', 'nummeret', 'numero', 'numeron', 'numeroa', 'numerosi', 'numeroksi'];

/** True when the word at [s, e) ends with a number word ({@link NUMBER_ENDINGS}) after at least three more letters. */
function numberCompound(u: Uint16Array, s: number, e: number): boolean {
  if (e - s < 9) return false;
  // every ending starts with "num" six to nine letters from the end: almost every word stops here
  let num = false;
  for (let k = e - 9; k <= e - 6 && !num; k++) num = lowerCode(u[k]) === 110 && lowerCode(u[k + 1]) === 117 && lowerCode(u[k + 2]) === 109;
  return num && endsWithOneOf(u, s, e, NUMBER_ENDINGS, 3);
}

/** Length of an Arabic article/conjunction prefix (ال، وال، بال، لل، و) to strip before matching. */
function arabicPrefix(u: Uint16Array, s: number, e: number): number {
  const c0 = u[s];
  const c1 = u[s + 1];
  const c2 = u[s + 2];
  if (e - s > 4 && (c0 === 0x648 || c0 === 0x628 || c0 === 0x641 || c0 === 0x643) && c1 === 0x627 && c2 === 0x644) return 3;
  if (e - s > 3 && c0 === 0x627 && c1 === 0x644) return 2;
  if (e - s > 3 && c0 === 0x644 && c1 === 0x644) return 2;
  if (e - s > 3 && (c0 === 0x648 || c0 === 0x628 || c0 === 0x644)) return 1;
  return 0;
}

/** Union of the categories found by a scan without a hit list ({@link categoriesOf}). */
let union = 0;

/** Records a hit in `h`, or only in {@link union} when `h` is null. */
function push(h: Hits | null, s: number, e: number, cats: number): void {
  if (cats === 0 || cats & NEUTRAL) return;
  if (h === null) {
    union |= cats; // callers scan at most 2,048 characters: fewer hits than MAX_HITS
    return;
  }
  if (h.start.length >= MAX_HITS) return;
  h.start.push(s);
  h.end.push(e);
  h.cats.push(cats);
}

/** Scans `text` (up to `limit` characters) for context words. */
export function scanKeywords(text: string, limit = Infinity): Hits {
  const h: Hits = { start: [], end: [], cats: [] };
  scan(text, limit, h);
  return h;
}

/** Scans the first `limit` characters of `text`. */
function scan(text: string, limit: number, h: Hits | null): void {
  const u = scratch.load(text, limit);
  const n = scratch.count;
  let i = 0;
  while (i < n) {
    const c = u[i];
    if (!isWordChar(c)) {
      // Chinese and Japanese are not word characters: their runs are matched separately
      i = isCjk(c) ? scanCjk(u, i, n, h) : i + 1;
      continue;
    }
    const e = walkWord(u, i, n);
    let cats = found.cats;
    let end = found.end;
    if (cats < 0 && c >= 0x600 && c <= 0x6ff) {
      const p = arabicPrefix(u, i, e);
      if (p > 0) {
        walk(u, i + p, e, n);
        cats = found.cats;
        end = found.end;
      }
    }
    // No match: nothing extends past this word (found.end is left over from an earlier word,
    // or an earlier text, and must not decide whether a "…code" compound counts).
    if (cats < 0) {
      cats = 0;
      end = e;
    }
    if (end <= e && !(cats & (NEGNUM | NEUTRAL)) && codeCompound(u, i, e)) {
      cats |= CODE;
      end = e;
    } else if (end <= e && !(cats & (CODE | NUMBER | NEGNUM | NEUTRAL)) && numberCompound(u, i, e)) {
      // an identifier noun like "number" itself: a code only when qualified as one (labels.ts)
      cats |= NUMBER;
      end = e;
    }
    if (cats !== 0) push(h, i, Math.max(end, e), cats);
    i = Math.max(e, cats !== 0 ? end : e);
  }
}

/** Matches CJK entries inside the run starting at `s`; returns the index after the run. */
function scanCjk(u: Uint16Array, s: number, n: number, h: Hits | null): number {
  const { sym, base, check, prefix } = CJK_TRIE;
  let e = s;
  while (e < n && isCjk(u[e])) e++;
  let p = s;
  while (p < e) {
    let cur = ROOT;
    let best = -1;
    let bestEnd = p;
    for (let k = p; k < e; k++) {
      const next = base[cur] + sym[u[k]];
      if (check[next] !== cur) break;
      cur = next;
      if (prefix[cur] !== NONE) {
        best = prefix[cur];
        bestEnd = k + 1;
      }
    }
    if (best >= 0) {
      push(h, p, bestEnd, best);
      p = bestEnd;
    } else p++;
  }
  return e;
}

/** Union of the categories of all context words in a short string (link text, a label). */
export function categoriesOf(s: string): number {
  union = 0;
  scan(s, 2048, null);
  return union;
}

/** Index of the first hit whose start is >= pos (binary search). */
export function firstHitAtOrAfter(h: Hits, pos: number): number {
  let lo = 0;
  let hi = h.start.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.start[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

