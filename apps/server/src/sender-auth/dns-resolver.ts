/**
 * The DNS lookups of sender authentication: through TEMPMAIL_DNS_SERVERS when set (else the
 * system's resolvers), each with a hard deadline, answers cached. Shaped as
 * `dns.promises.resolve(name, rrtype)`, which is what mailauth calls. A failure keeps node's
 * error code: ENOTFOUND / ENODATA mean "no such record" (cached, briefly), anything else
 * (ETIMEOUT, ECONNREFUSED, ESERVFAIL) is a temporary error mailauth reports as `temperror`
 * (never cached, so a resolver that comes back is used at once).
 */
import { promises as dns } from 'node:dns';

export type DnsAnswer = unknown[];
export type AuthResolver = (name: string, rrtype: string) => Promise<DnsAnswer>;

export interface CachedResolverOptions {
  /** `host:port` resolvers; empty = the system's. */
  servers: string[];
  /** Deadline of one lookup, retries included. */
  timeoutMs: number;
  /** Answers kept at most (0: no cache). */
  maxEntries: number;
  /** How long an answer is kept (node's resolver does not tell the record's TTL). */
  positiveTtlMs?: number;
  /** How long "no such record" is kept. */
  negativeTtlMs?: number;
  now?: () => number;
}

/** Codes that say the record does not exist: an answer, not a failure. */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA']);

interface Entry {
  until: number;
  answer?: DnsAnswer;
  error?: { code: string; message: string };
}

const dnsError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

/** Builds the resolver function; one per process, shared by every check. */
export function cachedResolver(o: CachedResolverOptions): AuthResolver {
  const now = o.now ?? Date.now;
  // Two tries of half the deadline each, and the deadline itself over both.
  const resolver = new dns.Resolver({ timeout: Math.max(25, Math.floor(o.timeoutMs / 2)), tries: 2 });
  if (o.servers.length > 0) resolver.setServers(o.servers);
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<DnsAnswer>>();
  const positiveTtl = o.positiveTtlMs ?? 300_000;
  const negativeTtl = o.negativeTtlMs ?? 60_000;

  const remember = (key: string, entry: Entry) => {
    if (o.maxEntries <= 0) return;
    cache.delete(key);
    cache.set(key, entry);
    // Oldest first out (Map keeps insertion order).
    while (cache.size > o.maxEntries) cache.delete(cache.keys().next().value!);
  };

  const lookup = async (name: string, rrtype: string, key: string): Promise<DnsAnswer> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(dnsError('ETIMEOUT', `DNS ${rrtype} ${name}: no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    });
    try {
      const answer = (await Promise.race([resolver.resolve(name, rrtype), deadline])) as DnsAnswer;
      remember(key, { until: now() + positiveTtl, answer });
      return answer;
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code && NEGATIVE.has(err.code)) remember(key, { until: now() + negativeTtl, error: { code: err.code, message: err.message } });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };

  return (name, rrtype) => {
    const key = `${rrtype.toUpperCase()} ${name.toLowerCase().replace(/\.$/, '')}`;
    const hit = cache.get(key);
    if (hit && hit.until > now()) {
      return hit.error ? Promise.reject(dnsError(hit.error.code, hit.error.message)) : Promise.resolve(hit.answer!);
    }
    if (hit) cache.delete(key);
    let pending = inflight.get(key);
    if (!pending) {
      pending = lookup(name, rrtype, key).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  };
}
