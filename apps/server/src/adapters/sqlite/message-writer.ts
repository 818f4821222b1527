/**
 * The message insert transaction: one batch of new messages (with their raw source, attachments
 * and webhook outbox rows, trimming each mailbox to its newest N) in one IMMEDIATE transaction.
 * Runs in the SQLite writer thread (writer-thread.ts), or on the calling thread as a fallback;
 * this is the only place that SQL lives.
 */
import type { StoredAuthentication, StoredMessage } from '../../domain/types.js';
import type { OutboxInsert } from '../../ports/store.js';
import type { Db } from './database.js';

export interface PendingInsert {
  message: StoredMessage;
  outbox: OutboxInsert[];
  keepNewest: number;
}

/** A message's authentication results, written after it (with its message.updated outbox rows). */
export interface PendingAuth {
  auth: StoredAuthentication;
  outbox: OutboxInsert[];
  at: number;
}

/** What the writer commits: new messages and authentication results share its transactions. */
export type PendingWrite = PendingInsert | PendingAuth;

const isAuth = (w: PendingWrite): w is PendingAuth => 'auth' in w;

/** Prepares the statements on `db` and returns the batch writer (throws to fail the batch). */
export function messageBatchWriter(db: Db): (items: PendingWrite[]) => void {
  const insertMessage = db.prepare('INSERT INTO messages (id, mailbox_id, received_at, size, summary, body) VALUES (?, ?, ?, ?, ?, ?)');
  const insertRaw = db.prepare('INSERT INTO message_raw (message_id, raw) VALUES (?, ?)');
  const insertAttachment = db.prepare('INSERT INTO attachments (message_id, idx, content) VALUES (?, ?, ?)');
  const insertOutbox = db.prepare('INSERT INTO outbox (id, webhook_id, message_id, mailbox_id, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  // Only while the message is there (it may have been trimmed or deleted since), and only once.
  const insertAuth = db.prepare(`INSERT INTO message_auth (message_id, sealed)
    SELECT id, ? FROM messages WHERE id = ? AND mailbox_id = ? ON CONFLICT (message_id) DO NOTHING`);
  const insertUpdateOutbox = db.prepare(`INSERT INTO outbox (id, webhook_id, message_id, mailbox_id, next_attempt_at, created_at, event)
    SELECT ?, ?, id, mailbox_id, ?, ?, 'message.updated' FROM messages WHERE id = ? AND mailbox_id = ?`);
  const trim = db.prepare(`DELETE FROM messages WHERE mailbox_id = ? AND seq <= (
    SELECT seq FROM messages WHERE mailbox_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`);
  const writeBatch = db.transaction((items: PendingWrite[]) => {
    for (const item of items) {
      if (isAuth(item)) {
        const { auth: a, outbox, at } = item;
        if (insertAuth.run(a.sealed, a.messageId, a.mailboxId).changes === 0) continue;
        for (const o of outbox) insertUpdateOutbox.run(o.id, o.webhookId, at, at, a.messageId, a.mailboxId);
        continue;
      }
      const { message: m, outbox, keepNewest } = item;
      insertMessage.run(m.id, m.mailboxId, m.receivedAt, m.size, m.summary, m.body);
      insertRaw.run(m.id, m.raw);
      m.attachments.forEach((content, i) => insertAttachment.run(m.id, i, content));
      for (const o of outbox) insertOutbox.run(o.id, o.webhookId, o.messageId, o.mailboxId, m.receivedAt, m.receivedAt);
      if (keepNewest > 0) trim.run(m.mailboxId, m.mailboxId, keepNewest);
    }
  });
  return (items) => writeBatch.immediate(items);
}

/** Why one message of a batch could not be written (structured-cloneable, for the writer thread). */
export interface WriteFailure {
  message: string;
  code?: string;
}

/**
 * Writes a batch in one transaction; if that fails, each message alone, so one bad message fails
 * only itself. Returns each message's failure, or null where it was committed.
 */
export function messageItemsWriter(db: Db): (items: PendingWrite[]) => Array<WriteFailure | null> {
  const writeBatch = messageBatchWriter(db);
  const failure = (e: unknown): WriteFailure => {
    const err = e as Error & { code?: string };
    return { message: err.message, code: err.code };
  };
  return (items) => {
    try {
      writeBatch(items);
      return items.map(() => null);
    } catch (e) {
      if (items.length === 1) return [failure(e)];
    }
    return items.map((item) => {
      try {
        writeBatch([item]);
        return null;
      } catch (e) {
        return failure(e);
      }
    });
  };
}
