/**
 * `/v1/webhook.php`: register (POST, premium only), list with recent deliveries (GET), remove
 * (DELETE). Mailboxes and webhooks of another key are 404.
 */
import { ROUTE_SCHEMAS } from '../openapi/route-schemas.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, forbidden } from '../../domain/errors.js';
import type { WebhookService } from '../../webhooks/webhook-service.js';
import { type HttpContext, params } from '../context.js';
import { keyOf } from './keyed-v1.js';

/** The route plugin for `buildHttpApp(ctx, { extraRoutes })`. */
export function webhookRoutes(service: WebhookService): (app: FastifyInstance, ctx: HttpContext) => void {
  return (app, ctx) => {
    app.post('/v1/webhook.php', { schema: ROUTE_SCHEMAS.webhookCreate }, async (request) => {
      const key = keyOf(request);
      if (key.plan !== 'premium') throw forbidden('Webhooks need a premium plan; this key is on the free plan.');
      const p = params(request);
      const mailbox = await ctx.mailboxes.authorizeKey(p.email, key.id);
      return service.register(mailbox, p.url);
    });

    app.get('/v1/webhook.php', { schema: ROUTE_SCHEMAS.webhookList }, async (request) => {
      const key = keyOf(request);
      const p = params(request);
      if (p.id !== undefined && p.email === undefined) return service.show(p.id, key.id);
      if (p.email === undefined) throw badRequest('email is missing (or give id= for one webhook).');
      const mailbox = await ctx.mailboxes.authorizeKey(p.email, key.id);
      const all = await service.list(mailbox);
      return p.id === undefined ? all : all.filter((w) => w.id === p.id);
    });

    const remove = async (request: FastifyRequest) => service.remove(params(request).id, keyOf(request).id);
    app.delete('/v1/webhook.php', { schema: ROUTE_SCHEMAS.webhookDelete }, remove);
  };
}
