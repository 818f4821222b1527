/** `TempMail`: the keyed API v1 client. */
import { MailboxCalls, type InboxOptions } from './content.js';
import { Domains } from './domains.js';
import { HttpTransport, type HttpOptions } from './http.js';
import type { AttachmentContent, Deleted, DeletedMessage, Mailbox, Message, MessageSummary, OwnedMailbox, RateLimit } from './types.js';
import { type WaitOptions, type WebSocketClass } from './wait.js';
import { valueOf } from './waiting.js';
import { Webhooks } from './webhooks.js';

/** Options of `new TempMail(...)`. */
export interface TempMailOptions extends HttpOptions {
  /** The API key (sent as `Authorization: Bearer KEY`). */
  key: string;
  /**
   * The WebSocket class `waitForMessage` listens with; default the global `WebSocket` when the
   * runtime has one (browsers, Node 22+, Deno, Bun). Pass `null` to always poll, or e.g.
   * `WebSocket` from the `ws` package on Node 20.
   */
  WebSocket?: WebSocketClass | null;
}

/** Options of `generate`. */
export interface GenerateOptions {
  /** One of the service's domains or a verified custom domain of the key. */
  domain?: string;
  /** Lifetime in seconds (within the service's bounds). */
  ttl?: number;
}

/**
 * Client of the keyed API v1.
 *
 * ```ts
 * const tm = new TempMail({ key: process.env.TEMPMAIL_KEY!, baseUrl: 'https://tempmail.example' });
 * const { email } = await tm.generate();
 * const message = await tm.waitForMessage(email, { timeout: 60_000 });
 * console.log(message.otp);
 * ```
 */
export class TempMail {
  /** Webhook calls (premium). */
  readonly webhooks: Webhooks;
  /** Custom-domain calls (premium). */
  readonly domains: Domains;
  private readonly http: HttpTransport;
  private readonly calls: MailboxCalls;
  private readonly WebSocketClass: WebSocketClass | null;
  /** The key, kept out of `console.log(client)` and JSON. */
  readonly #key: string;

  constructor(options: TempMailOptions) {
    if (!options?.key) throw new TypeError('TempMail: options.key (the API key) is required');
    this.http = new HttpTransport(options, options.key);
    this.calls = new MailboxCalls(this.http, '/v1');
    this.webhooks = new Webhooks(this.http);
    this.domains = new Domains(this.http);
    this.WebSocketClass = options.WebSocket === undefined
      ? ((globalThis as { WebSocket?: WebSocketClass }).WebSocket ?? null)
      : options.WebSocket;
    this.#key = options.key;
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** `X-RateLimit-*` of the latest answer (limit, remaining, reset seconds); null before the first call. */
  get rateLimit(): RateLimit | null {
    return this.http.rateLimit;
  }

  /** Makes a new mailbox owned by this key. */
  generate(opts: GenerateOptions = {}): Promise<Mailbox> {
    return this.http.json({ method: 'GET', path: '/v1/generate_email.php', query: { domain: opts.domain, ttl: opts.ttl } });
  }

  /** The key's live mailboxes, newest first (`limit`; `before` = the last address of the previous page). */
  mailboxes(opts: { limit?: number; before?: string } = {}): Promise<OwnedMailbox[]> {
    return this.http.json({ method: 'GET', path: '/v1/mailboxes.php', query: { limit: opts.limit, before: opts.before } });
  }

  /** Message summaries, newest first (`limit`, `before` page through them; `from`, `subject`, `since`, `match` filter). */
  inbox(email: string, opts: InboxOptions = {}): Promise<MessageSummary[]> {
    return this.calls.inbox({ email }, opts);
  }

  /** Every summary of the mailbox, fetched page by page (newest first). */
  messages(email: string, pageSize = 100): AsyncGenerator<MessageSummary> {
    return this.calls.all({ email }, pageSize);
  }

  /** One message with its text, HTML, `otp`, `confirmation_link` and attachment list. */
  read(email: string, id: string): Promise<Message> {
    return this.calls.read({ email }, id);
  }

  /** The original message (RFC 822 bytes). */
  raw(email: string, id: string): Promise<Uint8Array> {
    return this.calls.raw({ email }, id);
  }

  /** Attachment `index` (0-based, the order of `message.attachments`). */
  attachment(email: string, id: string, index: number): Promise<AttachmentContent> {
    return this.calls.attachment({ email }, id, index);
  }

  /** Deletes one message. */
  deleteMessage(email: string, id: string): Promise<DeletedMessage> {
    return this.calls.deleteMessage({ email }, id);
  }

  /** Deletes the mailbox and its messages now. */
  delete(email: string): Promise<Deleted & { email: string }> {
    return this.calls.delete({ email });
  }

  /**
   * Resolves with the first message (already there or arriving) that matches the filters
   * (`match`, `from`, `subject`, `since`) and `predicate`; throws `WaitTimeoutError` after
   * `timeout` ms (default 30 s). The server holds the request (`/v1/wait.php`); on a server
   * without it, `/v1/ws` or polling every `interval` ms.
   */
  waitForMessage(email: string, opts: WaitOptions = {}): Promise<Message> {
    return this.calls.wait({ email }, {
      list: () => this.inbox(email),
      read: (id) => this.read(email, id),
      wsUrl: this.calls.wsUrl({ key: this.#key, email }),
      WebSocket: this.WebSocketClass,
    }, opts);
  }

  /** The code of the first message that has one (`waitForMessage` with `match: 'otp'`). */
  waitForOtp(email: string, opts: Omit<WaitOptions, 'match'> = {}): Promise<string> {
    return valueOf(this.waitForMessage(email, { ...opts, match: 'otp' }), 'otp');
  }

  /** The confirmation link of the first message that has one (`match: 'link'`). */
  waitForLink(email: string, opts: Omit<WaitOptions, 'match'> = {}): Promise<string> {
    return valueOf(this.waitForMessage(email, { ...opts, match: 'link' }), 'confirmation_link');
  }
}
