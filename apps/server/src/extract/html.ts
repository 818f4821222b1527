/**
 * A forgiving, linear HTML scanner that turns a mail body into plain text plus
 * the bits of structure the extractor scores on: which text is hidden, big,
 * monospaced, letter-spaced, bold or small, and every `<a href>` with its text,
 * image alt text and button styling.
 *
 * Text output collapses whitespace the way a browser does; block elements end
 * a line (`\n`) and table cells are separated by a tab (`\t`), so a code whose
 * digits sit in separate `<td>`s comes out as `2\t9\t4\t0\t7\t1`.
 *
 * Safety: every loop advances, closing quotes and tags are found with
 * `indexOf`, the element stack is capped, and input beyond {@link MAX_HTML}
 * is ignored. No regular expressions.
 */
import { Buffer } from 'node:buffer';
import * as Chars from './chars.js';
import * as Entities from './entities.js';
import * as Trie from './trie.js';
import * as Units from './units.js';
import * as Style from './style.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { foreignDigit, isInvisible, isSpace, isAsciiLetter, isDigit } = Chars;
const { decodeAttribute, entity, readEntity } = Entities;
const { ROOT, packTrie } = Trie;
const { UnitBuffer } = Units;
const { ANCHOR_BUTTON, ANCHOR_HIDDEN, F_BIG, F_BOLD, F_HIDDEN, F_MONO, F_SMALL, anchorStyle, coloured, hasButtonClass, readStyle } = Style;

/** Only the first 256 KB of HTML is scanned. */
export const MAX_HTML = 256 * 1024;
const MAX_ANCHORS = 400;
const MAX_DEPTH = 512;
const MAX_ATTR = 8192;
const MAX_ANCHOR_TEXT = 512;

export { F_BIG, F_BOLD, F_HIDDEN, F_MONO, F_SMALL, F_SPACED } from './style.js';

export interface TextSpan {
  start: number;
  end: number;
  flags: number;
}

export interface Anchor {
  /** Entity-decoded, trimmed href as the message has it. */
  href: string;
  /** Range of the anchor's text in {@link HtmlDoc.text}. */
  start: number;
  end: number;
  /** Visible text (whitespace collapsed), filled in at the end. */
  text: string;
  /** Alt text of images inside the anchor, plus its title attribute. */
  alt: string;
  /** Styled like a button (own background/padding, or a coloured parent cell). */
  button: boolean;
  /** Text flags in effect where the anchor opens (hidden, small...). */
  flags: number;
}

export interface HtmlDoc {
  text: string;
  /** Non-overlapping ranges of text with non-zero flags, in order. */
  spans: TextSpan[];
  anchors: Anchor[];
  /** The text holds full-width or Arabic-Indic digits (which extract() maps to ASCII). */
  foreignDigits: boolean;
}

const SEP_NONE = 0;
const SEP_SPACE = 1;
const SEP_TAB = 2;
const SEP_NL = 3;
const SEP_CHARS = [0, 32, 9, 10];

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'center', 'dd', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
  'body', 'html',
]);
const CELL = new Set(['td', 'th']);
const VOID = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source',
  'track', 'wbr', 'basefont', 'frame', 'keygen',
]);
/** Elements whose content is not rendered text. */
const RAW = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'noscript', 'template', 'noembed', 'noframes', 'iframe']);
const TAG_FLAGS: Record<string, number> = {
  b: F_BOLD, strong: F_BOLD, h1: F_BOLD | F_BIG, h2: F_BOLD | F_BIG, h3: F_BOLD, code: F_MONO,
  pre: F_MONO, kbd: F_MONO, samp: F_MONO, tt: F_MONO, big: F_BIG,
};
const TAG_PX: Record<string, number> = { h1: 32, h2: 24, h3: 19, small: 12, big: 20 };

const T_BLOCK = 1;
const T_CELL = 2;
const T_VOID = 4;
const T_RAW = 8;

/** What the scanner needs to know about an element, worked out once per element name. */
interface TagInfo {
  kind: number;
  flags: number;
  /** Font size the element sets (undefined: inherited). */
  px: number | undefined;
}

function describeTag(name: string): TagInfo {
  const kind = (BLOCK.has(name) ? T_BLOCK : 0) | (CELL.has(name) ? T_CELL : 0) | (VOID.has(name) ? T_VOID : 0) | (RAW.has(name) ? T_RAW : 0);
  // plain-object lookups as before, so names such as "constructor" behave exactly as they did
  return { kind, flags: TAG_FLAGS[name] ?? 0, px: TAG_PX[name] };
}

