/** The embedded message store on better-sqlite3 (the default: no other service needed). */
import type { ApiKeyRecord, Mailbox, Plan, StoredAuthentication, StoredMessage } from '../../domain/types.js';
import {
  AddressAlreadyIssued, type ApiKeyStore, capsWithHolder, LiveCapReached, type LiveMailboxCap, type MailboxExpiryChange, type MailboxStore, type MessageDetailRow, type MessageRef, type MessageRow,
  type MessageStore, type OutboxInsert, type Store,
} from '../../ports/store.js';
import type { DomainStore } from '../../ports/domain-store.js';
import { type Db, openDatabase, sql } from './database.js';
import { SqliteDomainStore } from './domain-store.js';
import { MailboxCache } from './mailbox-cache.js';
import { UnchangedDbCache } from './unchanged-db-cache.js';
import type { WebhookStore } from '../../ports/webhook-store.js';
import { SqliteWebhookStore } from './webhook-store.js';
import type { ReceiptStore } from '../../ports/receipt-store.js';
import { SqliteReceiptStore } from './receipt-store.js';
import { GroupCommitter } from './group-commit.js';
import type { PendingInsert, PendingWrite } from './message-writer.js';
import { WriterThread } from './writer-thread.js';
import { storeMigrations } from './migrations.js';

interface MailboxRow {
  id: string; address: string; token_hash: Buffer | null; owner_key_id: string | null; created_at: number;
  expires_at: number; wrapped_key: Buffer; key_epoch: number; creator_ip: string | null; creator_client: string | null;
}

const toMailbox = (r: MailboxRow): Mailbox => ({
  id: r.id, address: r.address, tokenHash: r.token_hash, ownerKeyId: r.owner_key_id, createdAt: r.created_at,
  expiresAt: r.expires_at, wrappedKey: r.wrapped_key, keyEpoch: r.key_epoch, creatorIp: r.creator_ip,
  creatorClient: r.creator_client,
});

/** The column that holds each cap's holder. */
const CAP_COLUMN = { owner: 'owner_key_id', creatorIp: 'creator_ip', creatorClient: 'creator_client' } as const;


interface KeyRow { id: string; hash: Buffer; plan: Plan; created_at: number; revoked_at: number | null; prefix: string }
const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id, hash: r.hash, plan: r.plan, createdAt: r.created_at, revokedAt: r.revoked_at, prefix: r.prefix,
});

class SqliteMailboxes implements MailboxStore {
  /** Lookups by address (one per API request) answered from memory; see mailbox-cache.ts. */
  private readonly cache = new MailboxCache();

  constructor(private readonly db: Db, private readonly afterDelete: () => void) {}

