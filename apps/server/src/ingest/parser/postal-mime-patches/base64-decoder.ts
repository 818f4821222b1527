/**
 * A faster base64 body decoder for postal-mime, installed in the parser processes only.
 *
 * postal-mime's Base64Decoder (written for browsers) turns every body line into a string with
 * TextDecoder, strips it with a regex, appends it to a growing string and decodes in JavaScript:
 * on the benchmark's 28 KB sample (a 12 KB attachment) that is about a tenth of the parser
 * process's time. This one keeps the base64 alphabet's bytes as they arrive (one pass, no
 * strings) and decodes them once, natively, at the end.
 *
 * Same output, byte for byte, for any input: postal-mime decodes exactly the characters
 * [A-Za-z0-9+/] of the body (padding and everything else dropped; TextDecoder cannot turn a
 * non-ASCII byte into one of them), grouping them by four; so does this, including its
 * treatment of a dangling last character (apps/server/test/unit/parser/patch-base64-decoder.test.ts compares
 * both on the corpus, the sample and malformed bodies).
 *
 * Installed through patch-decoder.ts (see there why and how); written up in docs/design.md.
 */
import { patchPostalMimeDecoder } from './patch-decoder.js';

/** The value of each base64 alphabet byte, or 255 for bytes postal-mime drops. */
const VALUE = new Uint8Array(256).fill(255);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** The state this decoder keeps on a postal-mime decoder instance (its constructor is postal-mime's). */
interface KeptBytes {
  fastKept?: Uint8Array;
  fastLength?: number;
}

/** Base64Decoder#update: keeps the alphabet bytes of one body line. */
function update(this: KeptBytes, chunk: Uint8Array): void {
  let kept = this.fastKept ?? new Uint8Array(Math.max(4096, chunk.length));
  let n = this.fastLength ?? 0;
  if (n + chunk.length > kept.length) {
    const grown = new Uint8Array(Math.max(kept.length * 2, n + chunk.length));
    grown.set(kept.subarray(0, n));
    kept = grown;
  }
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i]!;
    if (VALUE[b] !== 255) kept[n++] = b;
  }
  this.fastKept = kept;
  this.fastLength = n;
}

/** Base64Decoder#finalize: the decoded body. */
function finalize(this: KeptBytes): Promise<ArrayBuffer> {
  const decoded = decodeKept(this.fastKept ?? new Uint8Array(0), this.fastLength ?? 0);
  this.fastKept = undefined;
  return Promise.resolve(decoded);
}

/** Decodes `n` alphabet bytes as postal-mime's decodeBase64 does, into an ArrayBuffer of its own. */
export function decodeKept(kept: Uint8Array, n: number): ArrayBuffer {
  const whole = n - (n % 4);
  const full = Buffer.from(Buffer.from(kept.buffer, kept.byteOffset, whole).toString('latin1'), 'base64');
  const tail = n % 4;
  // Two or three characters left: one or two bytes, as any decoder gives. One character left:
  // postal-mime's decoder still writes a whole group of three bytes, the last two zero.
  const extra = tail === 0 ? 0 : tail === 1 ? 3 : tail - 1;
  const out = new Uint8Array(full.length + extra);
  out.set(full);
  if (tail > 0) {
    const a = VALUE[kept[whole]!]!;
    const b = tail > 1 ? VALUE[kept[whole + 1]!]! : 0;
    const c = tail > 2 ? VALUE[kept[whole + 2]!]! : 0;
    const bytes = [(a << 2) | (b >> 4), ((b & 15) << 4) | (c >> 2), 0];
    for (let i = 0; i < extra; i++) out[full.length + i] = bytes[i]!;
  }
  return out.buffer;
}

/** Makes postal-mime's base64 decoder the fast one in this process; false (nothing changed) when it is not found. */
export function installFastBase64(): Promise<boolean> {
  return patchPostalMimeDecoder('base64-decoder.js', { update, finalize });
}
