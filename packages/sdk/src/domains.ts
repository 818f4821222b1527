/** `client.domains`: custom receiving domains (premium keys). */
import type { HttpTransport } from './http.js';
import type { Deleted, Domain } from './types.js';

/** Custom-domain calls of a keyed client. */
export class Domains {
  constructor(private readonly http: HttpTransport) {}

  /** Claims `domain` for this key (the server checks its MX record once right away). */
  create(domain: string): Promise<Domain> {
    return this.http.json({ method: 'POST', path: '/v1/domains.php', form: { domain } });
  }

  /** The key's domains, oldest first; `verify: true` re-checks every MX record first. */
  list(opts: { verify?: boolean } = {}): Promise<Domain[]> {
    return this.http.json({ method: 'GET', path: '/v1/domains.php', query: { verify: opts.verify ? 1 : undefined } });
  }

  /** One of the key's domains (404 when it is not the key's); `verify: true` checks its MX record now. */
  get(domain: string, opts: { verify?: boolean } = {}): Promise<Domain> {
    return this.http.json({ method: 'GET', path: '/v1/domains.php', query: { domain, verify: opts.verify ? 1 : undefined } });
  }

  /** Checks the domain's MX record now and answers its new status. */
  verify(domain: string): Promise<Domain> {
    return this.get(domain, { verify: true });
  }

  /** Releases the domain: its addresses stop receiving mail. */
  delete(domain: string): Promise<Deleted & { domain: string }> {
    return this.http.json({ method: 'DELETE', path: '/v1/domains.php', query: { domain } });
  }
}
