/**
 * Strings copied into reused Uint16Array memory by a native UTF-16 write.
 * The scanners read typed-array elements noticeably faster than
 * `charCodeAt` on the same text, and the copy itself is a memcpy.
 */
import { Buffer } from 'node:buffer';

export class UnitBuffer {
  private units = new Uint16Array(4096);
  private bytes = Buffer.from(this.units.buffer);

  /** The first `n` (≤ `s.length`) UTF-16 code units of `s`, valid until the next call. */
  load(s: string, n: number): Uint16Array {
    if (this.units.length < n) {
      this.units = new Uint16Array(Math.max(n, this.units.length * 2));
      this.bytes = Buffer.from(this.units.buffer);
    }
    // always the native copy: a copy loop here sees strings of every representation (subjects, link
    // labels, slices, concatenations), and its charCodeAt turned into a megamorphic lookup per
    // character that cost more than the native call's set-up (callgrind, steady state)
    this.bytes.write(s, 0, n * 2, 'utf16le');
    return this.units;
  }
}
