/**
 * Turns a message's untrusted HTML into a standalone document for `/api/html.php`.
 *
 * Defence in depth only: the page shows this document in an iframe sandboxed without
 * scripts or same-origin, and the server sends it with a strict CSP. Here a small linear
 * tokenizer re-serializes every tag it understands, so the tag structure of the output is
 * exactly what this file emitted: comments, doctypes and scripts are dropped, every text
 * `<` that does not start a tag becomes `&lt;`, `<style>` bodies get their `<` escaped, and
 * attribute values are re-quoted with `<` and `>` escaped. So the only `<` in the output
 * start tags this file checked, even where a browser reads raw text (`<xmp>`, `<title>`). On top of that it rewrites `cid:` references to data:
 * URIs, makes every link open in a new tab without a referrer, removes `<meta>` (refresh,
 * referrer, charset), `<base>`, `<link>`, frames, objects and forms, event-handler
 * attributes and `javascript:` URLs, and, unless remote content is allowed, remote images.
 * No regular expression here can backtrack; the input is capped at {@link MAX_HTML_CHARS}.
 */

/** An inline (related) part referenced from the HTML as `cid:<contentId>`. */
export interface InlineImage {
  contentId: string;
  contentType: string;
  content: Uint8Array;
}

/** Options for {@link renderSafeHtml}. */
export interface SafeHtmlOptions {
  inlineImages: InlineImage[];
  /** True after the reader asked to load remote content (`remote=1`). */
  allowRemote: boolean;
}

/** Input past this many characters is dropped (a truncated tag at the end is dropped too). */
export const MAX_HTML_CHARS = 5_000_000;

const HEAD =
  '<!DOCTYPE html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n' +
  '<meta http-equiv="x-dns-prefetch-control" content="off">\n' +
  '<style>:root{color-scheme:light}html{background:#fff;color:#1a1a1a}' +
  'body{margin:0;padding:16px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;' +
  'overflow-wrap:break-word}img{max-width:100%;height:auto}</style>\n';

/** Elements whose tags are removed (their content, if any, stays). */
const DROPPED_TAGS = new Set([
  'base', 'meta', 'link', 'form', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'param', 'portal', 'fencedframe',
  // SVG animation can set any attribute (an href to javascript:) after the cleaner has run.
  'animate', 'set', 'animatemotion', 'animatetransform', 'animatecolor', 'discard',
]);

/** Attributes removed from every element (plus every `on*`). */
const DROPPED_ATTRS = new Set([
  'srcdoc', 'action', 'formaction', 'ping', 'autofocus', 'nonce', 'http-equiv', 'target', 'rel',
]);

/** Attributes that make the browser fetch something. */
const RESOURCE_ATTRS = new Set(['src', 'background', 'poster', 'lowsrc', 'dynsrc', 'data']);

/** Attributes holding a URL that is checked for `javascript:` and friends. */
const URL_ATTRS = new Set([
  'href', 'xlink:href', 'src', 'background', 'poster', 'lowsrc', 'dynsrc', 'data', 'cite',
  'longdesc', 'usemap', 'action', 'formaction', 'manifest', 'codebase',
]);

const TAG_NAME_OK = /^[a-z][a-z0-9:-]*$/;
const ATTR_NAME_OK = /^[a-z_:][a-z0-9_:.-]*$/;
const MIME_OK = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

interface Attr {
  name: string;
  value: string | null;
}

/** Returns a complete HTML document that is safe to serve under the mail CSP. */
export function renderSafeHtml(html: string, opts: SafeHtmlOptions): string {
  const cids = new Map<string, string>();
  for (const img of opts.inlineImages) {
    const key = normalizeCid(img.contentId);
    if (!key || cids.has(key)) continue;
    const type = MIME_OK.test(img.contentType) ? img.contentType.toLowerCase() : 'application/octet-stream';
    cids.set(key, `data:${type};base64,${Buffer.from(img.content).toString('base64')}`);
  }
  const ctx: Ctx = { cids, allowRemote: opts.allowRemote };
  return HEAD + sanitize(html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html, ctx);
}

interface Ctx {
  cids: Map<string, string>;
  allowRemote: boolean;
}

