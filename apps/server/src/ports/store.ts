/**
 * Storage ports. The SQLite adapter is the embedded default; the PostgreSQL adapter serves
 * several nodes. Both pass the same contract test suite (test/contract/store.test.ts).
 * Every method is async so either can sit behind it.
 */
import type { ApiKeyRecord, Mailbox, MessageEventName, Plan, StoredAuthentication, StoredMessage } from '../domain/types.js';
import type { DomainStore } from './domain-store.js';
import type { ReceiptStore } from './receipt-store.js';
import type { WebhookStore } from './webhook-store.js';

/** A message's identity and fixed facts, without any sealed column (cheap to read). */
export interface MessageRef {
  id: string;
  mailboxId: string;
  receivedAt: number;
  size: number;
}

export interface MessageRow extends MessageRef {
  summary: Buffer;
}

export interface MessageDetailRow extends MessageRow {
  body: Buffer;
  /** Sealed AuthenticationResults, or null while the checks have not run (or were off). */
  authentication: Buffer | null;
}

/** A durable outbox row written in the same transaction as its message (webhook fan-out). */
export interface OutboxInsert {
  id: string;
  webhookId: string;
  messageId: string;
  mailboxId: string;
  /** The event the row delivers; absent: message.received. */
  event?: MessageEventName;
}

/** A limit on live mailboxes per owner key or per creator address, checked as the mailbox is stored. */
export interface LiveMailboxCap {
  by: 'owner' | 'creatorIp' | 'creatorClient';
  max: number;
  /** Mailboxes expiring after this instant count as live. */
  now: number;
}

/** The caps of a create that have a holder on this mailbox (an anonymous mailbox has no owner). */
export function capsWithHolder(m: Mailbox, cap: LiveMailboxCap | readonly LiveMailboxCap[] | undefined): Array<{ cap: LiveMailboxCap; holder: string }> {
  const caps = cap === undefined ? [] : Array.isArray(cap) ? cap as readonly LiveMailboxCap[] : [cap as LiveMailboxCap];
  const holderOf = { owner: m.ownerKeyId, creatorIp: m.creatorIp, creatorClient: m.creatorClient };
  return caps.flatMap((c) => (holderOf[c.by] === null ? [] : [{ cap: c, holder: holderOf[c.by]! }]));
}

/** The mailbox was not stored: its owner, address or browser already has `cap.max` live mailboxes. */
export class LiveCapReached extends Error {
  constructor(
    /** When the soonest of the holder's live mailboxes expires (ms), freeing a place; null when unknown. */
    readonly freesAt: number | null = null,
    /** Which cap was reached. */
    readonly by: LiveMailboxCap['by'] = 'owner',
  ) {
    super('live mailbox cap reached');
    this.name = 'LiveCapReached';
  }
}

/**
 * The address was handed out before (its keyed digest is in the issued set, kept after its
 * mailbox is gone): it is never issued again, so nobody receives a former owner's mail.
 */
export class AddressAlreadyIssued extends Error {
  constructor() {
    super('address already issued');
    this.name = 'AddressAlreadyIssued';
  }
}

export interface MailboxStore {
  /**
   * Stores a new mailbox; throws (a unique-constraint error) if a mailbox holds the address. With
   * `cap` (one or several), only while fewer than `cap.max` live mailboxes share its owner key
   * (`by: 'owner'`), creator address (`by: 'creatorIp'`) or creator browser (`by: 'creatorClient'`):
   * counted and inserted in one transaction, serialised per holder across every node; else throws
   * LiveCapReached naming the cap. With `issued` (the address's
   * keyed digest), the digest joins the issued set in the same transaction; when it is there
   * already, nothing is stored and AddressAlreadyIssued is thrown.
   */
  create(mailbox: Mailbox, cap?: LiveMailboxCap | readonly LiveMailboxCap[], issued?: Buffer): Promise<void>;
  /** Whether an address digest is in the issued set (it stays there after the mailbox is gone). */
  wasIssued(digest: Buffer): Promise<boolean>;
  /**
   * Moves the addresses that were live when the issued set was introduced (the migration copied
   * them aside) into the issued set as digests, and forgets their plain copies. Idempotent;
   * answers how many it moved (0 after the first start).
   */
  digestPendingIssued(digest: (address: string) => Buffer): Promise<number>;
  findByAddress(address: string): Promise<Mailbox | null>;
  findById(id: string): Promise<Mailbox | null>;
  /** Live mailboxes owned by an API key. */
  countLiveByOwner(keyId: string, now: number): Promise<number>;
  /** Live anonymous mailboxes created from one client IP. */
  countLiveByCreatorIp(ip: string, now: number): Promise<number>;
  /**
   * Live mailboxes of an API key, newest first (created_at, then id); `beforeAddress` pages past
   * one of them (an address that is not the key's live mailbox gives an empty page).
   */
  listLiveByOwner(keyId: string, now: number, limit: number, beforeAddress?: string): Promise<Mailbox[]>;
  /** Up to `limit` mailboxes whose expiry has passed. */
  listExpired(now: number, limit: number): Promise<Mailbox[]>;
  /** Deletes a mailbox with its messages, attachments, webhooks and outbox rows. */
  delete(id: string): Promise<boolean>;
  /**
   * Moves a mailbox's expiry (extend.php), with its data key rewrapped for the new expiry
   * epoch, only while it is still live at `now`: an expired mailbox is never revived. False
   * when it is gone or expired.
   */
  extend(id: string, change: MailboxExpiryChange, now: number): Promise<boolean>;
}

