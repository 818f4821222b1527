/** Small HTTP and SMTP clients for tests: real sockets, no mocks. */
import nodemailer, { type SendMailOptions } from 'nodemailer';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** GET or POST and parse JSON (the body is null when it is not JSON). */
export async function http<T = any>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/** Builds a query string from an object. */
export const qs = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();

export interface SendOptions {
  from?: string;
  to: string | string[];
  subject?: string;
  text?: string;
  html?: string;
  attachments?: SendMailOptions['attachments'];
  raw?: string | Buffer;
}

/** Sends one message with nodemailer over SMTP to 127.0.0.1:port; resolves with the server's reply. */
export async function sendMail(port: number, opts: SendOptions): Promise<{ response: string; accepted: unknown[]; rejected: unknown[] }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
  try {
    const info = await transport.sendMail(opts.raw
      ? { envelope: { from: opts.from ?? 'sender@example.com', to: opts.to }, raw: opts.raw }
      : { from: opts.from ?? 'Sender <sender@example.com>', to: opts.to, subject: opts.subject ?? 'Hello', text: opts.text, html: opts.html, attachments: opts.attachments });
    return { response: info.response, accepted: info.accepted, rejected: info.rejected };
  } finally {
    transport.close();
  }
}

/**
 * Polls until `fn` returns a truthy value or the timeout passes. The timeout is only a safety net
 * (at least 60 s, whatever the caller asks): a verdict must not depend on how busy the machine is.
 */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, stepMs = 25): Promise<T> {
  const deadline = Date.now() + Math.max(timeoutMs, 60_000);
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${Math.max(timeoutMs, 60_000)} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
