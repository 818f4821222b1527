/**
 * API keys: shown once at creation, stored only as SHA-256 hashes (keys carry 256 random
 * bits, so a fast hash is enough), looked up by hash and compared in constant time.
 */
import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { newApiKey, newId, URL_SAFE } from '../domain/ids.js';
import type { ApiKeyRecord, Plan } from '../domain/types.js';
import type { ApiKeyStore } from '../ports/store.js';

/** SHA-256 of a key or token (UTF-8). One-shot `crypto.hash` where Node has it (>= 20.12): no Hash object per request. */
export const hashSecret: (secret: string) => Buffer = typeof hash === 'function'
  ? (secret) => hash('sha256', secret, 'buffer')
  : (secret) => createHash('sha256').update(secret, 'utf8').digest();

/** Creates a key; returns the key itself (never stored) and its record. */
export async function createApiKey(store: ApiKeyStore, plan: Plan, now = Date.now()): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = newApiKey();
  const record: ApiKeyRecord = { id: newId('key'), hash: hashSecret(key), plan, createdAt: now, revokedAt: null, prefix: key.slice(0, 9) };
  await store.create(record);
  return { key, record };
}

/** The live key record for a presented key, or null (unknown, revoked or malformed). */
export async function authenticateApiKey(store: ApiKeyStore, presented: string): Promise<ApiKeyRecord | null> {
  if (presented.length < 16 || presented.length > 128 || !URL_SAFE.test(presented)) return null;
  const hash = hashSecret(presented);
  const record = await store.findByHash(hash);
  if (!record || !timingSafeEqual(record.hash, hash) || record.revokedAt !== null) return null;
  return record;
}
