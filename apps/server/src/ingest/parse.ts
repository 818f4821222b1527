/**
 * MIME parsing with postal-mime (chosen over mailparser: built for untrusted input, bounded
 * nesting and header sizes, no stream machinery; see docs/design.md for the measurement).
 */
import PostalMime from 'postal-mime';

export interface ParseLimits {
  maxMimeDepth: number;
  maxHeaderBytes: number;
  maxMimeParts: number;
  maxAttachments: number;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  contentId: string | null;
  inline: boolean;
  content: Uint8Array;
}

export interface ParsedMail {
  /** Bare address of the From header, or null. */
  from: string | null;
  subject: string;
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  headers: Array<[string, string]>;
  /** Set when the message could not be parsed within the limits: it is kept raw only. */
  unparsed: string | null;
}

const MAX_HEADERS_KEPT = 200;
const MAX_HEADER_VALUE = 4096;

/** Counts MIME boundaries cheaply so a message with 100,000 parts is kept raw instead of parsed. */
function countParts(raw: Buffer, cap: number): number {
  let n = 0;
  let i = raw.indexOf('\n--');
  while (i !== -1 && n <= cap) {
    n++;
    i = raw.indexOf('\n--', i + 3);
  }
  return n;
}

/** Parses a raw message; never throws: beyond the limits the message is kept raw with a reason. */
export async function parseMail(raw: Buffer, limits: ParseLimits): Promise<ParsedMail> {
  const rawOnly = (reason: string): ParsedMail => ({
    from: null, subject: '', text: '', html: null, attachments: [], headers: [], unparsed: reason,
  });
  // Boundary lines are at most two per part; this bounds the parser's work before it starts.
  if (countParts(raw, limits.maxMimeParts * 2) > limits.maxMimeParts * 2) return rawOnly('too many MIME parts');
  let email;
  try {
    email = await PostalMime.parse(raw, {
      maxNestingDepth: limits.maxMimeDepth,
      maxHeadersSize: limits.maxHeaderBytes,
      attachmentEncoding: 'arraybuffer',
    });
  } catch (e) {
    return rawOnly(`unparseable: ${(e as Error).message.slice(0, 200)}`);
  }
  const from = email.from && 'address' in email.from && email.from.address ? email.from.address : null;
  const attachments = email.attachments.slice(0, limits.maxAttachments).map((a) => ({
    filename: a.filename ?? '',
    contentType: a.mimeType || 'application/octet-stream',
    contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
    inline: a.disposition === 'inline' || Boolean(a.related),
    content: typeof a.content === 'string' ? Buffer.from(a.content) : new Uint8Array(a.content as ArrayBuffer),
  }));
  return {
    from: from ? from.toLowerCase() : null,
    subject: email.subject ?? '',
    text: email.text ?? '',
    html: email.html ?? null,
    attachments,
    headers: email.headers.slice(0, MAX_HEADERS_KEPT).map((h) => [h.key, h.value.slice(0, MAX_HEADER_VALUE)]),
    unparsed: null,
  };
}
