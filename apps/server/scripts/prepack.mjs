#!/usr/bin/env node
/**
 * `npm pack` / `npm publish` of tempmail-server: brings the server, web page and docs up to
 * date (only what is stale), then copies the built page and docs into web/ inside this package,
 * where the installed server looks for them first (src/main.ts defaultWebRoot).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(PKG, '../..');
execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-if-stale.mjs')], { stdio: ['ignore', 2, 2] });
const built = path.join(ROOT, 'apps/web/dist');
for (const needed of ['index.html', 'docs/index.html']) {
  if (!existsSync(path.join(built, needed))) throw new Error(`prepack: ${needed} missing from apps/web/dist after the build`);
}
const target = path.join(PKG, 'web');
rmSync(target, { recursive: true, force: true });
cpSync(built, target, { recursive: true });
