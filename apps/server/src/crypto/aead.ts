/**
 * AES-256-GCM with a self-describing format:
 *   [1 byte version = 1][12 bytes IV][16 bytes tag][ciphertext]
 * Every ciphertext is bound to where it belongs through the associated data (AAD), so a blob
 * copied to another mailbox, message or field fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SLICE_BYTES, nextTurn } from '../runtime/in-slices.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 1 + IV_BYTES + TAG_BYTES;

export class DecryptError extends Error {
  constructor(message = 'ciphertext could not be authenticated') {
    super(message);
    this.name = 'DecryptError';
  }
}

/** Encrypts `plaintext` under a 32-byte key, binding it to `aad`. */
export function seal(key: Buffer, plaintext: Uint8Array | string, aad: string): Buffer {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const body = cipher.update(data);
  const final = cipher.final();
  const out = Buffer.allocUnsafe(HEADER + body.length + final.length);
  out[0] = VERSION;
  iv.copy(out, 1);
  cipher.getAuthTag().copy(out, 1 + IV_BYTES);
  body.copy(out, HEADER);
  final.copy(out, HEADER + body.length);
  return out;
}

/**
 * seal() for big plaintexts without holding the event loop: the same output, encrypted one
 * slice per event-loop turn, so a 20 MB message does not stall every other connection for the
 * tens of milliseconds AES-GCM takes over all of it. Up to one slice it is seal() itself.
 */
export async function sealInSlices(key: Buffer, plaintext: Uint8Array, aad: string, sliceBytes = SLICE_BYTES): Promise<Buffer> {
  if (plaintext.byteLength <= sliceBytes) return seal(key, plaintext, aad);
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const out = Buffer.allocUnsafe(HEADER + plaintext.byteLength);
  out[0] = VERSION;
  iv.copy(out, 1);
  let at = HEADER;
  for (let from = 0; from < plaintext.byteLength; from += sliceBytes) {
    if (from > 0) await nextTurn();
    at += cipher.update(plaintext.subarray(from, from + sliceBytes)).copy(out, at);
  }
  cipher.final(); // GCM is a stream mode: update() gave every byte already
  cipher.getAuthTag().copy(out, 1 + IV_BYTES);
  return out;
}

/** Decrypts a blob made by seal(); throws DecryptError on a wrong key, wrong AAD or tampering. */
export function open(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < HEADER || blob[0] !== VERSION) throw new DecryptError('unknown ciphertext format');
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 1 + IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(blob.subarray(1 + IV_BYTES, HEADER));
  try {
    return Buffer.concat([decipher.update(blob.subarray(HEADER)), decipher.final()]);
  } catch {
    throw new DecryptError();
  }
}
