/**
 * tempmail-sdk: a zero-dependency client for TempMail (keyed API v1 and anonymous mailboxes),
 * using the global `fetch` (and `WebSocket` when present) of Node 18+, browsers, Deno and Bun.
 */
export { TempMail, type TempMailOptions, type GenerateOptions } from './client.js';
export { AnonymousTempMail, type AnonymousOptions, type MailboxCredentials } from './anonymous.js';
export { Webhooks } from './webhooks.js';
export { Domains } from './domains.js';
export type { InboxOptions } from './content.js';
export { DEFAULT_BASE_URL, type HttpOptions } from './http.js';
export type { WaitOptions, WebSocketClass, WebSocketLike } from './wait.js';
export type { MessageFilters } from './server-wait.js';
export { verifyWebhookSignature, signWebhookPayload, parseWebhookEvent, parseSignatureHeader, type RawBody } from './signature.js';
export {
  TempMailError, BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError,
  PayloadTooLargeError, RateLimitError, ServerError, NetworkError, WaitTimeoutError,
} from './errors.js';
export type * from './types.js';
