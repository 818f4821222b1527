/**
 * Attachments that stand in the raw source are stored as a range of the raw source instead of a
 * second copy: the raw source is stored anyway. A forwarded message of 1.4 MB was sealed, sent
 * between processes and committed twice (issue 19: the commit of such mail held up ordinary
 * mail's); a 20 MB message of base64 attachments committed 35 MB. Now each is stored once.
 *
 * Three forms are found: the part's bytes as they are (a forwarded message/rfc822, 7bit or 8bit
 * text); the same with CRLF read as LF (`lf`: postal-mime hands such parts over with LF line
 * breaks where SMTP has CRLF); and base64 (`enc`), the part's encoded lines up to its boundary.
 * Every range is checked here to read back (rangeBytes) as exactly the part's bytes before it
 * is used; a part found in no form (quoted-printable, say) keeps its own copy.
 *
 * Bounded for hostile mail: attachments are looked for in order from where the previous one
 * was found, and the search stops once it has read SCAN_BUDGET times the raw source.
 */

import { type RawRange, rangeBytes } from '../../domain/raw-range.js';

/**
 * Smaller attachments keep their own copy: for them the search and the check cost more than the
 * copy (measured: at 4 KB, a 28 KB message with a 12 KB base64 PDF cost its parser process about
 * 10 % more CPU and saved nothing measurable elsewhere). Big parts are where a copy hurts.
 */
export const MIN_RANGE_BYTES = 64 * 1024;
/** The search reads at most this many times the raw source's length in all. */
const SCAN_BUDGET = 6;
/** How much of a part's start (and end) is compared before the whole is. */
const PROBE_BYTES = 256;

/** Bytes of a part's start whose base64 (48 characters) is searched for: it fits in one line of any usual length. */
const BASE64_PROBE_BYTES = 36;

/** The inverse of rangeBytes for an `lf` range. */
const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');

/** Where each attachment stands in `raw`, or null where it was not looked for or not found. */
export function rawRanges(raw: Uint8Array, contents: readonly Uint8Array[]): Array<RawRange | null> {
  const haystack = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let budget = SCAN_BUDGET * raw.byteLength;
  const spend = (bytes: number) => (budget -= bytes) > 0;
  let from = 0;
  return contents.map((bytes): RawRange | null => {
    if (bytes.byteLength < MIN_RANGE_BYTES || bytes.byteLength > raw.byteLength || budget <= 0) return null;
    const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const encoded = findBase64(haystack, content, from, spend);
    if (encoded) {
      from = encoded.end;
      return encoded;
    }
    const asIs = findFrom(haystack, content, from, spend);
    if (asIs !== -1) {
      from = asIs + content.length;
      return { start: asIs, end: from };
    }
    if (!content.includes(0x0a) || !spend(content.length)) return null;
    const withCrlf = crlf(content);
    const at = withCrlf.length <= raw.byteLength ? findFrom(haystack, withCrlf, from, spend) : -1;
    if (at === -1) return null;
    const range: RawRange = { start: at, end: at + withCrlf.length, lf: true };
    if (!spend(content.length) || !rangeBytes(haystack, range).equals(content)) return null;
    from = range.end;
    return range;
  });
}

/**
 * The first index >= `start` where `needle` stands in `haystack`, or -1. Searches for the
 * needle's start, then compares its end and then the whole at each hit; `spend` is told the
 * bytes each step reads and ends the search when it answers false.
 */
function findFrom(haystack: Buffer, needle: Buffer, start: number, spend: (bytes: number) => boolean): number {
  const probe = needle.subarray(0, PROBE_BYTES);
  const tail = needle.length - PROBE_BYTES;
  let at = start;
  for (;;) {
    const hit = haystack.indexOf(probe, at);
    if (!spend((hit === -1 ? haystack.length : hit + probe.length) - at)) return -1;
    if (hit === -1 || hit + needle.length > haystack.length) return -1;
    if (!spend(PROBE_BYTES)) return -1;
    const endsAlike = haystack.compare(needle, tail, needle.length, hit + tail, hit + needle.length) === 0;
    if (endsAlike) {
      if (!spend(needle.length)) return -1;
      if (haystack.compare(needle, 0, needle.length, hit, hit + needle.length) === 0) return hit;
    }
    at = hit + 1;
  }
}

/**
 * The base64 lines of `content` in `haystack` from `start`: where the encoding of its first bytes
 * stands, up to the line before the next boundary ("--" at a line's start) or the end; used only
 * when they decode to exactly `content`.
 */
function findBase64(haystack: Buffer, content: Buffer, start: number, spend: (bytes: number) => boolean): RawRange | null {
  const probe = content.subarray(0, BASE64_PROBE_BYTES).toString('base64');
  let at = start;
  for (;;) {
    const hit = haystack.indexOf(probe, at, 'latin1');
    if (!spend((hit === -1 ? haystack.length : hit + probe.length) - at) || hit === -1) return null;
    // The probe is the start of an encoded part only where a line starts.
    if (hit === 0 || haystack[hit - 1] === 0x0a) {
      const boundary = haystack.indexOf('\n--', hit, 'latin1');
      let end = boundary === -1 ? haystack.length : boundary;
      if (end > hit && haystack[end - 1] === 0x0d) end--;
      // Base64 is 4/3 the size of its bytes, plus line breaks: anything much longer is not this part alone.
      const length = end - hit;
      if (length >= Math.floor((content.length * 4) / 3) && length <= content.length * 2 + 64) {
        if (!spend(length)) return null;
        const range: RawRange = { start: hit, end, enc: 'base64' };
        if (rangeBytes(haystack, range).equals(content)) return range;
      }
    }
    at = hit + 1;
  }
}
