/**
 * The PHP SDK (sdks/php, Composer `tempmail/sdk`) against the real service:
 * - its own test script (`php sdks/php/tests/run.php`: Guzzle as the PSR-18 client, Debian's
 *   packaged libraries autoloaded from /usr/share/php);
 * - `composer validate --strict`;
 * - the packed artefact: `composer archive` (the zip as it would be published), installed by
 *   Composer into an empty project, where the docs' examples run against the service:
 *   examples/signup.php (plain PHP) and examples/laravel/signup.php (the service provider in
 *   Illuminate\Foundation\Application).
 * Offline, Packagist is switched off in that project and its other requirements (psr/*,
 * guzzlehttp/guzzle) are Composer packages whose files are Debian's (/usr/share/php); Laravel
 * itself is Debian's php-laravel-framework, loaded with auto_prepend_file. Without `php` the
 * test is skipped loudly, except in CI (scripts/ensure-deps.sh installs it all).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ISSUES_URL, REPOSITORY_URL } from '../helpers/package-metadata.js';
import { REPO_ROOT } from '../helpers/service.js';
import { commandExists, mustRun, runSuite, type SdkService, startSdkService } from './sdk-harness.js';

const php = process.env.PHP ?? 'php';
const available = await commandExists(php) && await commandExists('composer');
const skip = !available && process.env.CI !== 'true' ? `${php} or composer is not installed (bash scripts/ensure-deps.sh)` : false;
if (skip) console.warn(`\n*** SDK: PHP tests SKIPPED: ${skip} ***\n`);
const SDK_DIR = path.join(REPO_ROOT, 'sdks/php');
const LARAVEL_AUTOLOAD = '/usr/share/php/Illuminate/autoload.php';

/** The empty project's composer.json: the SDK from the unpacked archive, the rest from Debian's files. */
function projectComposerJson(sdkDir: string): string {
  const debian = (name: string, version: string, dir: string, extra: Record<string, unknown>) =>
    ({ type: 'package', package: { name, version, dist: { type: 'path', url: `/usr/share/php/${dir}` }, ...extra } });
  return JSON.stringify({
    name: 'acme/app',
    type: 'project',
    repositories: [
      { 'packagist.org': false },
      { type: 'path', url: sdkDir, options: { symlink: false, versions: { 'tempmail/sdk': '0.2.0' } } },
      debian('psr/http-client', '1.0.1', 'Psr/Http/Client', { require: { 'psr/http-message': '^1.0' }, autoload: { 'psr-4': { 'Psr\\Http\\Client\\': '' } } }),
      debian('psr/http-message', '1.0.1', 'Psr/Http/Message', { replace: { 'psr/http-factory': '1.0.1' }, autoload: { 'psr-4': { 'Psr\\Http\\Message\\': '' } } }),
      debian('guzzlehttp/guzzle', '7.4.5', 'GuzzleHttp', {
        require: { 'psr/http-client': '^1.0' },
        replace: { 'guzzlehttp/psr7': '2.4.5', 'guzzlehttp/promises': '1.5.2' },
        autoload: { 'psr-4': { 'GuzzleHttp\\': '' }, files: ['functions_include.php', 'Promise/functions_include.php'] },
      }),
    ],
    require: { 'tempmail/sdk': '^0.2', 'guzzlehttp/guzzle': '^7.4' },
  }, null, 2);
}

describe('SDK: PHP (tempmail/sdk)', { skip }, () => {
  let sdk: SdkService;
  let work: string;
  let composerEnv: Record<string, string>;
  before(async () => {
    sdk = await startSdkService({ senderChecks: true });
    work = mkdtempSync(path.join(tmpdir(), 'tempmail-php-'));
    composerEnv = { COMPOSER_HOME: path.join(work, 'composer-home'), COMPOSER_NO_INTERACTION: '1', COMPOSER_ALLOW_SUPERUSER: '1' };
  });
  after(async () => {
    await sdk?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('passes its own test script against the live service', async () => {
    const r = await runSuite(php, ['sdks/php/tests/run.php'], sdk.env);
    if (r.code !== 0 || process.env.TEMPMAIL_SDK_VERBOSE) console.error(r.output);
    assert.equal(r.code, 0, `PHP SDK suite failed:\n${r.output.slice(-6000)}`);
    assert.match(r.output, /\d+ passed, 0 failed/);
    assert.doesNotMatch(r.output, /SKIPPED/);
    const skipped = r.output.split('\n').filter((l) => l.startsWith('skipped '));
    if (skipped.length) console.warn(`tempmail/sdk (php): ${skipped.length} test(s) skipped:\n${skipped.join('\n')}`);
  });

  it('composer validate --strict', async () => {
    const out = await mustRun('composer', ['validate', '--strict', '--no-check-publish'], composerEnv, SDK_DIR);
    assert.match(out, /is valid/);
  });

  it('the archived package installs into an empty project; the plain and Laravel examples pass against the service', async () => {
    await mustRun('composer', ['archive', '--format=zip', `--dir=${work}`, '--file=tempmail-sdk'], composerEnv, SDK_DIR);
    const unpacked = path.join(work, 'tempmail-sdk');
    await mustRun(php, ['-r', '$z = new ZipArchive(); if ($z->open($argv[1]) !== true || !$z->extractTo($argv[2])) exit(1);', path.join(work, 'tempmail-sdk.zip'), unpacked], {}, work);
    for (const f of ['LICENSE', 'README.md', 'composer.json', 'config/tempmail.php', 'src/Client.php', 'src/Laravel/TempMailServiceProvider.php']) {
      assert.ok(existsSync(path.join(unpacked, f)), `${f} in the archive`);
    }
    assert.ok(!existsSync(path.join(unpacked, 'tests')), 'tests are not shipped');
    const meta = JSON.parse(readFileSync(path.join(unpacked, 'composer.json'), 'utf8')) as { homepage?: string; support?: Record<string, string> };
    assert.ok(meta.homepage?.startsWith(REPOSITORY_URL), `homepage: ${meta.homepage}`);
    assert.equal(meta.support?.issues, ISSUES_URL);
    assert.ok(meta.support?.source?.startsWith(REPOSITORY_URL), `support.source: ${meta.support?.source}`);

    const app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'composer.json'), projectComposerJson(unpacked));
    await mustRun('composer', ['install', '--no-progress'], composerEnv, app);
    for (const [from, to] of [['examples/signup.php', 'signup.php'], ['examples/signup-app.php', 'signup-app.php'], ['examples/laravel/signup.php', 'laravel-signup.php']]) {
      copyFileSync(path.join(unpacked, from!), path.join(app, to!));
    }
    const env = { TEMPMAIL_URL: sdk.env.TEMPMAIL_URL!, TEMPMAIL_KEY: sdk.env.TEMPMAIL_FREE_KEY!, SMTP_PORT: sdk.env.TEMPMAIL_SMTP_PORT! };
    const plain = await mustRun(php, ['signup.php'], env, app);
    assert.match(plain, /^ok: \S+ got \d{6} and https:\/\/app\.example\/confirm\?token=/m);

    assert.ok(existsSync(LARAVEL_AUTOLOAD), `Laravel is installed (${LARAVEL_AUTOLOAD}; apt-get install php-laravel-framework)`);
    const laravel = await mustRun(php, ['-d', `auto_prepend_file=${LARAVEL_AUTOLOAD}`, 'laravel-signup.php'], env, app);
    assert.match(laravel, /^ok: \S+ got \d{6} \(Laravel \d+\./m);
  });
});
