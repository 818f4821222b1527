/**
 * Webhook registrations, outbox leasing and the delivery log on PostgreSQL (tables `webhooks`,
 * `webhook_deliveries`, `outbox`; migrations 1 and 2). Same semantics as the SQLite adapter
 * (test/contract/webhook-store.contract.ts runs against both).
 *
 * Several nodes claim from one outbox: `claimDue` is one statement that locks the due rows with
 * `FOR UPDATE SKIP LOCKED` and leases them, so two claimers never get the same row and never wait
 * on each other. Every other write is one short transaction; they take row locks in one order
 * (outbox rows, then the webhook row), the same order as webhook and mailbox deletes; a
 * transaction PostgreSQL still picks as a deadlock victim is run again.
 */
import type pg from 'pg';
import type { MessageEventName } from '../../domain/types.js';
import type {
  ClaimQuery, DeliveryAttempt, DeliveryOutcome, OutboxClaim, Settlement, WebhookRecord, WebhookStore,
} from '../../ports/webhook-store.js';
import { num, numOrNull, withTransaction } from './pool.js';
import type { Tables } from './tables.js';

interface WebhookRow {
  id: string; mailbox_id: string; url: string; sealed_secret: Buffer; created_at: string;
  disabled_at: string | null; disabled_reason: string | null;
}

const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id, mailboxId: r.mailbox_id, url: r.url, sealedSecret: r.sealed_secret, createdAt: num(r.created_at),
  disabledAt: numOrNull(r.disabled_at), disabledReason: r.disabled_reason,
});

interface AttemptRow {
  webhook_id: string; message_id: string; attempt: number; at: string; status_code: number | null;
  latency_ms: string | null; error: string | null; outcome: DeliveryOutcome;
}

interface ClaimRow {
  id: string; webhook_id: string; message_id: string; mailbox_id: string; event: MessageEventName; attempts: number;
  due_at: string; url: string; sealed_secret: Buffer;
}

/** SQLSTATEs worth running a short transaction again for. */
const RETRYABLE = new Set(['40P01' /* deadlock_detected */, '40001' /* serialization_failure */]);
const MAX_TRIES = 4;

async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= MAX_TRIES || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

export class PgWebhookStore implements WebhookStore {
  constructor(private readonly pool: pg.Pool, private readonly t: Tables) {}

