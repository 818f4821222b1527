/**
 * The read path: store -> open (decrypt) -> response shape. REST and WebSocket share it, so a
 * message looks the same wherever it is read.
 */
import type { KeyService } from '../crypto/key-service.js';
import type { MailboxCipher } from '../crypto/envelope.js';
import { badRequest, notFound } from '../domain/errors.js';
import { capSender, capSubject } from '../domain/field-caps.js';
import { rangeBytes } from '../domain/raw-range.js';
import { isoUtc } from '../domain/time.js';
import type { AttachmentMeta, AuthenticationResults, Mailbox, MessageBodyPlain, MessageEvent, MessageEventName, MessageSummaryPlain } from '../domain/types.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { MessageDetailRow, MessageRef, Store } from '../ports/store.js';
import { type MessageLink, messageLinks } from './links.js';
import { type MessageFilter, matchesFilter, needsAuthentication, newerThan } from './message-filter.js';
import { nextTurn } from '../runtime/in-slices.js';
import { PlaintextCache } from './plaintext-cache.js';
import { normalizeCid } from './safe-html.js';

export interface MessageSummary {
  id: string;
  sender: string;
  /** The From header's display name, or null. */
  sender_name: string | null;
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
  /** Every link a person can click, in order (read/links.ts). */
  links: MessageLink[];
  /** `inline: true` (only then present) marks an image the HTML shows through `cid:`. */
  attachments: Array<{ filename: string; content_type: string; size: number; inline?: true }>;
  /** SPF, DKIM, DMARC and ARC results; null until the checks have run (message.updated tells). */
  authentication: AuthenticationResults | null;
}

/** The sealed-field name of a message's authentication results. */
export const AUTHENTICATION_FIELD = 'authentication';