  async create(m: Mailbox, cap?: LiveMailboxCap | readonly LiveMailboxCap[], issued?: Buffer): Promise<void> {
    const insert = () => sql(this.db, `INSERT INTO mailboxes (id, address, token_hash, owner_key_id, created_at, expires_at, wrapped_key, key_epoch, creator_ip, creator_client)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(m.id, m.address, m.tokenHash, m.ownerKeyId, m.createdAt, m.expiresAt, m.wrappedKey, m.keyEpoch, m.creatorIp, m.creatorClient);
    const caps = capsWithHolder(m, cap);
    if (caps.length === 0 && !issued) {
      insert();
      return;
    }
    // One process writes this file: an IMMEDIATE transaction makes counts, digest and insert one step.
    this.db.transaction(() => {
      for (const { cap: c, holder } of caps) {
        const column = CAP_COLUMN[c.by];
        const live = (sql(this.db, `SELECT count(*) AS n FROM mailboxes WHERE ${column} = ? AND expires_at > ?`).get(holder, c.now) as { n: number }).n;
        if (live >= c.max) {
          const { soonest } = sql(this.db, `SELECT min(expires_at) AS soonest FROM mailboxes WHERE ${column} = ? AND expires_at > ?`)
            .get(holder, c.now) as { soonest: number | null };
          throw new LiveCapReached(soonest, c.by);
        }
      }
      if (issued && sql(this.db, 'INSERT OR IGNORE INTO issued_addresses (digest) VALUES (?)').run(issued).changes === 0) {
        throw new AddressAlreadyIssued();
      }
      insert(); // a unique-address failure rolls the digest back with it
    }).immediate();
  }

  async wasIssued(digest: Buffer): Promise<boolean> {
    return sql(this.db, 'SELECT 1 FROM issued_addresses WHERE digest = ?').get(digest) !== undefined;
  }

  async digestPendingIssued(digest: (address: string) => Buffer): Promise<number> {
    let moved = 0;
    for (;;) {
      const addresses = sql(this.db, 'SELECT address FROM issued_pending LIMIT 1000').pluck(true).all() as string[];
      if (addresses.length === 0) return moved;
      this.db.transaction(() => {
        for (const address of addresses) {
          sql(this.db, 'INSERT OR IGNORE INTO issued_addresses (digest) VALUES (?)').run(digest(address));
          sql(this.db, 'DELETE FROM issued_pending WHERE address = ?').run(address);
        }
      }).immediate();
      moved += addresses.length;
    }
  }

  async findByAddress(address: string): Promise<Mailbox | null> {
    const cached = this.cache.get(address);
    if (cached) return cached;
    const row = sql(this.db, 'SELECT * FROM mailboxes WHERE address = ?').get(address) as MailboxRow | undefined;
    if (!row) return null;
    const mailbox = toMailbox(row);
    this.cache.set(mailbox);
    return mailbox;
  }

  async findById(id: string): Promise<Mailbox | null> {
    const row = sql(this.db, 'SELECT * FROM mailboxes WHERE id = ?').get(id) as MailboxRow | undefined;
    return row ? toMailbox(row) : null;
  }

  async countLiveByOwner(keyId: string, now: number): Promise<number> {
    return this.liveByOwner(keyId, now);
  }

  async countLiveByCreatorIp(ip: string, now: number): Promise<number> {
    return this.liveByCreatorIp(ip, now);
  }

  private liveByOwner(keyId: string, now: number): number {
    return (sql(this.db, 'SELECT count(*) AS n FROM mailboxes WHERE owner_key_id = ? AND expires_at > ?').get(keyId, now) as { n: number }).n;
  }

  private liveByCreatorIp(ip: string, now: number): number {
    return (sql(this.db, 'SELECT count(*) AS n FROM mailboxes WHERE creator_ip = ? AND expires_at > ?').get(ip, now) as { n: number }).n;
  }

  async listLiveByOwner(keyId: string, now: number, limit: number, beforeAddress?: string): Promise<Mailbox[]> {
    const rows = beforeAddress === undefined
      ? sql(this.db, `SELECT * FROM mailboxes WHERE owner_key_id = ? AND expires_at > ?
          ORDER BY created_at DESC, id DESC LIMIT ?`).all(keyId, now, limit)
      : sql(this.db, `SELECT m.* FROM mailboxes m, (SELECT created_at, id FROM mailboxes WHERE address = ? AND owner_key_id = ? AND expires_at > ?) b
          WHERE m.owner_key_id = ? AND m.expires_at > ? AND (m.created_at, m.id) < (b.created_at, b.id)
          ORDER BY m.created_at DESC, m.id DESC LIMIT ?`).all(beforeAddress, keyId, now, keyId, now, limit);
    return (rows as MailboxRow[]).map(toMailbox);
  }

  async listExpired(now: number, limit: number): Promise<Mailbox[]> {
    const rows = sql(this.db, 'SELECT * FROM mailboxes WHERE expires_at <= ? ORDER BY expires_at LIMIT ?').all(now, limit) as MailboxRow[];
    return rows.map(toMailbox);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = this.db.transaction(() => {
      sql(this.db, 'DELETE FROM outbox WHERE mailbox_id = ?').run(id);
      return sql(this.db, 'DELETE FROM mailboxes WHERE id = ?').run(id); // messages, raw, attachments cascade
    }).immediate();
    this.cache.drop(id);
    if (changes > 0) this.afterDelete();
    return changes > 0;
  }

  async extend(id: string, change: MailboxExpiryChange, now: number): Promise<boolean> {
    const { changes } = sql(this.db, 'UPDATE mailboxes SET expires_at = ?, wrapped_key = ?, key_epoch = ? WHERE id = ? AND expires_at > ?')
      .run(change.expiresAt, change.wrappedKey, change.keyEpoch, id, now);
    this.cache.drop(id); // the next lookup reads the new row
    return changes > 0;
  }
}

/** Sealed bytes above which a message is committed alone (an ordinary 28 KB message writes ~60 KB). */
export const BIG_INSERT_BYTES = 256 * 1024;

/** The sealed bytes one write commits (authentication results are small). */
export const insertBytes = (w: PendingWrite): number => {
  if (!('message' in w)) return 0;
  const m = (w as PendingInsert).message;
  return m.summary.length + m.body.length + m.raw.length + m.attachments.reduce((n, a) => n + a.length, 0);
};

class SqliteMessages implements MessageStore {
  private readonly committer: GroupCommitter<PendingWrite>;
  /** Inserts are committed on a writer thread (message-writer.ts has the SQL); reads stay here. */
  readonly writer: WriterThread;
  /** Inbox listings (every inbox request lists; a mailbox changes far less often than it is read). */
  private readonly refLists: UnchangedDbCache<MessageRef[]>;

  constructor(private readonly db: Db, file: string, private readonly afterDelete: () => void) {
    this.refLists = new UnchangedDbCache(db, 1_000);
    this.writer = new WriterThread(file, db);
    // The writer thread retries a failed batch message by message itself (it holds their buffers).
    // A big message (a costly or large one: MBs to fsync) is committed on its own, so ordinary
    // mail's commits never carry its bytes (docs/ingest-under-load.md).
    this.committer = new GroupCommitter((items) => this.writer.write(items), { perItem: true, isBig: (item) => insertBytes(item) > BIG_INSERT_BYTES });
  }

  insert(message: StoredMessage, outbox: OutboxInsert[], keepNewest: number): Promise<void> {
    return this.committer.submit({ message, outbox, keepNewest });
  }

  setAuthentication(auth: StoredAuthentication, outbox: OutboxInsert[], at: number): Promise<void> {
    return this.committer.submit({ auth, outbox, at });
  }

  async list(mailboxId: string, limit: number, beforeId?: string): Promise<MessageRow[]> {
    const rows = beforeId
      ? sql(this.db, `SELECT id, mailbox_id, received_at, size, summary FROM messages
          WHERE mailbox_id = ? AND seq < (SELECT seq FROM messages WHERE id = ? AND mailbox_id = ?) ORDER BY seq DESC LIMIT ?`)
        .all(mailboxId, beforeId, mailboxId, limit)
      : sql(this.db, 'SELECT id, mailbox_id, received_at, size, summary FROM messages WHERE mailbox_id = ? ORDER BY seq DESC LIMIT ?')
        .all(mailboxId, limit);
    return (rows as Array<{ id: string; mailbox_id: string; received_at: number; size: number; summary: Buffer }>).map((r) => ({
      id: r.id, mailboxId: r.mailbox_id, receivedAt: r.received_at, size: r.size, summary: r.summary,
    }));
  }

  async listRefs(mailboxId: string, limit: number, beforeId?: string): Promise<MessageRef[]> {
    const key = `${mailboxId}\n${limit}\n${beforeId ?? ''}`;
    const cached = this.refLists.get(key);
    if (cached) return cached.slice();
    // Raw rows (arrays): no per-row key objects. The columns all sit in the row's first page;
    // the sealed summary often does not (it follows them, and the body spills to overflow pages).
    const rows = beforeId
      ? sql(this.db, `SELECT id, received_at, size FROM messages
          WHERE mailbox_id = ? AND seq < (SELECT seq FROM messages WHERE id = ? AND mailbox_id = ?) ORDER BY seq DESC LIMIT ?`)
        .raw(true).all(mailboxId, beforeId, mailboxId, limit)
      : sql(this.db, 'SELECT id, received_at, size FROM messages WHERE mailbox_id = ? ORDER BY seq DESC LIMIT ?')
        .raw(true).all(mailboxId, limit);
    const refs = (rows as Array<[string, number, number]>).map(([id, receivedAt, size]) => Object.freeze({ id, mailboxId, receivedAt, size }));
    this.refLists.set(key, refs);
    return refs.slice();
  }

  async summaries(mailboxId: string, ids: string[]): Promise<Map<string, Buffer>> {
    const one = sql(this.db, 'SELECT summary FROM messages WHERE id = ? AND mailbox_id = ?').pluck(true);
    const out = new Map<string, Buffer>();
    for (const id of ids) {
      const summary = one.get(id, mailboxId) as Buffer | undefined;
      if (summary) out.set(id, summary);
    }
    return out;
  }

  async ref(mailboxId: string, id: string): Promise<MessageRef | null> {
    const r = sql(this.db, 'SELECT received_at, size FROM messages WHERE id = ? AND mailbox_id = ?').raw(true)
      .get(id, mailboxId) as [number, number] | undefined;
    return r ? { id, mailboxId, receivedAt: r[0], size: r[1] } : null;
  }

  async get(mailboxId: string, id: string): Promise<MessageDetailRow | null> {
    const r = sql(this.db, `SELECT m.id, m.mailbox_id, m.received_at, m.size, m.summary, m.body, a.sealed AS authentication
      FROM messages m LEFT JOIN message_auth a ON a.message_id = m.id WHERE m.id = ? AND m.mailbox_id = ?`)
      .get(id, mailboxId) as { id: string; mailbox_id: string; received_at: number; size: number; summary: Buffer; body: Buffer; authentication: Buffer | null } | undefined;
    return r ? {
      id: r.id, mailboxId: r.mailbox_id, receivedAt: r.received_at, size: r.size, summary: r.summary, body: r.body, authentication: r.authentication,
    } : null;
  }

  async getRaw(mailboxId: string, id: string): Promise<Buffer | null> {
    const r = sql(this.db, `SELECT r.raw FROM message_raw r JOIN messages m ON m.id = r.message_id
      WHERE m.id = ? AND m.mailbox_id = ?`).get(id, mailboxId) as { raw: Buffer } | undefined;
    return r?.raw ?? null;
  }

  async getAttachment(mailboxId: string, id: string, index: number): Promise<Buffer | null> {
    const r = sql(this.db, `SELECT a.content FROM attachments a JOIN messages m ON m.id = a.message_id
      WHERE m.id = ? AND m.mailbox_id = ? AND a.idx = ?`).get(id, mailboxId, index) as { content: Buffer } | undefined;
    return r?.content ?? null;
  }

  async delete(mailboxId: string, id: string): Promise<boolean> {
    const { changes } = this.db.transaction(() => {
      sql(this.db, 'DELETE FROM outbox WHERE message_id = ? AND mailbox_id = ?').run(id, mailboxId);
      return sql(this.db, 'DELETE FROM messages WHERE id = ? AND mailbox_id = ?').run(id, mailboxId); // raw, attachments cascade
    }).immediate();
    if (changes > 0) this.afterDelete();
    return changes > 0;
  }

  async usage(mailboxId: string): Promise<{ count: number; bytes: number }> {
    const r = sql(this.db, 'SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM messages WHERE mailbox_id = ?')
      .get(mailboxId) as { count: number; bytes: number };
    return r;
  }
}

class SqliteApiKeys implements ApiKeyStore {
  constructor(private readonly db: Db) {}

  async create(k: ApiKeyRecord): Promise<void> {
    sql(this.db, 'INSERT INTO api_keys (id, hash, plan, created_at, revoked_at, prefix) VALUES (?, ?, ?, ?, ?, ?)')
      .run(k.id, k.hash, k.plan, k.createdAt, k.revokedAt, k.prefix);
  }

  async findByHash(hash: Buffer): Promise<ApiKeyRecord | null> {
    const r = sql(this.db, 'SELECT * FROM api_keys WHERE hash = ?').get(hash) as KeyRow | undefined;
    return r ? toKey(r) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (sql(this.db, 'SELECT * FROM api_keys ORDER BY created_at').all() as KeyRow[]).map(toKey);
  }

  async revoke(hash: Buffer, at: number): Promise<boolean> {
    return sql(this.db, 'UPDATE api_keys SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL').run(at, hash).changes > 0;
  }

  async setPlan(hash: Buffer, plan: Plan): Promise<boolean> {
    return sql(this.db, 'UPDATE api_keys SET plan = ? WHERE hash = ?').run(plan, hash).changes > 0;
  }
}

/** Opens (and migrates) the SQLite store at `file`. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Db;
  readonly mailboxes: MailboxStore;
  readonly messages: MessageStore;
  readonly keys: ApiKeyStore;
  /** Custom domains (issue 8). */
  readonly domains: DomainStore;
  /** Webhooks: registrations, outbox leasing, delivery log (issue 6). */
  readonly webhooks: WebhookStore;
  /** Deletion receipts (issue 20). */
  readonly receipts: ReceiptStore;
  private checkpointTimer: NodeJS.Timeout | null = null;

  constructor(file: string) {
    this.db = openDatabase(file, storeMigrations, 'wal');
    this.mailboxes = new SqliteMailboxes(this.db, () => this.scheduleCheckpoint());
    this.messages = new SqliteMessages(this.db, file, () => this.scheduleCheckpoint());
    this.keys = new SqliteApiKeys(this.db);
    this.domains = new SqliteDomainStore(this.db);
    this.webhooks = new SqliteWebhookStore(this.db);
    this.receipts = new SqliteReceiptStore(this.db);
  }

  /**
   * After deletions, truncate the WAL so the deleted rows' old frames (with wrapped keys) do not
   * linger there. Debounced: a sweep that deletes many mailboxes checkpoints once.
   */
  private scheduleCheckpoint(): void {
    if (this.checkpointTimer) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      this.checkpoint();
    }, 50);
    this.checkpointTimer.unref();
  }

  /** Copies the WAL into the database and truncates it. */
  checkpoint(): void {
    if (this.db.open) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async ping(): Promise<void> {
    sql(this.db, 'SELECT 1').get();
  }

  async close(): Promise<void> {
    await (this.messages as SqliteMessages).writer.close();
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    this.checkpoint();
    this.db.close();
  }
}
