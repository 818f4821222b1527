/** pino, to stderr, with secrets redacted wherever they might appear. */
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'key', 'token', 'secret', 'password', 'authorization', 'masterKey',
  '*.key', '*.token', '*.secret', '*.password', '*.authorization',
  'req.headers.authorization', 'req.query.key', 'req.query.token',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'tempmail' } }, pino.destination(2));
}
