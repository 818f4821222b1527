/**
 * HTML character references: `&amp;`, `&#038;`, `&#x26;` and the named
 * entities that occur in mail. Bounded look-ahead, no regular expressions.
 */
import * as Trie from './trie.js';

// The imports as module-local consts (see keywords.ts).
const { NONE, ROOT, packTrie } = Trie;

const NAMED: Record<string, number> = {
  amp: 38, lt: 60, gt: 62, quot: 34, apos: 39, nbsp: 0xa0, ensp: 0x2002, emsp: 0x2003,
  thinsp: 0x2009, hairsp: 0x200a, zwnj: 0x200c, zwj: 0x200d, lrm: 0x200e, rlm: 0x200f, shy: 0xad,
  copy: 0xa9, reg: 0xae, trade: 0x2122, hellip: 0x2026, mdash: 0x2014, ndash: 0x2013,
  lsquo: 0x2018, rsquo: 0x2019, sbquo: 0x201a, ldquo: 0x201c, rdquo: 0x201d, bdquo: 0x201e,
  laquo: 0xab, raquo: 0xbb, lsaquo: 0x2039, rsaquo: 0x203a, bull: 0x2022, middot: 0xb7,
  euro: 0x20ac, pound: 0xa3, yen: 0xa5, cent: 0xa2, curren: 0xa4, sect: 0xa7, para: 0xb6,
  deg: 0xb0, times: 0xd7, divide: 0xf7, plusmn: 0xb1, micro: 0xb5, iexcl: 0xa1, iquest: 0xbf,
  rarr: 0x2192, larr: 0x2190, uarr: 0x2191, darr: 0x2193, harr: 0x2194, rArr: 0x21d2,
  check: 0x2713, star: 0x2606, hearts: 0x2665, dagger: 0x2020, permil: 0x2030, prime: 0x2032,
  num: 35, percnt: 37, dollar: 36, commat: 64, colon: 58, semi: 59, comma: 44, period: 46,
  excl: 33, quest: 63, lpar: 40, rpar: 41, lsqb: 91, rsqb: 93, lcub: 123, rcub: 125,
  sol: 47, bsol: 92, verbar: 124, vert: 124, equals: 61, plus: 43, minus: 0x2212, ast: 42,
  hyphen: 0x2010, dash: 0x2010, lowbar: 95, grave: 96, Hat: 94, tilde: 0x2dc, circ: 0x2c6,
  ordf: 0xaa, ordm: 0xba, sup1: 0xb9, sup2: 0xb2, sup3: 0xb3, frac12: 0xbd, frac14: 0xbc,
  frac34: 0xbe, acute: 0xb4, uml: 0xa8, cedil: 0xb8, macr: 0xaf, not: 0xac, brvbar: 0xa6,
  NewLine: 10, Tab: 9,
  Agrave: 0xc0, Aacute: 0xc1, Acirc: 0xc2, Atilde: 0xc3, Auml: 0xc4, Aring: 0xc5, AElig: 0xc6,
  Ccedil: 0xc7, Egrave: 0xc8, Eacute: 0xc9, Ecirc: 0xca, Euml: 0xcb, Igrave: 0xcc, Iacute: 0xcd,
  Icirc: 0xce, Iuml: 0xcf, ETH: 0xd0, Ntilde: 0xd1, Ograve: 0xd2, Oacute: 0xd3, Ocirc: 0xd4,
  Otilde: 0xd5, Ouml: 0xd6, Oslash: 0xd8, Ugrave: 0xd9, Uacute: 0xda, Ucirc: 0xdb, Uuml: 0xdc,
  Yacute: 0xdd, THORN: 0xde, szlig: 0xdf, agrave: 0xe0, aacute: 0xe1, acirc: 0xe2, atilde: 0xe3,
  auml: 0xe4, aring: 0xe5, aelig: 0xe6, ccedil: 0xe7, egrave: 0xe8, eacute: 0xe9, ecirc: 0xea,
  euml: 0xeb, igrave: 0xec, iacute: 0xed, icirc: 0xee, iuml: 0xef, eth: 0xf0, ntilde: 0xf1,
  ograve: 0xf2, oacute: 0xf3, ocirc: 0xf4, otilde: 0xf5, ouml: 0xf6, oslash: 0xf8, ugrave: 0xf9,
  uacute: 0xfa, ucirc: 0xfb, uuml: 0xfc, yacute: 0xfd, thorn: 0xfe, yuml: 0xff, OElig: 0x152,
  oelig: 0x153, Scaron: 0x160, scaron: 0x161, Yuml: 0x178, Zcaron: 0x17d, zcaron: 0x17e,
};

