/** The keyed API (/v1/*.php): mailboxes belong to the key that made them. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, conflict, forbidden, notFound } from '../../domain/errors.js';
import { isoUtc } from '../../domain/time.js';
import { LiveCapReached } from '../../ports/store.js';
import type { ApiKeyRecord } from '../../domain/types.js';
import { parseLimit } from '../../read/message-reader.js';
import { type HttpContext, params } from '../context.js';
import { KeyedSerializer, presentedKey, replyHeaders } from '../guards.js';
import { registerMessageContent, sendListing } from './message-content.js';
import { registerMessageDelete } from './message-delete.js';
import { registerWait } from './wait.js';
import { mailboxRouteSchemas, ROUTE_SCHEMAS } from '../openapi/route-schemas.js';
import { filtersNothing, parseMessageFilter } from '../../read/message-filter.js';
import { DomainNameError, normaliseDomainName } from '../../domains/domain-name.js';

/** `domain=` normalised (case, trailing dot, IDN); 400 when it cannot be a domain name. */
function toDomain(input: string): string {
  try {
    return normaliseDomainName(input);
  } catch (e) {
    if (e instanceof DomainNameError) throw badRequest(e.message);
    throw e;
  }
}

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
  // Authenticate and count in onRequest when the key is in the query or the Authorization
  // header (so even a 413 or 404 answer carries X-RateLimit-*, and a limited key costs no body
  // parsing); in preHandler when it can only be in a form body, parsed by then.
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.apiKey || !request.url.startsWith('/v1/') || request.url.startsWith('/v1/ws')) return;
    const ip = ctx.ipOf(request.socket.remoteAddress, request.headers['x-forwarded-for']);
    // wait.php counts against its own budget (a held request is one call, however long it waits).
    const budget = request.url.startsWith('/v1/wait.php') ? 'waits' : 'requests';
    request.apiKey = await ctx.guards.apiKey(presentedKey(request), ip, replyHeaders(reply), budget);
  };
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && presentedKey(request) === null) return; // key= may be in the body: wait for preHandler
    await authenticate(request, reply);
  });
  app.addHook('preHandler', authenticate);
  // The live-mailbox cap is a count then an insert: one key's generate calls run one at a time.
  const perKey = new KeyedSerializer();

  const schemas = mailboxRouteSchemas('/v1');
  app.get('/v1/generate_email.php', { schema: ROUTE_SCHEMAS.generateKeyed }, async (request) => {
    const key = keyOf(request);
    const p = params(request);
    const plan = ctx.config.plans[key.plan];
    const domain = p.domain === undefined ? ctx.config.domains[0] : toDomain(p.domain);
    if (!ctx.config.domains.includes(domain)) {
      const allowed = ctx.domainsFor ? await ctx.domainsFor(key.id) : [];
      if (!allowed.includes(domain)) {
        const state = await ctx.domainStatus?.(key.id, domain);
        if (state && state !== 'verified') throw conflict(`Domain ${domain} is ${state}: point its MX record at ${ctx.config.mxHost} and verify it first.`);
        throw notFound(`Domain ${domain} is not one of yours.`);
      }
    }
    const { mailbox } = await perKey.run(key.id, async () => {
      try {
        return await ctx.mailboxes.create({
          ttl: p.ttl, name: p.name, planMaxTtlSeconds: plan.maxTtlSeconds, domain, ownerKeyId: key.id, creatorIp: null, withToken: false,
          maxLive: plan.liveMailboxes,
        });
      } catch (e) {
        if (e instanceof LiveCapReached) {
          throw forbidden(`Your ${key.plan} plan allows ${plan.liveMailboxes} live mailboxes; delete one or wait for one to expire.`);
        }
        throw e;
      }
    });
    return { email: mailbox.address, expires_at: isoUtc(mailbox.expiresAt) };
  });

  const resolve = (request: FastifyRequest) => ctx.mailboxes.authorizeKey(params(request).email, keyOf(request).id);

  app.get('/v1/inbox.php', { schema: schemas.inbox }, async (request, reply) => {
    const mailbox = await resolve(request);
    const p = params(request);
    const filter = parseMessageFilter(p);
    if (filtersNothing(filter)) return sendListing(reply, await ctx.reader.listJson(mailbox, parseLimit(p.limit), p.before, 'contract'));
    const list = await ctx.reader.listFiltered(mailbox, filter, parseLimit(p.limit), p.before);
    return list.map(({ id, sender, sender_name, subject, date_received }) => ({ id, sender, sender_name, subject, date_received }));
  });

  // The key's live mailboxes, newest first; `before=EMAIL` pages on.
  app.get('/v1/mailboxes.php', { schema: ROUTE_SCHEMAS.mailboxes }, async (request) => {
    const p = params(request);
    const before = p.before === undefined || p.before === '' ? undefined : p.before.toLowerCase();
    const list = await ctx.store.mailboxes.listLiveByOwner(keyOf(request).id, ctx.clock.now(), parseLimit(p.limit), before);
    return list.map((m) => ({ email: m.address, created_at: isoUtc(m.createdAt), expires_at: isoUtc(m.expiresAt) }));
  });

  registerMessageContent(app, ctx, '/v1', resolve, schemas);
  registerWait(app, ctx, '/v1', resolve, (request) => `key:${keyOf(request).id}`, schemas.wait);
  registerMessageDelete(app, ctx, '/v1', resolve, schemas.deleteMessage);

  const remove = async (request: FastifyRequest) => {
    const mailbox = await resolve(request);
    const receipt = await ctx.mailboxes.deleteNow(mailbox);
    // The receipt (docs/encryption.md) is an extension of the contract's answer.
    return receipt ? { deleted: true, email: mailbox.address, receipt } : { deleted: true, email: mailbox.address };
  };
  app.post('/v1/delete.php', { schema: schemas.deleteMailbox }, remove);
  app.delete('/v1/delete.php', { schema: schemas.deleteMailbox }, remove);

  // Adds `ttl` seconds (default: the default lifetime), up to the plan's maximum lifetime from now.
  const extend = async (request: FastifyRequest) => {
    const plan = ctx.config.plans[keyOf(request).plan];
    const mailbox = await ctx.mailboxes.extend(await resolve(request), params(request).ttl, plan.maxTtlSeconds);
    return { email: mailbox.address, expires_at: isoUtc(mailbox.expiresAt) };
  };
  app.post('/v1/extend.php', extend);
  app.get('/v1/extend.php', extend);
}
