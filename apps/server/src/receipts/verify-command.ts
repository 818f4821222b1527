/**
 * `tempmail receipts verify FILE --keys KEYS [--chain CHAIN]`, offline: nothing is fetched.
 *
 * - FILE: one receipt (as delete.php answered it, or the receipt alone), or a run of receipts
 *   (as /api/receipts.php answers).
 * - KEYS: the instance's /.well-known/tempmail-receipts.json, saved: the keys trusted.
 * - CHAIN: a run of receipts.php pages joined (one JSON array); the receipts of FILE must be in
 *   it unchanged, the run must be unbroken, and for a mailbox receipt the destruction of its
 *   epoch's KEK is looked for after it.
 */
import { readFileSync } from 'node:fs';
import { checkChain, checkSignature, publicKeyFromRaw, type Receipt, receiptHash, type TrustedKeys } from './receipt.js';

export interface VerifyOutcome {
  ok: boolean;
  lines: string[];
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** The receipts a file holds: an array of them, one, or a delete.php answer with one. */
export function receiptsIn(value: unknown): Receipt[] {
  if (Array.isArray(value)) return value as Receipt[];
  if (value && typeof value === 'object' && 'receipt' in value) return [(value as { receipt: Receipt }).receipt];
  return [value as Receipt];
}

/** The trusted keys of a saved /.well-known/tempmail-receipts.json. */
export function trustedKeys(value: unknown): TrustedKeys {
  const keys: TrustedKeys = new Map();
  const list = (value as { keys?: Array<{ key_id?: string; public_key?: string }> } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) throw new Error('the keys file has no keys (save /.well-known/tempmail-receipts.json)');
  for (const k of list) if (k.key_id && k.public_key) keys.set(k.key_id, publicKeyFromRaw(k.public_key));
  return keys;
}

export function verifyReceipts(receipts: Receipt[], keys: TrustedKeys, chain?: Receipt[]): VerifyOutcome {
  const lines: string[] = [];
  let ok = true;
  const problem = (text: string) => { ok = false; lines.push(`FAIL ${text}`); };
  if (receipts.length === 0) problem('no receipt in the file');
  if (receipts.length === 1) {
    const bad = checkSignature(receipts[0], keys);
    if (bad) problem(bad);
    else lines.push(`ok   receipt ${receipts[0].seq} (${receipts[0].event}) is signed by key ${receipts[0].key_id}`);
  } else {
    const problems = checkChain(receipts, keys);
    for (const p of problems) problem(p);
    if (problems.length === 0) lines.push(`ok   ${receipts.length} receipts (${receipts[0].seq}..${receipts.at(-1)!.seq}): every signature, and the chain unbroken`);
  }
  if (!chain) return { ok, lines };

  const chainProblems = checkChain(chain, keys);
  for (const p of chainProblems) problem(`chain: ${p}`);
  if (chainProblems.length === 0 && chain.length > 0) lines.push(`ok   chain of ${chain.length} receipts (${chain[0].seq}..${chain.at(-1)!.seq}) unbroken`);
  const bySeq = new Map(chain.map((r) => [r.seq, r]));
  for (const r of receipts) {
    const inChain = bySeq.get(r.seq);
    if (!inChain || receiptHash(inChain) !== receiptHash(r)) {
      problem(`receipt ${r.seq} is not in the chain as it is here`);
      continue;
    }
    if (r.event === 'epoch.destroyed') continue;
    const destroyed = chain.find((c) => c.event === 'epoch.destroyed' && c.key_epoch === r.key_epoch);
    if (!destroyed) {
      lines.push(`...  receipt ${r.seq}: the KEK of epoch ${r.key_epoch} is due for destruction at ${r.epoch_ends_at}; no receipt of its destruction in this chain yet`);
    } else {
      const lateMs = Date.parse(destroyed.at) - Date.parse(r.epoch_ends_at);
      lines.push(`ok   receipt ${r.seq}: the KEK of epoch ${r.key_epoch} was destroyed at ${destroyed.at} (receipt ${destroyed.seq}), ${lateMs >= 0 ? `${Math.round(lateMs / 1000)} s after` : 'before'} the epoch's end`);
    }
  }
  return { ok, lines };
}

/** The command, from its arguments (FILE, --keys, --chain): reads the files, verifies. */
export function verifyCommand(file: string, keysFile: string, chainFile?: string): VerifyOutcome {
  const keys = trustedKeys(readJson(keysFile));
  const chain = chainFile ? receiptsIn(readJson(chainFile)) : undefined;
  return verifyReceipts(receiptsIn(readJson(file)), keys, chain);
}