/** The elements mail is made of; any other name is described on the fly. */
const KNOWN_NAMES = [...new Set([
  ...BLOCK, ...CELL, ...VOID, ...RAW, ...Object.keys(TAG_FLAGS), ...Object.keys(TAG_PX),
  'a', 'span', 'font', 'i', 'em', 'u', 'sup', 'sub', 'head', 'meta', 'o:p',
])];
const KNOWN_INFO = KNOWN_NAMES.map(describeTag);
/** Known names as a trie, so a tag is recognised from its characters without slicing out and lower-casing its name. */
const KNOWN_TRIE = packTrie(KNOWN_NAMES.map((name, index) => ({ units: [...name].map((ch) => ch.charCodeAt(0)), cats: index, isPrefix: false })), (c) => c);

/** Index in {@link KNOWN_NAMES} of the tag name units[from, to) (ASCII case-insensitive), or -1. */
function knownTag(units: Uint16Array, from: number, to: number): number {
  const { sym, base, check, exact } = KNOWN_TRIE;
  let cur = ROOT;
  for (let k = from; k < to; k++) {
    let c = units[k];
    if (c >= 65 && c <= 90) c += 32;
    const next = base[cur] + sym[c];
    if (check[next] !== cur) return -1;
    cur = next;
  }
  return exact[cur];
}

/** Attributes kept while parsing a start tag. */
interface Attrs {
  href: string | null;
  style: string;
  cls: string;
  bgcolor: string;
  alt: string;
  title: string;
  hidden: boolean;
}

// Scratch memory reused across calls (the scanner is synchronous and not re-entrant).
const STACK_FLAGS = new Int32Array(MAX_DEPTH + 1);
const STACK_PX = new Float64Array(MAX_DEPTH + 1);
const STACK_BTN = new Uint8Array(MAX_DEPTH + 1);
let outBuf = new Uint16Array(16 * 1024);
const HTML_UNITS = new UnitBuffer();
/** Per anchor: a tab or line break was written inside it, so its text needs {@link collapse}. */
const ANCHOR_BREAKS = new Uint8Array(MAX_ANCHORS);

class Scanner {
  readonly html: string;
  /** The HTML as code units, for the per-character text loop. */
  readonly units: Uint16Array;
  readonly n: number;
  readonly buf: Uint16Array;
  len = 0;
  pending = SEP_NONE;
  readonly spans: TextSpan[] = [];
  readonly anchors: Anchor[] = [];
  open: Anchor | null = null;
  // element stack (parallel arrays; index 0 is the root)
  readonly names: string[] = ['#root'];
  readonly flags = STACK_FLAGS;
  readonly px = STACK_PX;
  readonly btn = STACK_BTN;
  depth = 0;
  foreignDigits = false;
  readonly attrs: Attrs = { href: null, style: '', cls: '', bgcolor: '', alt: '', title: '', hidden: false };

  constructor(html: string) {
    this.html = html;
    this.units = HTML_UNITS.load(html, Infinity);
    this.n = HTML_UNITS.count;
    if (outBuf.length < this.n + 16) outBuf = new Uint16Array(Math.max(this.n + 16, outBuf.length * 2));
    this.buf = outBuf;
    this.flags[0] = 0;
    this.btn[0] = 0;
    this.px[0] = 16;
  }

