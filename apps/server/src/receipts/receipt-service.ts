/**
 * Issues deletion receipts into the store's append-only log: when a mailbox is deleted (API) or
 * expires (sweeper), and when the sweeper destroys an epoch's KEK. A mailbox receipt names the
 * epoch whose KEK wraps the mailbox's data key and when that epoch ends; the epoch.destroyed
 * receipt that follows in the chain says when the KEK was actually destroyed. A receipt that
 * cannot be written is logged and does not stop the deletion: the data goes either way.
 */
import type { Logger } from 'pino';
import type { Mailbox } from '../domain/types.js';
import type { ReceiptStore, StoredReceipt } from '../ports/receipt-store.js';
import { type Receipt, type ReceiptEvent, receiptHash, sha256Hex, signReceipt, type UnsignedReceipt } from './receipt.js';
import type { ReceiptSigningKey } from './signing-key.js';

/** Receipts served per page of /api/receipts.php. */
export const RECEIPT_PAGE = 1000;

const iso = (ms: number) => new Date(ms).toISOString();

export class ReceiptService {
  constructor(
    private readonly store: ReceiptStore,
    private readonly key: ReceiptSigningKey,
    /** Key epoch length in ms (KeyService): epoch E ends at E * epochMs. */
    private readonly epochMs: number,
    private readonly log: Logger,
  ) {}

  /** The public part, as /.well-known/tempmail-receipts.json serves it. */
  publicKeys(): { algorithm: 'Ed25519'; keys: Array<{ key_id: string; public_key: string; pem: string }> } {
    return {
      algorithm: 'Ed25519',
      keys: [{ key_id: this.key.keyId, public_key: this.key.publicKeyRaw, pem: this.key.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    };
  }

  /** A receipt for a mailbox deleted or expired at `at`, holding `messages` messages. Null when it could not be written. */
  async mailboxGone(mailbox: Pick<Mailbox, 'id' | 'address' | 'keyEpoch'>, reason: 'deleted' | 'expired', messages: number, at: number): Promise<Receipt | null> {
    return this.issue({
      event: reason === 'deleted' ? 'mailbox.deleted' : 'mailbox.expired',
      mailbox: sha256Hex(mailbox.id),
      address: sha256Hex(mailbox.address.toLowerCase()),
      messages,
      key_epoch: mailbox.keyEpoch,
      at,
    });
  }

  /** A receipt for each epoch whose KEK was destroyed at `at`. */
  async epochsDestroyed(epochs: number[], at: number): Promise<void> {
    for (const epoch of epochs) await this.issue({ event: 'epoch.destroyed', mailbox: null, address: null, messages: null, key_epoch: epoch, at });
  }

  /** Receipts after `since` (seq), in chain order. */
  async since(since: number, limit = RECEIPT_PAGE): Promise<Receipt[]> {
    return (await this.store.since(since, limit)).map((r) => JSON.parse(r.json) as Receipt);
  }

  private async issue(fields: { event: ReceiptEvent; mailbox: string | null; address: string | null; messages: number | null; key_epoch: number; at: number }): Promise<Receipt | null> {
    let made: Receipt | null = null;
    try {
      await this.store.append((tip): StoredReceipt => {
        const unsigned: UnsignedReceipt = {
          v: 1,
          seq: (tip?.seq ?? 0) + 1,
          event: fields.event,
          mailbox: fields.mailbox,
          address: fields.address,
          messages: fields.messages,
          key_epoch: fields.key_epoch,
          epoch_ends_at: iso(fields.key_epoch * this.epochMs),
          at: iso(fields.at),
          prev: tip?.hash ?? null,
          key_id: this.key.keyId,
        };
        made = signReceipt(unsigned, this.key.privateKey);
        return { seq: unsigned.seq, hash: receiptHash(made), json: JSON.stringify(made) };
      });
      return made;
    } catch (err) {
      this.log.error({ err: { message: (err as Error).message }, event: fields.event }, 'writing a deletion receipt failed');
      return null;
    }
  }
}