function sanitize(src: string, ctx: Ctx): string {
  const out: string[] = [];
  const commentEnd = finder(src, '-->');
  const commentBangEnd = finder(src, '--!>');
  const n = src.length;
  let i = 0;
  while (i < n) {
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      out.push(src.slice(i));
      break;
    }
    out.push(src.slice(i, lt));
    i = lt;
    const c1 = src.charCodeAt(i + 1);
    if (isAlpha(c1)) {
      i = startTag(src, i, ctx, out);
    } else if (c1 === 0x2f /* / */) {
      const c2 = src.charCodeAt(i + 2);
      if (isAlpha(c2)) i = endTag(src, i, out);
      else if (c2 === 0x3e /* > */) i += 3; // `</>` is ignored by browsers
      else if (Number.isNaN(c2)) {
        out.push('&lt;/');
        i = n;
      } else i = skipPast(src, i + 2, '>'); // bogus comment
    } else if (c1 === 0x21 /* ! */) {
      i = src.startsWith('--', i + 2) ? skipComment(src, i + 4, commentEnd, commentBangEnd) : skipPast(src, i + 2, '>');
    } else if (c1 === 0x3f /* ? */) {
      i = skipPast(src, i + 2, '>');
    } else {
      out.push('&lt;');
      i += 1;
    }
  }
  return out.join('');
}

interface Tag {
  name: string;
  attrs: Attr[];
  selfClosing: boolean;
  /** Index just past the closing `>`. */
  end: number;
}

/**
 * Tokenizes the tag whose name starts at `nameStart` the way browsers do (quoted values may
 * hold `>`; the first of duplicate attributes wins). Returns null at EOF inside the tag,
 * where browsers drop the tag.
 */
function parseTag(src: string, nameStart: number): Tag | null {
  const n = src.length;
  let i = nameStart;
  while (i < n && !isSpace(src.charCodeAt(i)) && src[i] !== '/' && src[i] !== '>') i++;
  const name = src.slice(nameStart, i).toLowerCase();
  const attrs: Attr[] = [];
  const seen = new Set<string>();
  let selfClosing = false;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x3e /* > */) return { name, attrs, selfClosing, end: i + 1 };
    if (c === 0x2f /* / */) {
      selfClosing = src[i + 1] === '>';
      i++;
      continue;
    }
    // Attribute name: a leading `=` belongs to the name, as in browsers.
    const start = i;
    i++;
    while (i < n) {
      const d = src.charCodeAt(i);
      if (isSpace(d) || d === 0x2f || d === 0x3e || d === 0x3d /* = */) break;
      i++;
    }
    const attrName = src.slice(start, i).toLowerCase();
    let j = i;
    while (j < n && isSpace(src.charCodeAt(j))) j++;
    let value: string | null = null;
    if (src[j] === '=') {
      j++;
      while (j < n && isSpace(src.charCodeAt(j))) j++;
      const q = src[j];
      if (q === '"' || q === "'") {
        const close = src.indexOf(q, j + 1);
        if (close === -1) return null;
        value = src.slice(j + 1, close);
        i = close + 1;
      } else if (q === '>') {
        value = '';
        i = j;
      } else {
        let k = j;
        while (k < n && !isSpace(src.charCodeAt(k)) && src[k] !== '>') k++;
        value = src.slice(j, k);
        i = k;
      }
    }
    if (!seen.has(attrName)) {
      seen.add(attrName);
      attrs.push({ name: attrName, value });
    }
  }
  return null;
}

/** Emits the cleaned form of the start tag at `lt`; returns where parsing goes on. */
function startTag(src: string, lt: number, ctx: Ctx, out: string[]): number {
  const tag = parseTag(src, lt + 1);
  if (!tag) return src.length;
  const { name, end } = tag;
  if (name === 'script') return skipRawText(src, end, 'script');
  if (name === 'style') {
    const close = findEndTag(src, end, 'style');
    out.push('<style>', cleanCss(src.slice(end, close === -1 ? src.length : close), ctx), '</style>');
    return close === -1 ? src.length : skipRawText(src, close, 'style');
  }
  if (DROPPED_TAGS.has(name) || !TAG_NAME_OK.test(name)) return end;
  out.push('<', name);
  const isLink = name === 'a' || name === 'area';
  for (const a of tag.attrs) {
    const cleaned = cleanAttr(isLink, a, ctx);
    if (cleaned !== null) out.push(' ', cleaned);
  }
  if (isLink) out.push(' target="_blank" rel="noopener noreferrer"');
  out.push(tag.selfClosing ? ' />' : '>');
  return end;
}

/** Emits `</name>` for kept elements (browsers ignore attributes on end tags). */
function endTag(src: string, lt: number, out: string[]): number {
  const tag = parseTag(src, lt + 2);
  if (!tag) return src.length;
  const { name } = tag;
  if (!DROPPED_TAGS.has(name) && name !== 'script' && name !== 'style' && TAG_NAME_OK.test(name)) {
    out.push('</', name, '>');
  }
  return tag.end;
}

