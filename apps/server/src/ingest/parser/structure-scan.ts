/**
 * A look at a raw message's structure before it is parsed, so that mail whose shape makes it
 * costly goes to the costly lane at once instead of first spending a budget of CPU at normal
 * priority (lanes.ts). What makes a MIME parse costly is how many parts and headers it has to
 * build, not the byte count: 13,000 nested message/rfc822 levels in 1.4 MB cost a parser
 * seconds, while 20 MB of HTML costs two. Every MIME part (and every nested message) starts a
 * header block with at most one Content-Type field, so the lines that begin with
 * `Content-Type:` follow the part count closely, and counting them needs no parse.
 * (parse-mail.ts `countParts` counts boundary lines, in the parser process, to keep a message
 * with too many multipart parts raw; nested message/rfc822 levels have no boundaries, so it
 * does not see them, and it runs after the lane is chosen.)
 *
 * One pass over the bytes (about 1.2 ms per MB, whatever the line lengths; a 28 KB message costs
 * 0.03 ms), stopping at the first `stopAt` fields. Header names are matched in any letter case,
 * as parsers read them.
 */

const NAME = Buffer.from('content-type:');
const LF = 0x0a;
/** ORed into an ASCII letter gives its lower case; leaves '-' and ':' as they are. */
const TO_LOWER = 0x20;

/** Lines of `raw` that begin with a Content-Type header field (any case), counted up to `stopAt`. */
export function contentTypeFields(raw: Uint8Array, stopAt: number): number {
  let count = 0;
  const first = NAME[0]!;
  // The first line has no line break before it.
  if (startsWithName(raw, 0) && ++count >= stopAt) return count;
  const end = raw.length - NAME.length;
  for (let at = 0; at < end; at++) {
    if (raw[at] !== LF || (raw[at + 1]! | TO_LOWER) !== first) continue;
    if (startsWithName(raw, at + 1) && ++count >= stopAt) break;
  }
  return count;
}

function startsWithName(raw: Uint8Array, from: number): boolean {
  if (from + NAME.length > raw.length) return false;
  for (let i = 0; i < NAME.length; i++) if ((raw[from + i]! | TO_LOWER) !== NAME[i]) return false;
  return true;
}

/**
 * Why `raw` should be parsed in the costly lane from the start, or null: more Content-Type
 * fields than `maxParts` (a parse would build at least that many parts; past TEMPMAIL_MAX_MIME_PARTS
 * the message is kept raw anyway, so only where it is parsed changes, not what is stored).
 */
export function costlyByStructure(raw: Uint8Array, maxParts: number): string | null {
  const fields = contentTypeFields(raw, maxParts + 1);
  return fields > maxParts ? `more than ${maxParts} Content-Type fields` : null;
}