/** A new expiry for a mailbox and its data key wrapped by that expiry's epoch key. */
export interface MailboxExpiryChange {
  expiresAt: number;
  wrappedKey: Buffer;
  keyEpoch: number;
}

export interface MessageStore {
  /**
   * Stores a message and its outbox rows durably (committed and synced to disk) before the
   * promise resolves. Concurrent calls are group-committed. Then trims the mailbox to
   * `keepNewest` messages (0 = no limit). The store takes the message's buffers: the caller
   * must not use them afterwards (the SQLite writer thread moves them without a copy).
   */
  insert(message: StoredMessage, outbox: OutboxInsert[], keepNewest: number): Promise<void>;
  /**
   * Stores a message's sealed authentication results (once: a second call changes nothing) with
   * its `message.updated` outbox rows, durably; nothing is written when the message is gone.
   */
  setAuthentication(auth: StoredAuthentication, outbox: OutboxInsert[], at: number): Promise<void>;
  /** Newest first; `beforeId` pages past a message id. */
  list(mailboxId: string, limit: number, beforeId?: string): Promise<MessageRow[]>;
  /**
   * As `list`, without the sealed summaries: the read path decrypts summaries once and keeps
   * them, and reading them from the wide rows costs more than the rest of the query.
   */
  listRefs(mailboxId: string, limit: number, beforeId?: string): Promise<MessageRef[]>;
  /** The sealed summaries of those of `ids` that are (still) messages of the mailbox. */
  summaries(mailboxId: string, ids: string[]): Promise<Map<string, Buffer>>;
  /** One message's ref, or null when it is not (or no longer) a message of the mailbox. */
  ref(mailboxId: string, id: string): Promise<MessageRef | null>;
  get(mailboxId: string, id: string): Promise<MessageDetailRow | null>;
  getRaw(mailboxId: string, id: string): Promise<Buffer | null>;
  getAttachment(mailboxId: string, id: string, index: number): Promise<Buffer | null>;
  /** Deletes one message with its raw source, attachments and outbox rows; true when it was there. */
  delete(mailboxId: string, id: string): Promise<boolean>;
  /** Messages and bytes currently held by a mailbox. */
  usage(mailboxId: string): Promise<{ count: number; bytes: number }>;
}

export interface ApiKeyStore {
  create(record: ApiKeyRecord): Promise<void>;
  findByHash(hash: Buffer): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  /** Revokes by key id or by hash of the key; true when something changed. */
  revoke(hash: Buffer, at: number): Promise<boolean>;
  setPlan(hash: Buffer, plan: Plan): Promise<boolean>;
}

/** Sealed key-encryption keys by expiry epoch. Kept apart from the message store. */
export interface KeyringStore {
  get(epoch: number): Promise<Buffer | null>;
  /** Stores `sealed` unless the epoch has a key already; returns the stored one (first writer wins). */
  putIfAbsent(epoch: number, sealed: Buffer): Promise<Buffer>;
  /**
   * Destroys every KEK of an epoch <= `epoch`, so that it cannot be recovered from the store
   * files; returns the epochs this call destroyed (ascending; another node's are not among them).
   */
  destroyThrough(epoch: number): Promise<number[]>;
  /**
   * Replaces every stored KEK with `reseal(epoch, sealed)` in one transaction that also keeps
   * new ones from being added meanwhile, then rewrites the storage so the old sealed bytes do not
   * linger; if `reseal` throws, nothing changes. Returns how many were resealed (master-key
   * rotation: `tempmail keyring rotate`).
   */
  resealAll(reseal: (epoch: number, sealed: Buffer) => Buffer): Promise<number>;
  /** The KEK of the latest epoch stored, or null when the keyring is empty (to check the master key against). */
  newest(): Promise<{ epoch: number; sealed: Buffer } | null>;
  /** The epochs that have a KEK stored, ascending (metrics, receipts; never the keys). */
  epochs(): Promise<number[]>;
  close(): Promise<void>;
}

/** Everything the service keeps, behind one handle. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  mailboxes: MailboxStore;
  messages: MessageStore;
  keys: ApiKeyStore;
  /** Custom domains (ports/domain-store.ts); absent on a backend without them (the feature is then off). */
  domains?: DomainStore;
  /** Webhooks (ports/webhook-store.ts); absent on a backend without them (registration then answers 503). */
  webhooks?: WebhookStore;
  /** The deletion-receipt log (ports/receipt-store.ts); absent: no receipts are issued. */
  receipts?: ReceiptStore;
  /** Answers once the store can serve (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
