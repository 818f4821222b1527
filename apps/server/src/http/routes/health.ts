/**
 * Liveness and readiness. /readyz probes every shared dependency (the store, and Redis when
 * configured), each within TEMPMAIL_READY_TIMEOUT_MS: one that is down or frozen makes it 503
 * in seconds, and it is 200 again as soon as they all answer.
 */
import type { FastifyInstance } from 'fastify';
import { withTimeout } from '../../domain/temporary-failure.js';
import type { HttpContext } from '../context.js';
import { ROUTE_SCHEMAS } from '../openapi/route-schemas.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/healthz', { schema: ROUTE_SCHEMAS.health }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: ROUTE_SCHEMAS.ready }, async (request, reply) => {
    if (!ctx.isReady()) return reply.code(503).send({ status: 'unavailable' });
    const ms = ctx.config.timeouts.readyProbeMs;
    const probes: Array<[string, (() => Promise<void>) | undefined]> = [
      ['store', () => ctx.store.ping()],
      ['event bus', ctx.bus.ping?.bind(ctx.bus)],
      ['rate limits', ctx.rateLimitPing],
    ];
    const failed: string[] = [];
    await Promise.all(probes.map(async ([name, probe]) => {
      if (!probe) return;
      try {
        await withTimeout(probe(), ms, name);
      } catch {
        failed.push(name);
      }
    }));
    if (failed.length > 0) {
      reply.header('Retry-After', '5');
      return reply.code(503).send({ status: `${failed.sort().join(', ')} unavailable` });
    }
    return { status: 'ready' };
  });
}