  run(): HtmlDoc {
    const { html, n } = this;
    let i = 0;
    while (i < n) {
      const lt = html.indexOf('<', i);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > i) this.emitText(i, textEnd);
      if (lt < 0) break;
      i = this.markup(lt);
    }
    this.closeAnchor();
    const text = bufferToString(this.buf, this.len);
    const { anchors } = this;
    for (let k = 0; k < anchors.length; k++) anchors[k].text = anchorText(text, anchors[k], ANCHOR_BREAKS[k] === 1);
    return { text, spans: this.spans, anchors, foreignDigits: this.foreignDigits };
  }

  /**
   * Appends text from html[from, to), decoding entities and collapsing
   * whitespace. The hot loop keeps the output length and pending separator in
   * locals and lets plain printable ASCII (most of any mail) through first.
   */
  emitText(from: number, to: number): void {
    const { html, buf, units } = this;
    const flags = this.flags[this.depth];
    let len = this.len;
    let pending = this.pending;
    let spanStart = -1;
    for (let k = from; k < to; k++) {
      let c = units[k];
      if (c <= 32 || c >= 127 || c === 38) {
        if (c === 38 && readEntity(html, k, to, false)) {
          k += entity.length - 1;
          c = entity.code;
          if (c > 0xffff) {
            len = this.writeSeparator(len, pending);
            pending = SEP_NONE;
            if (spanStart < 0) spanStart = len;
            const v = c - 0x10000;
            buf[len++] = 0xd800 + (v >> 10);
            buf[len++] = 0xdc00 + (v & 0x3ff);
            continue;
          }
        }
        if (isSpace(c)) {
          if (pending < SEP_SPACE) pending = SEP_SPACE;
          continue;
        }
        if (isInvisible(c)) continue;
        if (c >= 0x660 && foreignDigit(c) >= 0) this.foreignDigits = true;
      }
      if (pending !== SEP_NONE) {
        len = this.writeSeparator(len, pending);
        pending = SEP_NONE;
      }
      if (spanStart < 0) spanStart = len;
      buf[len++] = c;
    }
    this.len = len;
    this.pending = pending;
    if (spanStart >= 0 && flags !== 0) this.addSpan(spanStart, len, flags);
  }

  /** Writes the pending separator (none at the very start) before a visible character at `len`; returns the new length. */
  writeSeparator(len: number, pending: number): number {
    if (pending === SEP_NONE || len === 0) return len;
    // the open anchor, if any, is the last one (a leading separator is trimmed anyway)
    if (pending !== SEP_SPACE && this.open && len > this.open.start) ANCHOR_BREAKS[this.anchors.length - 1] = 1;
    this.buf[len] = SEP_CHARS[pending];
    return len + 1;
  }

  addSpan(start: number, end: number, flags: number): void {
    const last = this.spans[this.spans.length - 1];
    if (last && last.flags === flags && last.end >= start - 1) last.end = end;
    else this.spans.push({ start, end, flags });
  }

  separator(sep: number): void {
    if (this.pending < sep) this.pending = sep;
  }

  /** Handles the markup starting with `<` at `lt`; returns the index after it. */
  markup(lt: number): number {
    const { html, n, units } = this;
    const c1 = lt + 1 < n ? units[lt + 1] : 0;
    if (c1 === 33 /* ! */) {
      if (html.startsWith('<!--', lt)) {
        const e = html.indexOf('-->', lt + 4);
        return e < 0 ? n : e + 3;
      }
      const e = html.indexOf('>', lt + 2);
      return e < 0 ? n : e + 1;
    }
    if (c1 === 63 /* ? */) {
      const e = html.indexOf('>', lt + 2);
      return e < 0 ? n : e + 1;
    }
    if (c1 === 47 /* / */) {
      let j = lt + 2;
      while (j < n && isNameChar(units[j])) j++;
      const e = html.indexOf('>', j);
      if (j > lt + 2) {
        const known = knownTag(this.units, lt + 2, j);
        if (known >= 0) this.endTag(KNOWN_NAMES[known], KNOWN_INFO[known]);
        else {
          const name = html.slice(lt + 2, j).toLowerCase();
          this.endTag(name, describeTag(name));
        }
      }
      return e < 0 ? n : e + 1;
    }
    if (isAsciiLetter(c1)) return this.startTag(lt);
    this.emitText(lt, lt + 1);
    return lt + 1;
  }

  startTag(lt: number): number {
    const { html, n, attrs, units } = this;
    let j = lt + 1;
    while (j < n && isNameChar(units[j])) j++;
    const known = knownTag(this.units, lt + 1, j);
    const name = known >= 0 ? KNOWN_NAMES[known] : html.slice(lt + 1, j).toLowerCase();
    const info = known >= 0 ? KNOWN_INFO[known] : describeTag(name);
    attrs.href = null;
    attrs.style = attrs.cls = attrs.bgcolor = attrs.alt = attrs.title = '';
    attrs.hidden = false;
    let selfClosing = false;
    for (;;) {
      while (j < n && isSpace(units[j])) j++;
      if (j >= n) return n; // unterminated tag: nothing after it renders
      const c = units[j];
      if (c === 62 /* > */) {
        j++;
        break;
      }
      if (c === 47 /* / */) {
        selfClosing = j + 1 < n && units[j + 1] === 62;
        j++;
        continue;
      }
      const an = j;
      while (j < n) {
        const d = units[j];
        if (isSpace(d) || d === 61 || d === 62 || d === 47) break;
        j++;
      }
      if (j === an) {
        j++; // stray '=' or similar
        continue;
      }
      const nameLen = j - an;
      while (j < n && isSpace(units[j])) j++;
      let vs = -1;
      let ve = -1;
      if (j < n && units[j] === 61 /* = */) {
        j++;
        while (j < n && isSpace(units[j])) j++;
        const q = j < n ? units[j] : 0;
        if (q === 34 || q === 39) {
          const e = html.indexOf(q === 34 ? '"' : "'", j + 1);
          if (e < 0) return n; // unterminated quote swallows the rest of the document
          vs = j + 1;
          ve = e;
          j = e + 1;
        } else {
          vs = j;
          while (j < n && !isSpace(units[j]) && units[j] !== 62) j++;
          ve = j;
        }
      }
      if (nameLen <= 7) this.keepAttr(an, nameLen, vs, ve);
    }
    this.openElement(name, info, selfClosing);
    if (info.kind & T_RAW && !selfClosing) return this.skipRaw(name, info, j);
    return j;
  }

  keepAttr(an: number, nameLen: number, vs: number, ve: number): void {
    const a = this.attrs;
    const html = this.html;
    const attr = attrId(html, an, nameLen);
    if (attr === A_NONE) return;
    if (attr === A_HIDDEN) {
      a.hidden = true;
      return;
    }
    if (vs < 0) return;
    const end = Math.min(ve, vs + MAX_ATTR);
    switch (attr) {
      case A_HREF:
        a.href = ve - vs <= MAX_ATTR ? decodeAttribute(html.slice(vs, end)).trim() : '';
        break;
      case A_STYLE:
        a.style = html.slice(vs, end).toLowerCase();
        break;
      case A_CLASS:
        a.cls = html.slice(vs, end).toLowerCase();
        break;
      case A_BGCOLOR:
        a.bgcolor = html.slice(vs, end).toLowerCase();
        break;
      case A_ALT:
        if (ve - vs <= 512) a.alt = decodeAttribute(html.slice(vs, end));
        break;
      case A_TITLE:
        if (ve - vs <= 512) a.title = decodeAttribute(html.slice(vs, end));
        break;
    }
  }

  /** Skips the content of a raw-text element up to its end tag. */
  skipRaw(name: string, info: TagInfo, from: number): number {
    const { html, n, units } = this;
    let k = from;
    for (;;) {
      const e = html.indexOf('</', k);
      if (e < 0) return n;
      let m = 0;
      while (m < name.length && e + 2 + m < n && (units[e + 2 + m] | 32) === name.charCodeAt(m)) m++;
      if (m === name.length) {
        const g = html.indexOf('>', e + 2 + m);
        this.endTag(name, info);
        return g < 0 ? n : g + 1;
      }
      k = e + 2;
    }
  }

  openElement(name: string, info: TagInfo, selfClosing: boolean): void {
    const a = this.attrs;
    if (name === 'a') {
      this.closeAnchor();
      const href = a.href;
      if (href !== null && this.anchors.length < MAX_ANCHORS) {
        const style = anchorStyle(a.style);
        const own = (style & ANCHOR_BUTTON) !== 0 || hasButtonClass(a.cls);
        const anchor: Anchor = {
          href,
          start: this.len,
          end: this.len,
          text: '',
          alt: a.title,
          button: own || this.btn[this.depth] === 1,
          flags: this.flags[this.depth] | (style & ANCHOR_HIDDEN || a.hidden ? F_HIDDEN : 0),
        };
        ANCHOR_BREAKS[this.anchors.length] = 0;
        this.anchors.push(anchor);
        this.open = anchor;
      }
    } else if (name === 'img') {
      if (this.open && a.alt) this.open.alt = this.open.alt ? `${this.open.alt} ${a.alt}` : a.alt;
    }
    if (info.kind & T_BLOCK) this.separator(SEP_NL);
    else if (info.kind & T_CELL) this.separator(SEP_TAB);
    if (info.kind & T_VOID || selfClosing) return;
    // implicit end tags that matter for flag inheritance
    const top = this.names[this.depth];
    if ((name === 'td' || name === 'th') && (top === 'td' || top === 'th')) this.depth--;
    else if (name === 'tr') this.popUntil('tr', 4);
    else if ((name === 'p' || name === 'li') && top === name) this.depth--;
    if (this.depth >= MAX_DEPTH) return;
    const d = this.depth + 1;
    let flags = this.flags[d - 1] & ~(F_BIG | F_SMALL);
    let px = this.px[d - 1];
    flags |= info.flags;
    px = info.px ?? px;
    let btn = 0;
    if (a.style) {
      const st = readStyle(a.style, px);
      flags |= st.flags;
      px = st.px;
      if (st.bg) btn = 1;
    }
    if (a.hidden) flags |= F_HIDDEN;
    if (a.bgcolor && coloured(a.bgcolor)) btn = 1;
    if (hasButtonClass(a.cls)) btn = 1;
    if (px >= 20) flags |= F_BIG;
    else if (px > 0 && px <= 12.5) flags |= F_SMALL;
    this.names[d] = name;
    this.flags[d] = flags;
    this.px[d] = px;
    this.btn[d] = btn;
    this.depth = d;
  }

  /** Pops an open element named `name` (and those above it) if it is within `limit` levels. */
  popUntil(name: string, limit: number): boolean {
    const stop = Math.max(1, this.depth - limit);
    for (let k = this.depth; k >= stop; k--) {
      if (this.names[k] === name) {
        this.depth = k - 1;
        return true;
      }
    }
    return false;
  }

  endTag(name: string, info: TagInfo): void {
    if (name === 'a') this.closeAnchor();
    if (info.kind & T_BLOCK) this.separator(SEP_NL);
    else if (info.kind & T_CELL) this.separator(SEP_TAB);
    if (!(info.kind & T_VOID)) this.popUntil(name, 64);
  }

  closeAnchor(): void {
    if (this.open) {
      this.open.end = this.len;
      this.open = null;
    }
  }
}

