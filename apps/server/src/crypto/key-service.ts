/**
 * Issues and opens mailbox data keys through the epoch keyring, and destroys epochs once
 * every mailbox in them has expired. Unsealed KEKs and unwrapped data keys are cached in
 * memory only (and dropped on destruction).
 */
import { randomBytes } from 'node:crypto';
import type { Mailbox } from '../domain/types.js';
import type { KeyringStore } from '../ports/store.js';
import { DecryptError } from './aead.js';
import { ADDRESS_KEY_EPOCH } from './address-key.js';
import { MailboxCipher, newDataKey, openKek, sealKek, unwrapDataKey, wrapDataKey } from './envelope.js';

export class KeyService {
  private readonly keks = new Map<number, Buffer>();
  private readonly dataKeys = new Map<string, Buffer>();
  private readonly maxCachedDataKeys = 50_000;
  private readonly forgetListeners: Array<(mailboxId: string) => void> = [];

  constructor(
    private readonly keyring: KeyringStore,
    private readonly masterKey: Buffer,
    /** Epoch length in ms (default one hour). */
    private readonly epochMs = 3_600_000,
  ) {}

  /**
   * Throws when the master key does not open the keyring's newest key. A node started with
   * another key (one left out of a rotation, say) would fail every read and, worse, seal new
   * epochs' keys with its own, which the other nodes could not open.
   */
  async checkMasterKey(): Promise<void> {
    const newest = await this.keyring.newest();
    if (!newest) return;
    try {
      openKek(this.masterKey, newest.sealed, newest.epoch);
    } catch {
      throw new Error(`the master key does not open the keyring (the key of epoch ${newest.epoch}): start with the key the keyring is sealed with (after \`tempmail keyring rotate\`, the new one)`);
    }
  }

  /** The epoch whose KEK wraps a mailbox expiring at `expiresAt`: destroyed once that time has passed. */
  epochOf(expiresAt: number): number {
    return Math.ceil(expiresAt / this.epochMs);
  }

  /** A new data key for a mailbox, wrapped for storage. */
  async issue(mailboxId: string, expiresAt: number): Promise<{ wrappedKey: Buffer; keyEpoch: number; dataKey: Buffer }> {
    const keyEpoch = this.epochOf(expiresAt);
    const kek = await this.kek(keyEpoch, true);
    if (!kek) throw new Error('keyring could not create a key');
    const dataKey = newDataKey();
    this.remember(mailboxId, dataKey);
    return { wrappedKey: wrapDataKey(kek, dataKey, mailboxId, keyEpoch), keyEpoch, dataKey };
  }

  /**
   * The mailbox's data key wrapped for a later expiry (extend.php): the epoch of the old expiry
   * is destroyed when it ends, so the key must move to the new expiry's epoch. Null when the
   * data key can no longer be opened.
   */
  async rewrap(mailbox: Pick<Mailbox, 'id' | 'wrappedKey' | 'keyEpoch'>, expiresAt: number): Promise<{ wrappedKey: Buffer; keyEpoch: number } | null> {
    const keyEpoch = this.epochOf(expiresAt);
    if (keyEpoch === mailbox.keyEpoch) return { wrappedKey: mailbox.wrappedKey, keyEpoch };
    if (!(await this.cipherFor(mailbox))) return null;
    const dataKey = this.dataKeys.get(mailbox.id);
    const kek = await this.kek(keyEpoch, true);
    if (!dataKey || !kek) return null;
    return { wrappedKey: wrapDataKey(kek, dataKey, mailbox.id, keyEpoch), keyEpoch };
  }

  /** The cipher for a mailbox, or null when its epoch key is gone (the mailbox is unreadable forever). */
  async cipherFor(mailbox: Pick<Mailbox, 'id' | 'wrappedKey' | 'keyEpoch'>): Promise<MailboxCipher | null> {
    let dataKey = this.dataKeys.get(mailbox.id);
    if (!dataKey) {
      const kek = await this.kek(mailbox.keyEpoch, false);
      if (!kek) return null;
      try {
        dataKey = unwrapDataKey(kek, mailbox.wrappedKey, mailbox.id, mailbox.keyEpoch);
      } catch (e) {
        if (e instanceof DecryptError) return null;
        throw e;
      }
      this.remember(mailbox.id, dataKey);
    }
    return new MailboxCipher(dataKey, mailbox.id);
  }

  /** Drops a mailbox's data key, and whatever was decrypted with it, from memory (after delete or expiry). */
  forget(mailboxId: string): void {
    this.dataKeys.get(mailboxId)?.fill(0);
    this.dataKeys.delete(mailboxId);
    for (const listener of this.forgetListeners) listener(mailboxId);
  }

  /** Registers a cache of decrypted data that must be dropped with a mailbox's key. */
  onForget(listener: (mailboxId: string) => void): void {
    this.forgetListeners.push(listener);
  }

  /** Epochs with a KEK in the keyring, and how many of them ended at or before `now` (due for destruction). */
  async epochCounts(now: number): Promise<{ live: number; ended: number }> {
    // the address key shares the keyring under a reserved epoch that never ends: not a mailbox epoch
    const epochs = (await this.keyring.epochs()).filter((e) => e !== ADDRESS_KEY_EPOCH);
    const lastEnded = Math.floor(now / this.epochMs);
    return { live: epochs.length, ended: epochs.filter((e) => e <= lastEnded).length };
  }

  /** Destroys the KEK of every epoch that ended at or before `now`. */
  async destroyEndedEpochs(now: number): Promise<number[]> {
    const lastEnded = Math.floor(now / this.epochMs);
    for (const [epoch, kek] of this.keks) {
      if (epoch <= lastEnded) {
        kek.fill(0);
        this.keks.delete(epoch);
      }
    }
    return this.keyring.destroyThrough(lastEnded);
  }

  private async kek(epoch: number, create: boolean): Promise<Buffer | null> {
    const cached = this.keks.get(epoch);
    if (cached) return cached;
    let sealed = await this.keyring.get(epoch);
    if (!sealed) {
      if (!create) return null;
      sealed = await this.keyring.putIfAbsent(epoch, sealKek(this.masterKey, randomBytes(32), epoch));
    }
    const kek = openKek(this.masterKey, sealed, epoch);
    this.keks.set(epoch, kek);
    return kek;
  }

  private remember(mailboxId: string, dataKey: Buffer): void {
    if (this.dataKeys.size >= this.maxCachedDataKeys) {
      const oldest = this.dataKeys.keys().next().value;
      if (oldest !== undefined) this.dataKeys.delete(oldest);
    }
    this.dataKeys.set(mailboxId, dataKey);
  }
}

/**
 * Master-key rotation: every KEK in the keyring opened with `current` and sealed with `next`,
 * in one transaction. Refuses (and changes nothing) when a KEK does not open with `current`.
 * Data keys and messages are untouched: the master key seals only the KEKs.
 */
export async function rotateMasterKey(keyring: KeyringStore, current: Buffer, next: Buffer): Promise<number> {
  return keyring.resealAll((epoch, sealed) => {
    let kek: Buffer;
    try {
      kek = openKek(current, sealed, epoch);
    } catch {
      throw new Error(`the key of epoch ${epoch} does not open with the current master key; nothing was changed`);
    }
    return sealKek(next, kek, epoch);
  });
}
