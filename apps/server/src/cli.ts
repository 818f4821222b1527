#!/usr/bin/env node
/**
 * The `tempmail` command:
 *   tempmail serve
 *   tempmail keys create --plan free|premium [--json]
 *   tempmail keys list [--json]
 *   tempmail keys revoke KEY|KEY_ID
 *   tempmail keyring rotate --new-key-file FILE
 *   tempmail receipts verify FILE --keys KEYS.json [--chain CHAIN.json]   (offline)
 *   tempmail new | inbox EMAIL | wait EMAIL   (client commands: cli-client.ts)
 *   tempmail mcp [--http [--port N] [--host H]]  (MCP server for AI agents: mcp/)
 *   tempmail --version
 * Logs go to stderr; only results go to stdout.
 */
import { renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openStore } from './adapters/select.js';
import { ConfigError, loadConfig, type Config } from './config/index.js';
import { rotateMasterKey } from './crypto/key-service.js';
import { currentMasterKey, readKeyFile, stageKeyFile } from './crypto/master-key.js';
import type { Plan } from './domain/types.js';
import { createApiKey, hashSecret } from './keys/api-keys.js';
import { createLogger } from './logger.js';
import { startService } from './main.js';
import { ClientExit, clientCommand } from './cli-client.js';
import { verifyCommand } from './receipts/verify-command.js';
import { serviceVersion } from './version.js';
import { setHeapGrowing } from './runtime/heap.js';
import { hardenProcessMemory } from './runtime/memory-hygiene.js';

const USAGE = `usage:
  tempmail serve                                  run SMTP + HTTP (same as npm start)
  tempmail keys create --plan free|premium [--json]
  tempmail keys list [--json]
  tempmail keys revoke KEY|KEY_ID                 by the key itself or by the id keys list shows
  tempmail new [--ttl S] [--json]                 a new mailbox on the running service (TEMPMAIL_URL, TEMPMAIL_KEY or --key)
  tempmail inbox EMAIL [--json]                   its messages, newest first
  tempmail wait EMAIL [--otp|--link] [--timeout S] [--from X] [--subject X]
        [--from-domain D [--require-auth]]      prints only the code, the link or the message id; exit 1 at the timeout
  tempmail mcp [--http [--port 8808] [--host H]]  MCP server for AI agents (stdio, or streamable HTTP at /mcp)
                                                  over TEMPMAIL_URL with TEMPMAIL_KEY (docs/guide-mcp.md)
  tempmail --version
  tempmail keyring rotate --new-key-file FILE     re-seal the epoch keys with a new master key
                                                  (stop every node first; see docs/deployment.md)
  tempmail receipts verify FILE --keys KEYS.json [--chain CHAIN.json]
                                                  check deletion receipts offline (docs/encryption.md);
                                                  KEYS.json: the saved /.well-known/tempmail-receipts.json`;

function fail(message: string, code = 2): never {
  process.stderr.write(`tempmail: ${message}\n`);
  process.exit(code);
}

