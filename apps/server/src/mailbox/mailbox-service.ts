/** Creating, authorising and deleting mailboxes. The one place that decides who may see a mailbox. */
import { timingSafeEqual } from 'node:crypto';
import type { KeyService } from '../crypto/key-service.js';
import type { AddressDigest } from '../crypto/address-key.js';
import { AppError, badRequest, conflict, notFound } from '../domain/errors.js';
import { newLocalPart, newMailboxId, newSecret } from '../domain/ids.js';
import type { Mailbox } from '../domain/types.js';
import { hashSecret } from '../keys/api-keys.js';
import type { Clock } from '../ports/clock.js';
import { AddressAlreadyIssued, type LiveMailboxCap, type Store } from '../ports/store.js';
import type { Receipt } from '../receipts/receipt.js';
import type { ReceiptService } from '../receipts/receipt-service.js';
import type { MailboxGoneAnnouncer } from './mailbox-gone.js';

export interface TtlBounds {
  defaultSeconds: number;
  minSeconds: number;
  maxSeconds: number;
}

export interface CreateMailboxOptions {
  /** Requested TTL text (from `ttl=`), or undefined for the default. */
  ttl?: string;
  /** A chosen local part (`name=`), or undefined for a random one. */
  name?: string;
  /** Upper TTL bound of the caller's plan, below the global one. */
  planMaxTtlSeconds?: number;
  domain: string;
  ownerKeyId: string | null;
  creatorIp: string | null;
  /** The creating browser (anonymous mailboxes; see CreateMailboxOptions.maxLivePerClient). */
  creatorClient?: string | null;
  withToken: boolean;
  /**
   * At most this many live mailboxes per owner key (keyed) or creator address (anonymous), 0 =
   * none: checked by the store as it inserts, exactly even across nodes. Over it: LiveCapReached.
   */
  maxLive?: number;
  /** At most this many live mailboxes per creating browser as well (anonymous; 0 = none). */
  maxLivePerClient?: number;
}

const ADDRESS_RE = /^[a-z0-9._+-]{1,64}@[a-z0-9.-]{1,253}$/;

/** Lower-cases and checks an address from a request; null when it cannot be one. */
export function normaliseAddress(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const address = input.trim().toLowerCase();
  return ADDRESS_RE.test(address) ? address : null;
}

/** Chosen names follow the random ones' alphabet plus . _ -, start and end with a letter or digit. */
const NAME_RE = /^[a-z0-9](?:[a-z0-9._-]{1,62}[a-z0-9])$/;

/** Whether `name` may be chosen (reserved names and a disabled feature aside); why not, when not. */
export function nameProblem(name: string): string | null {
  if (!NAME_RE.test(name)) return 'name must be 3 to 64 of a-z, 0-9, dot, underscore and hyphen, starting and ending with a letter or digit.';
  if (/[._-]{2}/.test(name)) return 'name must not have two dots, underscores or hyphens in a row.';
  return null;
}

/** Settings of chosen names (config.customNames). */
export interface NamePolicy {
  enabled: boolean;
  reserved: ReadonlySet<string>;
}

export class MailboxService {
  constructor(
    private readonly store: Store,
    private readonly keys: KeyService,
    private readonly clock: Clock,
    private readonly ttl: TtlBounds,
    /** Told after a delete, so every node drops the mailbox's plaintext and tells its WebSockets. */
    private readonly gone: MailboxGoneAnnouncer,
    /** Keyed digest of an address: every address issued is recorded, and never issued again. */
    private readonly digest: AddressDigest,
    private readonly names: NamePolicy = { enabled: false, reserved: new Set() },
    /** Draws a random local part (tests pass their own to force a collision). */
    private readonly randomLocalPart: () => string = newLocalPart,
    /** Issues deletion receipts (absent: none). */
    private readonly receipts?: ReceiptService,
  ) {}

  /** The chosen local part, checked: 400 when it is malformed, reserved or names are off. */
  private chosenName(input: string): string {
    if (!this.names.enabled) throw badRequest('This server does not allow choosing the name; leave name= out for a random one.', 'name');
    const name = input.trim().toLowerCase();
    const problem = nameProblem(name);
    if (problem) throw badRequest(problem, 'name');
    if (this.names.reserved.has(name)) throw badRequest(`"${name}" is reserved; choose another name.`, 'name');
    return name;
  }

  /** Parses `ttl=` within the configured bounds (and the plan's); 400 outside them. */
  resolveTtl(ttl: string | undefined, planMax?: number): number {
    if (ttl === undefined || ttl === '') return Math.min(this.ttl.defaultSeconds, planMax ?? Infinity);
    if (!/^\d{1,9}$/.test(ttl)) throw badRequest('ttl must be a whole number of seconds.');
    const seconds = Number(ttl);
    const max = Math.min(this.ttl.maxSeconds, planMax ?? Infinity);
    if (seconds < this.ttl.minSeconds || seconds > max) {
      throw badRequest(`ttl must be between ${this.ttl.minSeconds} and ${max} seconds.`);
    }
    return seconds;
  }