const A_NONE = 0;
const A_HREF = 1;
const A_STYLE = 2;
const A_CLASS = 3;
const A_BGCOLOR = 4;
const A_ALT = 5;
const A_TITLE = 6;
const A_HIDDEN = 7;
const ATTR_NAMES = ['', 'href', 'style', 'class', 'bgcolor', 'alt', 'title', 'hidden'];

/** Which of the kept attributes the name at html[an, an+len) is (ASCII case-insensitive). */
function attrId(html: string, an: number, len: number): number {
  for (let id = 1; id < ATTR_NAMES.length; id++) {
    const name = ATTR_NAMES[id];
    if (name.length !== len) continue;
    let k = 0;
    while (k < len && (html.charCodeAt(an + k) | 32) === name.charCodeAt(k)) k++;
    if (k === len) return id;
  }
  return A_NONE;
}

function isNameChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 45 || c === 58 || c === 95;
}

/** Uint16Array memory is little-endian here (true on every platform Node ships for), so UTF-16LE decoding copies it as is. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bufferToString(buf: Uint16Array, len: number): string {
  // a native copy; spreading the code units through String.fromCharCode cost ~15 µs per 5 KB
  if (LITTLE_ENDIAN) return Buffer.from(buf.buffer, buf.byteOffset, len * 2).toString('utf16le');
  let out = '';
  for (let k = 0; k < len; k += 8192) {
    out += String.fromCharCode.apply(null, buf.subarray(k, Math.min(len, k + 8192)) as unknown as number[]);
  }
  return out;
}

/**
 * The anchor's visible text, whitespace collapsed. The document text only
 * holds single separators, written before visible characters, so unless a
 * tab or line break fell inside the anchor (or its text is cut short) that
 * is the text itself minus a leading separator: no need to collapse it again.
 */
function anchorText(text: string, a: Anchor, breaks: boolean): string {
  const end = Math.min(a.end, a.start + MAX_ANCHOR_TEXT);
  if (breaks || end !== a.end) return collapse(text.slice(a.start, end));
  return text.slice(a.start < end && isSpace(text.charCodeAt(a.start)) ? a.start + 1 : a.start, end);
}

/** Collapses whitespace runs to single spaces and trims. */
export function collapse(s: string): string {
  const n = s.length;
  let out = '';
  let k = 0;
  for (;;) {
    while (k < n && isSpace(s.charCodeAt(k))) k++;
    if (k >= n) return out;
    let e = k + 1;
    while (e < n && !isSpace(s.charCodeAt(e))) e++;
    // whole words are appended at once; text without extra whitespace comes back as is
    out = out.length > 0 ? `${out} ${s.slice(k, e)}` : s.slice(k, e);
    k = e;
  }
}

/** Converts a mail's HTML part into text, flagged spans and anchors. */
export function htmlToDoc(input: string): HtmlDoc {
  const html = input.length > MAX_HTML ? input.slice(0, MAX_HTML) : input;
  return new Scanner(html).run();
}
