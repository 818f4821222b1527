/** The anonymous web mailbox API (/api/*.php): a token opens one mailbox. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../../domain/errors.js';
import { isoUtc } from '../../domain/time.js';
import { LiveCapReached } from '../../ports/store.js';
import { parseLimit } from '../../read/message-reader.js';
import { type HttpContext, params } from '../context.js';
import { addressKey, browserKey } from '../client-ip.js';
import { KeyedSerializer, replyHeaders } from '../guards.js';
import { registerMessageContent, sendListing } from './message-content.js';
import { registerMessageDelete } from './message-delete.js';
import { registerWait } from './wait.js';
import { mailboxRouteSchemas, ROUTE_SCHEMAS } from '../openapi/route-schemas.js';
import { filtersNothing, parseMessageFilter } from '../../read/message-filter.js';

export function registerAnonymousRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const ipOf = (r: FastifyRequest) => ctx.ipOf(r.socket.remoteAddress, r.headers['x-forwarded-for']);

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/')) await ctx.guards.anonymous(ipOf(request), replyHeaders(reply));
  });

  // The receiving domains a new address may use (`domain=` of generate_email.php), the default first.
  app.get('/api/domains.php', async () => ctx.config.domains);

  // Whether `name=` is taken: the page shows its "choose a name" field only then.
  app.get('/api/names.php', { schema: ROUTE_SCHEMAS.names }, async () => ({ allowed: ctx.config.customNames.enabled }));

  const perIp = new KeyedSerializer();
  const schemas = mailboxRouteSchemas('/api');
  app.get('/api/generate_email.php', { schema: ROUTE_SCHEMAS.generateAnonymous }, async (request) => {
    const p = params(request);
    const domain = (p.domain ?? ctx.config.domains[0]).toLowerCase();
    if (!ctx.config.domains.includes(domain)) throw badRequest(`domain must be one of: ${ctx.config.domains.join(', ')}.`);
    // Stored and counted per address key (IPv6 by /64). The store counts and inserts in one
    // step (exact across nodes); one address's calls also queue here, so they wait on this node
    // rather than on the database's lock.
    const ip = addressKey(ipOf(request));
    const client = browserKey(ip, request.headers['x-tempmail-client']);
    const { anonMailboxesPerIp: cap, anonMailboxesPerBrowser: perBrowser } = ctx.config;
    const { mailbox, token } = await perIp.run(ip, async () => {
      try {
        return await ctx.mailboxes.create({
          ttl: p.ttl, name: p.name, domain, ownerKeyId: null, creatorIp: ip, creatorClient: client, withToken: true,
          maxLive: cap, maxLivePerClient: perBrowser,
        });
      } catch (e) {
        if (e instanceof LiveCapReached) {
          // Retry-After: when the soonest of them expires (a place frees up), at most a minute.
          const wait = e.freesAt === null ? 60 : Math.ceil((e.freesAt - ctx.clock.now()) / 1000);
          const message = e.by === 'creatorClient'
            ? `At most ${perBrowser} live mailboxes per browser; delete one or wait for it to expire.`
            : `At most ${cap} live mailboxes per address; delete one or wait for it to expire.`;
          throw new AppError('rate_limited', message, { 'Retry-After': String(Math.min(60, Math.max(1, wait))) });
        }
        throw e;
      }
    });
    return { email: mailbox.address, token, expires_at: isoUtc(mailbox.expiresAt) };
  });

  // The token may also come in an X-Mailbox-Token header (the web page sends it so), which keeps
  // it out of URLs that browsers print in their consoles.
  const resolve = (request: FastifyRequest) => {
    const p = params(request);
    return ctx.mailboxes.authorizeToken(p.email, p.token ?? request.headers['x-mailbox-token']);
  };

  app.get('/api/inbox.php', { schema: schemas.inbox }, async (request, reply) => {
    const mailbox = await resolve(request);
    const p = params(request);
    const filter = parseMessageFilter(p);
    if (!filtersNothing(filter)) return ctx.reader.listFiltered(mailbox, filter, parseLimit(p.limit), p.before);
    return sendListing(reply, await ctx.reader.listJson(mailbox, parseLimit(p.limit), p.before));
  });

  registerMessageContent(app, ctx, '/api', resolve, schemas);
  registerWait(app, ctx, '/api', resolve, (request) => `ip:${addressKey(ipOf(request))}`, schemas.wait);
  registerMessageDelete(app, ctx, '/api', resolve, schemas.deleteMessage);

  const remove = async (request: FastifyRequest) => {
    const mailbox = await resolve(request);
    const receipt = await ctx.mailboxes.deleteNow(mailbox);
    // The receipt (docs/encryption.md) is an extension of the contract's answer.
    return receipt ? { deleted: true, email: mailbox.address, receipt } : { deleted: true, email: mailbox.address };
  };
  app.post('/api/delete.php', { schema: schemas.deleteMailbox }, remove);
  app.delete('/api/delete.php', { schema: schemas.deleteMailbox }, remove);

  // Adds `ttl` seconds (default: the default lifetime), up to the maximum lifetime from now.
  const extend = async (request: FastifyRequest) => {
    const mailbox = await ctx.mailboxes.extend(await resolve(request), params(request).ttl);
    return { email: mailbox.address, expires_at: isoUtc(mailbox.expiresAt) };
  };
  app.post('/api/extend.php', extend);
  app.get('/api/extend.php', extend);
}
