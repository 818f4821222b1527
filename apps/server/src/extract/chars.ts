/**
 * Character classes shared by the extractor's scanners. All checks work on
 * UTF-16 code units, allocate nothing and never backtrack.
 */

/** ASCII digit 0-9. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letter A-Z or a-z. */
export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

export function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

export function isAsciiAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

/**
 * Scripts written without spaces between words: Han ideographs, Hiragana, Katakana (also
 * half-width), Thai, Lao, Myanmar and Khmer. Their keywords are matched at every position.
 */
export function isCjk(c: number): boolean {
  return (CLASS[c] & C_CJK) !== 0;
}

function cjkSlow(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff) || // Hiragana, Katakana (incl. ー)
    (c >= 0x31f0 && c <= 0x31ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xff66 && c <= 0xff9f) ||
    (c >= 0xe01 && c <= 0xe4e && !(c >= 0xe50 && c <= 0xe59)) || // Thai letters and marks
    (c >= 0xe81 && c <= 0xecd) || // Lao
    (c >= 0x1000 && c <= 0x103f) || // Myanmar letters and marks
    (c >= 0x1780 && c <= 0x17d3) // Khmer
  );
}

/** Letters of space-separated scripts (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic, Georgian, Hangul), plus combining marks. */
export function isWordLetter(c: number): boolean {
  return (CLASS[c] & C_LETTER) !== 0;
}

function wordLetterSlow(c: number): boolean {
  if (c < 0x80) return isAsciiLetter(c);
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c <= 0x24f) return c !== 0xd7 && c !== 0xf7;
  if (c >= 0x300 && c <= 0x36f) return true; // combining marks
  if (c >= 0x370 && c <= 0x58f) return c !== 0x37e && c !== 0x387; // Greek, Cyrillic, Armenian
  if (c >= 0x590 && c <= 0x5ff) return c >= 0x5d0 || (c >= 0x591 && c <= 0x5c7); // Hebrew
  if (c >= 0x600 && c <= 0x6ff) {
    // Arabic: exclude punctuation and Arabic-Indic digits
    if (c === 0x60c || c === 0x61b || c === 0x61f || c === 0x6d4) return false;
    if ((c >= 0x660 && c <= 0x66d) || (c >= 0x6f0 && c <= 0x6f9)) return false;
    return true;
  }
  if (c >= 0x750 && c <= 0x77f) return true;
  if (c >= 0x900 && c <= 0xdff) return foreignDigitSlow(c) < 0 && c !== 0x964 && c !== 0x965; // Indic scripts (not their digits or dandas)
  if (c >= 0x10a0 && c <= 0x10ff) return true; // Georgian
  if (c >= 0x1100 && c <= 0x11ff) return true; // Hangul Jamo
  if (c >= 0x1e00 && c <= 0x1fff) return true; // Latin/Greek extended
  if (c >= 0x3130 && c <= 0x318f) return true;
  if (c >= 0xac00 && c <= 0xd7af) return true; // Hangul syllables
  return false;
}

/** A character that belongs to a word for keyword matching: letter or ASCII digit. */
export function isWordChar(c: number): boolean {
  return (CLASS[c] & C_WORD) !== 0;
}

/** Whitespace as rendered by HTML and mail clients, including no-break and thin spaces. */
export function isSpace(c: number): boolean {
  return (CLASS[c] & C_SPACE) !== 0;
}

function spaceSlow(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0x1680
  );
}

/**
 * Characters that change nothing a reader types: zero-width spaces, soft hyphens and BOMs that
 * senders sprinkle into codes, and the optional vowel marks of Arabic (harakat, tatweel) and
 * Hebrew (niqqud), which keyword lists are written without.
 */
export function isInvisible(c: number): boolean {
  return (CLASS[c] & C_INVISIBLE) !== 0;
}

function invisibleSlow(c: number): boolean {
  return (
    c === 0xad ||
    c === 0x34f ||
    c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x2060 && c <= 0x2064) ||
    c === 0xfeff ||
    (c >= 0x64b && c <= 0x65f) ||
    c === 0x670 ||
    c === 0x640 ||
    (c >= 0x591 && c <= 0x5bd) ||
    c === 0x5bf ||
    c === 0x5c1 ||
    c === 0x5c2 ||
    c === 0x5c4 ||
    c === 0x5c5 ||
    c === 0x5c7
  );
}

/** Lower-cases one code unit without allocating (ASCII, Latin-1, Latin Extended-A pairs, Greek, Cyrillic). */
export function lowerCode(c: number): number {
  return c < 0x10000 ? LOWER[c] : c;
}

function lowerSlow(c: number): number {
  if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 32;
  if (c >= 0x100 && c <= 0x17f) {
    // Latin Extended-A: upper/lower pairs, parity flips at U+0139 and U+0179
    if (c <= 0x137 || (c >= 0x14a && c <= 0x177)) return c % 2 === 0 ? c + 1 : c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) return c % 2 === 1 ? c + 1 : c;
    return c === 0x178 ? 0xff : c;
  }
  if (c >= 0x391 && c <= 0x3ab && c !== 0x3a2) return c + 32;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  return c;
}

/**
 * Value of a decimal digit of another script (full-width, Arabic-Indic, Devanagari, Bengali,
 * Thai, Myanmar... every Unicode `Nd` digit of the BMP); -1 for ASCII digits and other characters.
 */
export function foreignDigit(c: number): number {
  return c < 0x10000 ? DIGIT[c] : -1;
}

const ND = /\p{Nd}/u;

function foreignDigitSlow(c: number): number {
  if (c < 0x80 || !ND.test(String.fromCharCode(c))) return -1;
  // Unicode lays out every script's digits as a contiguous run from zero
  let zero = c;
  while (zero > 0 && ND.test(String.fromCharCode(zero - 1))) zero--;
  return (c - zero) % 10;
}

