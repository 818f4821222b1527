#!/usr/bin/env node
// The `tempmail` command. Runs the compiled CLI; builds it first on a fresh checkout
// (so `npx tempmail keys create` works right after `npm ci`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('tempmail: building the server (first run)…\n');
  execFileSync(process.execPath, [fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', fileURLToPath(new URL('../tsconfig.build.json', import.meta.url))], { stdio: ['ignore', 2, 2] });
}
await import(cli.href);