/** A data: URL of a raster image (no SVG: as a document it can hold script). */
const RASTER_DATA = /^data:image\/(?:png|gif|jpe?g|webp|avif|bmp)[;,]/i;

/** Returns `name="value"` for an attribute worth keeping, or null to drop it. */
function cleanAttr(isLink: boolean, a: Attr, ctx: Ctx): string | null {
  const { name } = a;
  if (!ATTR_NAME_OK.test(name) || name.startsWith('on') || DROPPED_ATTRS.has(name)) return null;
  if (a.value === null) return name;
  let value = a.value;
  if (URL_ATTRS.has(name)) {
    const url = decodeEntities(value).replace(/[\u0000-\u0020\u007f]+/g, '');
    const scheme = url.slice(0, 11).toLowerCase();
    if (scheme.startsWith('javascript:') || scheme.startsWith('vbscript:')) return null;
    if (isLink && scheme.startsWith('data:')) return null;
    // SVG's href (<use>, <image>, <feImage>) takes a data: document too: a raster image only.
    if ((name === 'href' || name === 'xlink:href') && scheme.startsWith('data:') && !RASTER_DATA.test(url)) return null;
    const isResource = RESOURCE_ATTRS.has(name) || (!isLink && (name === 'href' || name === 'xlink:href'));
    if (isResource) {
      if (scheme.startsWith('cid:')) {
        const data = ctx.cids.get(normalizeCid(url.slice(4)));
        if (!data) return null;
        value = data;
      } else if (!scheme.startsWith('data:') && !(ctx.allowRemote && isAbsoluteRemote(url))) {
        // Not a resource we can show: a remote one (unless allowed) or a relative one that
        // would point back at this service. SVG's in-document `href="#id"` stays.
        if (!(url.startsWith('#') && !RESOURCE_ATTRS.has(name))) return null;
      }
    }
  } else if (name === 'srcset') {
    if (!ctx.allowRemote) return null;
  } else if (name === 'style') {
    value = encodeAttr(cleanCss(decodeEntities(value), ctx));
    return `${name}="${value}"`;
  }
  return `${name}="${escapeAttr(value)}"`;
}

/**
 * Quotes a raw attribute value. `<` and `>` are escaped too (lossless: attribute values
 * decode references) so that no `</xmp`, `</title` or `</noscript` inside a value can end a
 * raw-text element early when the output is parsed.
 */
