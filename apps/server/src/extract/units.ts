/**
 * Strings copied into reused Uint16Array memory by a native UTF-16 write.
 * The scanners read typed-array elements noticeably faster than
 * `charCodeAt` on the same text, and the copy itself is a memcpy.
 */
import { Buffer } from 'node:buffer';

export class UnitBuffer {
  private units = new Uint16Array(4096);
  private bytes = Buffer.from(this.units.buffer);
  /** How many code units the last {@link load} copied. */
  count = 0;

  /**
   * The first `max` UTF-16 code units of `s` (all of it if shorter; {@link count} says how many),
   * valid until the next call. The string's length is never read here: texts of many string
   * representations pass through, and a `.length` read on them is a megamorphic lookup that
   * often misses V8's cache (thousands of instructions); the native copy reports how much it
   * wrote instead.
   */
  load(s: string, max: number): Uint16Array {
    // always the native copy: a copy loop here sees strings of every representation (subjects, link
    // labels, slices, concatenations), and its charCodeAt turned into a megamorphic lookup per
    // character that cost more than the native call's set-up (callgrind, steady state)
    let written = this.bytes.write(s, 0, Math.min(max, this.units.length) * 2, 'utf16le') / 2;
    // the buffer is full and more was asked for: grow it and copy again
    while (written === this.units.length && written < max) {
      this.units = new Uint16Array(Math.min(max, this.units.length * 2));
      this.bytes = Buffer.from(this.units.buffer);
      written = this.bytes.write(s, 0, this.units.length * 2, 'utf16le') / 2;
    }
    this.count = written;
    return this.units;
  }
}
