/**
 * Inline-style facts for the HTML scanner: hidden (display:none,
 * visibility:hidden, zero height with overflow hidden), font size, letter
 * spacing, monospace, bold, and whether a background is a real colour (a
 * button fill) rather than white or a pale page background.
 */
import { isAsciiLetter, isDigit, isSpace } from './chars.js';

/** Text flags. */
export const F_HIDDEN = 1;
export const F_BIG = 2;
export const F_MONO = 4;
export const F_SPACED = 8;
export const F_BOLD = 16;
export const F_SMALL = 32;

/** First letters of the style properties read below (d, v, m, h, o, f, l, b). */
const STYLE_FIRST = new Set([100, 118, 109, 104, 111, 102, 108, 98]);

/** Style facts the scanner cares about. */
const styleOut = { flags: 0, px: 16, bg: false };

/**
 * Parses an inline style (already lower-cased) relative to the parent font
 * size. Returns a shared result object: read it before the next call.
 */
export function readStyle(style: string, parentPx: number): typeof styleOut {
  styleOut.flags = 0;
  styleOut.px = parentPx;
  styleOut.bg = false;
  let maxHeight0 = false;
  let overflowHidden = false;
  const s = style.length > 4096 ? style.slice(0, 4096) : style;
  let from = 0;
  while (from < s.length) {
    let semi = s.indexOf(';', from);
    if (semi < 0) semi = s.length;
    const colon = s.indexOf(':', from);
    let ps = from;
    while (ps < colon && isSpace(s.charCodeAt(ps))) ps++;
    if (colon > from && colon < semi && STYLE_FIRST.has(s.charCodeAt(ps))) {
      const prop = s.slice(ps, colon).trim();
      let val = s.slice(colon + 1, semi).trim();
      if (val.endsWith('!important')) val = val.slice(0, -10).trim();
      switch (prop) {
        case 'display':
          if (val === 'none') styleOut.flags |= F_HIDDEN;
          break;
        case 'visibility':
          if (val === 'hidden') styleOut.flags |= F_HIDDEN;
          break;
        case 'max-height':
        case 'height':
          if (parseFloat(val) === 0) maxHeight0 = true;
          break;
        case 'overflow':
          if (val === 'hidden') overflowHidden = true;
          break;
        case 'font-size':
          styleOut.px = fontPx(val, parentPx);
          break;
        case 'letter-spacing': {
          const v = parseFloat(val);
          if (v > 0 && (val.endsWith('em') ? v >= 0.08 : v >= 1.5)) styleOut.flags |= F_SPACED;
          break;
        }
        case 'font-family':
          if (val.includes('mono') || val.includes('courier') || val.includes('consolas') || val.includes('menlo')) {
            styleOut.flags |= F_MONO;
          }
          break;
        case 'font-weight':
          if (val === 'bold' || val === 'bolder' || parseFloat(val) >= 600) styleOut.flags |= F_BOLD;
          break;
        case 'background':
        case 'background-color':
          if (coloured(val)) styleOut.bg = true;
          break;
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
