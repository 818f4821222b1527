/**
 * One error shape for every error: AppError -> its status and {"error":{"code","message"}};
 * a temporary failure of storage or Redis -> 503 with Retry-After; Fastify's and Node's own
 * errors (bad URL encoding, oversize headers, conflicting framing) -> the same shape with a fixed
 * message that never echoes the input; anything else -> a bare 500.
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import { isTemporaryFailure } from '../domain/temporary-failure.js';

/** The contract's error body; `param` (an extension) names the request parameter at fault, when one is. */
export const errorBody = (code: string, message: string, param?: string) =>
  ({ error: param === undefined ? { code, message } : { code, message, param } });

/** Seconds a client is asked to wait after a temporary failure. */
export const RETRY_AFTER_SECONDS = 5;

/** The answer to a temporary failure: generic text, never the internals. */
export function temporarilyUnavailable(): AppError {
  return new AppError('unavailable', 'A storage service is temporarily unavailable; retry shortly.', {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  });
}

/** An application error, or a temporary failure as one (503); null for anything else. */
export function asAppError(err: Error): AppError | null {
  if (err instanceof AppError) return err;
  return isTemporaryFailure(err) ? temporarilyUnavailable() : null;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | AppError | Error, request, reply) => {
    const err = asAppError(thrown);
    if (err !== null) {
      if (!(thrown instanceof AppError)) request.log.warn({ err: { message: thrown.message, code: (thrown as FastifyError).code } }, 'temporary failure: answered 503');
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.status).send(errorBody(err.code, err.message, err.param));
    }
    const fe = thrown as FastifyError;
    if (fe.statusCode === 413 || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody('too_large', 'Request body too large.'));
    }
    if (fe.statusCode === 415) return reply.code(415).send(errorBody('unsupported_media_type', 'Send form or JSON bodies.'));
    // A parameter the route's schema refuses (e.g. a required one missing): say which.
    if (fe.validation) return reply.code(400).send(errorBody('bad_request', `Bad parameter: ${fe.message}.`));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(400).send(errorBody('bad_request', 'Malformed request.'));
    }
    request.log.error({ err: { message: thrown.message, stack: thrown.stack } }, 'unhandled error');
    return reply.code(500).send(errorBody('internal', 'Internal error.'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('unknown_endpoint', 'No such endpoint.'));
  });
}

/** Fastify's errors before routing (FST_ERR_BAD_URL: a URL that is not valid percent-encoding). */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void request;
  reply.code(400).send(errorBody('bad_request', err.code === 'FST_ERR_BAD_URL' ? 'Malformed URL encoding.' : 'Malformed request.'));
}

/** Status and message for an error Node's HTTP parser reports on a connection. */
function clientErrorAnswer(err: NodeJS.ErrnoException): { status: number; reason: string; code: string; message: string } {
  if (err.code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'Request Header Fields Too Large', code: 'headers_too_large', message: 'Request headers too large.' };
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'Request took too long to arrive.' };
  return { status: 400, reason: 'Bad Request', code: 'bad_request', message: 'Malformed request.' };
}

/** Node's clientError (the request could not even be parsed): answers in the contract's shape and closes. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const a = clientErrorAnswer(err);
  const body = JSON.stringify(errorBody(a.code, a.message));
  socket.end(`HTTP/1.1 ${a.status} ${a.reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
