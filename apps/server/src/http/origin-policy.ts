/**
 * Which browser origins may use the API and open live connections. Decided from configuration
 * (TEMPMAIL_PUBLIC_URL, TEMPMAIL_ALLOWED_ORIGINS), scheme included, never from the Host header
 * a client chooses. Programs send no Origin and no Sec-Fetch-Site and are let in.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** scheme://host[:port] of a URL or origin string, or null when it is not one. */
export function originOf(value: string): string | null {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

export class OriginPolicy {
  private readonly allowed: Set<string>;

  /** `own`: the service's origins; `extra`: TEMPMAIL_ALLOWED_ORIGINS. Both already normalised by originOf. */
  constructor(own: string[], extra: string[]) {
    this.allowed = new Set([...own, ...extra]);
  }

  /** True when `origin` (an Origin header) is the service's own or listed. */
  allows(origin: string): boolean {
    const o = originOf(origin);
    return o !== null && this.allowed.has(o);
  }

  /**
   * True when a browser sends this request from a page of another origin that is not allowed.
   * Sec-Fetch-Site (set by the browser, not by the page) covers requests without an Origin,
   * such as a plain GET from an <img> or a no-cors fetch.
   */
  refuses(headers: IncomingHttpHeaders): boolean {
    const site = headers['sec-fetch-site'];
    if (site === 'same-origin') return false;
    const origin = headers.origin;
    if (typeof origin === 'string' && origin !== '') return !this.allows(origin);
    return site === 'cross-site' || site === 'same-site';
  }

  /** The Access-Control-Allow-Origin value for a request, or null (no CORS header at all). */
  corsOrigin(headers: IncomingHttpHeaders): string | null {
    const origin = headers.origin;
    return typeof origin === 'string' && this.allows(origin) ? originOf(origin) : null;
  }
}

/** The service's own origins: TEMPMAIL_PUBLIC_URL, else the local addresses of its HTTP port. */
export function ownOrigins(publicUrl: string | null, port: number): string[] {
  if (publicUrl) return [originOf(publicUrl)!];
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}
