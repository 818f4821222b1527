/**
 * `wait.php`: holds the request until a matching message exists (one already there counts),
 * then answers it as read.php would; 408 at the timeout, 404 when the mailbox goes away. The
 * same handler serves /api (token) and /v1 (key).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../../domain/errors.js';
import { parseWaitQuery } from '../../wait/wait-query.js';
import { type HttpContext, params } from '../context.js';
import type { MailboxResolver } from './message-content.js';

export function registerWait(
  app: FastifyInstance, ctx: HttpContext, prefix: string, resolve: MailboxResolver,
  holderOf: (request: FastifyRequest) => string, schema: object,
): void {
  app.get(`${prefix}/wait.php`, { schema }, async (request, reply) => {
    const query = parseWaitQuery(params(request), ctx.config.wait.maxSeconds);
    const mailbox = await resolve(request, reply);
    // The connection is silent while held: past the HTTP idle limit (TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS)
    // it would be cut. Its idle timer is off until the answer is sent (no timer per held request):
    // the hub's deadline wheel ends every wait in time.
    const socket = request.raw.socket;
    socket.setTimeout(0);
    try {
      const outcome = await ctx.waits.wait(mailbox, query, holderOf(request), (cancel) => reply.raw.once('close', cancel));
      switch (outcome.kind) {
        case 'message':
          reply.type('application/json; charset=utf-8');
          return outcome.json;
        case 'gone':
          throw notFound('The mailbox expired or was deleted while waiting.');
        case 'timeout':
          throw new AppError('timeout', `No matching message within ${query.timeoutMs / 1000} s.`);
        case 'closing':
          throw new AppError('unavailable', 'The server is shutting down; wait again.', { 'Retry-After': '1' });
      }
    } finally {
      socket.setTimeout(app.server.timeout);
    }
  });
}
