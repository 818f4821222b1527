/**
 * Calls that read one mailbox, shared by the keyed (`/v1`, key in a header) and the anonymous
 * (`/api`, `token=`) clients: inbox, read, raw, attachment, delete.
 */
import { NotFoundError } from './errors.js';
import { dispositionFilename, type HttpTransport, type Query } from './http.js';
import { filterQuery, type MessageFilters, waitOnServer } from './server-wait.js';
import type { AttachmentContent, Deleted, DeletedMessage, Message, MessageSummary } from './types.js';
import { type MailboxSource, waitForMessage, type WaitOptions } from './wait.js';

/** Paging (newest first) and server-side filters of an inbox list. */
export interface InboxOptions extends MessageFilters {
  /** At most this many summaries (server default 100, at most 1000). */
  limit?: number;
  /** Only messages older than this message id (the last id of the previous page). */
  before?: string;
}

/** One mailbox's calls under `prefix` with `auth` added to every query. */
export class MailboxCalls {
  constructor(private readonly http: HttpTransport, private readonly prefix: '/v1' | '/api') {}

  inbox(auth: Query, opts: InboxOptions = {}): Promise<MessageSummary[]> {
    return this.http.json({ method: 'GET', path: `${this.prefix}/inbox.php`, query: { ...auth, ...filterQuery(opts), limit: opts.limit, before: opts.before } });
  }

  /** Every summary, page by page (newest first). */
  async *all(auth: Query, pageSize = 100): AsyncGenerator<MessageSummary> {
    let before: string | undefined;
    for (;;) {
      const page = await this.inbox(auth, { limit: pageSize, before });
      yield* page;
      if (page.length < pageSize) return;
      before = page[page.length - 1].id;
    }
  }

  read(auth: Query, id: string): Promise<Message> {
    return this.http.json({ method: 'GET', path: `${this.prefix}/read.php`, query: { ...auth, id } });
  }

  async raw(auth: Query, id: string): Promise<Uint8Array> {
    const res = await this.http.send({ method: 'GET', path: `${this.prefix}/raw.php`, query: { ...auth, id } });
    return new Uint8Array(await res.arrayBuffer());
  }

  async attachment(auth: Query, id: string, index: number): Promise<AttachmentContent> {
    const res = await this.http.send({ method: 'GET', path: `${this.prefix}/attachment.php`, query: { ...auth, id, index } });
    return {
      filename: dispositionFilename(res.headers.get('content-disposition')) ?? `attachment-${index}`,
      content_type: res.headers.get('content-type') ?? 'application/octet-stream',
      data: new Uint8Array(await res.arrayBuffer()),
    };
  }

  deleteMessage(auth: Query, id: string): Promise<DeletedMessage> {
    return this.http.json({ method: 'POST', path: `${this.prefix}/delete_message.php`, form: { ...auth, id } });
  }

  /**
   * `waitForMessage`: on the server (wait.php) unless `transport` says otherwise; a server
   * without wait.php (404 unknown_endpoint) makes `auto` fall back to the WebSocket or polling.
   */
  async wait(auth: Query, source: MailboxSource, opts: WaitOptions): Promise<Message> {
    const mode = opts.transport ?? 'auto';
    const timeout = opts.timeout ?? 30_000;
    if (mode === 'auto' || mode === 'server') {
      try {
        return await waitOnServer(this.http, `${this.prefix}/wait.php`, auth, { ...opts, timeout });
      } catch (e) {
        if (mode === 'server' || !(e instanceof NotFoundError && e.code === 'unknown_endpoint')) throw e;
      }
    }
    const predicate = opts.predicate;
    return waitForMessage(source, { ...opts, transport: mode, predicate: async (m) => matchesLocally(opts, m) && (!predicate || predicate(m)) });
  }

  delete(auth: Query): Promise<Deleted & { email: string }> {
    return this.http.json({ method: 'POST', path: `${this.prefix}/delete.php`, form: auth });
  }

  /** The WebSocket URL of the mailbox (`ws:`/`wss:` of the base URL). */
  wsUrl(auth: Query): string {
    const path = this.prefix === '/v1' ? '/v1/ws' : '/ws';
    return this.http.url(path, auth).replace(/^http/, 'ws');
  }
}

/** True when `domain` is `wanted` or under it. */
const domainMatches = (domain: string, wanted: string) => domain === wanted || domain.endsWith(`.${wanted}`);

/** `fromDomain` / `requireAuth` on the client, as the server applies them. */
function senderMatches(f: MessageFilters, m: Message): boolean {
  const wanted = f.fromDomain?.toLowerCase().replace(/\.$/, '');
  if (f.requireAuth) {
    const auth = m.authentication;
    if (!auth) return false;
    return wanted ? auth.verified_domains.some((d) => domainMatches(d, wanted)) : auth.dmarc.result === 'pass';
  }
  if (!wanted) return true;
  const at = m.sender.lastIndexOf('@');
  return at > 0 && domainMatches(m.sender.slice(at + 1).toLowerCase(), wanted);
}

/** The filters checked on the client (the fallback for servers without wait.php). */
function matchesLocally(f: MessageFilters, m: Message): boolean {
  if (!senderMatches(f, m)) return false;
  if (f.match === 'otp' && !m.otp) return false;
  if (f.match === 'link' && !m.confirmation_link) return false;
  const from = f.from?.toLowerCase();
  if (from && !m.sender.toLowerCase().includes(from) && !(m.sender_name ?? '').toLowerCase().includes(from)) return false;
  if (f.subject && !m.subject.toLowerCase().includes(f.subject.toLowerCase())) return false;
  return true;
}
