/**
 * Loads the master key from configuration, or generates one on first start. The generated key
 * lives beside the keyring (TEMPMAIL_KEYRING_DIR/master.key), never in DATA_DIR: a backup of
 * DATA_DIR must not carry the key that opens it. A key an older version generated into
 * DATA_DIR/master.key is moved there at start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MasterKeySource {
  key: Buffer;
  /** True when the key was generated just now (the caller warns). */
  generated: boolean;
  file: string | null;
  /** Where the key was before it was moved beside the keyring just now (the caller says so). */
  movedFrom?: string;
}

const FILE_NAME = 'master.key';

function readKey(file: string): Buffer {
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

/** Writes a key file readable by its owner only, in a folder only its owner may enter. */
function writeKey(file: string, key: Buffer, flag: 'wx' | 'w'): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag });
}

/**
 * Returns the configured key, or the one in `keyDir/master.key`, moving one found in the
 * legacy `dataDir/master.key` there first, or a new one written there (mode 0600).
 */
export function loadMasterKey(configured: Buffer | null, keyDir: string, dataDir?: string): MasterKeySource {
  if (configured) return { key: configured, generated: false, file: null };
  const file = path.join(keyDir, FILE_NAME);
  const legacyPath = dataDir ? path.join(dataDir, FILE_NAME) : null;
  const legacy = legacyPath && path.resolve(legacyPath) !== path.resolve(file) ? legacyPath : null;
  if (existsSync(file)) {
    const key = readKey(file);
    // A copy left in DATA_DIR by a move interrupted after the write: the same key, drop it.
    if (legacy && existsSync(legacy) && readKey(legacy).equals(key)) rmSync(legacy);
    return { key, generated: false, file };
  }
  if (legacy && existsSync(legacy)) {
    const key = readKey(legacy);
    writeKey(file, key, 'wx');
    rmSync(legacy);
    return { key, generated: false, file, movedFrom: legacy };
  }
  const key = randomBytes(32);
  writeKey(file, key, 'wx');
  return { key, generated: true, file };
}

/** The master key in use, without generating one: null when there is none yet. */
export function currentMasterKey(configured: Buffer | null, keyDir: string, dataDir?: string): MasterKeySource | null {
  if (configured) return { key: configured, generated: false, file: null };
  const exists = existsSync(path.join(keyDir, FILE_NAME)) || (dataDir !== undefined && existsSync(path.join(dataDir, FILE_NAME)));
  return exists ? loadMasterKey(null, keyDir, dataDir) : null;
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
  writeKey(staged, key, 'w');
  return staged;
}
