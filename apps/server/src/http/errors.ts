/**
 * One error handler: AppError -> its status and {"error":{"code","message"}}; a temporary
 * failure of storage or Redis -> 503 with Retry-After; anything else -> a bare 500.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import { isTemporaryFailure } from '../domain/temporary-failure.js';

/** The contract's error body. */
export const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** Seconds a client is asked to wait after a temporary failure. */
export const RETRY_AFTER_SECONDS = 5;

/** The answer to a temporary failure: generic text, never the internals. */
export function temporarilyUnavailable(): AppError {
  return new AppError('unavailable', 'A storage service is temporarily unavailable; retry shortly.', {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | AppError | Error, request, reply) => {
    let err = thrown;
    if (!(err instanceof AppError) && isTemporaryFailure(err)) {
      request.log.warn({ err: { message: err.message, code: (err as FastifyError).code } }, 'temporary failure: answered 503');
      err = temporarilyUnavailable();
    }
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.status).send(errorBody(err.code, err.message));
    }
    const fe = err as FastifyError;
    if (fe.statusCode === 413 || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody('too_large', 'Request body too large.'));
    }
    if (fe.statusCode === 415) return reply.code(415).send(errorBody('unsupported_media_type', 'Send form or JSON bodies.'));
    // A parameter the route's schema refuses (e.g. a required one missing): say which.
    if (fe.validation) return reply.code(400).send(errorBody('bad_request', `Bad parameter: ${fe.message}.`));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(400).send(errorBody('bad_request', 'Malformed request.'));
    }
    request.log.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return reply.code(500).send(errorBody('internal', 'Internal error.'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('unknown_endpoint', 'No such endpoint.'));
  });
}
