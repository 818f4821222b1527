/**
 * An attachment stored as its place in the message's raw source instead of a copy of its own
 * (found at ingest by ingest/parser/raw-ranges.ts, read back by the read path).
 */

/** Bytes [start, end) of the raw source, read with CRLF as LF when `lf`, or decoded from base64 when `enc` says so. */
export interface RawRange {
  start: number;
  end: number;
  lf?: true;
  enc?: 'base64';
}

/** The bytes a range stands for (`lf`: CRLF read as LF, exact for every input; `enc`: Node's base64 decoder, which skips line breaks). */
export function rangeBytes(raw: Buffer, range: RawRange): Buffer {
  const slice = raw.subarray(range.start, range.end);
  if (range.enc === 'base64') return Buffer.from(slice.toString('latin1'), 'base64');
  return range.lf ? Buffer.from(slice.toString('latin1').replaceAll('\r\n', '\n'), 'latin1') : slice;
}
