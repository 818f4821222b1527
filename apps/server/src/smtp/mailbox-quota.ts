/**
 * What one mailbox may keep (docs/limits.md): the newest N messages, N from the owner's plan
 * for keyed mailboxes (TEMPMAIL_FREE/PREMIUM_MAX_MESSAGES_PER_MAILBOX) or
 * TEMPMAIL_MAX_MESSAGES_PER_MAILBOX for anonymous ones. (The bytes cap, TEMPMAIL_MAX_MAILBOX_BYTES,
 * is checked by SMTP ingress: a message that would take a mailbox past it is refused.)
 *
 * The ingest pipeline asks for N synchronously, so the owners' plans are cached here: SMTP warms
 * the cache at RCPT time (a miss loads the key list once, throttled), and /v1 authentication
 * keeps it fresh for every key in use. An owner whose plan is unknown gets the free plan's limit.
 */
import type { Config } from '../config/index.js';
import type { Mailbox, Plan } from '../domain/types.js';
import type { ApiKeyStore } from '../ports/store.js';

type QuotaConfig = Pick<Config, 'maxMessagesPerMailbox' | 'plans'>;

/** Minimum time between two loads of the key list (misses for unknown ids do not hammer the store). */
const MIN_RELOAD_MS = 5000;

export class MailboxQuota {
  private readonly plans = new Map<string, { plan: Plan; at: number }>();
  private loading: Promise<void> | null = null;
  private lastLoad = -Infinity;

  constructor(
    private readonly keys: Pick<ApiKeyStore, 'list'>,
    private readonly config: QuotaConfig,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a key's plan as just seen (from /v1 authentication). */
  remember(keyId: string, plan: Plan): void {
    this.plans.set(keyId, { plan, at: this.now() });
  }

  /** Makes sure the owner's plan is known: waits only when it is unknown, refreshes a stale one in the background. */
  async warm(mailbox: Mailbox): Promise<void> {
    const id = mailbox.ownerKeyId;
    if (!id) return;
    const entry = this.plans.get(id);
    if (entry && this.now() - entry.at < this.ttlMs) return;
    const load = this.reload();
    if (!entry) await load;
  }

  /** The owner's plan, or null (anonymous mailbox, or owner unknown). */
  planOf(mailbox: Mailbox): Plan | null {
    return mailbox.ownerKeyId ? this.plans.get(mailbox.ownerKeyId)?.plan ?? null : null;
  }

  /** Messages a mailbox keeps (older ones are dropped as new ones arrive); 0 = no limit. */
  keepNewest(mailbox: Mailbox): number {
    if (!mailbox.ownerKeyId) return this.config.maxMessagesPerMailbox;
    return this.config.plans[this.planOf(mailbox) ?? 'free'].messagesPerMailbox;
  }

  private reload(): Promise<void> {
    if (this.loading) return this.loading;
    if (this.now() - this.lastLoad < MIN_RELOAD_MS) return Promise.resolve();
    this.loading = (async () => {
      try {
        const all = await this.keys.list();
        const at = this.now();
        for (const k of all) this.plans.set(k.id, { plan: k.plan, at });
      } catch {
        /* keep what we have; unknown owners get the free plan's limits */
      } finally {
        this.lastLoad = this.now();
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
