/** Versioned schema of the SQLite message store. Append; never edit a released migration. */
import type { Migration } from './database.js';

export const storeMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE mailboxes (
        id TEXT PRIMARY KEY,
        address TEXT NOT NULL UNIQUE,
        token_hash BLOB,
        owner_key_id TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        wrapped_key BLOB NOT NULL,
        key_epoch INTEGER NOT NULL,
        creator_ip TEXT
      );
      CREATE INDEX mailboxes_expires ON mailboxes (expires_at);
      CREATE INDEX mailboxes_owner ON mailboxes (owner_key_id, expires_at) WHERE owner_key_id IS NOT NULL;
      CREATE INDEX mailboxes_creator_ip ON mailboxes (creator_ip, expires_at) WHERE creator_ip IS NOT NULL;

      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        mailbox_id TEXT NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        received_at INTEGER NOT NULL,
        size INTEGER NOT NULL,
        summary BLOB NOT NULL,
        body BLOB NOT NULL
      );
      CREATE INDEX messages_mailbox ON messages (mailbox_id, seq);

      CREATE TABLE message_raw (
        message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
        raw BLOB NOT NULL
      );

      CREATE TABLE attachments (
        message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        content BLOB NOT NULL,
        PRIMARY KEY (message_id, idx)
      );

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        hash BLOB NOT NULL UNIQUE,
        plan TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        prefix TEXT NOT NULL
      );

      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL,
        message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        mailbox_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at);
    `,
  },
  {
    // Webhooks (issue 6): registrations (secret sealed with the mailbox's data key) and a
    // bounded per-webhook delivery log. Outbox rows already exist (version 1).
    version: 2,
    sql: `
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        mailbox_id TEXT NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        sealed_secret BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        disabled_at INTEGER,
        disabled_reason TEXT
      );
      CREATE INDEX webhooks_mailbox ON webhooks (mailbox_id, created_at);

      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at INTEGER NOT NULL,
        status_code INTEGER,
        latency_ms INTEGER,
        error TEXT,
        outcome TEXT NOT NULL
      );
      CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);

      CREATE INDEX outbox_webhook ON outbox (webhook_id);
      CREATE INDEX outbox_mailbox ON outbox (mailbox_id);
    `,
  },
  {
    // Custom domains (issue 8): one row per domain, owned by one API key.
    version: 3,
    sql: `
      CREATE TABLE custom_domains (
        domain TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'suspended')),
        created_at INTEGER NOT NULL,
        checked_at INTEGER,
        verified_at INTEGER,
        next_check_at INTEGER NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX custom_domains_key ON custom_domains (key_id, created_at);
      CREATE INDEX custom_domains_due ON custom_domains (next_check_at);
    `,
  },
  {
    // Mailbox usage (count and bytes, checked on every delivery for the quota) from the index
    // alone, without touching the rows.
    version: 4,
    sql: `CREATE INDEX messages_mailbox_size ON messages (mailbox_id, size);`,
  },
  {
    // Deletion receipts (issue 20): the append-only signed chain (receipts/receipt.ts).
    version: 5,
    sql: `CREATE TABLE receipts (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, json TEXT NOT NULL);`,
  },
  {
    // Sender authentication (issue 21): results sealed like the message's other fields, in a
    // table of their own (written after the message; an UPDATE of the wide row would rewrite
    // its body), and the event each outbox row delivers.
    version: 6,
    sql: `
      CREATE TABLE message_auth (
        message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
        sealed BLOB NOT NULL
      );
      ALTER TABLE outbox ADD COLUMN event TEXT NOT NULL DEFAULT 'message.received';
    `,
  },
  {
    // Addresses are never issued twice (issue 18): a keyed digest of every address handed out
    // stays after its mailbox. The digests need the address key, which SQL does not have: the
    // addresses live now are copied aside and digested by the service at start
    // (MailboxStore.digestPendingIssued), which then deletes these plain copies.
    version: 7,
    sql: `
      CREATE TABLE issued_addresses (digest BLOB PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE issued_pending (address TEXT PRIMARY KEY) WITHOUT ROWID;
      INSERT INTO issued_pending (address) SELECT address FROM mailboxes;
    `,
  },
  {
    // The browser that made an anonymous mailbox (issue 18): counted per browser as well as per
    // address, so one person behind an office NAT does not use up everyone's places.
    version: 8,
    sql: `
      ALTER TABLE mailboxes ADD COLUMN creator_client TEXT;
      CREATE INDEX mailboxes_creator_client ON mailboxes (creator_client, expires_at) WHERE creator_client IS NOT NULL;
    `,
  },
];

export const keyringMigrations: Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE keks (epoch INTEGER PRIMARY KEY, sealed BLOB NOT NULL, created_at INTEGER NOT NULL);`,
  },
];
