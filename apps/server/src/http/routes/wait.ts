/**
 * `wait.php`: holds the request until a matching message exists (one already there counts),
 * then answers it as read.php would; 408 at the timeout, 404 when the mailbox goes away. The
 * same handler serves /api (token) and /v1 (key).
 *
 * While held, the request keeps nothing of its own beyond its HTTP objects: the handler has
 * returned (no suspended async frame, no promise on the reply), the hub keeps one record (WaitHub.hold), the answer is
 * one function shared by every wait of this route, and the client going away is seen by one
 * shared 'close' listener that finds the record in a WeakMap.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../../domain/errors.js';
import type { HeldWait, WaitOutcome } from '../../wait/wait-hub.js';
import { parseWaitQuery } from '../../wait/wait-query.js';
import { PROBE_HEADER } from '../wait-probes.js';
import { type HttpContext, params } from '../context.js';
import type { MailboxResolver } from './message-content.js';

/** What a wait's outcome answers: the matching message's JSON, or the error to answer with. */
export function outcomeResult(outcome: WaitOutcome): string | Error {
  switch (outcome.kind) {
    case 'message':
      return outcome.json;
    case 'gone':
      return notFound('The mailbox expired or was deleted while waiting.');
    case 'timeout':
      return new AppError('timeout', `No matching message within ${outcome.afterMs / 1000} s.`);
    case 'closing':
      return new AppError('unavailable', 'The server is shutting down; wait again.', { 'Retry-After': '1' });
    case 'failed':
      return outcome.error;
  }
}

export function registerWait(
  app: FastifyInstance, ctx: HttpContext, prefix: string, resolve: MailboxResolver,
  holderOf: (request: FastifyRequest) => string, schema: object,
): void {
  const held = new WeakMap<ServerResponse, HeldWait>();

  function onClientGone(this: ServerResponse): void {
    const waiter = held.get(this);
    if (waiter) ctx.waits.cancel(waiter);
  }

  function answer(reply: FastifyReply, outcome: WaitOutcome): void {
    held.delete(reply.raw);
    // The idle limit applies again to what the connection does next (keep-alive).
    reply.raw.socket?.setTimeout(app.server.timeout);
    const result = outcomeResult(outcome);
    if (typeof result === 'string') reply.type('application/json; charset=utf-8').send(result);
    else reply.send(result);
  }

  /** Looks the mailbox up and holds the request; any failure is the answer. */
  async function start(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const query = parseWaitQuery(params(request), ctx.config.wait.maxSeconds);
      const mailbox = await resolve(request, reply);
      const outside = ctx.waitFront?.claim(request.headers[PROBE_HEADER]);
      if (outside) {
        // Held by the wait front (http/front/) on its own socket: this answer is only for it.
        outside.adopt((frontAnswer, target) => ctx.waits.hold(mailbox, query, holderOf(request), frontAnswer, target), reply.getHeaders());
        reply.code(202).send();
        return;
      }
      const waiter = ctx.waits.hold(mailbox, query, holderOf(request), answer, reply);
      // The connection is silent while held: past the HTTP idle limit (TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS)
      // it would be cut. Its idle timer is off until the answer (no timer per held request): the
      // hub's deadline wheel ends every wait in time. The hub never answers synchronously.
      request.raw.socket.setTimeout(0);
      held.set(reply.raw, waiter);
      reply.raw.on('close', onClientGone);
      if (request.raw.socket.destroyed) ctx.waits.cancel(waiter); // gone while the mailbox was looked up
    } catch (err) {
      reply.send(err);
    }
  }

  // Not an async handler: one that returned would leave Fastify awaiting the reply as a thenable
  // (a promise and closures per held request). The answer comes through reply.send.
  app.get(`${prefix}/wait.php`, { schema }, (request, reply) => {
    void start(request, reply);
  });
}
