/**
 * The PHP SDK (sdks/php, Composer `tempmail/sdk`) against the real service: runs its own test
 * script (`php sdks/php/tests/run.php`: Guzzle as the PSR-18 client, Debian's packaged
 * libraries autoloaded from /usr/share/php) with the service's coordinates in the environment.
 * Without `php` the test is skipped loudly, except in CI (scripts/ensure-deps.sh installs it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commandExists, runSuite, type SdkService, startSdkService } from './sdk-harness.js';

const php = process.env.PHP ?? 'php';
const available = await commandExists(php);
const skip = !available && process.env.CI !== 'true' ? `${php} is not installed (apt-get install php-cli php-guzzlehttp-guzzle php-nyholm-psr7)` : false;
if (skip) console.warn(`\n*** SDK: PHP tests SKIPPED: ${skip} ***\n`);

describe('SDK: PHP (tempmail/sdk)', { skip }, () => {
  let sdk: SdkService;
  before(async () => { sdk = await startSdkService(); });
  after(async () => { await sdk?.stop(); });

  it('passes its own test script against the live service', async () => {
    const r = await runSuite(php, ['sdks/php/tests/run.php'], sdk.env);
    if (r.code !== 0 || process.env.TEMPMAIL_SDK_VERBOSE) console.error(r.output);
    assert.equal(r.code, 0, `PHP SDK suite failed:\n${r.output.slice(-6000)}`);
    assert.match(r.output, /\d+ passed, 0 failed/);
    assert.doesNotMatch(r.output, /SKIPPED/);
    const skipped = r.output.split('\n').filter((l) => l.startsWith('skipped '));
    if (skipped.length) console.warn(`tempmail/sdk (php): ${skipped.length} test(s) skipped:\n${skipped.join('\n')}`);
  });
});
