/**
 * Inline-style facts for the HTML scanner: hidden (display:none,
 * visibility:hidden, zero height with overflow hidden), font size, letter
 * spacing, monospace, bold, and whether a background is a real colour (a
 * button fill) rather than white or a pale page background.
 */
import * as Chars from './chars.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { isAsciiLetter, isDigit, isSpace } = Chars;

/** Text flags. */
export const F_HIDDEN = 1;
export const F_BIG = 2;
export const F_MONO = 4;
export const F_SPACED = 8;
export const F_BOLD = 16;
export const F_SMALL = 32;

/** The style properties read below. */
const P_DISPLAY = 1;
const P_VISIBILITY = 2;
const P_HEIGHT = 3;
const P_OVERFLOW = 4;
const P_FONT_SIZE = 5;
const P_LETTER_SPACING = 6;
const P_FONT_FAMILY = 7;
const P_FONT_WEIGHT = 8;
const P_BACKGROUND = 9;
const PROPERTIES: readonly [string, number][] = [
  ['display', P_DISPLAY], ['visibility', P_VISIBILITY], ['max-height', P_HEIGHT], ['height', P_HEIGHT],
  ['overflow', P_OVERFLOW], ['font-size', P_FONT_SIZE], ['letter-spacing', P_LETTER_SPACING],
  ['font-family', P_FONT_FAMILY], ['font-weight', P_FONT_WEIGHT], ['background', P_BACKGROUND],
  ['background-color', P_BACKGROUND],
];
/** The properties by their first letter: most declarations of a mail (color, padding, mso-…) are ruled out by one read. */
const BY_FIRST: ([string, number][] | undefined)[] = [];
for (const entry of PROPERTIES) (BY_FIRST[entry[0].charCodeAt(0)] ??= []).push(entry);

/** Which property s[from, to) names (0: one not read here), compared in place. */
function propertyId(s: string, from: number, to: number): number {
  const named = BY_FIRST[s.charCodeAt(from)];
  if (named === undefined) return 0;
  for (let k = 0; k < named.length; k++) {
    const [name, id] = named[k];
    if (name.length === to - from && s.startsWith(name, from)) return id;
  }
  return 0;
}

/** s[from, to) equals `word`. */
function isWord(s: string, from: number, to: number, word: string): boolean {
  return to - from === word.length && s.startsWith(word, from);
}

/** Style facts the scanner cares about. */
const styleOut = { flags: 0, px: 16, bg: false };

/**
 * Parses an inline style (already lower-cased) relative to the parent font
 * size. Returns a shared result object: read it before the next call.
 * Names and values are compared in place; only a value that is read as a
 * number or a colour is sliced out.
 */
export function readStyle(style: string, parentPx: number): typeof styleOut {
  styleOut.flags = 0;
  styleOut.px = parentPx;
  styleOut.bg = false;
  let maxHeight0 = false;
  let overflowHidden = false;
  const s = style.length > 4096 ? style.slice(0, 4096) : style;
  const n = s.length;
  let from = 0;
  while (from < n) {
    let semi = s.indexOf(';', from);
    if (semi < 0) semi = n;
    const colon = s.indexOf(':', from);
    if (colon > from && colon < semi) {
      let ps = from;
      while (ps < colon && isSpace(s.charCodeAt(ps))) ps++;
      let pe = colon;
      while (pe > ps && isSpace(s.charCodeAt(pe - 1))) pe--;
      const prop = ps < pe ? propertyId(s, ps, pe) : 0;
      if (prop !== 0) {
        let vs = colon + 1;
        let ve = semi;
        while (vs < ve && isSpace(s.charCodeAt(vs))) vs++;
        while (ve > vs && isSpace(s.charCodeAt(ve - 1))) ve--;
        if (ve - vs >= 10 && s.startsWith('!important', ve - 10)) {
          ve -= 10;
          while (ve > vs && isSpace(s.charCodeAt(ve - 1))) ve--;
        }
        switch (prop) {
          case P_DISPLAY:
            if (isWord(s, vs, ve, 'none')) styleOut.flags |= F_HIDDEN;
            break;
          case P_VISIBILITY:
            if (isWord(s, vs, ve, 'hidden')) styleOut.flags |= F_HIDDEN;
            break;
          case P_HEIGHT:
            if (parseFloat(s.slice(vs, ve)) === 0) maxHeight0 = true;
            break;
          case P_OVERFLOW:
            if (isWord(s, vs, ve, 'hidden')) overflowHidden = true;
            break;
          case P_FONT_SIZE:
            styleOut.px = fontPx(s.slice(vs, ve), parentPx);
            break;
          case P_LETTER_SPACING: {
            const val = s.slice(vs, ve);
            const v = parseFloat(val);
            if (v > 0 && (val.endsWith('em') ? v >= 0.08 : v >= 1.5)) styleOut.flags |= F_SPACED;
            break;
          }
          case P_FONT_FAMILY: {
            const val = s.slice(vs, ve);
            if (val.includes('mono') || val.includes('courier') || val.includes('consolas') || val.includes('menlo')) {
              styleOut.flags |= F_MONO;
            }
            break;
          }
          case P_FONT_WEIGHT:
            if (isWord(s, vs, ve, 'bold') || isWord(s, vs, ve, 'bolder') || parseFloat(s.slice(vs, ve)) >= 600) styleOut.flags |= F_BOLD;
            break;
          case P_BACKGROUND:
            if (coloured(s.slice(vs, ve))) styleOut.bg = true;
            break;
        }
      }
    }
    from = semi + 1;
  }
  if (maxHeight0 && overflowHidden) styleOut.flags |= F_HIDDEN;
  return styleOut;
}