function escapeAttr(raw: string): string {
  return raw.replace(/["<>]/g, (c) => (c === '"' ? '&quot;' : c === '<' ? '&lt;' : '&gt;'));
}

/** CSS escapes (`\72`, `\000072 `, `\r`) of name characters, decoded: `u\72l(` is `url(` to a browser. */
const CSS_NAME_ESCAPE = /\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([A-Za-z0-9@(_-])/g;

function decodeCssEscapes(css: string): string {
  if (!css.includes('\\')) return css;
  return css.replace(CSS_NAME_ESCAPE, (whole, hex: string | undefined, ch: string | undefined) => {
    const c = hex ? String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff) || 0xfffd) : ch!;
    // Only characters that build names and functions are decoded; a quote or a backslash stays
    // escaped, so strings keep their meaning.
    return /^[A-Za-z0-9@(_-]$/.test(c) ? c : whole;
  });
}

/** Functions that take an image as a bare string (no url()): blocked unless remote content is allowed. */
const STRING_IMAGE_FUNCTIONS = /((?:-webkit-)?image-set|\bimage|cross-fade)(\s*\()/gi;
/** Old Internet Explorer's CSS that runs script: never legitimate in mail, always blocked. */
const SCRIPT_FUNCTIONS = /(\bexpression)(\s*\()/gi;

/**
 * Rewrites `url(cid:...)` to data URIs and, unless remote content is allowed, neutralizes
 * other `url(...)` values, `@import` and image functions that take strings. CSS escapes of
 * name characters are decoded first, so what is checked is what the browser reads. Escapes
 * every `<` so no tag can start inside (this matters inside SVG, where `<style>` content is
 * parsed as markup). The CSP stays the second wall.
 */
function cleanCss(input: string, ctx: Ctx): string {
  let css = decodeCssEscapes(input);
  if (!ctx.allowRemote) css = css.replace(STRING_IMAGE_FUNCTIONS, 'x-blocked-$1$2');
  css = css.replace(SCRIPT_FUNCTIONS, 'x-blocked-$1$2');
  const out: string[] = [];
  const lower = css.toLowerCase();
  const nextUrl = finder(lower, 'url(');
  const nextImport = finder(lower, '@import');
  const n = css.length;
  let i = 0;
  while (i < n) {
    const u = nextUrl(i);
    const imp = ctx.allowRemote ? -1 : nextImport(i);
    const next = u === -1 ? imp : imp === -1 ? u : Math.min(u, imp);
    if (next === -1) {
      out.push(css.slice(i));
      break;
    }
    out.push(css.slice(i, next));
    if (next === imp) {
      out.push('@x-blocked-import');
      i = next + 7;
      continue;
    }
    let j = next + 4;
    while (j < n && isSpace(css.charCodeAt(j))) j++;
    let url: string;
    let end: number;
    const q = css[j];
    if (q === '"' || q === "'") {
      let k = j + 1;
      while (k < n && css[k] !== q) k += css[k] === '\\' ? 2 : 1;
      url = css.slice(j + 1, Math.min(k, n));
      end = css.indexOf(')', k);
    } else {
      end = css.indexOf(')', j);
      url = css.slice(j, end === -1 ? n : end).trim();
    }
    end = end === -1 ? n : end + 1;
    out.push(`url("${cssUrl(url, ctx)}")`);
    i = end;
  }
  return out.join('').replace(/<!--|-->/g, '').replace(/</g, '\\3c ');
}

/** Chooses what a CSS `url()` may point at. */
function cssUrl(raw: string, ctx: Ctx): string {
  const url = raw.replace(/[\u0000-\u0020\u007f]+/g, '');
  const scheme = url.slice(0, 5).toLowerCase();
  if (scheme.startsWith('cid:')) return ctx.cids.get(normalizeCid(url.slice(4))) ?? 'about:invalid';
  if (scheme === 'data:' || (ctx.allowRemote && isAbsoluteRemote(url))) {
    return url.replace(/["\\<]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `);
  }
  return 'about:invalid';
}

/** Skips a comment body starting after `<!--`, ending as browsers end it. */
function skipComment(src: string, i: number, end: Finder, bangEnd: Finder): number {
  if (src[i] === '>') return i + 1; // `<!-->`
  if (src.startsWith('->', i)) return i + 2; // `<!--->`
  const a = end(i);
  const b = bangEnd(i);
  if (a === -1 && b === -1) return src.length;
  if (b === -1 || (a !== -1 && a < b)) return a + 3;
  return b + 4;
}

/** Skips raw text up to and including `</name ...>` (or to EOF). */
function skipRawText(src: string, i: number, name: string): number {
  const close = findEndTag(src, i, name);
  if (close === -1) return src.length;
  const tag = parseTag(src, close + 2);
  return tag ? tag.end : src.length;
}

/** Index of the `</name` that ends a raw-text element, or -1. */
function findEndTag(src: string, from: number, name: string): number {
  let i = from;
  for (;;) {
    const lt = src.indexOf('</', i);
    if (lt === -1) return -1;
    const after = src.charCodeAt(lt + 2 + name.length);
    if (
      src.slice(lt + 2, lt + 2 + name.length).toLowerCase() === name &&
      (isSpace(after) || after === 0x2f || after === 0x3e || Number.isNaN(after))
    ) {
      return lt;
    }
    i = lt + 2;
  }
}

type Finder = (from: number) => number;

/** A forward-only indexOf that remembers its last hit, so repeated searches stay linear. */
function finder(hay: string, needle: string): Finder {
  let at = -2;
  return (from) => {
    if (at !== -1 && at < from) at = hay.indexOf(needle, from);
    return at;
  };
}

function skipPast(src: string, from: number, ch: string): number {
  const k = src.indexOf(ch, from);
  return k === -1 ? src.length : k + 1;
}

/** Content ids compare without `<>`, percent-encoding or case. */
/** A Content-ID as `cid:` references compare it: without `<>` or percent-encoding, lower case. */
export function normalizeCid(id: string): string {
  let s = id.trim();
  if (s.startsWith('<')) s = s.slice(1);
  if (s.endsWith('>')) s = s.slice(0, -1);
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep the raw form
  }
  return s.trim().toLowerCase();
}

function isAbsoluteRemote(url: string): boolean {
  const l = url.slice(0, 8).toLowerCase();
  return l.startsWith('http://') || l.startsWith('https://') || l.startsWith('//');
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n',
  lpar: '(', rpar: ')', sol: '/', bsol: '\\', semi: ';', comma: ',', period: '.', nbsp: '\u00a0',
};

/** Decodes numeric references and the few named ones that matter for URL and CSS checks. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,9}|[a-zA-Z]{2,8});?/g, (m: string, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    const hit = NAMED[ref.toLowerCase()];
    return hit !== undefined && m.endsWith(';') ? hit : m;
  });
}

function encodeAttr(s: string): string {
  return escapeAttr(s.replace(/&/g, '&amp;'));
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}
