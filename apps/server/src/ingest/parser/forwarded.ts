/**
 * Messages forwarded as attachments (message/rfc822 with Content-Disposition: attachment), parsed
 * for the extractor: postal-mime inlines only inline rfc822 parts, and "Fwd: your sign-in code"
 * often carries the code in the attached original. Only the first few, each size-capped, are read;
 * they are not parsed further than one level.
 */
import PostalMime from 'postal-mime';
import type { ExtractInput } from '../../extract/index.js';

const MAX_FORWARDED = 2;
const MAX_FORWARDED_BYTES = 256 * 1024;

/** The part of postal-mime's attachment this needs. */
interface AttachedPart {
  mimeType: string;
  content: ArrayBuffer | Uint8Array | string;
}

/** Subject, text and HTML of each forwarded original among `attachments`; [] when there is none. */
export async function forwardedOriginals(
  attachments: readonly AttachedPart[],
  limits: { maxMimeDepth: number; maxHeaderBytes: number },
): Promise<ExtractInput[]> {
  const out: ExtractInput[] = [];
  for (const a of attachments) {
    if (out.length >= MAX_FORWARDED) break;
    if (a.mimeType.toLowerCase() !== 'message/rfc822') continue;
    const bytes = typeof a.content === 'string' ? Buffer.from(a.content) : new Uint8Array(a.content as ArrayBuffer);
    if (bytes.byteLength > MAX_FORWARDED_BYTES) continue;
    try {
      // one level only: an original's own attachments are not read
      const email = await PostalMime.parse(bytes, {
        maxNestingDepth: limits.maxMimeDepth,
        maxHeadersSize: limits.maxHeaderBytes,
        maxRfc822NestingDepth: 0,
        attachmentEncoding: 'arraybuffer',
      });
      out.push({ subject: email.subject ?? '', text: email.text ?? null, html: email.html ?? null });
    } catch {
      // an unreadable original is simply not read; the message itself is stored as it came
    }
  }
  return out;
}
