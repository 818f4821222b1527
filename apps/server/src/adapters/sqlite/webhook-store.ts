/** Webhook registrations, outbox leasing and the delivery log on the embedded SQLite store. */
import type { MessageEventName } from '../../domain/types.js';
import type {
  ClaimQuery, DeliveryAttempt, DeliveryOutcome, OutboxClaim, Settlement, WebhookRecord, WebhookStore,
} from '../../ports/webhook-store.js';
import type { Db } from './database.js';
import { GroupCommitter } from './group-commit.js';

interface WebhookRow {
  id: string; mailbox_id: string; url: string; sealed_secret: Buffer; created_at: number;
  disabled_at: number | null; disabled_reason: string | null;
}

const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id, mailboxId: r.mailbox_id, url: r.url, sealedSecret: r.sealed_secret, createdAt: r.created_at,
  disabledAt: r.disabled_at, disabledReason: r.disabled_reason,
});

interface AttemptRow {
  webhook_id: string; message_id: string; attempt: number; at: number; status_code: number | null;
  latency_ms: number | null; error: string | null; outcome: DeliveryOutcome;
}

interface ClaimRow {
  id: string; webhook_id: string; message_id: string; mailbox_id: string; event: MessageEventName; attempts: number;
  next_attempt_at: number; url: string; sealed_secret: Buffer;
}

interface PendingSettle { outboxId: string; settlement: Settlement; attempt: DeliveryAttempt | null; keep: number }

/**
 * Runs `fn` (one transaction) with `synchronous = NORMAL`: committed, but not fsynced on its
 * own. For delivery bookkeeping only (leases, settlements): losing one to a power cut means a
 * delivery is repeated, which at-least-once allows; the next FULL commit (any message insert)
 * syncs these WAL frames too. Registrations and deletions stay FULL. Saves an fsync (~ms of
 * blocked event loop) per claim and per settlement on the hot path.
 */
function relaxed<T>(db: Db, fn: () => T): T {
  const previous = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma(`synchronous = ${previous}`);
  }
}

/**
 * SQLite implementation of WebhookStore. better-sqlite3 is synchronous and SQLite has one
 * writer, so a claim (select + lease update in one IMMEDIATE transaction) is exclusive.
 * Settlements arriving in the same event-loop turn share one transaction.
 */
export class SqliteWebhookStore implements WebhookStore {
  private readonly settler: GroupCommitter<PendingSettle>;
  private readonly claimTx: (q: ClaimQuery) => OutboxClaim[];

  constructor(private readonly db: Db) {
    const selectDue = db.prepare(`SELECT o.id, o.webhook_id, o.message_id, o.mailbox_id, o.event, o.attempts, o.next_attempt_at,
        w.url, w.sealed_secret
      FROM outbox o JOIN webhooks w ON w.id = o.webhook_id
      WHERE o.next_attempt_at <= ? AND w.disabled_at IS NULL
        AND o.webhook_id NOT IN (SELECT value FROM json_each(?))
      ORDER BY o.next_attempt_at LIMIT ?`);
    const lease = db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?');
    this.claimTx = (q) => relaxed(db, () => db.transaction(() => {
      const rows = selectDue.all(q.now, JSON.stringify(q.excludeWebhookIds), q.limit) as ClaimRow[];
      for (const r of rows) lease.run(q.leaseUntil, r.id);
      return rows.map((r) => ({
        id: r.id, webhookId: r.webhook_id, messageId: r.message_id, mailboxId: r.mailbox_id, event: r.event, attempts: r.attempts,
        dueAt: r.next_attempt_at, url: r.url, sealedSecret: r.sealed_secret,
      }));
    }).immediate());

    const deleteRow = db.prepare('DELETE FROM outbox WHERE id = ?');
    const retryRow = db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?');
    const disable = db.prepare('UPDATE webhooks SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL');
    const dropRowsOf = db.prepare('DELETE FROM outbox WHERE webhook_id = ?');
    const log = db.prepare(`INSERT INTO webhook_deliveries (webhook_id, message_id, attempt, at, status_code, latency_ms, error, outcome)
      SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?)`);
    const trim = db.prepare(`DELETE FROM webhook_deliveries WHERE webhook_id = ? AND seq <= (
      SELECT seq FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`);
    const writeBatch = db.transaction((items: PendingSettle[]) => {
      for (const { outboxId, settlement: s, attempt: a, keep } of items) {
        if (s.kind === 'done') deleteRow.run(outboxId);
        else if (s.kind === 'retry') retryRow.run(s.at, outboxId);
        else {
          disable.run(s.at, s.reason, s.webhookId);
          dropRowsOf.run(s.webhookId);
          deleteRow.run(outboxId);
        }
        if (a) {
          log.run(a.webhookId, a.messageId, a.attempt, a.at, a.statusCode, a.latencyMs, a.error, a.outcome, a.webhookId);
          trim.run(a.webhookId, a.webhookId, Math.max(1, keep));
        }
      }
    });
    this.settler = new GroupCommitter((items) => relaxed(db, () => writeBatch.immediate(items)));
  }

  async create(w: WebhookRecord): Promise<void> {
    this.db.prepare(`INSERT INTO webhooks (id, mailbox_id, url, sealed_secret, created_at, disabled_at, disabled_reason)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(w.id, w.mailboxId, w.url, w.sealedSecret, w.createdAt, w.disabledAt, w.disabledReason);
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const r = this.db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookRow | undefined;
    return r ? toWebhook(r) : null;
  }

  async listByMailbox(mailboxId: string): Promise<WebhookRecord[]> {
    const rows = this.db.prepare('SELECT * FROM webhooks WHERE mailbox_id = ? ORDER BY created_at, id').all(mailboxId) as WebhookRow[];
    return rows.map(toWebhook);
  }

  async activeIds(mailboxId: string): Promise<string[]> {
    const rows = this.db.prepare('SELECT id FROM webhooks WHERE mailbox_id = ? AND disabled_at IS NULL').all(mailboxId) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = this.db.transaction(() => {
      this.db.prepare('DELETE FROM outbox WHERE webhook_id = ?').run(id);
      return this.db.prepare('DELETE FROM webhooks WHERE id = ?').run(id); // its delivery log cascades
    }).immediate();
    return changes > 0;
  }

  async recentAttempts(webhookId: string, limit: number): Promise<DeliveryAttempt[]> {
    const rows = this.db.prepare(`SELECT webhook_id, message_id, attempt, at, status_code, latency_ms, error, outcome
      FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?`).all(webhookId, limit) as AttemptRow[];
    return rows.map((r) => ({
      webhookId: r.webhook_id, messageId: r.message_id, attempt: r.attempt, at: r.at, statusCode: r.status_code,
      latencyMs: r.latency_ms, error: r.error, outcome: r.outcome,
    }));
  }

  async claimDue(query: ClaimQuery): Promise<OutboxClaim[]> {
    if (query.limit <= 0) return [];
    return this.claimTx(query);
  }

  async backlog(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  }

  async release(outboxId: string, dueAt: number): Promise<void> {
    relaxed(this.db, () => this.db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(dueAt, outboxId));
  }

  settle(outboxId: string, settlement: Settlement, attempt: DeliveryAttempt | null, keepAttempts: number): Promise<void> {
    return this.settler.submit({ outboxId, settlement, attempt, keep: keepAttempts });
  }
}