/** The Content-IDs the HTML references as `cid:` (normalised as safe-html compares them). */
function cidsReferenced(html: string | null): Set<string> {
  const out = new Set<string>();
  if (!html) return out;
  for (const m of html.matchAll(/cid:([^\s"'()<>]+)/gi)) out.add(normalizeCid(m[1]));
  return out;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** Default bound of one listing's JSON answer (TEMPMAIL_LIST_MAX_BYTES). */
export const DEFAULT_LIST_MAX_BYTES = 1024 * 1024;
/** The shape of a message id (msg_ + base64url): anything else in `before=` is a 400. */
const MESSAGE_ID = /^msg_[A-Za-z0-9_-]{1,64}$/;
/** How long decrypted data may be served from memory after decryption (TEMPMAIL_PLAINTEXT_CACHE_SECONDS). */
export const DEFAULT_PLAINTEXT_CACHE_MS = 60_000;
/** Summaries read and decrypted per event-loop turn while listing. */
const LIST_CHUNK = 50;

/** One page of a listing, serialised; `next` is the `before=` of the following page when this one ended early. */
export interface ListingPage {
  json: string;
  next: string | null;
}

/** Which fields a listing shows: the web page's (with code and link) or the contract's four. */
export type ListingShape = 'web' | 'contract';
const contractFields = ({ id, sender, sender_name, subject, date_received }: MessageSummary) => ({ id, sender, sender_name, subject, date_received });

/** Parses `limit=` (default 100, at most 1000). */
export function parseLimit(input: unknown): number {
  if (input === undefined || input === '') return DEFAULT_PAGE;
  if (typeof input !== 'string' || !/^\d{1,4}$/.test(input) || Number(input) < 1) throw badRequest('limit must be a number from 1 to 1000.');
  return Math.min(Number(input), MAX_PAGE);
}

/** True when `refs` lists exactly `ids`, in order. */
function sameIds(ids: string[], refs: MessageRef[]): boolean {
  if (ids.length !== refs.length) return false;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== refs[i]!.id) return false;
  return true;
}

/** Rough bytes of a decrypted summary or view in memory (strings as UTF-16), for the caches' bounds. */
const approxBytes = (strings: Array<string | null>): number => strings.reduce((n, x) => n + 64 + 2 * (x?.length ?? 0), 0);

export class MessageReader {
  /**
   * Decrypted summaries (listing an inbox decrypts none it has seen) and whole message views
   * (read.php decrypts a body once). Each entry goes `plaintextCacheMs` after it was decrypted,
   * and earlier with its message, with its mailbox's data key and at the mailbox's expiry.
   */
  private readonly summaries: PlaintextCache<MessageSummary>;
  /** Message views with their JSON answer (read.php serialises none it has answered before). */
  private readonly views: PlaintextCache<{ view: MessageView; json: string }>;
  /**
   * Serialised inbox answers by (mailbox, limit, before), each with the ids it lists: served
   * again only while the store lists the very same ids (a message never changes once stored,
   * so the same ids make the same answer). Saves JSON.stringify on inbox polling.
   */
  private readonly listings: PlaintextCache<{ ids: string[]; page: ListingPage }>;
  /** Called after a message's plaintext was dropped on delete (main.ts: the memory scrubber). */
  onPlaintextDropped: (() => void) | null = null;

  constructor(
    private readonly store: Store, private readonly keys: KeyService, clock: Clock = systemClock,
    private readonly listMaxBytes = DEFAULT_LIST_MAX_BYTES,
    plaintextCacheMs = DEFAULT_PLAINTEXT_CACHE_MS,
    /**
     * Authentication results may still come for a message that has none (checks are on): its view
     * is then read anew each time, since another node may have stored them meanwhile.
     */
    private readonly authMayFollow = false,
  ) {
    const now = () => clock.now();
    const ttlMs = plaintextCacheMs;
    this.summaries = new PlaintextCache({ maxEntries: 20_000, maxBytes: 16 << 20, ttlMs }, now);
    this.views = new PlaintextCache({ maxEntries: 2_000, maxBytes: 32 << 20, ttlMs }, now);
    this.listings = new PlaintextCache({ maxEntries: 2_000, maxBytes: 16 << 20, ttlMs }, now);
    keys.onForget((mailboxId) => {
      this.summaries.dropMailbox(mailboxId);
      this.views.dropMailbox(mailboxId);
      this.listings.dropMailbox(mailboxId);
    });
  }

  /** True while decrypted data of the mailbox is held in memory (tests, diagnostics). */
  holdsPlaintextOf(mailboxId: string): boolean {
    return this.summaries.holds(mailboxId) || this.views.holds(mailboxId) || this.listings.holds(mailboxId);
  }

  private async cipher(mailbox: Mailbox): Promise<MailboxCipher> {
    const cipher = await this.keys.cipherFor(mailbox);
    if (!cipher) throw notFound();
    return cipher;
  }

  private openSummary(mailbox: Mailbox, cipher: MailboxCipher, ref: MessageRef, sealed: Buffer): MessageSummary {
    const s = cipher.openJson<MessageSummaryPlain>(ref.id, 'summary', sealed);
    // Capped again on the way out: messages stored before the caps existed may hold more.
    const summary: MessageSummary = {
      id: ref.id, sender: capSender(s.sender), sender_name: s.senderName ?? null, subject: capSubject(s.subject), date_received: isoUtc(ref.receivedAt),
      otp: s.otp, confirmation_link: s.confirmationLink,
    };
    this.summaries.set(mailbox, ref.id, summary, approxBytes([summary.id, summary.sender, summary.sender_name, summary.subject, summary.otp, summary.confirmation_link]));
    return summary;
  }

  private summaryOf(mailbox: Mailbox, cipher: MailboxCipher, row: MessageRef & { summary: Buffer }): MessageSummary {
    return this.summaries.get(mailbox.id, row.id) ?? this.openSummary(mailbox, cipher, row, row.summary);
  }

  /**
   * Newest first, paged with `before`, serialised as the JSON answer. The ids come from the store
   * every time (what is listed is exact); only summaries not yet decrypted are read. The answer
   * stops before TEMPMAIL_LIST_MAX_BYTES (`next` then says where to go on), and summaries are read,
   * decrypted and serialised a chunk per event-loop turn, so a big listing never holds the loop.
   */
  async listJson(mailbox: Mailbox, limit: number, before?: string, shape: ListingShape = 'web'): Promise<ListingPage> {
    const { cipher, refs } = await this.listed(mailbox, limit, before);
    const key = `${shape}\n${limit}\n${before ?? ''}`;
    const known = this.listings.get(mailbox.id, key);
    if (known && sameIds(known.ids, refs)) return known.page;
    const parts: string[] = [];
    let bytes = 2;
    let next: string | null = null;
    let lastId = '';
    let complete = true;
    for (let at = 0; at < refs.length && next === null; at += LIST_CHUNK) {
      if (at > 0) await nextTurn();
      const chunk = refs.slice(at, at + LIST_CHUNK);
      const listed = await this.summariesOf(mailbox, cipher, chunk);
      if (listed.length !== chunk.length) complete = false; // a message deleted meanwhile
      for (const summary of listed) {
        const part = JSON.stringify(shape === 'contract' ? contractFields(summary) : summary);
        const size = Buffer.byteLength(part) + 1;
        if (parts.length > 0 && bytes + size > this.listMaxBytes) {
          next = lastId; // at least one summary per page, so paging always moves on
          break;
        }
        parts.push(part);
        bytes += size;
        lastId = summary.id;
      }
    }
    const page: ListingPage = { json: `[${parts.join(',')}]`, next };
    // Only a complete listing is kept: one that missed a message deleted meanwhile is not the store's.
    if (complete) this.listings.set(mailbox, key, { ids: refs.map((r) => r.id), page }, 64 + 2 * page.json.length);
    return page;
  }

  /**
   * A filtered listing (inbox.php with from/subject/since/match): the filter looks at the
   * MAX_PAGE messages after `before`, newest first, and `limit` of those that pass are answered.
   */
  async listFiltered(mailbox: Mailbox, filter: MessageFilter, limit: number, before?: string): Promise<MessageSummary[]> {
    let listed = await this.list(mailbox, MAX_PAGE, before);
    if (filter.sinceId !== null) {
      listed = await newerThan(listed, filter.sinceId, async (id) => (await this.store.messages.ref(mailbox.id, id))?.receivedAt ?? null);
    }
    if (!needsAuthentication(filter)) return listed.filter((m) => matchesFilter(filter, m)).slice(0, limit);
    const out: MessageSummary[] = [];
    const withoutAuth = { ...filter, requireAuth: false, fromDomain: null };
    for (const m of listed) {
      if (out.length >= limit) break;
      if (!matchesFilter(withoutAuth, m)) continue;
      if (matchesFilter(filter, { ...m, authentication: await this.authenticationOf(mailbox, m.id) })) out.push(m);
    }
    return out;
  }

  /** A message's authentication results (null while unknown or when it is gone). */
  async authenticationOf(mailbox: Mailbox, id: string): Promise<AuthenticationResults | null> {
    return (await this.event(mailbox, id, 'message.updated'))?.authentication ?? null;
  }

  /** Deletes one message; false when it was not (or no longer) the mailbox's. */
  async delete(mailbox: Mailbox, id: unknown): Promise<boolean> {
    if (typeof id !== 'string' || id === '') throw badRequest('id is missing.');
    const deleted = await this.store.messages.delete(mailbox.id, id);
    this.views.forget(mailbox.id, id);
    this.summaries.forget(mailbox.id, id);
    this.listings.dropMailbox(mailbox.id); // the listing JSON held the message's summary too
    this.onPlaintextDropped?.();
    return deleted;
  }

  /** The same page as {@link listJson}, as objects (tests, diagnostics, filtered listings). */
  async list(mailbox: Mailbox, limit: number, before?: string): Promise<MessageSummary[]> {
    return JSON.parse((await this.listJson(mailbox, limit, before)).json) as MessageSummary[];
  }

  /** The mailbox's cipher and the refs of one page of its listing, newest first. */
  private async listed(mailbox: Mailbox, limit: number, before?: string): Promise<{ cipher: MailboxCipher; refs: MessageRef[] }> {
    if (before !== undefined && (typeof before !== 'string' || (before !== '' && !MESSAGE_ID.test(before)))) throw badRequest('before must be a message id.');
    const cipher = await this.cipher(mailbox);
    return { cipher, refs: await this.store.messages.listRefs(mailbox.id, limit, before || undefined) };
  }

  /** The summaries of `refs`, decrypting only those not seen before; a message gone meanwhile is left out. */
  private async summariesOf(mailbox: Mailbox, cipher: MailboxCipher, refs: MessageRef[]): Promise<MessageSummary[]> {
    const out: Array<MessageSummary | undefined> = refs.map((ref) => this.summaries.get(mailbox.id, ref.id));
    const missing = refs.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out as MessageSummary[];
    const sealed = await this.store.messages.summaries(mailbox.id, missing.map((r) => r.id));
    const listed: MessageSummary[] = [];
    for (const [i, ref] of refs.entries()) {
      const summary = out[i] ?? (sealed.has(ref.id) ? this.openSummary(mailbox, cipher, ref, sealed.get(ref.id)!) : undefined);
      if (summary) listed.push(summary); // a message gone between the two queries is not listed
    }
    return listed;
  }


  /**
   * One message with its body, parsed code and link. A view decrypted before is served again
   * once the store confirms the message is still there (a cheap query: no sealed column).
   */
  async get(mailbox: Mailbox, id: unknown): Promise<MessageView> {
    return (await this.viewOf(mailbox, id)).view;
  }

  /** The same view as {@link get}, serialised as the JSON answer (the same bytes). */
  async getJson(mailbox: Mailbox, id: unknown): Promise<string> {
    return (await this.viewOf(mailbox, id)).json;
  }

  private async viewOf(mailbox: Mailbox, id: unknown): Promise<{ view: MessageView; json: string }> {
    if (typeof id !== 'string' || id === '') throw badRequest('id is missing.');
    const cached = this.views.get(mailbox.id, id);
    if (cached && (cached.view.authentication !== null || !this.authMayFollow)) {
      if (!(await this.keys.cipherFor(mailbox)) || !(await this.store.messages.ref(mailbox.id, id))) throw notFound();
      return cached;
    }
    const { cipher, row, body } = await this.openBody(mailbox, id);
    const usedCids = cidsReferenced(body.html);
    const view: MessageView = {
      ...this.summaryOf(mailbox, cipher, row),
      email: mailbox.address,
      body: body.text,
      html: body.html,
      links: messageLinks(body.html, body.text),
      attachments: body.attachments.map((a) => ({
        filename: a.filename, content_type: a.contentType, size: a.size,
        ...(a.contentId !== null && usedCids.has(normalizeCid(a.contentId)) ? { inline: true as const } : {}),
      })),
      authentication: this.openAuthentication(cipher, row),
    };
    const entry = { view, json: JSON.stringify(view) };
    this.views.set(mailbox, id, entry, 2 * entry.json.length + approxBytes([view.sender, view.subject, view.body, view.html, view.otp, view.confirmation_link])
      + view.attachments.reduce((n, a) => n + approxBytes([a.filename, a.content_type]), 0)
      + view.links.reduce((n, l) => n + approxBytes([l.url, l.text]), 0));
    return entry;
  }


  /** The decrypted body (for the HTML view and attachments). */
  async openBody(mailbox: Mailbox, id: unknown): Promise<{ cipher: MailboxCipher; row: MessageDetailRow; body: MessageBodyPlain }> {
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
    const content = meta ? await this.attachmentBytes(mailbox, id as string, index, meta, cipher, this.rawOnce(mailbox, id as string, cipher)) : null;
    if (!meta || !content) throw notFound('No such attachment.');
    return { meta, content };
  }

  /** The decrypted raw source, fetched and opened on first use only (attachments stored as its ranges share it). */
  private rawOnce(mailbox: Mailbox, id: string, cipher: MailboxCipher): () => Promise<Buffer | null> {
    let raw: Promise<Buffer | null> | undefined;
    return () => (raw ??= this.store.messages.getRaw(mailbox.id, id).then((blob) => (blob ? cipher.open(id, 'raw', blob) : null)));
  }

  /** An attachment's bytes: its own sealed copy, or its range of the raw source (AttachmentMeta.rawRange). */
  private async attachmentBytes(
    mailbox: Mailbox, id: string, index: number, meta: AttachmentMeta, cipher: MailboxCipher, raw: () => Promise<Buffer | null>,
  ): Promise<Buffer | null> {
    if (meta.rawRange) {
      const source = await raw();
      return source ? rangeBytes(source, meta.rawRange) : null;
    }
    const blob = await this.store.messages.getAttachment(mailbox.id, id, index);
    return blob ? cipher.open(id, `attachment/${index}`, blob) : null;
  }

  /** Every attachment with a Content-ID (for cid: images in the HTML view); the raw source is opened once for all of them. */
  async inlineParts(mailbox: Mailbox, id: string, body: MessageBodyPlain, cipher: MailboxCipher) {
    const parts: Array<{ contentId: string; contentType: string; content: Buffer }> = [];
    const raw = this.rawOnce(mailbox, id, cipher);
    for (const [index, meta] of body.attachments.entries()) {
      if (!meta.contentId || !meta.contentType.startsWith('image/')) continue;
      const content = await this.attachmentBytes(mailbox, id, index, meta, cipher, raw);
      if (content) parts.push({ contentId: meta.contentId, contentType: meta.contentType, content });
    }
    return parts;
  }

  /** A message's authentication results, or null when none are stored. */
  private openAuthentication(cipher: MailboxCipher, row: MessageDetailRow): AuthenticationResults | null {
    return row.authentication ? cipher.openJson<AuthenticationResults>(row.id, AUTHENTICATION_FIELD, row.authentication) : null;
  }

  /** Drops what is held of one message (its authentication results were just stored). */
  forgetMessage(mailboxId: string, id: string): void {
    this.views.forget(mailboxId, id);
  }

  /** The contract's event for a stored message, or null when it is gone. */
  async event(mailbox: Mailbox, messageId: string, name: MessageEventName = 'message.received'): Promise<MessageEvent | null> {
    const cipher = await this.keys.cipherFor(mailbox);
    if (!cipher) return null;
    const row = await this.store.messages.get(mailbox.id, messageId);
    if (!row) return null;
    const s = this.summaryOf(mailbox, cipher, row);
    return {
      event: name, id: s.id, email: mailbox.address, sender: s.sender, subject: s.subject,
      otp: s.otp, confirmation_link: s.confirmation_link, received_at: s.date_received, sender_name: s.sender_name,
      ...(name === 'message.updated' ? { authentication: this.openAuthentication(cipher, row) } : {}),
    };
  }
}
