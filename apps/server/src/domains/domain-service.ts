/**
 * Custom domains for premium keys (issue 8): claim, verify through the MX record, release,
 * and answer "may this domain receive mail?" for SMTP, with a short cache.
 */
import type { Logger } from 'pino';
import { AppError, badRequest, conflict, forbidden, notFound } from '../domain/errors.js';
import type { ApiKeyRecord } from '../domain/types.js';
import type { Clock } from '../ports/clock.js';
import type { CustomDomain, DomainStatus, DomainStore } from '../ports/domain-store.js';
import { canonicalHost, DomainNameError, normaliseDomainName, sameOrNested } from './domain-name.js';
import type { MxChecker } from './mx-verifier.js';
import { nextState, type RecheckTimings } from './status-policy.js';

/** What the API shows for a domain. */
export interface DomainView {
  domain: string;
  status: DomainStatus;
  mx: string;
}

export interface DomainServiceOptions extends RecheckTimings {
  /** Our MX host (TEMPMAIL_MX_HOST): what customers point their MX record at. */
  mxHost: string;
  /** Our own receiving domains: never claimable, nor anything under or above them. */
  ownDomains: string[];
  /** Domains one key may hold (0 = unlimited). */
  maxPerKey: number;
  /** How long an SMTP acceptance answer is reused (default 5 s). */
  cacheMs?: number;
}

export interface DomainServiceDeps {
  store: DomainStore;
  checker: MxChecker;
  clock: Clock;
  log: Logger;
}

interface CacheEntry { at: number; owner: string | null }
const CACHE_MAX_ENTRIES = 10_000;

export class DomainService {
  private readonly mxHost: string;
  private readonly reserved: string[];
  private readonly cacheMs: number;
  private readonly acceptCache = new Map<string, CacheEntry>();
  /** Bumped on every local change, so a lookup that raced with it is not cached. */
  private generation = 0;

  constructor(private readonly deps: DomainServiceDeps, private readonly opts: DomainServiceOptions) {
    this.mxHost = canonicalHost(opts.mxHost);
    this.reserved = [...opts.ownDomains.map(canonicalHost), this.mxHost].filter(Boolean);
    this.cacheMs = opts.cacheMs ?? 5000;
  }

  /** The public shape of a row. */
  view(row: CustomDomain): DomainView {
    return { domain: row.domain, status: row.status, mx: this.mxHost };
  }

  /**
   * Claims `input` for a premium key and checks its MX record once right away (so a domain
   * already pointing at us comes back verified). Claiming one's own domain again is a re-check.
   * 403 for other plans or over the per-key cap, 400 for a bad name, 409 when the domain is
   * ours or another key's.
   */
  async register(key: ApiKeyRecord, input: unknown): Promise<CustomDomain> {
    if (key.plan !== 'premium') throw forbidden('Custom domains need a premium key.');
    const domain = this.parse(input);
    const own = this.reserved.find((r) => sameOrNested(domain, r));
    if (own) throw conflict(`${domain} is one of this service's own domains (or related to ${own}) and cannot be claimed.`);
    const existing = await this.deps.store.get(domain);
    if (existing) {
      if (existing.keyId !== key.id) throw conflict(`${domain} is already claimed by another account.`);
      return existing.status === 'verified' ? existing : this.verify(existing);
    }
    if (this.opts.maxPerKey > 0 && (await this.deps.store.countByKey(key.id)) >= this.opts.maxPerKey) {
      throw forbidden(`A key may hold at most ${this.opts.maxPerKey} custom domains; release one first.`);
    }
    const now = this.deps.clock.now();
    const row: CustomDomain = {
      domain, keyId: key.id, status: 'pending', createdAt: now, checkedAt: null, verifiedAt: null, nextCheckAt: now, failures: 0,
    };
    if (!(await this.deps.store.claim(row))) {
      const winner = await this.deps.store.get(domain);
      if (winner?.keyId !== key.id) throw conflict(`${domain} is already claimed by another account.`);
      return winner;
    }
    this.deps.log.info({ domain }, 'custom domain claimed');
    return this.verify(row);
  }

  /** The key's domains, oldest first. */
  list(keyId: string): Promise<CustomDomain[]> {
    return this.deps.store.listByKey(keyId);
  }

  /** One of the key's domains; 400 for a bad name, 404 when it is not the key's. */
  async getOwn(keyId: string, input: unknown): Promise<CustomDomain> {
    const domain = this.parse(input);
    const row = await this.deps.store.get(domain);
    if (!row || row.keyId !== keyId) throw notFound(`Domain ${domain} is not one of yours.`);
    return row;
  }

