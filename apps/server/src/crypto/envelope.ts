/**
 * Envelope encryption for mailboxes.
 *
 * Each mailbox has a random 256-bit data key (DK). The DK is wrapped with the key-encryption
 * key (KEK) of the mailbox's expiry epoch; KEKs live in a keyring apart from the message
 * store, sealed with the master key. When an epoch has passed, its KEK is destroyed, and with
 * it every copy of every wrapped DK of that epoch becomes useless, wherever it survives
 * (WAL frames, free pages, backups). See docs/encryption.md.
 */
import { randomBytes } from 'node:crypto';
import { open, seal, sealInSlices } from './aead.js';

/** Associated data for one field of one message: binds a ciphertext to its place. */
export const fieldAad = (mailboxId: string, messageId: string, field: string): string =>
  `tempmail/v1/msg/${mailboxId}/${messageId}/${field}`;

const dkAad = (mailboxId: string, epoch: number) => `tempmail/v1/dk/${mailboxId}/${epoch}`;
const kekAad = (epoch: number) => `tempmail/v1/kek/${epoch}`;

/** A new random data key. */
export const newDataKey = (): Buffer => randomBytes(32);

/** Wraps a mailbox data key with its epoch KEK. */
export function wrapDataKey(kek: Buffer, dataKey: Buffer, mailboxId: string, epoch: number): Buffer {
  return seal(kek, dataKey, dkAad(mailboxId, epoch));
}

/** Unwraps a mailbox data key; throws DecryptError when the KEK or the mailbox does not match. */
export function unwrapDataKey(kek: Buffer, wrapped: Buffer, mailboxId: string, epoch: number): Buffer {
  return open(kek, wrapped, dkAad(mailboxId, epoch));
}

/** Seals a KEK with the master key for storage in the keyring. */
export function sealKek(masterKey: Buffer, kek: Buffer, epoch: number): Buffer {
  return seal(masterKey, kek, kekAad(epoch));
}

/** Opens a sealed KEK from the keyring. */
export function openKek(masterKey: Buffer, sealed: Buffer, epoch: number): Buffer {
  return open(masterKey, sealed, kekAad(epoch));
}

/** Encrypts and decrypts the fields of one mailbox's messages with its data key. */
export class MailboxCipher {
  constructor(private readonly dataKey: Buffer, readonly mailboxId: string) {}

  seal(messageId: string, field: string, plaintext: Uint8Array | string): Buffer {
    return seal(this.dataKey, plaintext, fieldAad(this.mailboxId, messageId, field));
  }

  /** seal() for what may be big (the raw source, the body): one slice per event-loop turn. */
  sealInSlices(messageId: string, field: string, plaintext: Uint8Array): Promise<Buffer> {
    return sealInSlices(this.dataKey, plaintext, fieldAad(this.mailboxId, messageId, field));
  }

  open(messageId: string, field: string, blob: Buffer): Buffer {
    return open(this.dataKey, blob, fieldAad(this.mailboxId, messageId, field));
  }

  sealJson(messageId: string, field: string, value: unknown): Buffer {
    return this.seal(messageId, field, JSON.stringify(value));
  }

  openJson<T>(messageId: string, field: string, blob: Buffer): T {
    return JSON.parse(this.open(messageId, field, blob).toString('utf8')) as T;
  }
}