  /**
   * Makes a new mailbox with a fresh data key; returns it and (if asked) its reading token. An
   * address handed out before, even long expired, is never handed out again: random ones are
   * drawn anew, a chosen one is refused with 409.
   */
  async create(opts: CreateMailboxOptions): Promise<{ mailbox: Mailbox; token: string | null }> {
    const seconds = this.resolveTtl(opts.ttl, opts.planMaxTtlSeconds);
    const name = opts.name === undefined || opts.name === '' ? null : this.chosenName(opts.name);
    const now = this.clock.now();
    const expiresAt = now + seconds * 1000;
    for (let attempt = 0; attempt < (name ? 1 : 5); attempt++) {
      const id = newMailboxId();
      const token = opts.withToken ? newSecret(32) : null;
      const { wrappedKey, keyEpoch } = await this.keys.issue(id, expiresAt);
      const address = `${name ?? this.randomLocalPart()}@${opts.domain}`;
      const mailbox: Mailbox = {
        id, address, tokenHash: token ? hashSecret(token) : null,
        ownerKeyId: opts.ownerKeyId, createdAt: now, expiresAt, wrappedKey, keyEpoch, creatorIp: opts.creatorIp,
        creatorClient: opts.creatorClient ?? null,
      };
      const caps: LiveMailboxCap[] = [];
      if (opts.maxLive) caps.push({ by: opts.ownerKeyId !== null ? 'owner' : 'creatorIp', max: opts.maxLive, now });
      if (opts.maxLivePerClient && opts.ownerKeyId === null) caps.push({ by: 'creatorClient', max: opts.maxLivePerClient, now });
      try {
        await this.store.mailboxes.create(mailbox, caps, this.digest(address));
        return { mailbox, token };
      } catch (e) {
        this.keys.forget(id);
        const taken = e instanceof AddressAlreadyIssued || /unique|duplicate/i.test(String((e as Error).message));
        if (!taken) throw e;
        if (name) throw conflict(`${address} was already handed out; an address is never given twice. Choose another name.`, 'name');
      }
    }
    throw new AppError('unavailable', 'Could not allocate an address; try again.');
  }

  /** A live mailbox by address, or null (unknown or expired). */
  async findLive(address: string): Promise<Mailbox | null> {
    const mailbox = await this.store.mailboxes.findByAddress(address);
    return mailbox && mailbox.expiresAt > this.clock.now() ? mailbox : null;
  }

  /** The mailbox a token opens; 404 for a wrong token, an unknown or an expired mailbox alike. */
  async authorizeToken(emailInput: unknown, tokenInput: unknown): Promise<Mailbox> {
    const address = normaliseAddress(emailInput);
    if (!address) throw badRequest('email is missing or not an address.');
    if (typeof tokenInput !== 'string' || tokenInput === '') throw badRequest('token is missing.');
    const mailbox = await this.findLive(address);
    if (!mailbox || !mailbox.tokenHash || !timingSafeEqual(mailbox.tokenHash, hashSecret(tokenInput))) throw notFound();
    return mailbox;
  }

  /** The mailbox an API key owns; 404 when it is another key's, unknown or expired. */
  async authorizeKey(emailInput: unknown, keyId: string): Promise<Mailbox> {
    const address = normaliseAddress(emailInput);
    if (!address) throw badRequest('email is missing or not an address.');
    const mailbox = await this.findLive(address);
    if (!mailbox || mailbox.ownerKeyId !== keyId) throw notFound();
    return mailbox;
  }

  /**
   * Adds time to a live mailbox (extend.php): `ttl=` seconds (default: the default lifetime),
   * within the usual bounds, and never past now + the maximum lifetime (the plan's for keyed
   * mailboxes), so a mailbox never has more time left than a new one could get. Answers the
   * mailbox as it now is; 404 when it expired or was deleted meanwhile.
   */
  async extend(mailbox: Mailbox, ttl: string | undefined, planMax?: number): Promise<Mailbox> {
    const seconds = this.resolveTtl(ttl, planMax);
    const now = this.clock.now();
    const ceiling = now + Math.min(this.ttl.maxSeconds, planMax ?? Infinity) * 1000;
    const expiresAt = Math.max(mailbox.expiresAt, Math.min(mailbox.expiresAt + seconds * 1000, ceiling));
    if (expiresAt === mailbox.expiresAt) return mailbox;
    const rewrapped = await this.keys.rewrap(mailbox, expiresAt);
    if (!rewrapped) throw notFound();
    const change = { expiresAt, ...rewrapped };
    if (!(await this.store.mailboxes.extend(mailbox.id, change, now))) throw notFound();
    return { ...mailbox, ...change };
  }

  /** Deletes a mailbox and all its messages now, and has every node forget it. */
  /** Deletes a mailbox now; returns its deletion receipt (null when receipts are off or it could not be written). */
  async deleteNow(mailbox: Mailbox): Promise<Receipt | null> {
    const messages = this.receipts ? (await this.store.messages.usage(mailbox.id)).count : 0;
    const removed = await this.store.mailboxes.delete(mailbox.id);
    await this.gone.announce({ mailboxId: mailbox.id, reason: 'deleted' });
    if (!removed || !this.receipts) return null;
    return this.receipts.mailboxGone(mailbox, 'deleted', messages, this.clock.now());
  }
}