/**
 * The names as a trie walked over the text's characters: no name is sliced out and looked up in
 * an object by a key that changes at every call (a megamorphic keyed lookup, ~2% of the
 * extractor's instructions), and only real entity names match, not "constructor".
 */
const NAMED_TRIE = packTrie(
  Object.entries(NAMED).map(([name, code]) => ({ units: [...name].map((ch) => ch.charCodeAt(0)), cats: code, isPrefix: false })),
  (c) => c,
);
const { sym: N_SYM, base: N_BASE, check: N_CHECK, exact: N_EXACT } = NAMED_TRIE;

/** Legacy entities that browsers also decode without the trailing semicolon. */
const LEGACY = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp', 'copy', 'reg']);

/** Windows-1252 meanings of the C1 range, as browsers apply them to `&#128;`-`&#159;`. */
const CP1252: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
  0x88: 0x2c6, 0x89: 0x2030, 0x8a: 0x160, 0x8b: 0x2039, 0x8c: 0x152, 0x8e: 0x17d, 0x91: 0x2018,
  0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x2dc,
  0x99: 0x2122, 0x9a: 0x161, 0x9b: 0x203a, 0x9c: 0x153, 0x9e: 0x17e, 0x9f: 0x178,
};

/** Result slots for {@link readEntity}, reused to avoid allocation. */
export const entity = { code: 0, length: 0 };

/**
 * Reads the character reference that starts with `&` at `i` (`end` bounds the
 * scan). On success fills {@link entity} (code point and consumed length) and
 * returns true. `inAttribute` applies the browser rule that a legacy entity
 * without `;` followed by `=` or an alphanumeric stays literal in attributes.
 */
export function readEntity(s: string, i: number, end: number, inAttribute: boolean): boolean {
  let j = i + 1;
  if (j >= end) return false;
  if (s.charCodeAt(j) === 35 /* # */) {
    j++;
    let hex = false;
    if (j < end && (s.charCodeAt(j) | 32) === 120 /* x */) {
      hex = true;
      j++;
    }
    const start = j;
    let cp = 0;
    while (j < end && j - start < 8) {
      const c = s.charCodeAt(j);
      let d = -1;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (hex && (c | 32) >= 97 && (c | 32) <= 102) d = (c | 32) - 87;
      if (d < 0) break;
      cp = cp * (hex ? 16 : 10) + d;
      j++;
    }
    if (j === start) return false;
    if (j < end && s.charCodeAt(j) === 59) j++;
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    else if (cp >= 0x80 && cp <= 0x9f) cp = CP1252[cp] ?? cp;
    entity.code = cp;
    entity.length = j - i;
    return true;
  }
  const start = j;
  let cur = ROOT;
  for (; j < end && j - start < 32; j++) {
    const c = s.charCodeAt(j);
    if (!isAlnumCode(c)) break;
    if (cur === 0) continue;
    const next = N_BASE[cur] + N_SYM[c];
    cur = N_CHECK[next] === cur ? next : 0;
  }
  if (j === start) return false;
  const cp = cur === 0 ? NONE : N_EXACT[cur];
  if (cp === NONE) return false;
  if (j < end && s.charCodeAt(j) === 59) {
    entity.code = cp;
    entity.length = j + 1 - i;
    return true;
  }
  if (!LEGACY.has(s.slice(start, j))) return false;
  if (inAttribute && j < end) {
    const next = s.charCodeAt(j);
    if (next === 61 || isAlnumCode(next)) return false;
  }
  entity.code = cp;
  entity.length = j - i;
  return true;
}

function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Decodes all character references in an attribute value (`&amp;` and `&#038;` become `&`). */
export function decodeAttribute(v: string): string {
  if (v.indexOf('&') < 0) return v;
  let out = '';
  let from = 0;
  let i = v.indexOf('&');
  while (i >= 0) {
    if (readEntity(v, i, v.length, true)) {
      out += v.slice(from, i) + String.fromCodePoint(entity.code);
      from = i + entity.length;
      i = v.indexOf('&', from);
    } else {
      i = v.indexOf('&', i + 1);
    }
  }
  return out + v.slice(from);
}
