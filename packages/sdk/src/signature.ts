/**
 * Webhook signatures: `X-TempMail-Signature: t=UNIX_SECONDS,v1=HEX`, where HEX is
 * HMAC-SHA256 over `t + "." + body` keyed with the webhook's secret (the whole `whsec_…`
 * string as UTF-8). Uses WebCrypto (`globalThis.crypto.subtle`: Node 18+, Deno, Bun, browsers,
 * edge runtimes), whose `verify` compares in constant time.
 */
import { TempMailError } from './errors.js';
import type { MessageReceivedEvent } from './types.js';

const encoder = new TextEncoder();

/** The raw request body as bytes (a string is taken as UTF-8). */
export type RawBody = string | Uint8Array | ArrayBuffer;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new TypeError('WebCrypto (globalThis.crypto.subtle) is not available in this runtime.');
  return s;
}

function bytesOf(body: RawBody): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

/** `t.` followed by the body bytes: what the HMAC covers. */
function signedPayload(t: number, body: RawBody): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`${t}.`);
  const data = bytesOf(body);
  const out = new Uint8Array(prefix.length + data.length);
  out.set(prefix, 0);
  out.set(data, prefix.length);
  return out;
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return subtle().importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** Parses `t=…,v1=…[,v1=…]`; null when malformed. */
export function parseSignatureHeader(header: string): { t: number; v1: string[] } | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't') {
      if (!/^\d{1,12}$/.test(v)) return null;
      t = Number(v);
    } else if (k === 'v1' && /^[0-9a-fA-F]{64}$/.test(v)) {
      v1.push(v.toLowerCase());
    }
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * True when `header` (the `X-TempMail-Signature` value) signs `body` (the RAW request body,
 * before any JSON parsing) with `secret`, and its timestamp is within `toleranceSeconds` of now
 * (refuses replays; `0` or less skips the time check).
 */
export async function verifyWebhookSignature(
  secret: string, header: string | null | undefined, body: RawBody, toleranceSeconds = 300, nowSeconds?: number,
): Promise<boolean> {
  if (!header || !secret) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  const now = nowSeconds ?? Math.floor(Date.now() / 1000);
  if (toleranceSeconds > 0 && Math.abs(now - parsed.t) > toleranceSeconds) return false;
  const key = await hmacKey(secret, 'verify');
  const data = signedPayload(parsed.t, body);
  for (const candidate of parsed.v1) {
    if (await subtle().verify('HMAC', key, hexToBytes(candidate), data)) return true;
  }
  return false;
}

/** The `X-TempMail-Signature` value the server would send for `body` at `t` (for your tests). */
export async function signWebhookPayload(secret: string, body: RawBody, t = Math.floor(Date.now() / 1000)): Promise<string> {
  const mac = new Uint8Array(await subtle().sign('HMAC', await hmacKey(secret, 'sign'), signedPayload(t, body)));
  return `t=${t},v1=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Verifies a delivery and parses its event; throws `TempMailError` (code `invalid_signature`) when it does not verify. */
export async function parseWebhookEvent(secret: string, header: string | null | undefined, body: RawBody, toleranceSeconds = 300): Promise<MessageReceivedEvent> {
  if (!(await verifyWebhookSignature(secret, header, body, toleranceSeconds))) {
    throw new TempMailError('Webhook signature does not verify (wrong secret, altered body or stale timestamp)', { code: 'invalid_signature' });
  }
  return JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(bytesOf(body))) as MessageReceivedEvent;
}
