/** `AnonymousTempMail`: the keyless web-mailbox API (`/api`), where a token opens one mailbox. */
import { MailboxCalls, type InboxOptions } from './content.js';
import { HttpTransport, type HttpOptions } from './http.js';
import type { AnonymousMailbox, AttachmentContent, Deleted, DeletedMessage, Message, MessageSummary, RateLimit } from './types.js';
import { type WaitOptions, type WebSocketClass } from './wait.js';
import { valueOf } from './waiting.js';

/** The address and the token that reads it (what `generate` answers). */
export interface MailboxCredentials {
  email: string;
  token: string;
}

/** Options of `new AnonymousTempMail(...)`. */
export interface AnonymousOptions extends HttpOptions {
  /** As `TempMailOptions.WebSocket`. */
  WebSocket?: WebSocketClass | null;
}

/**
 * Client of the anonymous API: no key, each mailbox is read with the token `generate` gave.
 *
 * ```ts
 * const anon = new AnonymousTempMail();
 * const box = await anon.generate();          // { email, token, expires_at }
 * const message = await anon.waitForMessage(box);
 * ```
 */
export class AnonymousTempMail {
  private readonly http: HttpTransport;
  private readonly calls: MailboxCalls;
  private readonly WebSocketClass: WebSocketClass | null;

  constructor(options: AnonymousOptions = {}) {
    this.http = new HttpTransport(options, null);
    this.calls = new MailboxCalls(this.http, '/api');
    this.WebSocketClass = options.WebSocket === undefined
      ? ((globalThis as { WebSocket?: WebSocketClass }).WebSocket ?? null)
      : options.WebSocket;
  }

  /** `X-RateLimit-*` of the latest answer when the service sends them; else null. */
  get rateLimit(): RateLimit | null {
    return this.http.rateLimit;
  }

  /** Makes a new mailbox; keep the `token`, it is the only way to read it. */
  generate(opts: { ttl?: number; domain?: string } = {}): Promise<AnonymousMailbox> {
    return this.http.json({ method: 'GET', path: '/api/generate_email.php', query: { ttl: opts.ttl, domain: opts.domain } });
  }

  /** Message summaries, newest first. */
  inbox(box: MailboxCredentials, opts: InboxOptions = {}): Promise<MessageSummary[]> {
    return this.calls.inbox(auth(box), opts);
  }

  /** One message. */
  read(box: MailboxCredentials, id: string): Promise<Message> {
    return this.calls.read(auth(box), id);
  }

  /** The original message (RFC 822 bytes). */
  raw(box: MailboxCredentials, id: string): Promise<Uint8Array> {
    return this.calls.raw(auth(box), id);
  }

  /** Attachment `index` (0-based). */
  attachment(box: MailboxCredentials, id: string, index: number): Promise<AttachmentContent> {
    return this.calls.attachment(auth(box), id, index);
  }

  /** Deletes one message. */
  deleteMessage(box: MailboxCredentials, id: string): Promise<DeletedMessage> {
    return this.calls.deleteMessage(auth(box), id);
  }

  /** Deletes the mailbox and its messages now. */
  delete(box: MailboxCredentials): Promise<Deleted & { email: string }> {
    return this.calls.delete(auth(box));
  }

  /** As `TempMail.waitForMessage` (`/api/wait.php`; `/ws` or polling on a server without it). */
  waitForMessage(box: MailboxCredentials, opts: WaitOptions = {}): Promise<Message> {
    return this.calls.wait(auth(box), {
      list: () => this.inbox(box),
      read: (id) => this.read(box, id),
      wsUrl: this.calls.wsUrl(auth(box)),
      WebSocket: this.WebSocketClass,
    }, opts);
  }

  /** As `TempMail.waitForOtp`. */
  waitForOtp(box: MailboxCredentials, opts: Omit<WaitOptions, 'match'> = {}): Promise<string> {
    return valueOf(this.waitForMessage(box, { ...opts, match: 'otp' }), 'otp');
  }

  /** As `TempMail.waitForLink`. */
  waitForLink(box: MailboxCredentials, opts: Omit<WaitOptions, 'match'> = {}): Promise<string> {
    return valueOf(this.waitForMessage(box, { ...opts, match: 'link' }), 'confirmation_link');
  }
}

const auth = (box: MailboxCredentials) => ({ email: box.email, token: box.token });
