/**
 * Runs the shared black-box scorer (../shared/tools/score-extraction.mjs) against the running
 * service: every labelled message goes in over SMTP and comes back through /api/read.php.
 * A user's own clone has no ../shared: then this skips with a clear message (CI always has it).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

const run = promisify(execFile);
const SHARED = path.resolve(REPO_ROOT, '../shared');
const SCORER = path.join(SHARED, 'tools/score-extraction.mjs');
const CORPUS = path.join(SHARED, 'corpus/verification');

describe('extraction scored end to end by the shared scorer', () => {
  const present = existsSync(SCORER) && existsSync(path.join(CORPUS, 'manifest.json'));
  let svc: ServiceHandle | null = null;
  before(async () => { if (present) svc = await startService(); });
  after(async () => { await svc?.stop(); });

  it('scores every labelled message right over SMTP + read.php', async (t) => {
    if (!present) {
      if (process.env.CI === 'true') assert.fail(`shared scorer missing at ${SCORER}: CI must have ../shared`);
      t.skip(`SKIPPED: ${SCORER} not found (a clone without ../shared); the extractor's own table tests still run`);
      return;
    }
    const { stdout } = await run(process.execPath, [SCORER, CORPUS, '--http', svc!.httpUrl, '--smtp', `127.0.0.1:${svc!.smtpPort}`, '--verbose'],
      { timeout: 120_000 }).catch((e) => ({ stdout: `${e.stdout}\n${e.stderr}` }));
    const score = /^score: (\d+)\/(\d+)$/m.exec(stdout);
    assert.ok(score, `scorer printed no score:\n${stdout}`);
    assert.equal(score[1], score[2], stdout);
    assert.match(stdout, /^false positives: 0$/m);
  });
});