  async create(w: WebhookRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t.webhooks} (id, mailbox_id, url, sealed_secret, created_at, disabled_at, disabled_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [w.id, w.mailboxId, w.url, w.sealedSecret, w.createdAt, w.disabledAt, w.disabledReason],
    );
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const { rows } = await this.pool.query<WebhookRow>(`SELECT * FROM ${this.t.webhooks} WHERE id = $1`, [id]);
    return rows[0] ? toWebhook(rows[0]) : null;
  }

  async listByMailbox(mailboxId: string): Promise<WebhookRecord[]> {
    // COLLATE "C": byte order on ties, as SQLite compares text.
    const { rows } = await this.pool.query<WebhookRow>(
      `SELECT * FROM ${this.t.webhooks} WHERE mailbox_id = $1 ORDER BY created_at, id COLLATE "C"`, [mailboxId]);
    return rows.map(toWebhook);
  }

  async activeIds(mailboxId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM ${this.t.webhooks} WHERE mailbox_id = $1 AND disabled_at IS NULL`, [mailboxId]);
    return rows.map((r) => r.id);
  }

  async delete(id: string): Promise<boolean> {
    return retrying(() => withTransaction(this.pool, async (c) => {
      await c.query(`DELETE FROM ${this.t.outbox} WHERE webhook_id = $1`, [id]);
      const { rowCount } = await c.query(`DELETE FROM ${this.t.webhooks} WHERE id = $1`, [id]); // its delivery log cascades
      return (rowCount ?? 0) > 0;
    }));
  }

  async recentAttempts(webhookId: string, limit: number): Promise<DeliveryAttempt[]> {
    const { rows } = await this.pool.query<AttemptRow>(
      `SELECT webhook_id, message_id, attempt, at, status_code, latency_ms, error, outcome
       FROM ${this.t.webhookDeliveries} WHERE webhook_id = $1 ORDER BY seq DESC LIMIT $2`,
      [webhookId, limit < 0 ? null : limit], // a negative LIMIT means none, as on SQLite
    );
    return rows.map((r) => ({
      webhookId: r.webhook_id, messageId: r.message_id, attempt: r.attempt, at: num(r.at), statusCode: r.status_code,
      latencyMs: numOrNull(r.latency_ms), error: r.error, outcome: r.outcome,
    }));
  }

  /**
   * One statement: the CTE locks up to `limit` due rows of active webhooks, skipping rows another
   * claimer (or a settlement) holds; the UPDATE leases them. A row leased by a transaction that
   * committed after this statement's snapshot is re-checked against the new version (whose due
   * time is in the future) and dropped, so it is never claimed twice.
   */
  async claimDue(q: ClaimQuery): Promise<OutboxClaim[]> {
    if (q.limit <= 0) return [];
    const { rows } = await this.pool.query<ClaimRow>(
      `WITH due AS (
         SELECT o.id, o.webhook_id, o.message_id, o.mailbox_id, o.event, o.attempts, o.next_attempt_at AS due_at, w.url, w.sealed_secret
         FROM ${this.t.outbox} o JOIN ${this.t.webhooks} w ON w.id = o.webhook_id
         WHERE o.next_attempt_at <= $1 AND w.disabled_at IS NULL AND NOT (o.webhook_id = ANY($2::text[]))
         ORDER BY o.next_attempt_at, o.id COLLATE "C"
         LIMIT $3
         FOR UPDATE OF o SKIP LOCKED
       )
       UPDATE ${this.t.outbox} o SET next_attempt_at = $4 FROM due WHERE o.id = due.id
       RETURNING due.id, due.webhook_id, due.message_id, due.mailbox_id, due.event, due.attempts, due.due_at, due.url, due.sealed_secret`,
      [q.now, q.excludeWebhookIds, q.limit, q.leaseUntil],
    );
    return rows
      .map((r) => ({
        id: r.id, webhookId: r.webhook_id, messageId: r.message_id, mailboxId: r.mailbox_id, event: r.event, attempts: r.attempts,
        dueAt: num(r.due_at), url: r.url, sealedSecret: r.sealed_secret,
      }))
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async backlog(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.t.outbox}`);
    return Number(rows[0]?.n ?? 0);
  }

  async release(outboxId: string, dueAt: number): Promise<void> {
    await this.pool.query(`UPDATE ${this.t.outbox} SET next_attempt_at = $1 WHERE id = $2`, [dueAt, outboxId]);
  }

  /**
   * One transaction, committed without waiting for the WAL flush (`synchronous_commit = off`,
   * as the SQLite adapter relaxes its fsync for this bookkeeping): a settlement lost to a crash
   * only repeats a delivery, which at-least-once allows.
   */
  async settle(outboxId: string, s: Settlement, a: DeliveryAttempt | null, keepAttempts: number): Promise<void> {
    const t = this.t;
    await retrying(() => withTransaction(this.pool, async (c) => {
      await c.query('SET LOCAL synchronous_commit = off');
      if (s.kind === 'done') {
        await c.query(`DELETE FROM ${t.outbox} WHERE id = $1`, [outboxId]);
      } else if (s.kind === 'retry') {
        await c.query(`UPDATE ${t.outbox} SET attempts = attempts + 1, next_attempt_at = $1 WHERE id = $2`, [s.at, outboxId]);
      } else {
        // Outbox rows first, then the webhook: the lock order of delete() and mailbox deletes.
        await c.query(`DELETE FROM ${t.outbox} WHERE webhook_id = $1 OR id = $2`, [s.webhookId, outboxId]);
        await c.query(`UPDATE ${t.webhooks} SET disabled_at = $1, disabled_reason = $2 WHERE id = $3 AND disabled_at IS NULL`,
          [s.at, s.reason, s.webhookId]);
      }
      if (!a) return;
      // Locking the webhook row serialises its log appends (so the trim below sees every
      // committed entry and exactly `keepAttempts` remain, as on SQLite) and keeps the webhook
      // from being deleted until this commits; a delete that committed first leaves no row, and
      // nothing is logged.
      const exists = await c.query(`SELECT 1 FROM ${t.webhooks} WHERE id = $1 FOR NO KEY UPDATE`, [a.webhookId]);
      if (!exists.rowCount) return;
      await c.query(
        `INSERT INTO ${t.webhookDeliveries} (webhook_id, message_id, attempt, at, status_code, latency_ms, error, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [a.webhookId, a.messageId, a.attempt, a.at, a.statusCode, a.latencyMs, a.error, a.outcome],
      );
      await c.query(
        `DELETE FROM ${t.webhookDeliveries} WHERE webhook_id = $1 AND seq <= (
           SELECT seq FROM ${t.webhookDeliveries} WHERE webhook_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`,
        [a.webhookId, Math.max(1, keepAttempts)],
      );
    }));
  }
}
