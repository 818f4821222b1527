/**
 * Messages on PostgreSQL. An insert writes the message, its raw source, its attachments and its
 * outbox rows and trims the mailbox in ONE transaction; the promise resolves after COMMIT, which
 * (with the default synchronous_commit=on) has flushed the WAL. Concurrent inserts use separate
 * pooled connections, and PostgreSQL's own WAL group flushing batches their fsyncs.
 */
import type pg from 'pg';
import type { StoredAuthentication, StoredMessage } from '../../domain/types.js';
import type { MessageDetailRow, MessageRef, MessageRow, MessageStore, OutboxInsert } from '../../ports/store.js';
import { num, withTransaction } from './pool.js';
import type { Tables } from './tables.js';

interface RowOut {
  id: string; mailbox_id: string; received_at: string; size: string; summary?: Buffer; body?: Buffer; authentication?: Buffer | null;
}

const toRef = (r: RowOut): MessageRef => ({
  id: r.id, mailboxId: r.mailbox_id, receivedAt: num(r.received_at), size: num(r.size),
});

const toRow = (r: RowOut): MessageRow => ({
  id: r.id, mailboxId: r.mailbox_id, receivedAt: num(r.received_at), size: num(r.size), summary: r.summary!,
});

export class PgMessages implements MessageStore {
  constructor(private readonly pool: pg.Pool, private readonly t: Tables) {}

