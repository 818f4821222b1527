/**
 * A faster quoted-printable join for postal-mime, installed in the parser processes only.
 *
 * postal-mime's QPDecoder splits the decoded text at every `=XX` with a look-ahead regex,
 * parses each escape with parseInt into its own ArrayBuffer and joins hundreds of such pieces
 * and strings through a Blob: on an HTML part with many escapes that is a large share of the
 * parse. This keeps postal-mime's own line handling (`update`, charset decoding per line,
 * soft line breaks, its chunking) and replaces only the two steps after it, `decodeChunks`
 * and `finalize`, with one linear scan writing into one growing byte array.
 *
 * Same output, byte for byte: the split puts a piece before each `=` followed by two hex
 * digits; each such piece gives that byte, then the rest of the piece as UTF-8 text; the text
 * before the first escape is kept as text, except that postal-mime drops it when it is `=` or
 * `=X` (a piece that starts with `=` but is too short to be an escape). The unit test
 * (apps/server/test/unit/parser/patch-qp-decoder.test.ts) compares both on the corpus, the sample and edge cases.
 */
import { patchPostalMimeDecoder } from './patch-decoder.js';

/** The state kept on a postal-mime QPDecoder instance (its constructor is postal-mime's). */
interface JoinedBytes {
  fastOut?: Buffer;
  fastLength?: number;
}

const SOFT_LINE_BREAK = /=\r?\n/g;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** The byte of an escape `=XX` at `i` in `s`, or -1 when there is none there. */
function escapeAt(s: string, i: number): number {
  if (s.charCodeAt(i) !== 61 || i + 2 >= s.length) return -1;
  const hi = hexValue(s.charCodeAt(i + 1));
  const lo = hi < 0 ? -1 : hexValue(s.charCodeAt(i + 2));
  return lo < 0 ? -1 : (hi << 4) | lo;
}

function reserve(self: JoinedBytes, more: number): Buffer {
  const n = self.fastLength ?? 0;
  let out = self.fastOut;
  if (!out || n + more > out.length) {
    const grown = Buffer.allocUnsafe(Math.max(8192, (out?.length ?? 0) * 2, n + more));
    if (out) out.copy(grown, 0, 0, n);
    out = grown;
    self.fastOut = out;
  }
  return out;
}

function appendText(self: JoinedBytes, s: string, from: number, to: number): void {
  if (to <= from) return;
  const out = reserve(self, (to - from) * 3);
  let n = self.fastLength ?? 0;
  let ascii = true;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) {
      ascii = false;
      break;
    }
    out[n + i - from] = c;
  }
  if (ascii) n += to - from;
  else n += out.write(s.slice(from, to), n, 'utf8');
  self.fastLength = n;
}

/** QPDecoder#decodeChunks: the bytes of one stretch of decoded lines, appended. */
function decodeChunks(this: JoinedBytes, text: string): void {
  const s = text.replace(SOFT_LINE_BREAK, '');
  // Quoted-printable is 7-bit: nearly always the stretch is ASCII and is decoded as bytes.
  if (Buffer.byteLength(s, 'utf8') === s.length) decodeAscii(this, s);
  else decodeText(this, s);
}

/** The byte of an escape `=XX` at `i` in `b` (an escape must end before `end`), or -1. */
function escapeByteAt(b: Buffer, i: number, end: number): number {
  if (b[i] !== 61 || i + 2 >= end) return -1;
  const hi = hexValue(b[i + 1]);
  const lo = hi < 0 ? -1 : hexValue(b[i + 2]);
  return lo < 0 ? -1 : (hi << 4) | lo;
}

/**
 * An ASCII stretch: copied in with one native write, then decoded in place in one pass (the
 * write position never passes the read position, so nothing unread is overwritten).
 */
function decodeAscii(self: JoinedBytes, s: string): void {
  const start = self.fastLength ?? 0;
  const out = reserve(self, s.length);
  const end = start + out.write(s, start, 'latin1');
  let r = start;
  // Text before the first escape; postal-mime drops it when it is "=" or "=X".
  if (out[r] === 61 && escapeByteAt(out, r, end) < 0) {
    if (end - start < 3) r = end;
    else if (escapeByteAt(out, r + 1, end) >= 0) r += 1;
    else if (escapeByteAt(out, r + 2, end) >= 0) r += 2;
  }
  let w = start;
  while (r < end) {
    const c = out[r];
    if (c === 61) {
      const byte = escapeByteAt(out, r, end);
      if (byte >= 0) {
        out[w++] = byte;
        r += 3;
        continue;
      }
    }
    out[w++] = c;
    r++;
  }
  self.fastLength = w;
}

/** A stretch with non-ASCII text (8-bit input): escapes give bytes, the text between them UTF-8. */
function decodeText(self: JoinedBytes, s: string): void {
  let i = s.indexOf('=');
  while (i !== -1 && escapeAt(s, i) < 0) i = s.indexOf('=', i + 1);
  // Text before the first escape; postal-mime drops it when it is "=" or "=X".
  const first = i === -1 ? s.length : i;
  if (!(s.charCodeAt(0) === 61 && first < 3)) appendText(self, s, 0, first);
  while (i !== -1) {
    const out = reserve(self, 1);
    out[self.fastLength ?? 0] = escapeAt(s, i);
    self.fastLength = (self.fastLength ?? 0) + 1;
    let next = s.indexOf('=', i + 3);
    while (next !== -1 && escapeAt(s, next) < 0) next = s.indexOf('=', next + 1);
    appendText(self, s, i + 3, next === -1 ? s.length : next);
    i = next;
  }
}

/** QPDecoder#finalize: decodes what is left and returns all the bytes in an ArrayBuffer of their own. */
function finalize(this: JoinedBytes & { remainder: string }): Promise<ArrayBuffer> {
  if (this.remainder.length) {
    decodeChunks.call(this, this.remainder);
    this.remainder = '';
  }
  const n = this.fastLength ?? 0;
  const bytes = new Uint8Array(n);
  if (this.fastOut) bytes.set(this.fastOut.subarray(0, n));
  this.fastOut = undefined;
  return Promise.resolve(bytes.buffer);
}

/** Makes postal-mime's quoted-printable join the fast one in this process; false (nothing changed) when it is not found. */
export function installFastQp(): Promise<boolean> {
  return patchPostalMimeDecoder('qp-decoder.js', { decodeChunks, finalize });
}
