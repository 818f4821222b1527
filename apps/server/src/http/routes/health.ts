/** Liveness and readiness. */
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../context.js';
import { ROUTE_SCHEMAS } from '../openapi/route-schemas.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/healthz', { schema: ROUTE_SCHEMAS.health }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: ROUTE_SCHEMAS.ready }, async (request, reply) => {
    if (!ctx.isReady()) return reply.code(503).send({ status: 'unavailable' });
    try {
      await ctx.store.ping();
    } catch {
      return reply.code(503).send({ status: 'store unavailable' });
    }
    return { status: 'ready' };
  });
}
