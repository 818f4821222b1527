/**
 * Purges expired mailboxes (rows, attachments, outbox), has every node forget them, and
 * destroys the key-encryption keys of epochs that have ended. Safe on many nodes at once:
 * deletes and mailbox-gone notices are idempotent and a KEK is destroyed only after its
 * epoch's last mailbox expired.
 */
import type { Logger } from 'pino';
import type { KeyService } from '../crypto/key-service.js';
import type { MailboxGoneAnnouncer } from '../mailbox/mailbox-gone.js';
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
      for (;;) {
        const expired = await this.store.mailboxes.listExpired(now, BATCH);
        for (const mailbox of expired) {
          await this.store.mailboxes.delete(mailbox.id);
          await this.gone.announce({ mailboxId: mailbox.id, reason: 'expired' });
        }
        purged += expired.length;
        if (expired.length < BATCH) break;
      }
      const destroyed = await this.keys.destroyEndedEpochs(now);
      if (purged || destroyed) this.log.info({ purged, destroyedEpochKeys: destroyed }, 'ttl sweep');
    } catch (err) {
      this.log.error({ err: { message: (err as Error).message } }, 'ttl sweep failed');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
