/** The client's IP: the socket's peer, or X-Forwarded-For when the peer is a trusted proxy. */
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';

export type TrustCheck = (ip: string) => boolean;

/**
 * Memoises a pure function of an address string: every request would otherwise parse its
 * client's address (twice with per-address rate limits on). Bounded; emptied when full.
 */
function perAddress(fn: (ip: string) => string, max = 4096): (ip: string) => string {
  const results = new Map<string, string>();
  return (ip) => {
    let result = results.get(ip);
    if (result === undefined) {
      if (results.size >= max) results.clear();
      results.set(ip, (result = fn(ip)));
    }
    return result;
  };
}

/** Builds a matcher for a list of CIDRs or addresses (TEMPMAIL_TRUST_PROXY and the like). */
export function cidrMatcher(entries: string[]): TrustCheck {
  const ranges = entries.map((e) => {
    try {
      return e.includes('/') ? ipaddr.parseCIDR(e) : ([ipaddr.parse(e), ipaddr.parse(e).kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number]);
    } catch {
      throw new Error(`"${e}" is not an IP address or CIDR`);
    }
  });
  return (ip: string) => {
    if (ranges.length === 0) return false;
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(ip);
    } catch {
      return false;
    }
    return ranges.some(([range, bits]) => addr.kind() === range.kind() && addr.match(range, bits));
  };
}

/**
 * The key per-address limits count under: an IPv4 address as it is, an IPv6 address by its /64
 * (one subscriber usually holds a whole /64, so counting single IPv6 addresses would let one
 * client use 2^64 of them). IPv4-mapped IPv6 addresses count as IPv4.
 */
export function addressKey(ip: string | undefined): string {
  return ip ? addressKeyOf(ip) : 'unknown';
}

const addressKeyOf = perAddress((ip) => {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return ip;
  }
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
});

/** An address in its canonical form (IPv4-mapped IPv6 as IPv4), or as given when it is not one. */
const normalise = perAddress((ip) => {
  try {
    return ipaddr.process(ip).toString();
  } catch {
    return ip;
  }
});

/** Walks X-Forwarded-For from the right, skipping trusted proxies; the first untrusted hop is the client. */
export function clientIp(peer: string, forwardedFor: string | string[] | undefined, trusted: TrustCheck): string {
  let ip = normalise(peer);
  if (!trusted(ip) || !forwardedFor) return ip;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!ipaddr.isValid(hops[i])) break;
    ip = normalise(hops[i]);
    if (!trusted(ip)) break;
  }
  return ip;
}

/**
 * The browser key the per-browser cap counts under: the client's address key and a digest of
 * the id the page keeps in localStorage (X-TempMail-Client), so people behind one NAT address
 * are counted apart. The id is only a label (anyone may send any): the per-address cap stays the
 * ceiling for the whole address. Callers without a valid id share one key per address.
 */
export function browserKey(addressKeyOfClient: string, clientId: unknown): string {
  const id = typeof clientId === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(clientId)
    ? createHash('sha256').update(clientId).digest('base64url').slice(0, 22)
    : '-';
  return `${addressKeyOfClient}#${id}`;
}
