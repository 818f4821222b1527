/**
 * The stored form of a message that is not parsed (past a limit, too slow, too big for memory,
 * or arriving during shutdown): its raw source is kept unchanged, with a subject and sender read
 * cheaply from its first header lines and a plain-text body that explains why.
 */
import { addressParser, decodeWords } from 'postal-mime';
import type { ParsedMail } from './types.js';

/** How much of a raw-only message is scanned for its Subject and From. */
const HEADER_PEEK_BYTES = 64 * 1024;
/** How much of a From field is read for its address. */
const MAX_FROM_CHARS = 16 * 1024;

/** A From display name, trimmed and bounded; null when there is none. */
export function displayName(name: string | undefined): string | null {
  const trimmed = (name ?? '').replace(/\s+/g, ' ').trim().slice(0, 256);
  return trimmed || null;
}

/** Subject and From of a message that is kept raw, from its first header lines only. */
export function headerPeek(raw: Buffer): { subject: string; from: string | null; fromName: string | null } {
  const out = { subject: '', from: null as string | null, fromName: null as string | null };
  try {
    const head = raw.subarray(0, HEADER_PEEK_BYTES).toString('utf8');
    const blank = head.search(/\r?\n\r?\n/);
    const block = (blank === -1 ? head : head.slice(0, blank)).replace(/\r?\n[ \t]+/g, ' ');
    for (const line of block.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 1) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      // a From with a display name of thousands of characters still has its address at the end
      const value = line.slice(colon + 1, colon + 1 + (name === 'from' ? MAX_FROM_CHARS : 2000)).trim();
      if (name === 'subject' && !out.subject) out.subject = decodeWords(value).slice(0, 998);
      else if (name === 'from' && !out.from) {
        const first = addressParser(value)[0] as { address?: string; name?: string } | undefined;
        out.from = first?.address ? first.address.toLowerCase() : null;
        out.fromName = displayName(first?.name);
      }
    }
  } catch {
    /* best effort: an unreadable header leaves subject and sender empty */
  }
  return out;
}

/** The stored form of a message that is not parsed: raw source, a peeked subject and an explanation. */
export function rawOnly(raw: Buffer, reason: string): ParsedMail {
  const { subject, from, fromName } = headerPeek(raw);
  return {
    from,
    fromName,
    subject,
    text: `TempMail did not display this message: ${reason}. `
      + 'Its original source is kept unchanged and can be downloaded with raw.php.',
    html: null,
    attachments: [],
    headers: [],
    unparsed: reason,
    extraction: { otp: null, confirmationLink: null },
  };
}
