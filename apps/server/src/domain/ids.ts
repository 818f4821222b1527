/** Random identifiers. All URL-safe (A-Z a-z 0-9 _ -) and drawn from the CSPRNG. */
import { randomBytes, randomInt } from 'node:crypto';

const LOCAL_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random mailbox local part: 12 chars of [a-z0-9] (~62 bits; the token, not the address, is the secret). */
export function newLocalPart(length = 12): string {
  let out = LOCAL_ALPHABET[randomInt(26)]; // start with a letter: friendlier in forms
  for (let i = 1; i < length; i++) out += LOCAL_ALPHABET[randomInt(LOCAL_ALPHABET.length)];
  return out;
}

/** A secret of `bytes` random bytes in base64url (default 32 bytes = 256 bits). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A message id: "msg_" + 20 base64url chars (120 random bits). */
export function newMessageId(): string {
  return `msg_${randomBytes(15).toString('base64url')}`;
}

/** A mailbox id (internal, never shown): "mbx_" + 120 random bits. */
export function newMailboxId(): string {
  return `mbx_${randomBytes(15).toString('base64url')}`;
}

/** An API key: "tm_" + 32 random bytes in base64url (256 bits). */
export function newApiKey(): string {
  return `tm_${randomBytes(32).toString('base64url')}`;
}

/** A generic prefixed id for webhooks, deliveries and the like. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export const URL_SAFE = /^[A-Za-z0-9_-]+$/;
