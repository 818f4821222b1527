/**
 * The read path: store -> open (decrypt) -> response shape. REST and WebSocket share it, so a
 * message looks the same wherever it is read.
 */
import type { KeyService } from '../crypto/key-service.js';
import type { MailboxCipher } from '../crypto/envelope.js';
import { badRequest, notFound } from '../domain/errors.js';
import { isoUtc } from '../domain/time.js';
import type { AttachmentMeta, Mailbox, MessageBodyPlain, MessageEvent, MessageSummaryPlain } from '../domain/types.js';
import type { MessageRow, Store } from '../ports/store.js';

export interface MessageSummary {
  id: string;
  sender: string;
  subject: string;
  date_received: string;
  /** Extensions beyond the contract's summary (the web page shows them in the list). */
  otp: string | null;
  confirmation_link: string | null;
}

export interface MessageView extends MessageSummary {
  email: string;
  body: string;
  html: string | null;
  attachments: Array<{ filename: string; content_type: string; size: number }>;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** Parses `limit=` (default 100, at most 1000). */
export function parseLimit(input: unknown): number {
  if (input === undefined || input === '') return DEFAULT_PAGE;
  if (typeof input !== 'string' || !/^\d{1,4}$/.test(input) || Number(input) < 1) throw badRequest('limit must be a number from 1 to 1000.');
  return Math.min(Number(input), MAX_PAGE);
}

/**
 * Decrypted summaries of messages read recently, so listing an inbox does not decrypt every
 * row each time (messages never change). Bounded, oldest out first; a mailbox's entries are
 * dropped when its data key is forgotten (delete, expiry), like the key itself.
 */
class SummaryCache {
  private readonly entries = new Map<string, { mailboxId: string; summary: MessageSummary }>();

  constructor(private readonly max: number) {}

  get(mailboxId: string, messageId: string): MessageSummary | undefined {
    const e = this.entries.get(messageId);
    return e && e.mailboxId === mailboxId ? e.summary : undefined;
  }

  set(mailboxId: string, summary: MessageSummary): void {
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(summary.id, { mailboxId, summary });
  }

  dropMailbox(mailboxId: string): void {
    for (const [id, e] of this.entries) if (e.mailboxId === mailboxId) this.entries.delete(id);
  }
}

export class MessageReader {
  private readonly summaries = new SummaryCache(20_000);

  constructor(private readonly store: Store, private readonly keys: KeyService) {
    keys.onForget((mailboxId) => this.summaries.dropMailbox(mailboxId));
  }

  private async cipher(mailbox: Mailbox): Promise<MailboxCipher> {
    const cipher = await this.keys.cipherFor(mailbox);
    if (!cipher) throw notFound();
    return cipher;
  }

  private summaryOf(cipher: MailboxCipher, row: MessageRow): MessageSummary {
    const cached = this.summaries.get(row.mailboxId, row.id);
    if (cached) return cached;
    const s = cipher.openJson<MessageSummaryPlain>(row.id, 'summary', row.summary);
    const summary = {
      id: row.id, sender: s.sender, subject: s.subject, date_received: isoUtc(row.receivedAt),
      otp: s.otp, confirmation_link: s.confirmationLink,
    };
    this.summaries.set(row.mailboxId, summary);
    return summary;
  }

  /** Newest first, paged with `before`. */
  async list(mailbox: Mailbox, limit: number, before?: string): Promise<MessageSummary[]> {
    if (before !== undefined && typeof before !== 'string') throw badRequest('before must be a message id.');
    const cipher = await this.cipher(mailbox);
    const rows = await this.store.messages.list(mailbox.id, limit, before || undefined);
    return rows.map((row) => this.summaryOf(cipher, row));
  }

  /** One message with its body, parsed code and link. */
  async get(mailbox: Mailbox, id: unknown): Promise<MessageView> {
    const { cipher, row, body } = await this.openBody(mailbox, id);
    return {
      ...this.summaryOf(cipher, row),
      email: mailbox.address,
      body: body.text,
      html: body.html,
      attachments: body.attachments.map((a) => ({ filename: a.filename, content_type: a.contentType, size: a.size })),
    };
  }

  /** The decrypted body (for the HTML view and attachments). */
  async openBody(mailbox: Mailbox, id: unknown): Promise<{ cipher: MailboxCipher; row: MessageRow; body: MessageBodyPlain }> {
    if (typeof id !== 'string' || id === '') throw badRequest('id is missing.');
    const cipher = await this.cipher(mailbox);
    const row = await this.store.messages.get(mailbox.id, id);
    if (!row) throw notFound();
    return { cipher, row, body: cipher.openJson<MessageBodyPlain>(row.id, 'body', row.body) };
  }

  /** The original message source. */
  async raw(mailbox: Mailbox, id: unknown): Promise<Buffer> {
    if (typeof id !== 'string' || id === '') throw badRequest('id is missing.');
    const cipher = await this.cipher(mailbox);
    const blob = await this.store.messages.getRaw(mailbox.id, id);
    if (!blob) throw notFound();
    return cipher.open(id, 'raw', blob);
  }

  /** One attachment's bytes and metadata. */
  async attachment(mailbox: Mailbox, id: unknown, indexInput: unknown): Promise<{ meta: AttachmentMeta; content: Buffer }> {
    if (typeof indexInput !== 'string' || !/^\d{1,4}$/.test(indexInput)) throw badRequest('index must be a number.');
    const index = Number(indexInput);
    const { cipher, body } = await this.openBody(mailbox, id);
    const meta = body.attachments[index];
    const blob = meta ? await this.store.messages.getAttachment(mailbox.id, id as string, index) : null;
    if (!meta || !blob) throw notFound('No such attachment.');
    return { meta, content: cipher.open(id as string, `attachment/${index}`, blob) };
  }

  /** Every attachment with a Content-ID (for cid: images in the HTML view). */
  async inlineParts(mailbox: Mailbox, id: string, body: MessageBodyPlain, cipher: MailboxCipher) {
    const parts: Array<{ contentId: string; contentType: string; content: Buffer }> = [];
    for (const [index, meta] of body.attachments.entries()) {
      if (!meta.contentId || !meta.contentType.startsWith('image/')) continue;
      const blob = await this.store.messages.getAttachment(mailbox.id, id, index);
      if (blob) parts.push({ contentId: meta.contentId, contentType: meta.contentType, content: cipher.open(id, `attachment/${index}`, blob) });
    }
    return parts;
  }

  /** The contract's event for a stored message, or null when it is gone. */
  async event(mailbox: Mailbox, messageId: string): Promise<MessageEvent | null> {
    const cipher = await this.keys.cipherFor(mailbox);
    if (!cipher) return null;
    const row = await this.store.messages.get(mailbox.id, messageId);
    if (!row) return null;
    const s = this.summaryOf(cipher, row);
    return {
      event: 'message.received', id: s.id, email: mailbox.address, sender: s.sender, subject: s.subject,
      otp: s.otp, confirmation_link: s.confirmation_link, received_at: s.date_received,
    };
  }
}
