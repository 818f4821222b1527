/**
 * Versioned schema of the PostgreSQL store and keyring. Mirrors adapters/sqlite/migrations.ts
 * (bytea for ciphertexts, bigint for millisecond timestamps). Append; never edit a released
 * migration.
 */
import type { PgMigration } from './migrate.js';

export const pgStoreMigrations: PgMigration[] = [
  {
    version: 1,
    name: 'mailboxes, messages, raw, attachments, api keys, outbox',
    sql: (s) => `
      CREATE TABLE ${s}.mailboxes (
        id text PRIMARY KEY,
        address text NOT NULL UNIQUE,
        token_hash bytea,
        owner_key_id text,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        wrapped_key bytea NOT NULL,
        key_epoch bigint NOT NULL,
        creator_ip text
      );
      CREATE INDEX mailboxes_expires ON ${s}.mailboxes (expires_at);
      CREATE INDEX mailboxes_owner ON ${s}.mailboxes (owner_key_id, expires_at) WHERE owner_key_id IS NOT NULL;
      CREATE INDEX mailboxes_creator_ip ON ${s}.mailboxes (creator_ip, expires_at) WHERE creator_ip IS NOT NULL;

      CREATE TABLE ${s}.messages (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        mailbox_id text NOT NULL REFERENCES ${s}.mailboxes (id) ON DELETE CASCADE,
        received_at bigint NOT NULL,
        size bigint NOT NULL,
        summary bytea NOT NULL,
        body bytea NOT NULL
      );
      CREATE INDEX messages_mailbox ON ${s}.messages (mailbox_id, seq);

      CREATE TABLE ${s}.message_raw (
        message_id text PRIMARY KEY REFERENCES ${s}.messages (id) ON DELETE CASCADE,
        raw bytea NOT NULL
      );

      CREATE TABLE ${s}.attachments (
        message_id text NOT NULL REFERENCES ${s}.messages (id) ON DELETE CASCADE,
        idx integer NOT NULL,
        content bytea NOT NULL,
        PRIMARY KEY (message_id, idx)
      );

      -- Ciphertexts do not compress: store them out of line without trying.
      ALTER TABLE ${s}.messages ALTER COLUMN body SET STORAGE EXTERNAL;
      ALTER TABLE ${s}.message_raw ALTER COLUMN raw SET STORAGE EXTERNAL;
      ALTER TABLE ${s}.attachments ALTER COLUMN content SET STORAGE EXTERNAL;

      CREATE TABLE ${s}.api_keys (
        id text PRIMARY KEY,
        hash bytea NOT NULL UNIQUE,
        plan text NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint,
        prefix text NOT NULL
      );

      -- Webhook deliveries, written with their message; claimed with FOR UPDATE SKIP LOCKED.
      CREATE TABLE ${s}.outbox (
        id text PRIMARY KEY,
        webhook_id text NOT NULL,
        message_id text NOT NULL REFERENCES ${s}.messages (id) ON DELETE CASCADE,
        mailbox_id text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX outbox_due ON ${s}.outbox (next_attempt_at);
      CREATE INDEX outbox_message ON ${s}.outbox (message_id);
      CREATE INDEX outbox_mailbox ON ${s}.outbox (mailbox_id);
    `,
  },
  {
    // Webhooks (issue 6), as SQLite version 2: registrations (secret sealed with the mailbox's
    // data key; they go with their mailbox) and a bounded per-webhook delivery log (goes with
    // its webhook). Outbox rows already exist (version 1).
    version: 2,
    name: 'webhooks, webhook delivery log',
    sql: (s) => `
      CREATE TABLE ${s}.webhooks (
        id text PRIMARY KEY,
        mailbox_id text NOT NULL REFERENCES ${s}.mailboxes (id) ON DELETE CASCADE,
        url text NOT NULL,
        sealed_secret bytea NOT NULL,
        created_at bigint NOT NULL,
        disabled_at bigint,
        disabled_reason text
      );
      CREATE INDEX webhooks_mailbox ON ${s}.webhooks (mailbox_id, created_at);

      CREATE TABLE ${s}.webhook_deliveries (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        webhook_id text NOT NULL REFERENCES ${s}.webhooks (id) ON DELETE CASCADE,
        message_id text NOT NULL,
        attempt integer NOT NULL,
        at bigint NOT NULL,
        status_code integer,
        latency_ms bigint,
        error text,
        outcome text NOT NULL
      );
      CREATE INDEX webhook_deliveries_webhook ON ${s}.webhook_deliveries (webhook_id, seq);

      CREATE INDEX outbox_webhook ON ${s}.outbox (webhook_id);
    `,
  },
  {
    // Custom domains (issue 8), as SQLite version 3: one row per domain, owned by one API key.
    version: 3,
    name: 'custom domains',
    sql: (s) => `
      CREATE TABLE ${s}.custom_domains (
        domain text PRIMARY KEY,
        key_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'verified', 'suspended')),
        created_at bigint NOT NULL,
        checked_at bigint,
        verified_at bigint,
        next_check_at bigint NOT NULL,
        failures integer NOT NULL DEFAULT 0
      );
      CREATE INDEX custom_domains_key ON ${s}.custom_domains (key_id, created_at);
      CREATE INDEX custom_domains_due ON ${s}.custom_domains (next_check_at);
    `,
  },
  {
    version: 4,
    name: 'mailbox usage from the index',
    sql: (s) => `CREATE INDEX messages_mailbox_size ON ${s}.messages (mailbox_id, size);`,
  },
  {
    // Deletion receipts (issue 20), as SQLite version 5: the append-only signed chain.
    version: 5,
    name: 'deletion receipts',
    sql: (s) => `CREATE TABLE ${s}.receipts (seq bigint PRIMARY KEY, hash text NOT NULL UNIQUE, json text NOT NULL);`,
  },
  {
    // Sender authentication (issue 21), as SQLite version 6.
    version: 6,
    name: 'sealed authentication results, outbox event',
    sql: (s) => `
      CREATE TABLE ${s}.message_auth (
        message_id text PRIMARY KEY REFERENCES ${s}.messages (id) ON DELETE CASCADE,
        sealed bytea NOT NULL
      );
      ALTER TABLE ${s}.outbox ADD COLUMN event text NOT NULL DEFAULT 'message.received';
    `,
  },
  {
    // As SQLite version 7: keyed digests of every address ever issued, kept after the mailbox;
    // the addresses live now wait in issued_pending until a node digests them at start.
    version: 7,
    name: 'issued address digests',
    sql: (s) => `
      CREATE TABLE ${s}.issued_addresses (digest bytea PRIMARY KEY);
      CREATE TABLE ${s}.issued_pending (address text PRIMARY KEY);
      INSERT INTO ${s}.issued_pending (address) SELECT address FROM ${s}.mailboxes;
    `,
  },
  {
    // As SQLite version 8: the browser that made an anonymous mailbox, for the per-browser cap.
    version: 8,
    name: 'mailbox creator browser',
    sql: (s) => `
      ALTER TABLE ${s}.mailboxes ADD COLUMN creator_client text;
      CREATE INDEX mailboxes_creator_client ON ${s}.mailboxes (creator_client, expires_at) WHERE creator_client IS NOT NULL;
    `,
  },
];

export const pgKeyringMigrations: PgMigration[] = [
  {
    version: 1,
    name: 'keks',
    sql: (s) => `CREATE TABLE ${s}.keks (epoch bigint PRIMARY KEY, sealed bytea NOT NULL, created_at bigint NOT NULL);`,
  },
];