  /** Releases one of the key's domains (404 when it is not the key's). Its mailboxes stop receiving. */
  async release(keyId: string, input: unknown): Promise<string> {
    const row = await this.getOwn(keyId, input);
    if (!(await this.deps.store.release(row.domain, keyId))) throw notFound(`Domain ${row.domain} is not one of yours.`);
    this.invalidate(row.domain);
    this.deps.log.info({ domain: row.domain }, 'custom domain released');
    return row.domain;
  }

  /** Checks the MX record now and stores the outcome; returns the row as it is afterwards. */
  async verify(row: CustomDomain): Promise<CustomDomain> {
    const result = await this.deps.checker.check(row.domain);
    const update = nextState(row, result.verdict, this.deps.clock.now(), this.opts);
    const stored = await this.deps.store.recordCheck(row.domain, row.keyId, update);
    if (!stored) return row; // released meanwhile
    if (update.status !== row.status) {
      this.invalidate(row.domain);
      this.deps.log.info({ domain: row.domain, from: row.status, to: update.status, detail: result.detail }, 'custom domain status changed');
    } else if (result.verdict === 'unknown') {
      this.deps.log.warn({ domain: row.domain, detail: result.detail }, 'custom domain MX check failed; status kept');
    } else {
      this.deps.log.debug({ domain: row.domain, detail: result.detail }, 'custom domain checked');
    }
    return { ...row, ...update };
  }

  /** Checks up to `limit` domains whose re-check is due, `concurrency` at a time; returns how many. */
  async checkDue(limit: number, concurrency: number): Promise<number> {
    const due = await this.deps.store.listDue(this.deps.clock.now(), limit);
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const row = due[next++];
        try {
          await this.verify(row);
        } catch (err) {
          this.deps.log.error({ domain: row.domain, err: { message: (err as Error).message } }, 'custom domain check failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return due.length;
  }

  /** The key's verified custom domains (what it may generate addresses on, beside ours). */
  async verifiedFor(keyId: string): Promise<string[]> {
    return (await this.deps.store.listByKey(keyId)).filter((d) => d.status === 'verified').map((d) => d.domain);
  }

  /** A domain's status when `keyId` owns it, else null. Accepts any spelling of the name. */
  async statusFor(keyId: string, input: string): Promise<DomainStatus | null> {
    let domain: string;
    try {
      domain = normaliseDomainName(input);
    } catch {
      return null;
    }
    const row = await this.deps.store.get(domain);
    return row && row.keyId === keyId ? row.status : null;
  }

  /** True when `domain` is a verified custom domain (cached for a few seconds). */
  async acceptsDomain(domain: string): Promise<boolean> {
    return (await this.verifiedOwner(domain)) !== null;
  }

  /**
   * True when a mailbox owned by `ownerKeyId` may receive mail on custom domain `domain`:
   * the domain is verified and belongs to that key (a mailbox left from a released domain
   * must not receive the next owner's mail).
   */
  async mayReceive(domain: string, ownerKeyId: string | null): Promise<boolean> {
    const owner = await this.verifiedOwner(domain);
    return owner !== null && owner === ownerKeyId;
  }

  /** Key id owning `domain` if it is verified, else null; cached `cacheMs`. */
  private async verifiedOwner(domain: string): Promise<string | null> {
    const name = canonicalHost(domain);
    const now = this.deps.clock.now();
    const hit = this.acceptCache.get(name);
    if (hit && now - hit.at < this.cacheMs) return hit.owner;
    const generation = this.generation;
    const row = await this.deps.store.get(name);
    const owner = row && row.status === 'verified' ? row.keyId : null;
    if (generation === this.generation) {
      if (this.acceptCache.size >= CACHE_MAX_ENTRIES) this.acceptCache.clear();
      this.acceptCache.set(name, { at: now, owner });
    }
    return owner;
  }

  private invalidate(domain: string): void {
    this.generation++;
    this.acceptCache.delete(domain);
  }

  private parse(input: unknown): string {
    try {
      return normaliseDomainName(input);
    } catch (e) {
      if (e instanceof DomainNameError) throw badRequest(e.message);
      throw e;
    }
  }
}

/** Thrown by routes when the storage backend has no custom-domain support. */
export const domainsUnavailable = () =>
  new AppError('unavailable', 'Custom domains are not available with this storage backend yet.');
