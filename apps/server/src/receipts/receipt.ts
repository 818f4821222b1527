/**
 * Deletion receipts: the format, its canonical bytes, signing and offline verification (the
 * service and `tempmail receipts verify` share this file). docs/encryption.md says what a
 * receipt proves and what it cannot.
 *
 * A receipt is a JSON object whose members come in a fixed order; its signature (Ed25519 over
 * the UTF-8 JSON of every member but `sig`) and its hash (SHA-256 over the JSON of the whole
 * receipt, `sig` included) are computed over that order. Each names the hash of the one before it
 * (`prev`; null for the first), so the log is a chain: a receipt changed, removed or moved breaks
 * it. Identifiers are SHA-256 hashes: a receipt does not say which address it was about, only
 * lets someone who knows the address check it.
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

export type ReceiptEvent = 'mailbox.deleted' | 'mailbox.expired' | 'epoch.destroyed';

export interface UnsignedReceipt {
  v: 1;
  seq: number;
  event: ReceiptEvent;
  /** SHA-256 (hex) of the mailbox id; null for epoch.destroyed. */
  mailbox: string | null;
  /** SHA-256 (hex) of the lower-case address; null for epoch.destroyed. */
  address: string | null;
  /** Messages deleted with the mailbox; null for epoch.destroyed. */
  messages: number | null;
  /** The key epoch whose KEK wraps (wrapped) the mailbox's data key, or the epoch destroyed. */
  key_epoch: number;
  /** When that epoch ends and its KEK is destroyed (ISO 8601 UTC): the promise a mailbox receipt makes. */
  epoch_ends_at: string;
  /** When this happened (ISO 8601 UTC, ms). */
  at: string;
  /** Hash of the previous receipt (base64url), null for the first. */
  prev: string | null;
  /** Id of the signing key: base64url SHA-256 of its raw public key, first 16 bytes. */
  key_id: string;
}

export interface Receipt extends UnsignedReceipt {
  /** Ed25519 signature (base64url) of the canonical JSON of the other members. */
  sig: string;
}

const ORDER: Array<keyof Receipt> = ['v', 'seq', 'event', 'mailbox', 'address', 'messages', 'key_epoch', 'epoch_ends_at', 'at', 'prev', 'key_id', 'sig'];

/** The canonical JSON of a receipt (or of its unsigned part): members in the fixed order. */
export function canonical(r: UnsignedReceipt | Receipt): string {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (k in r) out[k] = (r as unknown as Record<string, unknown>)[k];
  return JSON.stringify(out);
}

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The chain hash of a signed receipt. */
export function receiptHash(r: Receipt): string {
  return createHash('sha256').update(canonical(r), 'utf8').digest('base64url');
}

/** The id of an Ed25519 public key (base64url SHA-256 of its raw 32 bytes, first 16 bytes). */
export function keyId(publicKey: KeyObject): string {
  const raw = rawPublicKey(publicKey);
  return createHash('sha256').update(raw).digest().subarray(0, 16).toString('base64url');
}

/** The raw 32 bytes of an Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' }) as { x?: string };
  return Buffer.from(jwk.x ?? '', 'base64url');
}

/** An Ed25519 public key from its raw 32 bytes (base64url), as /.well-known/tempmail-receipts.json gives it. */
export function publicKeyFromRaw(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

export function signReceipt(unsigned: UnsignedReceipt, privateKey: KeyObject): Receipt {
  const sig = sign(null, Buffer.from(canonical(unsigned), 'utf8'), privateKey).toString('base64url');
  return { ...unsigned, sig };
}

/** Keys a verifier trusts, by key id. */
export type TrustedKeys = Map<string, KeyObject>;

/** What is wrong with one receipt's signature, or null when it verifies with a trusted key. */
export function checkSignature(r: Receipt, keys: TrustedKeys): string | null {
  if (r === null || typeof r !== 'object') return 'not a receipt';
  for (const k of ORDER) if (!(k in r)) return `member ${k} is missing`;
  if (r.v !== 1) return `unknown version ${String(r.v)}`;
  const key = keys.get(r.key_id);
  if (!key) return `signed with key ${r.key_id}, which is not among the trusted keys`;
  const { sig, ...unsigned } = r;
  const ok = verify(null, Buffer.from(canonical(unsigned as UnsignedReceipt), 'utf8'), key, Buffer.from(sig, 'base64url'));
  return ok ? null : `receipt ${r.seq}: the signature does not match its contents`;
}

/**
 * Checks a run of receipts as the log serves them: every signature, and each one's `prev` the
 * hash of the one before with `seq` one more. `after` is the hash of the receipt before the first
 * (when the run does not start at the chain's beginning); omitted, the first is not linked.
 * Returns the problems found (empty: the run is intact).
 */
export function checkChain(receipts: Receipt[], keys: TrustedKeys, after?: string | null): string[] {
  const problems: string[] = [];
  let prev: Receipt | null = null;
  for (const r of receipts) {
    const bad = checkSignature(r, keys);
    if (bad) problems.push(bad);
    if (prev) {
      if (r.seq !== prev.seq + 1) problems.push(`receipt ${r.seq} follows receipt ${prev.seq}: the chain is out of order or has a gap`);
      if (r.prev !== receiptHash(prev)) problems.push(`receipt ${r.seq} does not name the hash of receipt ${prev.seq} before it`);
    } else if (after !== undefined && r.prev !== after) {
      problems.push(`receipt ${r.seq} does not link to the receipt before it`);
    } else if (r.seq === 1 && r.prev !== null) {
      problems.push('the first receipt names a predecessor');
    }
    prev = r;
  }
  return problems;
}
