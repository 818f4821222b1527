/**
 * Looks up a domain's MX records and says whether they point at our MX host. Uses node:dns
 * with the resolvers from TEMPMAIL_DNS_SERVERS (else the system's), with a hard deadline.
 */
import { Resolver } from 'node:dns/promises';
import { canonicalHost } from './domain-name.js';

/**
 * `points-here`: every MX record names our MX host.
 * `not-here`: the name has no MX record (NXDOMAIN / no data), a null MX, or MX records that
 * name other hosts: the customer must change DNS.
 * `unknown`: the lookup failed (SERVFAIL, timeout, refused...): nothing can be concluded.
 */
export type MxVerdict = 'points-here' | 'not-here' | 'unknown';

export interface MxCheckResult {
  verdict: MxVerdict;
  /** What was found, for logs (never shown with secrets; names only). */
  detail: string;
}

/** Anything that can check a domain's MX record (the real resolver, or a fake in tests). */
export interface MxChecker {
  check(domain: string): Promise<MxCheckResult>;
}

export interface MxRecord {
  exchange: string;
  priority: number;
}

/** DNS error codes that mean "the name has no MX record", as opposed to "could not find out". */
const ABSENT_CODES = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * Classifies MX records against `mxHost` (both compared case-insensitively, trailing dot
 * ignored, IDN as punycode). Every record must name our host: with another host beside it,
 * part of the mail would go elsewhere. A null MX (RFC 7505, exchange `.`) means "no mail".
 */
export function classifyMx(records: MxRecord[], mxHost: string): MxCheckResult {
  const ours = canonicalHost(mxHost);
  if (records.length === 0) return { verdict: 'not-here', detail: 'no MX record' };
  const hosts = records.map((r) => canonicalHost(r.exchange));
  if (hosts.some((h) => h === '')) return { verdict: 'not-here', detail: 'null MX record (the domain declares it takes no mail)' };
  const others = [...new Set(hosts.filter((h) => h !== ours))];
  if (others.length === hosts.length) return { verdict: 'not-here', detail: `MX points at ${others.join(', ')}, not at ${ours}` };
  if (others.length > 0) return { verdict: 'not-here', detail: `MX also points at ${others.join(', ')} besides ${ours}` };
  return { verdict: 'points-here', detail: `MX points at ${ours}` };
}

/** Maps a lookup error to a verdict: no such name / no MX data is `not-here`, anything else `unknown`. */
export function classifyDnsError(err: unknown): MxCheckResult {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  if (ABSENT_CODES.has(code)) return { verdict: 'not-here', detail: code === 'ENOTFOUND' ? 'no such domain (NXDOMAIN)' : 'no MX record' };
  return { verdict: 'unknown', detail: `lookup failed (${code})` };
}

/** MX checks through node:dns `Resolver`. */
export class DnsMxChecker implements MxChecker {
  private readonly mxHost: string;

  /**
   * @param servers `IP[:port]` entries (`127.0.0.1:5353`, `[::1]:53`), validated by config
   *   (TEMPMAIL_DNS_SERVERS); empty = the system's resolvers.
   */
  constructor(mxHost: string, private readonly servers: string[], private readonly timeoutMs: number) {
    this.mxHost = canonicalHost(mxHost);
  }

  async check(domain: string): Promise<MxCheckResult> {
    // One resolver per check, so that cancelling a late lookup cancels only this one.
    const resolver = new Resolver({ timeout: Math.max(50, Math.floor(this.timeoutMs / 2)), tries: 2 });
    if (this.servers.length > 0) resolver.setServers(this.servers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(Object.assign(new Error('MX lookup timed out'), { code: 'ETIMEOUT' }));
      }, this.timeoutMs);
    });
    try {
      const records = await Promise.race([resolver.resolveMx(domain), deadline]);
      return classifyMx(records, this.mxHost);
    } catch (err) {
      return classifyDnsError(err);
    } finally {
      clearTimeout(timer);
    }
  }
}
