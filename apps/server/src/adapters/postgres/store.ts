/**
 * The PostgreSQL message store (for several nodes): mailboxes and API keys here, messages in
 * messages.ts. Every table is qualified with the configured schema.
 */
import type pg from 'pg';
import type { ApiKeyRecord, Mailbox, Plan } from '../../domain/types.js';
import type { DomainStore } from '../../ports/domain-store.js';
import { AddressAlreadyIssued, type ApiKeyStore, capsWithHolder, LiveCapReached, type LiveMailboxCap, type MailboxExpiryChange, type MailboxStore, type MessageStore, type Store } from '../../ports/store.js';
import type { ReceiptStore } from '../../ports/receipt-store.js';
import type { WebhookStore } from '../../ports/webhook-store.js';
import { PgDomainStore } from './domain-store.js';
import { PgReceiptStore } from './receipt-store.js';
import { PgMessages } from './messages.js';
import { num, numOrNull, withTransaction } from './pool.js';
import { type Tables, tablesIn } from './tables.js';
import { PgWebhookStore } from './webhook-store.js';

interface MailboxRow {
  id: string; address: string; token_hash: Buffer | null; owner_key_id: string | null; created_at: string;
  expires_at: string; wrapped_key: Buffer; key_epoch: string; creator_ip: string | null; creator_client: string | null;
}

const toMailbox = (r: MailboxRow): Mailbox => ({
  id: r.id, address: r.address, tokenHash: r.token_hash, ownerKeyId: r.owner_key_id, createdAt: num(r.created_at),
  expiresAt: num(r.expires_at), wrappedKey: r.wrapped_key, keyEpoch: num(r.key_epoch), creatorIp: r.creator_ip,
  creatorClient: r.creator_client,
});

/** The column that holds each cap's holder. */
const CAP_COLUMN = { owner: 'owner_key_id', creatorIp: 'creator_ip', creatorClient: 'creator_client' } as const;

interface KeyRow { id: string; hash: Buffer; plan: Plan; created_at: string; revoked_at: string | null; prefix: string }

const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id, hash: r.hash, plan: r.plan, createdAt: num(r.created_at), revokedAt: numOrNull(r.revoked_at), prefix: r.prefix,
});

class PgMailboxes implements MailboxStore {
  constructor(private readonly pool: pg.Pool, private readonly t: Tables) {}

