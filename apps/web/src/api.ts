/**
 * The anonymous mailbox API of the TempMail server (same origin), as the page uses it.
 * Every URL that carries the mailbox token is built here.
 */

/** A mailbox the page owns: `token` is the secret that reads it. */
import { browserId } from './storage.ts';

export interface Mailbox {
  email: string;
  token: string;
  /** ISO 8601 UTC. */
  expires_at: string;
  /** Opened from a shared link (made by another browser, so not counted against this one's cap). */
  shared?: true;
}

/** One row of the inbox list. `otp` and `confirmation_link` may be missing on old servers. */
export interface Summary {
  id: string;
  sender: string;
  /** The From header's display name ("GitHub"), when the server gives it. */
  sender_name?: string | null;
  subject: string;
  date_received: string;
  otp?: string | null;
  confirmation_link?: string | null;
}

export interface Attachment {
  filename: string;
  content_type: string;
  size: number;
  /** An image the HTML shows through `cid:` (shown in the message, not listed). */
  inline?: boolean;
}

/** A whole message as `read.php` answers it. */
export interface Message extends Summary {
  email: string;
  body: string;
  html: string | null;
  attachments: Attachment[];
}

/** The WebSocket frame for a new message. */
export interface MessageReceived {
  event: 'message.received';
  id: string;
  email: string;
  sender: string;
  subject: string;
  otp: string | null;
  confirmation_link: string | null;
  received_at: string;
  /** Extension: the From display name, or null; absent from servers that predate it. */
  sender_name?: string | null;
}

/** A failed call: `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before trying again (`Retry-After`), when the server said. */
    readonly retryAfter: number | null = null,
    /** The request parameter the server found at fault (`error.param`), e.g. `name`. */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  return q.toString();
}

/** The token travels in a header, not in the URL: browsers print failed URLs in the console. */
const tokenHeader = (mb: Mailbox) => ({ 'x-mailbox-token': mb.token });

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store', ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection.');
  }
  if (!res.ok) {
    let code = `http_${res.status}`;
    let message = `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`;
    let param: string | null = null;
    try {
      const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; param?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string' && body.error.message) message = body.error.message;
      if (typeof body.error?.param === 'string') param = body.error.param;
    } catch {
      // not JSON: keep the generic message
    }
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null, param);
  }
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * Creates a new address; `ttl` in seconds, or the server's default; `domain` one of
 * {@link listDomains}; `name` the part before the @ (random when absent; see {@link namesAllowed}).
 */
export function generateMailbox(ttl?: number, domain?: string, name?: string): Promise<Mailbox> {
  const q = query({ ttl, domain, name });
  // This browser's id: the server counts live addresses per browser as well as per network,
  // so people behind one office NAT do not use up each other's places.
  return call<Mailbox>(`/api/generate_email.php${q ? `?${q}` : ''}`, { headers: { 'x-tempmail-client': browserId() } });
}

/** The domains new addresses may use, the server's default first (empty on an older server). */
export async function listDomains(): Promise<string[]> {
  try {
    const list = await call<unknown>('/api/domains.php');
    return Array.isArray(list) ? list.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether the server lets new addresses have a chosen name (false on an older server, or when unsure). */
export async function namesAllowed(): Promise<boolean> {
  try {
    const answer = await call<{ allowed?: unknown }>('/api/names.php');
    return answer?.allowed === true;
  } catch {
    return false;
  }
}

/** The mailbox's messages, newest first (the newest `limit` only, when given). */
export async function listInbox(mb: Mailbox, limit?: number): Promise<Summary[]> {
  const list = await call<Summary[]>(`/api/inbox.php?${query({ email: mb.email, limit })}`, { headers: tokenHeader(mb) });
  return Array.isArray(list) ? list : [];
}

export function readMessage(mb: Mailbox, id: string): Promise<Message> {
  return call<Message>(`/api/read.php?${query({ email: mb.email, id })}`, { headers: tokenHeader(mb) });
}

/** A signed deletion receipt (docs/encryption.md): kept by the user, checked with `tempmail receipts verify`. */
export type DeletionReceipt = Record<string, unknown> & { seq: number; event: string; key_epoch: number; epoch_ends_at: string };

/** Deletes the mailbox and its messages now; answers its receipt when the service issued one. */
export async function deleteMailbox(mb: Mailbox): Promise<DeletionReceipt | null> {
  const answer = await call<{ receipt?: DeletionReceipt }>('/api/delete.php', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...tokenHeader(mb) },
    body: JSON.stringify({ email: mb.email }),
  });
  return answer?.receipt ?? null;
}

/** Adds `ttl` seconds (or the server's default lifetime) to the mailbox, up to the maximum lifetime. */
export function extendMailbox(mb: Mailbox, ttl?: number): Promise<{ email: string; expires_at: string }> {
  return call('/api/extend.php', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...tokenHeader(mb) },
    body: JSON.stringify({ email: mb.email, ttl }),
  });
}

/** The sanitized HTML document, for the sandboxed frame's `src`. */
export function htmlUrl(mb: Mailbox, id: string, remote: boolean): string {
  return `/api/html.php?${query({ email: mb.email, token: mb.token, id, remote: remote ? 1 : undefined })}`;
}

export function rawUrl(mb: Mailbox, id: string): string {
  return `/api/raw.php?${query({ email: mb.email, token: mb.token, id })}`;
}

export function attachmentUrl(mb: Mailbox, id: string, index: number): string {
  return `/api/attachment.php?${query({ email: mb.email, token: mb.token, id, index })}`;
}

/** Reads the raw source as text (for the Source tab); long sources are cut. */
export async function readRaw(mb: Mailbox, id: string, maxChars: number): Promise<{ text: string; cut: boolean }> {
  let res: Response;
  try {
    res = await fetch(`/api/raw.php?${query({ email: mb.email, id })}`, { cache: 'no-store', headers: tokenHeader(mb) });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection.');
  }
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, `The server answered ${res.status}.`);
  const text = await res.text();
  return text.length > maxChars ? { text: text.slice(0, maxChars), cut: true } : { text, cut: false };
}

/** The WebSocket URL for live events, on the page's own host (the token goes in {@link liveProtocols}). */
export function liveUrl(mb: Mailbox): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?${query({ email: mb.email })}`;
}

/** The subprotocols that carry the token (the server answers `tempmail`). */
export function liveProtocols(mb: Mailbox): string[] {
  return ['tempmail', `tempmail.token.${mb.token}`];
}
