/**
 * Webhook signatures: `X-TempMail-Signature: t=UNIX_SECONDS,v1=HEX`, where HEX is
 * HMAC-SHA256 over `t + "." + body`, keyed with the webhook's secret (its UTF-8 bytes, as
 * shown to the user). Receivers recompute it and compare in constant time; the timestamp lets
 * them refuse replays.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new webhook secret: "whsec_" + 32 random bytes in base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** HMAC-SHA256 of `${t}.${body}` with `secret`, in lower-case hex. */
export function signaturePayloadHex(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

/** The X-TempMail-Signature value for `body` sent at `t` (UNIX seconds). */
export function signatureHeader(secret: string, body: string | Buffer, t: number): string {
  return `t=${t},v1=${signaturePayloadHex(secret, t, body)}`;
}

/** Parses `t=...,v1=...[,v1=...]`; null when malformed. Several v1 values are allowed (secret rotation). */
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
    } else if (k === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(v)) return null;
      v1.push(v.toLowerCase());
    }
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/**
 * Verifies a delivery as a receiver should: a well-formed header, a timestamp within
 * `toleranceSeconds` of `nowSeconds`, and a v1 value equal (in constant time) to the HMAC.
 */
export function verifySignature(
  header: string | undefined, body: string | Buffer, secret: string,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signaturePayloadHex(secret, parsed.t, body), 'hex');
  return parsed.v1.some((v) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
}
