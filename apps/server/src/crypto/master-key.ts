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
