/** The keyed API (/v1/*.php): mailboxes belong to the key that made them. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { conflict, forbidden, notFound } from '../../domain/errors.js';
import { isoUtc } from '../../domain/time.js';
import type { ApiKeyRecord } from '../../domain/types.js';
import { parseLimit } from '../../read/message-reader.js';
import { type HttpContext, params } from '../context.js';
import { presentedKey, replyHeaders } from '../guards.js';
import { registerMessageContent } from './message-content.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
  }
}

/** The authenticated key of a /v1 request (set by the onRequest/preHandler hook). */
export function keyOf(request: FastifyRequest): ApiKeyRecord {
  if (!request.apiKey) throw new Error('route outside /v1 asked for an API key');
  return request.apiKey;
}

export function registerKeyedRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // preHandler, not onRequest: `key=` may be in a form body, parsed only by then.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/v1/') || request.url.startsWith('/v1/ws')) return;
    const ip = ctx.ipOf(request.socket.remoteAddress, request.headers['x-forwarded-for']);
    request.apiKey = await ctx.guards.apiKey(presentedKey(request), ip, replyHeaders(reply));
  });

  app.get('/v1/generate_email.php', async (request) => {
    const key = keyOf(request);
    const p = params(request);
    const plan = ctx.config.plans[key.plan];
    const domain = (p.domain ?? ctx.config.domains[0]).toLowerCase().replace(/\.$/, '');
    if (!ctx.config.domains.includes(domain)) {
      const allowed = ctx.domainsFor ? await ctx.domainsFor(key.id) : [];
      if (!allowed.includes(domain)) {
        const state = await ctx.domainStatus?.(key.id, domain);
        if (state && state !== 'verified') throw conflict(`Domain ${domain} is ${state}: point its MX record at ${ctx.config.mxHost} and verify it first.`);
        throw notFound(`Domain ${domain} is not one of yours.`);
      }
    }
    if (plan.liveMailboxes > 0 && (await ctx.store.mailboxes.countLiveByOwner(key.id, ctx.clock.now())) >= plan.liveMailboxes) {
      throw forbidden(`Your ${key.plan} plan allows ${plan.liveMailboxes} live mailboxes; delete one or wait for one to expire.`);
    }
    const { mailbox } = await ctx.mailboxes.create({
      ttl: p.ttl, planMaxTtlSeconds: plan.maxTtlSeconds, domain, ownerKeyId: key.id, creatorIp: null, withToken: false,
    });
    return { email: mailbox.address, expires_at: isoUtc(mailbox.expiresAt) };
  });

  const resolve = (request: FastifyRequest) => ctx.mailboxes.authorizeKey(params(request).email, keyOf(request).id);

  app.get('/v1/inbox.php', async (request) => {
    const mailbox = await resolve(request);
    const p = params(request);
    const list = await ctx.reader.list(mailbox, parseLimit(p.limit), p.before);
    return list.map(({ id, sender, subject, date_received }) => ({ id, sender, subject, date_received }));
  });

  registerMessageContent(app, ctx, '/v1', resolve);

  const remove = async (request: FastifyRequest) => {
    const mailbox = await resolve(request);
    await ctx.mailboxes.deleteNow(mailbox);
    return { deleted: true, email: mailbox.address };
  };
  app.post('/v1/delete.php', remove);
  app.delete('/v1/delete.php', remove);
}
