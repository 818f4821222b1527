/**
 * Webhook storage port: registrations, the delivery outbox, and a bounded delivery log.
 *
 * The outbox rows themselves are written by `MessageStore.insert` in the message's own
 * transaction (see `OutboxInsert` in ports/store.ts); this port reads, leases and settles them.
 * Rows of the `outbox` table: id, webhook_id, message_id, mailbox_id, attempts, next_attempt_at,
 * created_at.
 *
 * Implementations: SQLite (adapters/sqlite/webhook-store.ts) and PostgreSQL
 * (adapters/postgres/webhook-store.ts), with the same semantics (test/contract/webhook-store.contract.ts
 * runs against both); notes per method say how each maps to PostgreSQL.
 */

import type { MessageEventName } from '../domain/types.js';

/** A registered webhook. The secret is sealed with the mailbox's cipher; never stored in the clear. */
export interface WebhookRecord {
  id: string;
  mailboxId: string;
  url: string;
  /** `MailboxCipher.seal(webhookId, WEBHOOK_SECRET_FIELD, secret)`: dies with the mailbox's data key. */
  sealedSecret: Buffer;
  createdAt: number;
  /** Set when the receiver answered 410 Gone (or an operator disabled it); no delivery after. */
  disabledAt: number | null;
  disabledReason: string | null;
}

/** How one delivery attempt ended. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'disabled' | 'gave_up';

/** One attempt in the delivery log. */
export interface DeliveryAttempt {
  webhookId: string;
  messageId: string;
  /** 1 for the first attempt of this message to this webhook. */
  attempt: number;
  /** When the attempt started (ms since the epoch). */
  at: number;
  /** HTTP status of the answer, or null when there was none (network error, timeout, refused). */
  statusCode: number | null;
  /** Time to the answer's status line, or to the failure. */
  latencyMs: number | null;
  /** Short reason for a failure (never a secret, a body or a full URL). */
  error: string | null;
  outcome: DeliveryOutcome;
}

/** A leased outbox row, joined with its (active) webhook. */
export interface OutboxClaim {
  id: string;
  webhookId: string;
  messageId: string;
  mailboxId: string;
  /** The event this row delivers. */
  event: MessageEventName;
  /** Attempts already made (settled); the attempt about to start is `attempts + 1`. */
  attempts: number;
  /** The row's due time before it was leased (for `release`). */
  dueAt: number;
  url: string;
  sealedSecret: Buffer;
}

export interface ClaimQuery {
  now: number;
  /** The lease: claimed rows get `next_attempt_at = leaseUntil`, so a crash mid-send retries then. */
  leaseUntil: number;
  limit: number;
  /** Webhooks that must not be claimed now (at their concurrency cap in this process). */
  excludeWebhookIds: string[];
}

/** What to do with an outbox row after an attempt. */
export type Settlement =
  /** Delivered, or dropped (mailbox expired or message gone): delete the row. */
  | { kind: 'done' }
  /** Failed: count the attempt and make the row due again at `at`. */
  | { kind: 'retry'; at: number }
  /** Receiver said 410: disable the webhook and delete all its outbox rows. */
  | { kind: 'disable'; webhookId: string; reason: string; at: number };

export interface WebhookStore {
  /** Inserts a webhook (the mailbox must exist; it cascades away with it). */
  create(webhook: WebhookRecord): Promise<void>;
  get(id: string): Promise<WebhookRecord | null>;
  /** A mailbox's webhooks, oldest first, active and disabled. */
  listByMailbox(mailboxId: string): Promise<WebhookRecord[]>;
  /** Ids of a mailbox's active webhooks (the ingest path's `outboxFor`; must be cheap). */
  activeIds(mailboxId: string): Promise<string[]>;
  /** Deletes a webhook, its pending outbox rows and its delivery log; true when it existed. */
  delete(id: string): Promise<boolean>;
  /** The newest `limit` attempts of a webhook, newest first. */
  recentAttempts(webhookId: string, limit: number): Promise<DeliveryAttempt[]>;
  /**
   * Leases up to `limit` due rows (`next_attempt_at <= now`) of active webhooks, earliest due
   * first, by setting their `next_attempt_at` to `leaseUntil` in the same statement/transaction.
   * Concurrent claimers never get the same row. PostgreSQL, one statement:
   * `WITH due AS (SELECT o.id, o.next_attempt_at AS due_at, ... FROM outbox o JOIN webhooks w ON
   * w.id = o.webhook_id WHERE o.next_attempt_at <= $now AND w.disabled_at IS NULL AND NOT
   * (o.webhook_id = ANY($exclude)) ORDER BY o.next_attempt_at LIMIT $limit FOR UPDATE OF o SKIP
   * LOCKED) UPDATE outbox o SET next_attempt_at = $leaseUntil FROM due WHERE o.id = due.id
   * RETURNING due.*`; the CTE keeps the old due time for `release`; sort the rows by it.
   */
  claimDue(query: ClaimQuery): Promise<OutboxClaim[]>;
  /** Gives a leased row back unattempted (due again at `dueAt`, attempts unchanged). */
  release(outboxId: string, dueAt: number): Promise<void>;
  /** Outbox rows not yet settled, across every mailbox (metrics). */
  backlog(): Promise<number>;
  /**
   * Settles a leased row and appends `attempt` (if given) to the webhook's log in one
   * transaction, keeping only the newest `keepAttempts` entries of that webhook. A row or a
   * webhook deleted meanwhile is not an error (nothing is written for it).
   */
  settle(outboxId: string, settlement: Settlement, attempt: DeliveryAttempt | null, keepAttempts: number): Promise<void>;
}