  async insert(m: StoredMessage, outbox: OutboxInsert[], keepNewest: number): Promise<void> {
    const t = this.t;
    await withTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO ${t.messages} (id, mailbox_id, received_at, size, summary, body) VALUES ($1, $2, $3, $4, $5, $6)`,
        [m.id, m.mailboxId, m.receivedAt, m.size, m.summary, m.body],
      );
      await c.query(`INSERT INTO ${t.messageRaw} (message_id, raw) VALUES ($1, $2)`, [m.id, m.raw]);
      // One statement per attachment: Buffers travel as binary parameters (an array would go as hex text).
      for (const [i, content] of m.attachments.entries()) {
        await c.query(`INSERT INTO ${t.attachments} (message_id, idx, content) VALUES ($1, $2, $3)`, [m.id, i, content]);
      }
      for (const o of outbox) {
        await c.query(
          `INSERT INTO ${t.outbox} (id, webhook_id, message_id, mailbox_id, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)`,
          [o.id, o.webhookId, o.messageId, o.mailboxId, m.receivedAt],
        );
      }
      if (keepNewest > 0) {
        await c.query(
          `DELETE FROM ${t.messages} WHERE mailbox_id = $1 AND seq <= (
             SELECT seq FROM ${t.messages} WHERE mailbox_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`,
          [m.mailboxId, keepNewest],
        );
      }
    });
  }

  async setAuthentication(a: StoredAuthentication, outbox: OutboxInsert[], at: number): Promise<void> {
    const t = this.t;
    await withTransaction(this.pool, async (c) => {
      // Only while the message is there (it may have been trimmed or deleted since), and only once.
      const { rowCount } = await c.query(
        `INSERT INTO ${t.messageAuth} (message_id, sealed) SELECT id, $1 FROM ${t.messages} WHERE id = $2 AND mailbox_id = $3
         ON CONFLICT (message_id) DO NOTHING`,
        [a.sealed, a.messageId, a.mailboxId],
      );
      if (!rowCount) return;
      for (const o of outbox) {
        await c.query(
          `INSERT INTO ${t.outbox} (id, webhook_id, message_id, mailbox_id, next_attempt_at, created_at, event)
           VALUES ($1, $2, $3, $4, $5, $5, 'message.updated')`,
          [o.id, o.webhookId, a.messageId, a.mailboxId, at],
        );
      }
    });
  }

  async list(mailboxId: string, limit: number, beforeId?: string): Promise<MessageRow[]> {
    const t = this.t;
    const { rows } = beforeId
      ? await this.pool.query<RowOut>(
        `SELECT id, mailbox_id, received_at, size, summary FROM ${t.messages}
         WHERE mailbox_id = $1 AND seq < (SELECT seq FROM ${t.messages} WHERE id = $2 AND mailbox_id = $1)
         ORDER BY seq DESC LIMIT $3`,
        [mailboxId, beforeId, limit],
      )
      : await this.pool.query<RowOut>(
        `SELECT id, mailbox_id, received_at, size, summary FROM ${t.messages} WHERE mailbox_id = $1 ORDER BY seq DESC LIMIT $2`,
        [mailboxId, limit],
      );
    return rows.map(toRow);
  }

  async listRefs(mailboxId: string, limit: number, beforeId?: string): Promise<MessageRef[]> {
    const t = this.t;
    const { rows } = beforeId
      ? await this.pool.query<RowOut>(
        `SELECT id, mailbox_id, received_at, size FROM ${t.messages}
         WHERE mailbox_id = $1 AND seq < (SELECT seq FROM ${t.messages} WHERE id = $2 AND mailbox_id = $1)
         ORDER BY seq DESC LIMIT $3`,
        [mailboxId, beforeId, limit],
      )
      : await this.pool.query<RowOut>(
        `SELECT id, mailbox_id, received_at, size FROM ${t.messages} WHERE mailbox_id = $1 ORDER BY seq DESC LIMIT $2`,
        [mailboxId, limit],
      );
    return rows.map(toRef);
  }

  async summaries(mailboxId: string, ids: string[]): Promise<Map<string, Buffer>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.pool.query<{ id: string; summary: Buffer }>(
      `SELECT id, summary FROM ${this.t.messages} WHERE mailbox_id = $1 AND id = ANY($2::text[])`,
      [mailboxId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.summary]));
  }

  async ref(mailboxId: string, id: string): Promise<MessageRef | null> {
    const { rows } = await this.pool.query<RowOut>(
      `SELECT id, mailbox_id, received_at, size FROM ${this.t.messages} WHERE id = $1 AND mailbox_id = $2`,
      [id, mailboxId],
    );
    return rows[0] ? toRef(rows[0]) : null;
  }

  async get(mailboxId: string, id: string): Promise<MessageDetailRow | null> {
    const { rows } = await this.pool.query<RowOut>(
      `SELECT m.id, m.mailbox_id, m.received_at, m.size, m.summary, m.body, a.sealed AS authentication
       FROM ${this.t.messages} m LEFT JOIN ${this.t.messageAuth} a ON a.message_id = m.id WHERE m.id = $1 AND m.mailbox_id = $2`,
      [id, mailboxId],
    );
    const r = rows[0];
    return r ? { ...toRow(r), body: r.body!, authentication: r.authentication ?? null } : null;
  }

  async getRaw(mailboxId: string, id: string): Promise<Buffer | null> {
    const { rows } = await this.pool.query<{ raw: Buffer }>(
      `SELECT r.raw FROM ${this.t.messageRaw} r JOIN ${this.t.messages} m ON m.id = r.message_id
       WHERE m.id = $1 AND m.mailbox_id = $2`,
      [id, mailboxId],
    );
    return rows[0]?.raw ?? null;
  }

  async getAttachment(mailboxId: string, id: string, index: number): Promise<Buffer | null> {
    if (!Number.isSafeInteger(index) || index < 0 || index > 2 ** 31 - 1) return null;
    const { rows } = await this.pool.query<{ content: Buffer }>(
      `SELECT a.content FROM ${this.t.attachments} a JOIN ${this.t.messages} m ON m.id = a.message_id
       WHERE m.id = $1 AND m.mailbox_id = $2 AND a.idx = $3`,
      [id, mailboxId, index],
    );
    return rows[0]?.content ?? null;
  }

  async delete(mailboxId: string, id: string): Promise<boolean> {
    // Raw source, attachments and outbox rows go by ON DELETE CASCADE.
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.t.messages} WHERE id = $1 AND mailbox_id = $2`, [id, mailboxId]);
    return (rowCount ?? 0) > 0;
  }

  async usage(mailboxId: string): Promise<{ count: number; bytes: number }> {
    const { rows } = await this.pool.query<{ count: string; bytes: string }>(
      `SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM ${this.t.messages} WHERE mailbox_id = $1`,
      [mailboxId],
    );
    return { count: num(rows[0].count), bytes: num(rows[0].bytes) };
  }
}
