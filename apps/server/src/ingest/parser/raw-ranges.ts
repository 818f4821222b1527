/**
 * Attachments whose bytes stand in the raw source (parts not transfer-encoded: a forwarded
 * message/rfc822, 7bit or 8bit text) are stored as a range of the raw source instead of a second
 * copy: the raw source is stored anyway. A forwarded message of 1.4 MB was sealed, sent between
 * processes and committed twice (issue 19: the commit of such mail held up ordinary mail's); now
 * once. Base64 and quoted-printable parts are not found and keep their own copy.
 *
 * postal-mime hands such a part over with its line breaks as LF where the source (SMTP) has
 * CRLF: a range may say so (`lf`), and the part is then the range with each CRLF turned into LF,
 * checked here to give back exactly the part's bytes.
 *
 * Bounded for hostile mail: attachments are looked for in order from where the previous one
 * was found, and the search stops once it has read SCAN_BUDGET times the raw source.
 */

import type { RawRange } from '../../domain/types.js';

/** Smaller attachments keep their own copy: a copy this small costs less than the search. */
export const MIN_RANGE_BYTES = 4096;
/** The search reads at most this many times the raw source's length in all. */
const SCAN_BUDGET = 6;
/** How much of a part's start (and end) is compared before the whole is. */
const PROBE_BYTES = 256;

/** The bytes a range stands for (the inverse of crlf(), exact for every input). */
export function rangeBytes(raw: Buffer, range: RawRange): Buffer {
  const slice = raw.subarray(range.start, range.end);
  return range.lf ? Buffer.from(slice.toString('latin1').replaceAll('\r\n', '\n'), 'latin1') : slice;
}

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
