/**
 * The address key: HMAC key of the issued-address digests (addresses are never handed out
 * twice, issue 18). The store keeps only these digests, so a copy of the store does not list
 * the addresses ever issued; guessing one needs the key, which lives in the keyring.
 *
 * It is kept as the key of a reserved keyring epoch that no mailbox expiry reaches (2^53 - 1),
 * so it is sealed with the master key like every KEK, resealed by `tempmail keyring rotate`,
 * shared by every node of a PostgreSQL keyring, and never destroyed by the epoch sweep (which
 * only destroys epochs that have passed).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { KeyringStore } from '../ports/store.js';
import { openKek, sealKek } from './envelope.js';

export const ADDRESS_KEY_EPOCH = Number.MAX_SAFE_INTEGER;

/** 16 bytes of HMAC-SHA256: collisions (a fresh address refused) stay out of reach at 2^64 addresses. */
const DIGEST_BYTES = 16;

/** Keyed digest of a normalised (lower-case) address. */
export type AddressDigest = (address: string) => Buffer;

/** The instance's address key from the keyring (made on first use; the first node to write it wins). */
export async function loadAddressDigest(keyring: KeyringStore, masterKey: Buffer): Promise<AddressDigest> {
  const sealed = (await keyring.get(ADDRESS_KEY_EPOCH))
    ?? (await keyring.putIfAbsent(ADDRESS_KEY_EPOCH, sealKek(masterKey, randomBytes(32), ADDRESS_KEY_EPOCH)));
  const key = openKek(masterKey, sealed, ADDRESS_KEY_EPOCH);
  return (address) => createHmac('sha256', key).update(`tempmail/v1/address/${address.toLowerCase()}`).digest().subarray(0, DIGEST_BYTES);
}
