/**
 * One error type for the whole service: a stable code that maps to an HTTP status and an
 * SMTP reply. Anything that is not an AppError is a bug and is shown as a bare 500.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'timeout'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable';

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  timeout: 408,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
    /** The request parameter at fault, when one is (`param` of the error body): lets a form mark its field. */
    readonly param?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export const badRequest = (message: string, param?: string) => new AppError('bad_request', message, {}, param);
export const notFound = (message = 'No such mailbox or message.') => new AppError('not_found', message);
export const unauthorized = (message = 'Missing or unknown API key.') => new AppError('unauthorized', message);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const conflict = (message: string, param?: string) => new AppError('conflict', message, {}, param);
