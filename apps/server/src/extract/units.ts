/**
 * Strings copied into reused Uint16Array memory by a native UTF-16 write.
 * The scanners read typed-array elements noticeably faster than
 * `charCodeAt` on the same text, and the copy itself is a memcpy.
 */
import { Buffer } from 'node:buffer';

const SHORT = 128;

export class UnitBuffer {
  private units = new Uint16Array(4096);
  private bytes = Buffer.from(this.units.buffer);

  /** The first `n` (≤ `s.length`) UTF-16 code units of `s`, valid until the next call. */
  load(s: string, n: number): Uint16Array {
    if (this.units.length < n) {
      this.units = new Uint16Array(Math.max(n, this.units.length * 2));
      this.bytes = Buffer.from(this.units.buffer);
    }
    const units = this.units;
    // short strings (link labels) are copied in place: cheaper than the native call's set-up
    if (n <= SHORT) for (let k = 0; k < n; k++) units[k] = s.charCodeAt(k);
    else this.bytes.write(s, 0, n * 2, 'utf16le');
    return units;
  }
}
