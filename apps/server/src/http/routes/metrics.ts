/**
 * GET /metrics, the Prometheus text format. Open to a scraper on the same machine (a loopback
 * peer that no proxy forwarded: behind a reverse proxy on this host every request comes from
 * loopback, and carries X-Forwarded-For or Forwarded); from anywhere else only with
 * `Authorization: Bearer <TEMPMAIL_METRICS_TOKEN>`. Answers 404 when TEMPMAIL_METRICS=off.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { AppError, forbidden, notFound } from '../../domain/errors.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { HttpContext } from '../context.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  try {
    const parsed = ipaddr.process(address);
    return parsed.range() === 'loopback';
  } catch {
    return false;
  }
}

/** Throws unless this request may read the metrics. */
export function checkMetricsAccess(request: FastifyRequest, token: string | null): void {
  const forwarded = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  if (isLoopback(request.socket.remoteAddress) && !forwarded) return;
  if (token === null) throw forbidden('Metrics are served to loopback only; set TEMPMAIL_METRICS_TOKEN to scrape from elsewhere.');
  const header = request.headers.authorization ?? '';
  const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  // Compared as hashes: equal length, constant time, whatever was sent.
  if (!presented || !timingSafeEqual(digest(presented), digest(token))) {
    throw new AppError('unauthorized', 'A valid metrics token is required (Authorization: Bearer).', { 'WWW-Authenticate': 'Bearer' });
  }
}

export function registerMetricsRoute(app: FastifyInstance, ctx: HttpContext, metrics: Metrics): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!metrics.enabled) throw notFound('Metrics are off (TEMPMAIL_METRICS=off).');
    try {
      checkMetricsAccess(request, ctx.config.metrics.token);
    } catch (err) {
      // Someone other than the scraper is trying: worth a line (with the request id, never the token).
      request.log.warn({ status: (err as AppError).status }, 'metrics scrape refused');
      throw err;
    }
    const { contentType, body } = await metrics.render();
    reply.header('Cache-Control', 'no-store').type(contentType).send(body);
  });
}
