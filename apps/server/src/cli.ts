#!/usr/bin/env node
/**
 * The `tempmail` command:
 *   tempmail serve
 *   tempmail keys create --plan free|premium [--json]
 *   tempmail keys list [--json]
 *   tempmail keys revoke KEY
 * Logs go to stderr; only results go to stdout.
 */
import { parseArgs } from 'node:util';
import { openStore } from './adapters/select.js';
import { ConfigError, loadConfig, type Config } from './config/index.js';
import type { Plan } from './domain/types.js';
import { createApiKey, hashSecret } from './keys/api-keys.js';
import { createLogger } from './logger.js';
import { startService } from './main.js';
import { setHeapGrowing } from './runtime/heap.js';

const USAGE = `usage:
  tempmail serve                                  run SMTP + HTTP (same as npm start)
  tempmail keys create --plan free|premium [--json]
  tempmail keys list [--json]
  tempmail keys revoke KEY`;

function fail(message: string, code = 2): never {
  process.stderr.write(`tempmail: ${message}\n`);
  process.exit(code);
}

async function serve(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
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
      const key = rest[0] ?? fail('keys revoke needs the KEY');
      const ok = await store.keys.revoke(hashSecret(key), Date.now());
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

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(`configuration error: ${e.message}`, 78);
    throw e;
  }
  if (command === 'serve' || command === undefined) return serve(config);
  if (command === 'keys') return keys(config, rest);
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
