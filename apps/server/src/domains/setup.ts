/**
 * Wires custom domains into the service (called from main.ts): the service, its background
 * re-check job, the /v1/domains.php routes, and the hooks SMTP and /v1/generate_email.php use.
 * When the store has no DomainStore the feature is off: only configured domains receive mail
 * and /v1/domains.php answers 503.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Mailbox } from '../domain/types.js';
import type { HttpContext } from '../http/context.js';
import { domainRoutes } from '../http/routes/domains.js';
import type { Clock } from '../ports/clock.js';
import type { DomainStatus } from '../ports/domain-store.js';
import type { Store } from '../ports/store.js';
import { DomainRecheckJob } from './domain-recheck-job.js';
import { DomainService } from './domain-service.js';
import { DnsMxChecker, type MxChecker } from './mx-verifier.js';

export interface CustomDomains {
  /** Null when the storage backend has no custom-domain support. */
  service: DomainService | null;
  /** For buildHttpApp's `extraRoutes`. */
  routes: (app: FastifyInstance, ctx: HttpContext) => void;
  /** SMTP: true for our configured domains and for verified custom domains. */
  acceptsDomain(domain: string): Promise<boolean>;
  /**
   * SMTP: the mailbox if it may receive now (configured domain, or a verified custom domain
   * owned by the mailbox's key), else null.
   */
  deliverable(mailbox: Mailbox | null): Promise<Mailbox | null>;
  /** HttpContext.domainsFor: configured domains plus the key's verified custom ones. */
  domainsFor(keyId: string | null): Promise<string[]>;
  /** HttpContext.domainStatus: a custom domain's state for a key, or null when not the key's. */
  domainStatus(keyId: string, domain: string): Promise<DomainStatus | null>;
  start(): void;
  stop(): Promise<void>;
}

/** Builds the custom-domain pieces; `checker` replaces the DNS lookups (tests). */
export function setupCustomDomains(config: Config, store: Store, clock: Clock, log: Logger, checker?: MxChecker): CustomDomains {
  const own = new Set(config.domains);
  const c = config.customDomains;
  const service = store.domains
    ? new DomainService(
      { store: store.domains, checker: checker ?? new DnsMxChecker(config.mxHost, config.dnsServers, c.dnsTimeoutMs), clock, log },
      { mxHost: config.mxHost, ownDomains: config.domains, ...c },
    )
    : null;
  const job = service ? new DomainRecheckJob(service, log, DomainRecheckJob.intervalFor(c.recheckMs, c.verifiedRecheckMs)) : null;
  if (!service) log.warn({ store: store.kind }, 'custom domains are not supported by this store; only configured domains receive mail');

  return {
    service,
    routes: domainRoutes(service),
    acceptsDomain: async (domain) => own.has(domain) || (service !== null && (await service.acceptsDomain(domain))),
    async deliverable(mailbox) {
      if (!mailbox) return null;
      const domain = mailbox.address.slice(mailbox.address.lastIndexOf('@') + 1);
      if (own.has(domain)) return mailbox;
      return service && (await service.mayReceive(domain, mailbox.ownerKeyId)) ? mailbox : null;
    },
    async domainsFor(keyId) {
      if (!service || keyId === null) return [...config.domains];
      return [...config.domains, ...(await service.verifiedFor(keyId))];
    },
    domainStatus: async (keyId, domain) => (service ? service.statusFor(keyId, domain) : null),
    start() {
      if (!job) return;
      job.start();
      void job.runOnce();
    },
    stop: async () => job?.stop(),
  };
}
