/** Loads the master key from configuration, or generates one into DATA_DIR on first start. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MasterKeySource {
  key: Buffer;
  /** True when the key was generated just now (the caller warns). */
  generated: boolean;
  file: string | null;
}

/** Returns the configured key, the one in DATA_DIR/master.key, or a new one written there (mode 0600). */
export function loadMasterKey(configured: Buffer | null, dataDir: string): MasterKeySource {
  if (configured) return { key: configured, generated: false, file: null };
  const file = path.join(dataDir, 'master.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return { key, generated: false, file };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, generated: true, file };
}

/** The master key in use, without generating one: null when there is none yet. */
export function currentMasterKey(configured: Buffer | null, dataDir: string): MasterKeySource | null {
  if (configured) return { key: configured, generated: false, file: null };
  return existsSync(path.join(dataDir, 'master.key')) ? loadMasterKey(null, dataDir) : null;
}

/** A 32-byte key written in base64 in `file` (as `openssl rand -base64 32` writes it). */
export function readKeyFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new Error(`${file} does not hold a 32-byte key in base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

/** Writes `key` as `<file>.new` (mode 0600): it replaces `file` once the keyring has been resealed. */
export function stageKeyFile(file: string, key: Buffer): string {
  const staged = `${file}.new`;
  writeFileSync(staged, `${key.toString('base64')}\n`, { mode: 0o600 });
  return staged;
}
