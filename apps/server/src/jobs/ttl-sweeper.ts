/**
 * Purges expired mailboxes (rows, attachments, outbox), has every node forget them, and
 * destroys the key-encryption keys of epochs that have ended. Safe on many nodes at once:
 * deletes and mailbox-gone notices are idempotent and a KEK is destroyed only after its
 * epoch's last mailbox expired.
 */
import type { Logger } from 'pino';
import type { KeyService } from '../crypto/key-service.js';
import type { MailboxGoneAnnouncer } from '../mailbox/mailbox-gone.js';
import { type Metrics, noMetrics } from '../metrics/metrics.js';
import type { ReceiptService } from '../receipts/receipt-service.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';

const BATCH = 500;

export class TtlSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly keys: KeyService,
    private readonly gone: MailboxGoneAnnouncer,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly intervalMs: number,
    private readonly metrics: Metrics = noMetrics,
    /** Issues a receipt for each mailbox purged and each epoch KEK destroyed (absent: none). */
    private readonly receipts?: ReceiptService,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One sweep; concurrent calls share the sweep in progress. */
  runOnce(): Promise<void> {
    this.running ??= this.sweep().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweep(): Promise<void> {
    try {
      const now = this.clock.now();
      let purged = 0;
      /** How long ago the longest-expired mailbox found expired: how far behind the sweeps are. */
      let lagMs = 0;
      for (;;) {
        const expired = await this.store.mailboxes.listExpired(now, BATCH);
        for (const mailbox of expired) {
          lagMs = Math.max(lagMs, now - mailbox.expiresAt);
          const messages = this.receipts ? (await this.store.messages.usage(mailbox.id)).count : 0;
          // Only the node whose delete removed the row issues its receipt (sweeps may overlap).
          const removed = await this.store.mailboxes.delete(mailbox.id);
          await this.gone.announce({ mailboxId: mailbox.id, reason: 'expired' });
          if (removed) await this.receipts?.mailboxGone(mailbox, 'expired', messages, this.clock.now());
        }
        purged += expired.length;
        if (expired.length < BATCH) break;
      }
      const destroyed = await this.keys.destroyEndedEpochs(now);
      if (destroyed.length > 0) await this.receipts?.epochsDestroyed(destroyed, this.clock.now());
      this.metrics.sweep(true, lagMs, purged, destroyed.length);
      if (purged || destroyed.length) this.log.info({ purged, destroyedEpochKeys: destroyed.length }, 'ttl sweep');
    } catch (err) {
      this.metrics.sweep(false, 0, 0, 0);
      this.log.error({ err: { message: (err as Error).message } }, 'ttl sweep failed');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
