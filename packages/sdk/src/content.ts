/**
 * Calls that read one mailbox, shared by the keyed (`/v1`, key in a header) and the anonymous
 * (`/api`, `token=`) clients: inbox, read, raw, attachment, delete.
 */
import { dispositionFilename, type HttpTransport, type Query } from './http.js';
import type { AttachmentContent, Deleted, Message, MessageSummary } from './types.js';

/** Paging of an inbox list (newest first). */
export interface InboxOptions {
  /** At most this many summaries (server default 100, at most 1000). */
  limit?: number;
  /** Only messages older than this message id (the last id of the previous page). */
  before?: string;
}

/** One mailbox's calls under `prefix` with `auth` added to every query. */
export class MailboxCalls {
  constructor(private readonly http: HttpTransport, private readonly prefix: '/v1' | '/api') {}

  inbox(auth: Query, opts: InboxOptions = {}): Promise<MessageSummary[]> {
    return this.http.json({ method: 'GET', path: `${this.prefix}/inbox.php`, query: { ...auth, limit: opts.limit, before: opts.before } });
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

  delete(auth: Query): Promise<Deleted & { email: string }> {
    return this.http.json({ method: 'POST', path: `${this.prefix}/delete.php`, form: auth });
  }

  /** The WebSocket URL of the mailbox (`ws:`/`wss:` of the base URL). */
  wsUrl(auth: Query): string {
    const path = this.prefix === '/v1' ? '/v1/ws' : '/ws';
    return this.http.url(path, auth).replace(/^http/, 'ws');
  }
}
