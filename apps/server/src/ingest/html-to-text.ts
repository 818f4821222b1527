/**
 * Plain text from HTML, for messages that have no text part: a single linear pass (no
 * backtracking regex), dropping head/style/script content, breaking lines at block tags,
 * decoding the common entities, collapsing runs of spaces.
 */
const BLOCK = new Set(['p', 'div', 'br', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'blockquote', 'hr', 'section', 'article', 'header', 'footer', 'pre', 'center']);
const SKIP = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'svg']);
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', hellip: '…', mdash: '—', ndash: '–', zwnj: '', zwj: '', shy: '' };
const MAX_INPUT = 2 * 1024 * 1024;

function decodeEntity(name: string): string | null {
  if (name[0] === '#') {
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null;
  }
  return NAMED[name.toLowerCase()] ?? null;
}

/** Converts HTML to readable plain text. */
export function htmlToText(html: string): string {
  const s = html.length > MAX_INPUT ? html.slice(0, MAX_INPUT) : html;
  const out: string[] = [];
  let skipUntil: string | null = null;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '<') {
      if (s.startsWith('<!--', i)) {
        const end = s.indexOf('-->', i + 4);
        i = end === -1 ? s.length : end + 3;
        continue;
      }
      const end = s.indexOf('>', i + 1);
      if (end === -1) break;
      const tag = s.slice(i + 1, end);
      const closing = tag[0] === '/';
      let j = closing ? 1 : 0;
      let name = '';
      while (j < tag.length && /[A-Za-z0-9]/.test(tag[j])) name += tag[j++];
      name = name.toLowerCase();
      i = end + 1;
      if (skipUntil) {
        if (closing && name === skipUntil) skipUntil = null;
        continue;
      }
      if (!closing && SKIP.has(name) && !tag.endsWith('/')) {
        skipUntil = name;
        continue;
      }
      if (BLOCK.has(name)) out.push('\n');
      else if (name === 'td' || name === 'th') out.push(' ');
      continue;
    }
    if (skipUntil) {
      i++;
      continue;
    }
    if (c === '&') {
      const semi = s.indexOf(';', i + 1);
      if (semi !== -1 && semi - i <= 10) {
        const decoded = decodeEntity(s.slice(i + 1, semi));
        if (decoded !== null) {
          out.push(decoded);
          i = semi + 1;
          continue;
        }
      }
    }
    out.push(c === '\t' || c === '\r' || c === '\n' ? ' ' : c);
    i++;
  }
  return out.join('')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
