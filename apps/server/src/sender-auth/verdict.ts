/**
 * mailauth's results -> the service's `authentication` shape (domain/types.ts). Pure; also
 * builds the all-`temperror` verdict of a message whose checks could not finish.
 */
import type { MailauthResult } from 'mailauth';
import type { AuthenticationResults, AuthResult } from '../domain/types.js';

const RESULTS = new Set<AuthResult>(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);

function result(value: string | undefined, fallback: AuthResult = 'none'): AuthResult {
  const v = (value ?? '').toLowerCase() as AuthResult;
  return RESULTS.has(v) ? v : fallback;
}

const lower = (d: string | undefined | null): string | null => (d ? d.toLowerCase().replace(/\.$/, '') : null);

/** The domains a message is authenticated for, DMARC's From domain first, without repeats. */
function verifiedDomains(dmarc: AuthenticationResults['dmarc'], dkim: AuthenticationResults['dkim']): string[] {
  const out = new Set<string>();
  if (dmarc.result === 'pass' && dmarc.domain) out.add(dmarc.domain);
  for (const sig of dkim) if (sig.result === 'pass' && sig.domain) out.add(sig.domain);
  return [...out];
}

/** Maps one authenticate() answer; `clientIp` is what SPF was checked for. */
export function toVerdict(r: MailauthResult, clientIp: string | null, fromDomain: string | null): AuthenticationResults {
  const spf = r.spf || undefined;
  const dmarcRaw = r.dmarc || undefined;
  const arc = r.arc || undefined;
  // A message without any signature gets one placeholder entry (dkim=none, no domain): not a signature.
  const dkim = (r.dkim?.results ?? [])
    .filter((s) => s.signingDomain || result(s.status?.result) !== 'none')
    .map((s) => ({
      result: result(s.status?.result, 'permerror'),
      domain: lower(s.signingDomain),
      selector: s.selector ?? null,
      aligned: Boolean(s.status?.aligned),
    }));
  const dmarc: AuthenticationResults['dmarc'] = {
    result: result(dmarcRaw?.status?.result),
    // The From header's own domain (what DMARC authenticates when it passes); mailauth reports
    // the organisational domain, whose record it read.
    domain: lower(fromDomain ?? dmarcRaw?.status?.header?.from ?? dmarcRaw?.domain),
    policy: dmarcRaw?.policy || dmarcRaw?.p || null,
    spf_aligned: Boolean(dmarcRaw?.alignment?.spf?.result),
    dkim_aligned: Boolean(dmarcRaw?.alignment?.dkim?.result),
  };
  return {
    spf: { result: result(spf?.status?.result), domain: lower(spf?.domain), client_ip: clientIp },
    dkim,
    dmarc,
    arc: { result: result(arc?.status?.result) },
    verified_domains: verifiedDomains(dmarc, dkim),
  };
}

/** The verdict of a message whose checks could not be made (DNS away, deadline passed, queue full). */
export function temperrorVerdict(clientIp: string | null, fromDomain: string | null): AuthenticationResults {
  return {
    spf: { result: 'temperror', domain: null, client_ip: clientIp },
    dkim: [],
    dmarc: { result: 'temperror', domain: lower(fromDomain), policy: null, spf_aligned: false, dkim_aligned: false },
    arc: { result: 'temperror' },
    verified_domains: [],
  };
}

/** True when `domain` is `wanted` or one of its subdomains (both lower-case). */
export function domainMatches(domain: string, wanted: string): boolean {
  return domain === wanted || domain.endsWith(`.${wanted}`);
}