async function serve(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  if (config.memoryScrubMs > 0) hardenProcessMemory(); // plaintext garbage cleared, not left (runtime/memory-hygiene.ts)
  setHeapGrowing(config.heapGrowingPercent); // this process is the service: fewer full GCs under ingest (runtime/heap.ts)
  const service = await startService(config, log);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1); // second Ctrl-C: stop now
    log.info({ signal }, 'signal received');
    service.stop().then(() => process.exit(0), (err) => {
      log.error({ err: { message: (err as Error).message } }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function keys(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, options: { plan: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [sub, ...rest] = positionals;
  const { store, keyring } = await openStore(config);
  try {
    if (sub === 'create') {
      const plan = (values.plan ?? 'free') as Plan;
      if (plan !== 'free' && plan !== 'premium') fail('--plan must be free or premium');
      const { key } = await createApiKey(store.keys, plan);
      process.stdout.write(values.json ? `${JSON.stringify({ key, plan })}\n` : `${key}\n`);
      if (!values.json) process.stderr.write(`created a ${plan} key; it is shown only once (stored hashed)\n`);
    } else if (sub === 'list') {
      const all = await store.keys.list();
      if (values.json) {
        process.stdout.write(`${JSON.stringify(all.map((k) => ({ id: k.id, prefix: k.prefix, plan: k.plan, created_at: new Date(k.createdAt).toISOString(), revoked: k.revokedAt !== null })))}\n`);
      } else {
        for (const k of all) {
          process.stdout.write(`${k.id}\t${k.prefix}…\t${k.plan}\t${new Date(k.createdAt).toISOString()}\t${k.revokedAt ? 'revoked' : 'active'}\n`);
        }
      }
    } else if (sub === 'revoke') {
      const key = rest[0] ?? fail('keys revoke needs the KEY or its id (keys list)');
      // An id as `keys list` shows it, or the key itself.
      const byId = (await store.keys.list()).find((k) => k.id === key);
      const ok = await store.keys.revoke(byId ? byId.hash : hashSecret(key), Date.now());
      if (!ok) fail('no such active key', 1);
      process.stdout.write('revoked\n');
    } else {
      fail(USAGE);
    }
  } finally {
    await store.close();
    await keyring.close();
  }
}

/**
 * `keyring rotate`: every epoch key re-sealed with the new master key in one transaction. When
 * the key lives in TEMPMAIL_KEYRING_DIR/master.key (the generated default) the file is replaced once the
 * keyring is committed (staged beside it first, so neither can end up without the other);
 * a configured key (TEMPMAIL_MASTER_KEY, _FILE) is the operator's to change on every node.
 */
async function keyringCommand(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'new-key-file': { type: 'string' } } });
  if (positionals[0] !== 'rotate' || positionals.length > 1) fail(USAGE);
  const newKeyFile = values['new-key-file'] ?? fail('keyring rotate needs --new-key-file FILE (32 bytes in base64: `openssl rand -base64 32 > FILE`)');
  const current = currentMasterKey(config.masterKey, config.keyringDir, config.dataDir)
    ?? fail('there is no master key yet (the service has not run with this DATA_DIR): nothing to rotate', 1);
  let next: Buffer;
  try {
    next = readKeyFile(newKeyFile);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (next.equals(current.key)) fail('the new key is the current master key');
  const staged = current.file ? stageKeyFile(current.file, next) : null;
  const { store, keyring } = await openStore(config, (message, err) => process.stderr.write(`tempmail: warning: ${message}: ${err.message}\n`));
  let resealed: number;
  try {
    resealed = await rotateMasterKey(keyring, current.key, next);
  } catch (e) {
    if (staged) rmSync(staged, { force: true });
    await Promise.allSettled([store.close(), keyring.close()]);
    return fail((e as Error).message, 1);
  }
  await Promise.allSettled([store.close(), keyring.close()]);
  if (staged && current.file) renameSync(staged, current.file);
  process.stdout.write(`resealed ${resealed} epoch key${resealed === 1 ? '' : 's'} with the new master key\n`);
  process.stderr.write(current.file
    ? `${current.file} now holds the new key; start the service\n`
    : 'now set TEMPMAIL_MASTER_KEY (or TEMPMAIL_MASTER_KEY_FILE) to the new key on every node, then start them\n');
}

/** `receipts verify`: prints one line per finding; exit 1 when anything fails to verify. */
function receiptsCommand(args: string[]): void {
  const { values, positionals } = parseArgs({ args, options: { keys: { type: 'string' }, chain: { type: 'string' } }, allowPositionals: true });
  if (positionals[0] !== 'verify' || !positionals[1]) fail('usage: tempmail receipts verify FILE --keys KEYS.json [--chain CHAIN.json]');
  const keysFile = values.keys ?? fail('receipts verify needs --keys KEYS.json: the instance\'s /.well-known/tempmail-receipts.json, saved (the key you trust)');
  const outcome = verifyCommand(positionals[1], keysFile, values.chain);
  for (const line of outcome.lines) process.stdout.write(`${line}\n`);
  if (!outcome.ok) process.exit(1);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  // Offline, and needs no configuration.
  if (command === 'receipts') return receiptsCommand(rest);
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(`configuration error: ${e.message}`, 78);
    throw e;
  }
  if (command === 'serve') return serve(config);
  if (command === 'mcp') {
    // Loaded only here: the MCP SDK is not needed to serve mail.
    const { McpUsageError, runMcp } = await import('./mcp/index.js');
    try {
      return await runMcp(rest, process.env, (line) => process.stderr.write(`${line}\n`));
    } catch (e) {
      if (e instanceof McpUsageError) fail(`mcp: ${e.message}`, 2);
      throw e;
    }
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${serviceVersion()}\n`);
    return;
  }
  if (command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    if (await clientCommand(config, command, rest, (line) => process.stdout.write(`${line}\n`))) return;
  } catch (e) {
    if (e instanceof ClientExit) fail(e.message, e.code);
    throw e;
  }
  if (command === 'keys') return keys(config, rest);
  if (command === 'keyring') return keyringCommand(config, rest);
  if (command === '--help' || command === 'help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  fail(USAGE);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tempmail: ${message.split('\n')[0]}\n`);
  process.exit(1);
});
