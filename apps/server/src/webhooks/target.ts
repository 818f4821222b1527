/**
 * From a webhook URL to the one address a delivery may connect to. The URL is parsed the
 * WHATWG way (which turns `http://2130706433/`, `http://0x7f000001/`, `http://0177.0.0.1/` and
 * `http://127.1/` into `127.0.0.1`), the host is resolved, and every address it resolves to
 * must pass the SSRF policy (ssrf.ts); the delivery is then pinned to the checked address.
 */
import { lookup } from 'node:dns/promises';
import { parseAddress, checkAddress, type AllowList } from './ssrf.js';

/** A URL that may not be a webhook (the message says why; it is shown to the API user). */
export class UrlRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlRefused';
  }
}

/** Where one delivery goes: the URL's host name (for Host and SNI) and the checked address. */
export interface WebhookTarget {
  url: URL;
  /** Host name as in the URL, without IPv6 brackets. */
  hostname: string;
  port: number;
  secure: boolean;
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const MAX_URL_LENGTH = 2048;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every address, in the system's order. */
export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Parses and normalises a webhook URL; throws UrlRefused for anything but plain http(s) URLs. */
export function parseWebhookUrl(input: unknown): URL {
  if (typeof input !== 'string' || input.trim() === '') throw new UrlRefused('url is missing.');
  const text = input.trim();
  if (text.length > MAX_URL_LENGTH) throw new UrlRefused(`url is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UrlRefused('url is not a valid absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlRefused('url must use http or https.');
  if (url.username || url.password) {
    throw new UrlRefused('url must not contain credentials; verify deliveries with the X-TempMail-Signature header instead.');
  }
  if (!url.hostname) throw new UrlRefused('url has no host.');
  url.hash = '';
  return url;
}

interface CacheEntry { addresses: Array<{ address: string; family: number }>; expires: number }

/** Checks URLs against the SSRF policy and picks the address to pin each delivery to. */
export class TargetPolicy {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly allow: AllowList,
    private readonly resolver: Resolver = systemResolver,
    private readonly options: { dnsTimeoutMs: number; cacheMs: number; cacheSize: number } = { dnsTimeoutMs: 5000, cacheMs: 30_000, cacheSize: 1000 },
  ) {}

  /**
   * Resolves the URL's host and checks every address. `fresh` skips the short DNS cache (used at
   * registration). Throws UrlRefused with a message fit for the API user.
   */
  async resolve(input: string | URL, fresh = false): Promise<WebhookTarget> {
    const url = typeof input === 'string' ? parseWebhookUrl(input) : input;
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const literal = parseAddress(hostname);
    const addresses = literal ? [{ address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 }] : await this.lookup(hostname, fresh);
    if (addresses.length === 0) throw new UrlRefused(`url host ${hostname} does not resolve to any address.`);
    for (const a of addresses) {
      const verdict = checkAddress(a.address, hostname, this.allow);
      if (!verdict.allowed) {
        const shown = literal ? hostname : `${hostname} (${a.address})`;
        throw new UrlRefused(`url host ${shown} is not allowed (${verdict.reason} address): webhooks may only reach public addresses; operators can allow hosts with TEMPMAIL_WEBHOOK_ALLOW_HOSTS.`);
      }
    }
    const first = addresses[0];
    return {
      url, hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      secure: url.protocol === 'https:',
      address: first.address,
      family: first.family === 6 ? 6 : 4,
    };
  }

  private async lookup(hostname: string, fresh: boolean): Promise<Array<{ address: string; family: number }>> {
    const key = hostname.toLowerCase();
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now && !fresh) return hit.addresses;
    let timer: NodeJS.Timeout | undefined;
    try {
      const addresses = await Promise.race([
        this.resolver(hostname),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new UrlRefused(`url host ${hostname} did not resolve in time.`)), this.options.dnsTimeoutMs);
        }),
      ]);
      if (this.cache.size >= this.options.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.delete(key);
      this.cache.set(key, { addresses, expires: now + this.options.cacheMs });
      return addresses;
    } catch (e) {
      if (e instanceof UrlRefused) throw e;
      throw new UrlRefused(`url host ${hostname} does not resolve (${(e as NodeJS.ErrnoException).code ?? 'lookup failed'}).`);
    } finally {
      clearTimeout(timer);
    }
  }
}
