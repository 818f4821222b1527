/**
 * Which IP addresses a webhook may reach. Default deny for everything that is not globally
 * routable unicast: loopback, RFC 1918, link-local (and cloud metadata), CGNAT, unspecified,
 * multicast, broadcast, documentation and benchmarking ranges, IPv6 unique-local, site-local,
 * and the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are judged by the
 * embedded address. Teredo is refused outright. TEMPMAIL_WEBHOOK_ALLOW_HOSTS opens chosen
 * hosts or CIDRs (intranets, tests).
 */
import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Addr, number];

/** A verdict on one address. */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

const cidr = (text: string): Cidr => ipaddr.parseCIDR(text);

/** IPv4 ranges no webhook may reach (first match names the reason). */
const V4_BLOCKED: Array<[Cidr, string]> = [
  [cidr('0.0.0.0/8'), 'unspecified ("this network")'],
  [cidr('10.0.0.0/8'), 'private (RFC 1918)'],
  [cidr('100.64.0.0/10'), 'carrier-grade NAT (RFC 6598)'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.169.254/32'), 'cloud metadata'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('172.16.0.0/12'), 'private (RFC 1918)'],
  [cidr('192.0.0.0/24'), 'IETF protocol assignments'],
  [cidr('192.0.2.0/24'), 'documentation'],
  [cidr('192.88.99.0/24'), '6to4 relay anycast'],
  [cidr('192.168.0.0/16'), 'private (RFC 1918)'],
  [cidr('198.18.0.0/15'), 'benchmarking'],
  [cidr('198.51.100.0/24'), 'documentation'],
  [cidr('203.0.113.0/24'), 'documentation'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('240.0.0.0/4'), 'reserved'],
];

/** IPv6 ranges no webhook may reach (checked after the embedded-IPv4 forms). */
const V6_BLOCKED: Array<[Cidr, string]> = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('fd00:ec2::254/128'), 'cloud metadata'],
  [cidr('fc00::/7'), 'unique-local'],
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'site-local'],
  [cidr('ff00::/8'), 'multicast'],
  [cidr('64:ff9b:1::/48'), 'local-use NAT64'],
  [cidr('100::/64'), 'discard-only'],
  [cidr('2001::/32'), 'Teredo'],
  [cidr('2001::/23'), 'IETF protocol assignments'],
  [cidr('2001:db8::/32'), 'documentation'],
  [cidr('3fff::/20'), 'documentation'],
];

const GLOBAL_UNICAST_V6 = cidr('2000::/3');

/** IPv6 forms that carry an IPv4 address: where it sits in the 16 bytes. */
const V6_EMBEDDING: Array<{ range: Cidr; name: string; at: number }> = [
  { range: cidr('::ffff:0:0/96'), name: 'IPv4-mapped', at: 12 },
  { range: cidr('::ffff:0:0:0/96'), name: 'IPv4-translated', at: 12 },
  { range: cidr('64:ff9b::/96'), name: 'NAT64', at: 12 },
  { range: cidr('2002::/16'), name: '6to4', at: 2 },
];

const inRange = (addr: Addr, [range, bits]: Cidr) => addr.kind() === range.kind() && addr.match(range, bits);

function checkV4(addr: ipaddr.IPv4): AddressVerdict {
  for (const [range, reason] of V4_BLOCKED) if (inRange(addr, range)) return { allowed: false, reason };
  return { allowed: true };
}

/** The IPv4 address an IPv6 address embeds (mapped, translated, NAT64, 6to4), with its form. */
export function embeddedIPv4(addr: ipaddr.IPv6): { v4: ipaddr.IPv4; form: string } | null {
  for (const e of V6_EMBEDDING) {
    if (inRange(addr, e.range)) {
      const bytes = addr.toByteArray();
      return { v4: new ipaddr.IPv4(bytes.slice(e.at, e.at + 4)), form: e.name };
    }
  }
  return null;
}

/** Parses an address (IPv4 in any form ipaddr.js knows, or IPv6); null when it is not one. */
export function parseAddress(text: string): Addr | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return null;
  try {
    return ipaddr.parse(bare);
  } catch {
    return null;
  }
}

/** Judges one address by the built-in policy alone (no allow list). */
export function classifyAddress(address: string | Addr): AddressVerdict {
  const addr = typeof address === 'string' ? parseAddress(address) : address;
  if (!addr) return { allowed: false, reason: 'not an IP address' };
  if (addr.kind() === 'ipv4') return checkV4(addr as ipaddr.IPv4);
  const v6 = addr as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    const inner = checkV4(embedded.v4);
    return inner.allowed ? inner : { allowed: false, reason: `${embedded.form} form of ${embedded.v4.toString()}: ${inner.reason}` };
  }
  for (const [range, reason] of V6_BLOCKED) if (inRange(v6, range)) return { allowed: false, reason };
  if (!inRange(v6, GLOBAL_UNICAST_V6)) return { allowed: false, reason: 'not global unicast' };
  return { allowed: true };
}

/** TEMPMAIL_WEBHOOK_ALLOW_HOSTS: host names (exact) and addresses or CIDRs that webhooks may reach anyway. */
export class AllowList {
  private constructor(private readonly hosts: Set<string>, private readonly ranges: Cidr[]) {}

  /** Parses the list; throws an Error naming the first entry that is neither a host nor a CIDR. */
  static parse(entries: string[]): AllowList {
    const hosts = new Set<string>();
    const ranges: Cidr[] = [];
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      if (entry.includes('/')) {
        try {
          ranges.push(ipaddr.parseCIDR(entry));
        } catch {
          throw new Error(`"${raw}" is not a CIDR`);
        }
        continue;
      }
      const addr = parseAddress(entry);
      if (addr) {
        ranges.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
      } else if (/^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/.test(entry)) {
        hosts.add(entry.replace(/\.$/, ''));
      } else {
        throw new Error(`"${raw}" is neither a host name nor an IP address or CIDR`);
      }
    }
    return new AllowList(hosts, ranges);
  }

  /** True when the URL's host name itself is listed (whatever it resolves to). */
  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  /** True when the address (or the IPv4 address it embeds) lies in a listed range. */
  allowsAddress(address: string | Addr): boolean {
    if (this.ranges.length === 0) return false;
    const addr = typeof address === 'string' ? parseAddress(address) : address;
    if (!addr) return false;
    const candidates: Addr[] = [addr];
    if (addr.kind() === 'ipv6') {
      const embedded = embeddedIPv4(addr as ipaddr.IPv6);
      if (embedded) candidates.push(embedded.v4);
    }
    return candidates.some((a) => this.ranges.some((r) => inRange(a, r)));
  }
}

/** Judges an address of a host under the policy and the allow list. */
export function checkAddress(address: string, hostname: string, allow: AllowList): AddressVerdict {
  if (allow.allowsHost(hostname) || allow.allowsAddress(address)) return { allowed: true };
  return classifyAddress(address);
}
