/**
 * The parse itself: postal-mime (chosen over mailparser: built for untrusted input, bounded
 * nesting and header sizes, no stream machinery; see docs/design.md for the measurement), then
 * extraction, then the stored form. Never throws: a message past the part count, nesting depth,
 * header size or attachment count (docs/limits.md) is kept raw (raw-only.ts).
 */
import PostalMime from 'postal-mime';
import type { MessageBodyPlain } from '../../domain/types.js';
import { extract } from '../../extract/index.js';
import { forwardedOriginals } from './forwarded.js';
import { htmlToText } from '../html-to-text.js';
import { TOO_MANY_FOLDS } from './postal-mime-patches/header-folding.js';
import { displayName, rawOnly } from './raw-only.js';
import { rawRanges } from './raw-ranges.js';
import type { ParseLimits, ParsedAttachment, ParsedMail, PreparedMail } from './types.js';
import { installCharsetFallbacks } from './charsets.js';

// postal-mime decodes through the global TextDecoder: give it the charsets Node's lacks (charsets.ts)
installCharsetFallbacks();

/**
 * The stored form of a parsed message (envelopeFrom is the SMTP MAIL FROM, kept with the body).
 * An attachment found in the raw source (raw-ranges.ts) is stored as its range there, with no bytes of its own.
 */
export function prepare(parsed: ParsedMail, envelopeFrom: string): PreparedMail {
  const body: MessageBodyPlain = {
    text: parsed.text,
    html: parsed.html,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename, contentType: a.contentType, size: a.content.byteLength, contentId: a.contentId, inline: a.inline,
      ...(a.rawRange ? { rawRange: a.rawRange } : {}),
    })),
    headers: parsed.headers,
    envelopeFrom,
  };
  return {
    from: parsed.from,
    fromName: parsed.fromName,
    subject: parsed.subject,
    unparsed: parsed.unparsed,
    extraction: parsed.extraction,
    body: Buffer.from(JSON.stringify(body), 'utf8'),
    attachments: parsed.attachments.map((a) => (a.rawRange ? new Uint8Array(0) : a.content)),
  };
}

const MAX_HEADERS_KEPT = 200;
const MAX_HEADER_VALUE = 4096;

/**
 * Counts lines that open a MIME part ("--boundary", not the closing "--boundary--") with
 * indexOf only, stopping past `cap`: a message with 100,000 parts is refused in microseconds
 * instead of being parsed (postal-mime's cost grows faster than linearly with the part count).
 */
export function countParts(raw: Buffer, cap: number): number {
  let n = 0;
  let i = raw.indexOf('\n--');
  while (i !== -1 && n <= cap) {
    let end = raw.indexOf(0x0a, i + 3);
    if (end === -1) end = raw.length;
    let last = end - 1;
    while (last > i && (raw[last] === 0x0d || raw[last] === 0x20 || raw[last] === 0x09)) last--;
    const closing = last - 1 > i + 2 && raw[last] === 0x2d && raw[last - 1] === 0x2d;
    if (!closing) n++;
    i = raw.indexOf('\n--', end);
  }
  return n;
}

/** Turns postal-mime's limit errors into a reason a reader understands. */
function reasonOf(e: unknown, limits: ParseLimits): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/nesting depth/i.test(message)) return `its MIME structure is nested deeper than ${limits.maxMimeDepth} levels`;
  if (/header size/i.test(message)) return `a header block is larger than ${limits.maxHeaderBytes} bytes`;
  if (message.startsWith(TOO_MANY_FOLDS)) return `a header field is folded over more than ${limits.maxHeaderFolds} lines`;
  return `it could not be parsed (${message.replace(/[\r\n]+/g, ' ').slice(0, 200)})`;
}

/** Parses on the calling thread; never throws: beyond the limits the message is kept raw with a reason. */
export async function parseMail(raw: Buffer, limits: ParseLimits): Promise<ParsedMail> {
  if (countParts(raw, limits.maxMimeParts) > limits.maxMimeParts) {
    return rawOnly(raw, `it has more than ${limits.maxMimeParts} MIME parts`);
  }
  let email;
  try {
    email = await PostalMime.parse(raw, {
      maxNestingDepth: limits.maxMimeDepth,
      maxHeadersSize: limits.maxHeaderBytes,
      maxRfc822NestingDepth: limits.maxRfc822Depth,
      attachmentEncoding: 'arraybuffer',
    });
  } catch (e) {
    return rawOnly(raw, reasonOf(e, limits));
  }
  if (limits.maxAttachments > 0 && email.attachments.length > limits.maxAttachments) {
    return rawOnly(raw, `it has more than ${limits.maxAttachments} attachments`);
  }
  const from = email.from && 'address' in email.from && email.from.address ? email.from.address : null;
  const fromName = displayName(email.from?.name);
  const attachments: ParsedAttachment[] = email.attachments.map((a) => ({
    filename: a.filename ?? '',
    contentType: a.mimeType || 'application/octet-stream',
    contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
    inline: a.disposition === 'inline' || Boolean(a.related),
    content: typeof a.content === 'string' ? Buffer.from(a.content) : new Uint8Array(a.content as ArrayBuffer),
  }));
  rawRanges(raw, attachments.map((a) => a.content)).forEach((range, i) => (attachments[i]!.rawRange = range));
  const subject = email.subject ?? '';
  const html = email.html ?? null;
  const text = email.text || (html ? htmlToText(html) : '');
  const forwarded = await forwardedOriginals(email.attachments, limits);
  return {
    from: from ? from.toLowerCase() : null,
    fromName,
    subject,
    text,
    html,
    attachments,
    headers: email.headers.slice(0, MAX_HEADERS_KEPT).map((h) => [h.key, h.value.slice(0, MAX_HEADER_VALUE)]),
    unparsed: null,
    extraction: extract({ subject, text, html, forwarded }),
  };
}
