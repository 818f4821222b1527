/**
 * Bare LF in message data (docs/limits.md, "Bare LF"). smtp-server ends DATA only on
 * <CR><LF>.<CR><LF>, so `\n.\r\n` and friends never end a message (no SMTP smuggling); what is
 * left is what to do with bare LF line endings inside the content. Like Postfix 3.9's default
 * (smtpd_forbid_bare_newline = normalize) we turn them into CRLF, or, with
 * TEMPMAIL_SMTP_BARE_LF=reject, refuse the message with 550 5.6.11.
 */

/** Index of the first LF that is not preceded by CR, or -1. */
export function findBareLf(buf: Buffer, from = 0): number {
  let i = buf.indexOf(0x0a, from);
  while (i !== -1) {
    if (i === 0 || buf[i - 1] !== 0x0d) return i;
    i = buf.indexOf(0x0a, i + 1);
  }
  return -1;
}

/**
 * Whether `chunk` holds a bare LF, given the byte just before it (-1 at the start of the data):
 * lets the message be checked chunk by chunk as it arrives instead of in one pass over all of
 * it at the end (20 MB of short lines is a quarter of a million searches on the event loop).
 */
export function hasBareLf(chunk: Buffer, before: number): boolean {
  if (chunk.length === 0) return false;
  if (chunk[0] === 0x0a && before !== 0x0d) return true;
  return findBareLf(chunk, 1) !== -1;
}

/** A copy of `buf` with every bare LF made CRLF (or `buf` itself when it has none). */
export function normalizeBareLf(buf: Buffer): Buffer {
  const first = findBareLf(buf);
  if (first === -1) return buf;
  const positions: number[] = [];
  for (let i = first; i !== -1; i = findBareLf(buf, i + 1)) positions.push(i);
  const out = Buffer.allocUnsafe(buf.length + positions.length);
  let src = 0;
  let dst = 0;
  for (const p of positions) {
    dst += buf.copy(out, dst, src, p);
    out[dst++] = 0x0d;
    out[dst++] = 0x0a;
    src = p + 1;
  }
  buf.copy(out, dst, src);
  return out;
}
