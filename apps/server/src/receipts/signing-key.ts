/**
 * The instance's receipt-signing key: Ed25519, generated on first start beside the keyring
 * (TEMPMAIL_KEYRING_DIR/receipts-ed25519.pem, mode 0600, like a generated master key), never in
 * DATA_DIR; or at TEMPMAIL_RECEIPT_KEY_FILE. Several nodes must share one key (that variable,
 * pointing at the same key on each), as they share the master key, so that every receipt in the
 * one log is signed by the key /.well-known/tempmail-receipts.json publishes.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyId, rawPublicKey } from './receipt.js';

export const RECEIPT_KEY_FILE = 'receipts-ed25519.pem';

export interface ReceiptSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** base64url of the raw public key. */
  publicKeyRaw: string;
  file: string;
  generated: boolean;
}

/** Loads the key at `configured` or in `keyDir`, or writes a new one there (mode 0600; a new folder 0700). */
export function loadReceiptKey(keyDir: string, configured: string | null = null): ReceiptSigningKey {
  const file = configured ?? path.join(keyDir, RECEIPT_KEY_FILE);
  let privateKey: KeyObject;
  let generated = false;
  if (existsSync(file)) {
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} does not hold an Ed25519 private key`);
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': two nodes starting at once on a shared folder keep the first key.
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      generated = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    }
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyId(publicKey), publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), file, generated };
}
