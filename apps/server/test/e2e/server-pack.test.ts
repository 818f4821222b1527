/**
 * The packed tempmail-server (`npm pack`, as it would be published) installed into an empty
 * folder and run with `npx tempmail-server`: no clone, no build. The tarball carries the built
 * server, web page and docs; the installed service starts on the embedded default (SQLite,
 * in-process bus) on free ports with a temporary DATA_DIR, takes a mail over SMTP and serves it
 * back over HTTP, and serves the page and docs from inside the package.
 *
 * Offline: `npm ci --offline` with a lock cut from the workspace's (helpers/pack-lock.ts) takes
 * every dependency from the local npm cache. better-sqlite3's native binary comes through prebuild-install's own local-prebuilds
 * option from the workspace's built copy (same package version, Node ABI and platform), so the
 * install neither downloads nor compiles it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { lockForPackedWorkspace } from '../helpers/pack-lock.js';
import { freePort, REPO_ROOT, SERVER_ROOT } from '../helpers/service.js';
import { assertNpmLinks } from '../helpers/package-metadata.js';
import { tiedEnv, tiedNodeOptions } from '../helpers/tied-child.js';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** A prebuild-install tarball of the workspace's better-sqlite3 binary, in the name it looks for. */
async function localSqlitePrebuild(dir: string): Promise<string> {
  const pkgDir = path.join(REPO_ROOT, 'node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  mkdirSync(dir, { recursive: true });
  await run('tar', ['-czf', path.join(dir, name), '-C', pkgDir, 'build/Release/better_sqlite3.node']);
  return dir;
}

describe('tempmail-server as a packed tarball', () => {
  let work: string;
  let project: string;
  let packedFiles: string[] = [];
  let packedJson: Record<string, unknown>;
  let tarball: string;
  let child: ChildProcess | undefined;
  let exited: Promise<void>;
  let stderr = '';

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'tempmail-server-pack-'));
    const packed = await run(npm, ['pack', '--json', '--pack-destination', work], { cwd: SERVER_ROOT, maxBuffer: 16 << 20 });
    // The prepack script's banner may precede the JSON array on stdout.
    const [info] = JSON.parse(packed.stdout.slice(Math.max(0, packed.stdout.search(/^\[/m)))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info!.filename);
    packedFiles = info!.files.map((f) => f.path);
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('ships the built server, web page, docs, LICENSE, README and full metadata', async () => {
    for (const f of ['package.json', 'LICENSE', 'README.md', 'bin/tempmail-server.js', 'bin/tempmail.js', 'dist/cli.js', 'dist/main.js', 'web/index.html', 'web/docs/index.html']) {
      assert.ok(packedFiles.includes(f), `${f} in the tarball`);
    }
    assert.ok(!packedFiles.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources or tests in the tarball');
    const listed = await run('tar', ['-xzOf', tarball, 'package/package.json']);
    packedJson = JSON.parse(listed.stdout) as Record<string, unknown>;
    assert.equal(packedJson.name, 'tempmail-server');
    assert.equal(packedJson.license, 'MIT');
    assert.deepEqual(packedJson.engines, { node: '>=20.10' });
    assert.equal((packedJson.bin as Record<string, string>)['tempmail-server'], 'bin/tempmail-server.js');
    assert.ok(typeof packedJson.description === 'string' && packedJson.description.length > 20);
    assertNpmLinks(packedJson, 'apps/server');
  });

  it('installs into an empty folder offline and runs with npx: mailbox over HTTP, mail over SMTP, read back, page and docs', async () => {
    project = path.join(work, 'empty');
    mkdirSync(project);
    copyFileSync(tarball, path.join(project, path.basename(tarball)));
    const { packageJson, lock } = lockForPackedWorkspace({ repoRoot: REPO_ROOT, workspace: 'apps/server', projectName: 'empty', tarballFile: path.basename(tarball) });
    writeFileSync(path.join(project, 'package.json'), JSON.stringify(packageJson));
    writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(lock));
    const prebuilds = await localSqlitePrebuild(path.join(work, 'prebuilds'));
    await run(npm, ['ci', '--no-audit', '--no-fund', '--offline'], {
      cwd: project, maxBuffer: 16 << 20,
      env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
    });

    const httpPort = await freePort();
    const smtpPort = await freePort();
    const dataDir = path.join(work, 'data');
    // Its own process group, so stopping it reaches the server and not only npx. Tied to this
    // test process: npx and the server under it inherit our stdin pipe and load the preload.
    child = spawn(npx, ['--offline', 'tempmail-server'], {
      cwd: project, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
      env: tiedEnv({
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_OPTIONS: tiedNodeOptions(),
        HOST: '127.0.0.1', PORT: String(httpPort), SMTP_PORT: String(smtpPort), DATA_DIR: dataDir,
        TEMPMAIL_KEYRING_DIR: `${dataDir}-keyring`, LOG_LEVEL: 'warn', TEMPMAIL_ANON_RATE: '0',
      }),
    });
    child.stdin!.on('error', () => {});
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout!.on('data', () => {});
    exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    const url = `http://127.0.0.1:${httpPort}`;
    await eventually(async () => {
      if (child!.exitCode !== null) throw new Error(`tempmail-server exited ${child!.exitCode}: ${stderr}`);
      return fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    }, 180_000, 100);

    const box = (await http(`${url}/api/generate_email.php`)).body as { email: string; token: string };
    assert.match(box.email, /@/);
    const reply = await sendMail(smtpPort, { to: box.email, subject: 'Welcome', text: 'Your code is 731904.' });
    assert.match(reply.response, /^250 /);
    const list = await eventually(async () => {
      const r = await http(`${url}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
      return r.status === 200 && r.body.length ? r.body as Array<{ id: string; subject: string }> : null;
    });
    assert.equal(list[0]!.subject, 'Welcome');
    const msg = (await http(`${url}/api/read.php?${qs({ email: box.email, token: box.token, id: list[0]!.id })}`)).body;
    assert.equal(msg.otp, '731904');
    assert.match(msg.body, /731904/);

    // The page and the docs come from web/ inside the installed package.
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const docs = await fetch(`${url}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /<html/i);

    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    assert.ok(!/\berror\b/i.test(stderr.replace(/TEMPMAIL_MASTER_KEY is not set[^\n]*/g, '')), stderr);
  });
});
