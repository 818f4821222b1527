#!/usr/bin/env node
/**
 * Builds each part the service runs from (web page, docs site, server) only when its output is
 * missing or older than its newest source, so `npm start` on a built checkout starts at once
 * and a fresh clone (`npm ci && npm start`) still builds once. Order matters: the web build
 * empties apps/web/dist, which then makes the docs output missing and rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'dist', 'vendor', '.venv', '__pycache__']);

/** Newest modification time under the given paths (files or folders; missing ones count 0). */
function newest(paths) {
  let max = 0;
  const visit = (abs) => {
    if (!existsSync(abs)) return;
    const st = statSync(abs);
    if (st.isDirectory()) {
      for (const name of readdirSync(abs)) if (!SKIP.has(name)) visit(path.join(abs, name));
    } else if (st.mtimeMs > max) max = st.mtimeMs;
  };
  for (const p of paths) visit(path.join(ROOT, p));
  return max;
}

const sdkReadmes = existsSync(path.join(ROOT, 'sdks'))
  ? readdirSync(path.join(ROOT, 'sdks')).map((d) => `sdks/${d}/README.md`)
  : [];

const PARTS = [
  { workspace: 'apps/web', output: 'apps/web/dist/index.html', sources: ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/package.json'] },
  { workspace: 'apps/docs', output: 'apps/web/dist/docs/index.html', sources: ['docs', 'apps/docs', 'README.md', 'CHANGELOG.md', 'packages/sdk/README.md', ...sdkReadmes] },
  { workspace: 'apps/server', output: 'apps/server/dist/cli.js', sources: ['apps/server/src', 'apps/server/tsconfig.json', 'apps/server/tsconfig.build.json'] },
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
for (const part of PARTS) {
  const out = path.join(ROOT, part.output);
  if (existsSync(out) && statSync(out).mtimeMs >= newest(part.sources)) continue;
  process.stderr.write(`building ${part.workspace} (${existsSync(out) ? 'sources changed' : 'not built yet'})\n`);
  execFileSync(npm, ['run', 'build', '--silent', '-w', part.workspace], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}