/**
 * Digits of other scripts as ASCII digits, and invisible characters ({@link isInvisible})
 * dropped: the text as a reader would type from it.
 */
export function normaliseText(s: string): string {
  // the first character that changes, found by a compiled one-class regular expression (linear, no
  // backtracking): most texts have none, and a charCodeAt loop over every character cost ~3% of
  // the extractor's instructions
  // (called on the regular expression, not on `s`: a method read on strings of many representations is
  // a megamorphic lookup)
  NORMALISED_AWAY.lastIndex = 0;
  if (!NORMALISED_AWAY.test(s)) return s;
  let i = NORMALISED_AWAY.lastIndex - 1;
  // copy the untouched runs between the characters that change, not one character at a time
  let out = '';
  let from = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xad) continue;
    if (CLASS[c] & C_INVISIBLE) {
      out += s.slice(from, i);
      from = i + 1;
    } else if (DIGIT[c] >= 0) {
      out += s.slice(from, i) + String.fromCharCode(48 + DIGIT[c]);
      from = i + 1;
    }
  }
  return out + s.slice(from);
}

/** Replaces digits of other scripts with ASCII digits (same length, so offsets into the text survive). */
export function normaliseDigits(s: string): string {
  let found = false;
  for (let i = 0; i < s.length; i++) {
    if (foreignDigit(s.charCodeAt(i)) >= 0) {
      found = true;
      break;
    }
  }
  if (!found) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const d = foreignDigit(s.charCodeAt(i));
    if (d >= 0) {
      out += s.slice(from, i) + String.fromCharCode(48 + d);
      from = i + 1;
    }
  }
  return out + s.slice(from);
}

/**
 * Lower-cases and strips diacritics (é→e, ź→z, ü→u, ı/İ→i, ł→l, ё→е, ά→α), so keyword lists
 * written without accents match text written with them and vice versa.
 */
export function foldCode(c: number): number {
  return c < 0x10000 ? FOLD[c] : c;
}

/** Letters without a canonical decomposition that readers still see as a base letter plus a mark. */
const FOLD_EXTRA: Record<number, number> = {
  0x131: 0x69, 0x130: 0x69, 0x142: 0x6c, 0x141: 0x6c, 0x111: 0x64, 0x110: 0x64, 0xf8: 0x6f, 0xd8: 0x6f,
  0x127: 0x68, 0x126: 0x68, 0x167: 0x74, 0x166: 0x74, 0x2019: 0x27,
  // Arabic: alef with hamza or madda is read as alef; Persian kaf and yeh as their Arabic forms
  0x622: 0x627, 0x623: 0x627, 0x625: 0x627, 0x671: 0x627, 0x6a9: 0x643, 0x6cc: 0x64a,
};

function foldSlow(c: number): number {
  const extra = FOLD_EXTRA[c];
  if (extra !== undefined) return extra;
  const lower = lowerSlow(c);
  // Latin, Greek and Cyrillic letters with a canonical decomposition fold to their base letter
  const inScope = (lower >= 0xc0 && lower <= 0x24f) || (lower >= 0x370 && lower <= 0x4ff) || (lower >= 0x1e00 && lower <= 0x1fff);
  if (!inScope) return lower;
  const base = String.fromCharCode(lower).normalize('NFD').charCodeAt(0);
  return base !== lower && (CLASS[base] & C_LETTER) !== 0 ? lowerSlow(base) : lower;
}

// Lookup tables, built once at load (64K entries each).
const C_LETTER = 1;
const C_WORD = 2;
const C_CJK = 4;
const C_SPACE = 8;
const C_INVISIBLE = 16;
const CLASS = new Uint8Array(0x10000);
const LOWER = new Uint16Array(0x10000);
const FOLD = new Uint16Array(0x10000);
const DIGIT = new Int8Array(0x10000);
for (let c = 0; c < 0x10000; c++) DIGIT[c] = foreignDigitSlow(c);
for (let c = 0; c < 0x10000; c++) {
  let k = 0;
  if (wordLetterSlow(c)) k |= C_LETTER | C_WORD;
  if (isDigit(c)) k |= C_WORD;
  if (cjkSlow(c)) k |= C_CJK;
  if (spaceSlow(c)) k |= C_SPACE;
  if (invisibleSlow(c)) k |= C_INVISIBLE;
  CLASS[c] = k;
  LOWER[c] = lowerSlow(c);
}
/** One character class of exactly the code units normaliseText changes (U+00AD and up: invisible, or a foreign digit). */
const NORMALISED_AWAY = unitClass((c) => c >= 0xad && (DIGIT[c] >= 0 || (CLASS[c] & C_INVISIBLE) !== 0));

/** A regular expression matching one UTF-16 code unit for which `test` holds (no `u` flag: units, not code points; `g` for lastIndex). */
function unitClass(test: (c: number) => boolean): RegExp {
  const hex = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
  let ranges = '';
  for (let c = 0; c < 0x10000; c++) {
    if (!test(c)) continue;
    const from = c;
    while (c + 1 < 0x10000 && test(c + 1)) c++;
    ranges += from === c ? hex(from) : `${hex(from)}-${hex(c)}`;
  }
  return new RegExp(`[${ranges}]`, 'g');
}

// only letters in the scripts foldSlow decomposes, and its extras, need more than lower-casing
for (let c = 0; c < 0x10000; c++) {
  const decomposes = (c >= 0xc0 && c <= 0x24f) || (c >= 0x370 && c <= 0x4ff) || (c >= 0x1e00 && c <= 0x1fff);
  FOLD[c] = decomposes || FOLD_EXTRA[c] !== undefined ? foldSlow(c) : LOWER[c];
}