function fontPx(val: string, parentPx: number): number {
  const v = parseFloat(val);
  if (!Number.isFinite(v)) {
    if (val.startsWith('xx-large')) return 32;
    if (val.startsWith('x-large')) return 24;
    if (val.startsWith('large')) return 18;
    if (val.startsWith('small') || val.startsWith('x-small')) return 12;
    return parentPx;
  }
  if (val.endsWith('pt')) return (v * 4) / 3;
  if (val.endsWith('rem')) return v * 16;
  if (val.endsWith('em')) return v * parentPx;
  if (val.endsWith('%')) return (v * parentPx) / 100;
  return v;
}

/** True when a colour value is a visible, non-pale colour (a button fill, not a page background). */
export function coloured(val: string): boolean {
  const v = val.trim();
  if (!v || v === 'none' || v === 'transparent' || v === 'white' || v === 'inherit' || v === 'initial') return false;
  const hash = v.indexOf('#');
  if (hash >= 0) {
    let hex = '';
    for (let k = hash + 1; k < v.length && hex.length < 6; k++) {
      const c = v.charCodeAt(k);
      if (isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102)) hex += v[k];
      else break;
    }
    if (hex.length === 3) hex = hex[0] + hex[0] + hex[1] + hex[1] + hex[2] + hex[2];
    if (hex.length !== 6) return false;
    const r = parseInt(hex.slice(0, 2), 16);
    const g = parseInt(hex.slice(2, 4), 16);
    const b = parseInt(hex.slice(4, 6), 16);
    const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    const spread = Math.max(r, g, b) - Math.min(r, g, b);
    return lum < 0.86 || spread > 60;
  }
  if (v.startsWith('rgba(') && transparentRgba(v)) return false;
  if (v.startsWith('url(')) return false;
  return v.startsWith('rgb') || isAsciiLetter(v.charCodeAt(0));
}

/** rgba(..., 0): fully transparent. */
function transparentRgba(v: string): boolean {
  let k = v.length - 1;
  while (k > 0 && (v.charCodeAt(k) === 41 || v.charCodeAt(k) === 32)) k--;
  while (k > 0 && (v.charCodeAt(k) === 48 || v.charCodeAt(k) === 46)) k--;
  while (k > 0 && v.charCodeAt(k) === 32) k--;
  return v.charCodeAt(k) === 44;
}

export function hasButtonClass(cls: string): boolean {
  return cls.length > 0 && (cls.includes('btn') || cls.includes('button'));
}

/** {@link anchorStyle} bits. */
export const ANCHOR_BUTTON = 1;
export const ANCHOR_HIDDEN = 2;

/**
 * What an anchor's own style says, from one parse: {@link ANCHOR_BUTTON} when it
 * is styled as a button on its own (a fill, or padding in a block box),
 * {@link ANCHOR_HIDDEN} when it is hidden.
 */
export function anchorStyle(style: string): number {
  if (!style) return 0;
  const st = readStyle(style, 16);
  const hidden = st.flags & F_HIDDEN ? ANCHOR_HIDDEN : 0;
  if (st.bg) return ANCHOR_BUTTON | hidden;
  const padded = hasNonZero(style, 'padding');
  if (!padded) return hidden;
  const block = style.includes('inline-block') || style.includes('display:block') || style.includes('display: block') || style.includes('border-radius');
  return (block ? ANCHOR_BUTTON : 0) | hidden;
}

function hasNonZero(style: string, prop: string): boolean {
  const k = style.indexOf(prop);
  if (k < 0) return false;
  const colon = style.indexOf(':', k);
  if (colon < 0) return false;
  for (let m = colon + 1; m < style.length && m < colon + 40; m++) {
    const c = style.charCodeAt(m);
    if (c === 59) break;
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}
