/**
 * Finds the context words of {@link WORDS} in a text in one linear pass.
 *
 * Words of space-separated scripts are matched from their first letter
 * against a character trie (longest entry wins; phrases may cross one space,
 * hyphen or apostrophe). Runs of Chinese/Japanese characters are matched at
 * every position. German-style compounds ending in "code" (Sicherheitscode,
 * Anmeldecode) also count as code words.
 */
import { isCjk, isWordChar, lowerCode } from './chars.js';
import { CJK_WORDS, CODE, NEGNUM, NEUTRAL, WORDS, type WordList } from './words.js';

interface Node {
  /** Children for code units below 128 (indexed directly) ... */
  ascii: (Node | undefined)[] | null;
  /** ... and for the rest. */
  next: Map<number, Node> | null;
  /** Categories when the word ends exactly here (-1: none). */
  exact: number;
  /** Categories when a word merely starts with the path to here (-1: none). */
  prefix: number;
}

const SEP = 32;
const MAX_HITS = 20000;

function node(): Node {
  return { ascii: null, next: null, exact: -1, prefix: -1 };
}

function child(n: Node, c: number): Node | undefined {
  if (c < 128) return n.ascii ? n.ascii[c] : undefined;
  return n.next ? n.next.get(c) : undefined;
}

function addChild(n: Node, c: number): Node {
  let ch = child(n, c);
  if (ch) return ch;
  ch = node();
  if (c < 128) {
    n.ascii ??= new Array<Node | undefined>(128).fill(undefined);
    n.ascii[c] = ch;
  } else {
    n.next ??= new Map();
    n.next.set(c, ch);
  }
  return ch;
}

function build(lists: readonly WordList[], prefixAll: boolean): Node {
  const root = node();
  for (const [cats, entries] of lists) {
    for (const raw of entries) {
      const isPrefix = prefixAll || raw.endsWith('*');
      const word = isPrefix && raw.endsWith('*') ? raw.slice(0, -1) : raw;
      let cur = root;
      for (let k = 0; k < word.length; k++) {
        let c = lowerCode(word.charCodeAt(k));
        if (c === 45 || c === 39 || c === 0x2019) c = SEP;
        cur = addChild(cur, c);
      }
      if (isPrefix) cur.prefix = cur.prefix < 0 ? cats : cur.prefix | cats;
      else cur.exact = cur.exact < 0 ? cats : cur.exact | cats;
    }
  }
  return root;
}

const WORD_TRIE = build(WORDS, false);
const CJK_TRIE = build(CJK_WORDS, true);

/** Keyword occurrences, in text order, as parallel arrays. */
export interface Hits {
  start: number[];
  end: number[];
  cats: number[];
}

function isGap(c: number): boolean {
  return c === 32 || c === 45 || c === 39 || c === 0x2019 || c === 0xa0 || c === 0x2010 || c === 0x2011;
}

/** Result slots of {@link walk}. */
const found = { cats: -1, end: 0 };

/**
 * Walks the word trie from `s`; on a match sets {@link found} to the categories
 * and the end of the last matched word.
 */
function walk(text: string, s: number, n: number): void {
  found.cats = -1;
  let cur: Node | undefined = WORD_TRIE;
  let k = s;
  while (cur && k < n) {
    const c = text.charCodeAt(k);
    if (isWordChar(c)) {
      cur = child(cur, lowerCode(c));
      if (!cur) break;
      k++;
      const atEnd = k >= n || !isWordChar(text.charCodeAt(k));
      if (cur.prefix >= 0 || (atEnd && cur.exact >= 0)) {
        let cats = cur.prefix >= 0 ? cur.prefix : 0;
        if (atEnd && cur.exact >= 0) cats = cur.exact & NEUTRAL ? NEUTRAL : cats | cur.exact;
        let e = k;
        while (e < n && isWordChar(text.charCodeAt(e))) e++;
        found.cats = cats;
        found.end = e;
      }
    } else if (isGap(c) && k + 1 < n && isWordChar(text.charCodeAt(k + 1)) && k > s) {
      cur = child(cur, SEP);
      k++;
    } else break;
  }
}

/** True when the word at [s, e) ends with "code"/"codes"/"kode" and is longer than that. */
function codeCompound(text: string, s: number, e: number): boolean {
  let end = e;
  if (end - s >= 6 && lowerCode(text.charCodeAt(end - 1)) === 115 /* s */) end--;
  if (end - s < 6) return false;
  const a = lowerCode(text.charCodeAt(end - 4));
  return (
    (a === 99 || a === 107) &&
    lowerCode(text.charCodeAt(end - 3)) === 111 &&
    lowerCode(text.charCodeAt(end - 2)) === 100 &&
    lowerCode(text.charCodeAt(end - 1)) === 101
  );
}

/** Length of an Arabic article/conjunction prefix (ال، وال، بال، لل، و) to strip before matching. */
function arabicPrefix(text: string, s: number, e: number): number {
  const c0 = text.charCodeAt(s);
  const c1 = text.charCodeAt(s + 1);
  const c2 = text.charCodeAt(s + 2);
  if (e - s > 4 && (c0 === 0x648 || c0 === 0x628 || c0 === 0x641 || c0 === 0x643) && c1 === 0x627 && c2 === 0x644) return 3;
  if (e - s > 3 && c0 === 0x627 && c1 === 0x644) return 2;
  if (e - s > 3 && c0 === 0x644 && c1 === 0x644) return 2;
  if (e - s > 3 && (c0 === 0x648 || c0 === 0x628 || c0 === 0x644)) return 1;
  return 0;
}

function push(h: Hits, s: number, e: number, cats: number): void {
  if (cats === 0 || cats & NEUTRAL || h.start.length >= MAX_HITS) return;
  h.start.push(s);
  h.end.push(e);
  h.cats.push(cats);
}

/** Scans `text` (up to `limit` characters) for context words. */
export function scanKeywords(text: string, limit = text.length): Hits {
  const h: Hits = { start: [], end: [], cats: [] };
  const n = Math.min(text.length, limit);
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isCjk(c)) {
      i = scanCjk(text, i, n, h);
      continue;
    }
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    let e = i + 1;
    while (e < n && isWordChar(text.charCodeAt(e))) e++;
    walk(text, i, n);
    let cats = found.cats;
    let end = found.end;
    if (cats < 0 && c >= 0x600 && c <= 0x6ff) {
      const p = arabicPrefix(text, i, e);
      if (p > 0) {
        walk(text, i + p, n);
        cats = found.cats;
        end = found.end;
      }
    }
    if (cats < 0) cats = 0;
    if (end <= e && !(cats & (NEGNUM | NEUTRAL)) && codeCompound(text, i, e)) {
      cats |= CODE;
      end = e;
    }
    if (cats !== 0) push(h, i, Math.max(end, e), cats);
    i = Math.max(e, cats !== 0 ? end : e);
  }
  return h;
}

/** Matches CJK entries inside the run starting at `s`; returns the index after the run. */
function scanCjk(text: string, s: number, n: number, h: Hits): number {
  let e = s;
  while (e < n && isCjk(text.charCodeAt(e))) e++;
  let p = s;
  while (p < e) {
    let cur: Node | undefined = CJK_TRIE;
    let best = -1;
    let bestEnd = p;
    for (let k = p; k < e; k++) {
      cur = child(cur, text.charCodeAt(k));
      if (!cur) break;
      if (cur.prefix >= 0) {
        best = cur.prefix;
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
  const h = scanKeywords(s, 2048);
  let cats = 0;
  for (const c of h.cats) cats |= c;
  return cats;
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