  async create(m: Mailbox, cap?: LiveMailboxCap | readonly LiveMailboxCap[], issued?: Buffer): Promise<void> {
    const insert = `INSERT INTO ${this.t.mailboxes} (id, address, token_hash, owner_key_id, created_at, expires_at, wrapped_key, key_epoch, creator_ip, creator_client)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
    const values = [m.id, m.address, m.tokenHash, m.ownerKeyId, m.createdAt, m.expiresAt, m.wrappedKey, m.keyEpoch, m.creatorIp, m.creatorClient];
    // Locks are always taken in this order (owner, address, browser), so two creations never wait on each other crosswise.
    const order = { owner: 0, creatorIp: 1, creatorClient: 2 };
    const caps = capsWithHolder(m, cap).sort((a, b) => order[a.cap.by] - order[b.cap.by]);
    if (caps.length === 0 && !issued) {
      await this.pool.query(insert, values);
      return;
    }
    await withTransaction(this.pool, async (client) => {
      for (const { cap: c, holder } of caps) {
        const column = CAP_COLUMN[c.by];
        // Every node's creations for one holder queue on this lock until commit, so the count
        // below cannot be overtaken by a concurrent insert.
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${this.t.mailboxes}/${column}/${holder}`]);
        if ((await this.countLive(client, column, holder, c.now)) >= c.max) {
          const { rows } = await client.query<{ soonest: string | null }>(
            `SELECT min(expires_at) AS soonest FROM ${this.t.mailboxes} WHERE ${column} = $1 AND expires_at > $2`, [holder, c.now]);
          throw new LiveCapReached(rows[0].soonest === null ? null : num(rows[0].soonest), c.by);
        }
      }
      if (issued) {
        // A concurrent transaction inserting the same digest makes this one wait for its
        // outcome: committed, this finds the conflict; rolled back, this inserts.
        const { rowCount } = await client.query(
          `INSERT INTO ${this.t.issuedAddresses} (digest) VALUES ($1) ON CONFLICT (digest) DO NOTHING`, [issued]);
        if (rowCount === 0) throw new AddressAlreadyIssued();
      }
      await client.query(insert, values); // a unique-address failure rolls the digest back with it
    });
  }

  async wasIssued(digest: Buffer): Promise<boolean> {
    const { rowCount } = await this.pool.query(`SELECT 1 FROM ${this.t.issuedAddresses} WHERE digest = $1`, [digest]);
    return (rowCount ?? 0) > 0;
  }

  /** Safe on several nodes at once: rows are claimed with SKIP LOCKED, digests inserted idempotently. */
  async digestPendingIssued(digest: (address: string) => Buffer): Promise<number> {
    let moved = 0;
    for (;;) {
      const n = await withTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ address: string }>(
          `SELECT address FROM ${this.t.issuedPending} LIMIT 1000 FOR UPDATE SKIP LOCKED`);
        if (rows.length === 0) return 0;
        const addresses = rows.map((r) => r.address);
        await client.query(`INSERT INTO ${this.t.issuedAddresses} (digest) SELECT unnest($1::bytea[]) ON CONFLICT (digest) DO NOTHING`,
          [addresses.map(digest)]);
        await client.query(`DELETE FROM ${this.t.issuedPending} WHERE address = ANY($1::text[])`, [addresses]);
        return rows.length;
      });
      if (n === 0) return moved;
      moved += n;
    }
  }

  async findByAddress(address: string): Promise<Mailbox | null> {
    const { rows } = await this.pool.query<MailboxRow>(`SELECT * FROM ${this.t.mailboxes} WHERE address = $1`, [address]);
    return rows[0] ? toMailbox(rows[0]) : null;
  }

  async findById(id: string): Promise<Mailbox | null> {
    const { rows } = await this.pool.query<MailboxRow>(`SELECT * FROM ${this.t.mailboxes} WHERE id = $1`, [id]);
    return rows[0] ? toMailbox(rows[0]) : null;
  }

  async countLiveByOwner(keyId: string, now: number): Promise<number> {
    return this.countLive(this.pool, 'owner_key_id', keyId, now);
  }

  async countLiveByCreatorIp(ip: string, now: number): Promise<number> {
    return this.countLive(this.pool, 'creator_ip', ip, now);
  }

  /** Live mailboxes sharing an owner key or a creator address (on the pool, or inside a transaction). */
  private async countLive(db: pg.Pool | pg.PoolClient, column: 'owner_key_id' | 'creator_ip' | 'creator_client', holder: string, now: number): Promise<number> {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.t.mailboxes} WHERE ${column} = $1 AND expires_at > $2`, [holder, now]);
    return num(rows[0].n);
  }

  async listLiveByOwner(keyId: string, now: number, limit: number, beforeAddress?: string): Promise<Mailbox[]> {
    const m = this.t.mailboxes;
    const { rows } = beforeAddress === undefined
      ? await this.pool.query<MailboxRow>(
        `SELECT * FROM ${m} WHERE owner_key_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC LIMIT $3`, [keyId, now, limit])
      : await this.pool.query<MailboxRow>(
        `SELECT x.* FROM ${m} x, (SELECT created_at, id FROM ${m} WHERE address = $4 AND owner_key_id = $1 AND expires_at > $2) b
          WHERE x.owner_key_id = $1 AND x.expires_at > $2 AND (x.created_at, x.id) < (b.created_at, b.id)
          ORDER BY x.created_at DESC, x.id DESC LIMIT $3`, [keyId, now, limit, beforeAddress]);
    return rows.map(toMailbox);
  }

  async listExpired(now: number, limit: number): Promise<Mailbox[]> {
    const { rows } = await this.pool.query<MailboxRow>(
      `SELECT * FROM ${this.t.mailboxes} WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2`, [now, limit]);
    return rows.map(toMailbox);
  }

  /**
   * Idempotent: several nodes' sweepers may delete the same mailbox; the losers wait on the row
   * lock, find it gone and answer false. Messages, raw sources, attachments and their outbox
   * rows, webhooks and their delivery logs go by ON DELETE CASCADE; outbox rows are also
   * deleted by mailbox explicitly (before the webhook rows: the lock order webhook settlements use).
   */
  async delete(id: string): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      await c.query(`DELETE FROM ${this.t.outbox} WHERE mailbox_id = $1`, [id]);
      const { rowCount } = await c.query(`DELETE FROM ${this.t.mailboxes} WHERE id = $1`, [id]);
      return (rowCount ?? 0) > 0;
    });
  }

  async extend(id: string, change: MailboxExpiryChange, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.t.mailboxes} SET expires_at = $1, wrapped_key = $2, key_epoch = $3 WHERE id = $4 AND expires_at > $5`,
      [change.expiresAt, change.wrappedKey, change.keyEpoch, id, now]);
    return (rowCount ?? 0) > 0;
  }
}

class PgApiKeys implements ApiKeyStore {
  constructor(private readonly pool: pg.Pool, private readonly t: Tables) {}

  async create(k: ApiKeyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t.apiKeys} (id, hash, plan, created_at, revoked_at, prefix) VALUES ($1, $2, $3, $4, $5, $6)`,
      [k.id, k.hash, k.plan, k.createdAt, k.revokedAt, k.prefix],
    );
  }

  async findByHash(hash: Buffer): Promise<ApiKeyRecord | null> {
    const { rows } = await this.pool.query<KeyRow>(`SELECT * FROM ${this.t.apiKeys} WHERE hash = $1`, [hash]);
    return rows[0] ? toKey(rows[0]) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>(`SELECT * FROM ${this.t.apiKeys} ORDER BY created_at, id`);
    return rows.map(toKey);
  }

  async revoke(hash: Buffer, at: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.t.apiKeys} SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL`, [at, hash]);
    return (rowCount ?? 0) > 0;
  }

  async setPlan(hash: Buffer, plan: Plan): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE ${this.t.apiKeys} SET plan = $1 WHERE hash = $2`, [plan, hash]);
    return (rowCount ?? 0) > 0;
  }
}

/** The store on an already migrated schema; owns `pool` and ends it on close. */
export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  readonly tables: Tables;
  readonly mailboxes: MailboxStore;
  readonly messages: MessageStore;
  readonly keys: ApiKeyStore;
  /** Custom domains (issue 8). */
  readonly domains: DomainStore;
  /** Webhooks: registrations, outbox leasing (FOR UPDATE SKIP LOCKED), delivery log (issue 6). */
  readonly webhooks: WebhookStore;
  /** Deletion receipts (issue 20). */
  readonly receipts: ReceiptStore;
  private closed: Promise<void> | null = null;

  constructor(readonly pool: pg.Pool, schema: string) {
    this.tables = tablesIn(schema);
    this.mailboxes = new PgMailboxes(pool, this.tables);
    this.messages = new PgMessages(pool, this.tables);
    this.keys = new PgApiKeys(pool, this.tables);
    this.domains = new PgDomainStore(pool, this.tables);
    this.webhooks = new PgWebhookStore(pool, this.tables);
    this.receipts = new PgReceiptStore(pool, this.tables);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }
}
