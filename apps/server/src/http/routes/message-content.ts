/**
 * Routes that serve one message's content (read, raw, attachment, HTML view). The same
 * handlers serve /api (token) and /v1 (key); only `resolve` differs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Mailbox } from '../../domain/types.js';
import type { MessageTimings } from '../../ingest/timings.js';
import type { ListingPage } from '../../read/message-reader.js';
import { renderSafeHtml } from '../../read/safe-html.js';
import { type HttpContext, params } from '../context.js';
import type { mailboxRouteSchemas } from '../openapi/route-schemas.js';

export type MailboxResolver = (request: FastifyRequest, reply: FastifyReply) => Promise<Mailbox>;

/** RFC 6266 filename for Content-Disposition, safe for any bytes in the name. */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_').slice(0, 200) || 'attachment';
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename || 'attachment')}`;
}

/** The CSP for a message's HTML: no script, no form, no frame, no remote load unless asked. */
export function messageCsp(allowRemote: boolean): string {
  const remote = allowRemote ? ' https: http:' : '';
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'" + remote,
    `img-src data:${remote}`,
    `font-src data:${remote}`,
    "form-action 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
    // Never allow-scripts. Same-origin so the page can read the layout to fit the frame to it
    // (apps/web/src/fit-frame.ts); without scripts the document itself can do nothing with it.
    'sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}

/**
 * Sends an inbox page, already JSON (the reader keeps it while the listing is unchanged). When the
 * page stopped at TEMPMAIL_LIST_MAX_BYTES, X-TempMail-Next-Before names the `before=` of the next.
 */
export function sendListing(reply: FastifyReply, page: ListingPage): string {
  reply.type('application/json; charset=utf-8');
  if (page.next) reply.header('X-TempMail-Next-Before', page.next);
  return page.json;
}

/** A read.php answer with its `timings` member (ms from the end of DATA; null when this node does not know them). */
export function withTimings(json: string, timings: MessageTimings | null): string {
  return `${json.slice(0, -1)},"timings":${JSON.stringify(timings)}}`;
}

export function registerMessageContent(
  app: FastifyInstance, ctx: HttpContext, prefix: string, resolve: MailboxResolver, schemas: ReturnType<typeof mailboxRouteSchemas>,
): void {
  app.get(`${prefix}/read.php`, { schema: schemas.read }, async (request, reply) => {
    const mailbox = await resolve(request, reply);
    // Already JSON (the reader keeps it with the decrypted view): sent as it is.
    reply.type('application/json; charset=utf-8');
    const json = await ctx.reader.getJson(mailbox, params(request).id);
    // Stage figures change (pushed comes later) and are not part of the kept view: added here.
    return withTimings(json, ctx.timings?.get(params(request).id ?? '') ?? null);
  });

  app.get(`${prefix}/raw.php`, { schema: schemas.raw }, async (request, reply) => {
    const mailbox = await resolve(request, reply);
    const p = params(request);
    const raw = await ctx.reader.raw(mailbox, p.id);
    reply.header('Content-Type', 'message/rfc822');
    reply.header('Content-Disposition', contentDisposition(p.download === '1' ? 'attachment' : 'inline', `${p.id}.eml`));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
    return reply.send(raw);
  });

  app.get(`${prefix}/attachment.php`, { schema: schemas.attachment }, async (request, reply) => {
    const mailbox = await resolve(request, reply);
    const p = params(request);
    const { meta, content } = await ctx.reader.attachment(mailbox, p.id, p.index);
    const type = /^[\w.+-]+\/[\w.+-]+$/.test(meta.contentType) ? meta.contentType : 'application/octet-stream';
    reply.header('Content-Type', type);
    // Always a download: an attachment is untrusted content and must never render on our origin.
    reply.header('Content-Disposition', contentDisposition('attachment', meta.filename));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
    return reply.send(content);
  });

  app.get(`${prefix}/html.php`, { schema: schemas.html }, async (request, reply) => {
    const mailbox = await resolve(request, reply);
    const p = params(request);
    const { cipher, row, body } = await ctx.reader.openBody(mailbox, p.id);
    const allowRemote = p.remote === '1';
    const inlineImages = await ctx.reader.inlineParts(mailbox, row.id, body, cipher);
    const html = body.html ?? `<pre style="white-space:pre-wrap;font:14px/1.5 ui-monospace,monospace">${escapeHtml(body.text)}</pre>`;
    reply.header('Content-Type', 'text/html; charset=utf-8');
    reply.header('Content-Security-Policy', messageCsp(allowRemote));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'private, no-store');
    return reply.send(renderSafeHtml(html, { inlineImages, allowRemote }));
  });
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
