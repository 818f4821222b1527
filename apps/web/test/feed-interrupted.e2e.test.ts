/**
 * The page when the server's live feed is interrupted (issue 17): two nodes share PostgreSQL (a
 * schema of the test's own) and a Redis the test starts and kills. The page is open on node B;
 * while Redis is down, B tells its sockets `feed.interrupted`, the header shows "Delayed", and
 * the page polls, so mail that node A accepts meanwhile (which no socket on B is pushed) still
 * appears. When Redis is back, `feed.resumed` puts the header back to "Connected" and mail from
 * A arrives live again. Real headless Chromium, real SMTP, real PostgreSQL and Redis.
 */
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  dropSchemas, requirePostgres, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, uniqueName,
} from '../../server/test/contract/services.ts';
import { type OwnRedis, startOwnRedis } from '../../server/test/helpers/own-services.ts';
import { startService, type ServiceHandle } from '../../server/test/helpers/service.ts';
import { eventually, launchBrowser, patient, requireBuilt, sendMail, watchPage, pageProblems, WEB_DIST } from './helpers.ts';

const DOMAIN = 'feed.test';

describe('the page while the live feed is interrupted (e2e, headless Chromium, PostgreSQL + own Redis)', { timeout: 900_000 }, () => {
  const schema = uniqueName('tm_web_feed');
  let redis: OwnRedis | null = null;
  let a: ServiceHandle | null = null;
  let b: ServiceHandle | null = null;
  let browser: Browser | null = null;
  let unavailable = '';

  before(async () => {
    requireBuilt();
    try {
      await requirePostgres();
      redis = await startOwnRedis();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
      return;
    }
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      TEMPMAIL_PG_SCHEMA: schema,
      REDIS_URL: redis.url,
      TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'),
      TEMPMAIL_DOMAINS: DOMAIN,
      TEMPMAIL_WEB_ROOT: WEB_DIST,
      TEMPMAIL_REDIS_COMMAND_TIMEOUT_MS: '1000',
      TEMPMAIL_READY_TIMEOUT_MS: '1000',
      TEMPMAIL_PARSE_WORKERS: '1',
    };
    // One at a time: the first migrates the schema.
    a = await startService(env);
    b = await startService(env);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    redis?.thaw();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.remove();
    if (!unavailable) await dropSchemas(TEST_DATABASE_URL, [schema, `${schema}_keyring`]).catch(() => {});
  });

  const connState = (page: Page) => page.getAttribute('[data-testid=conn]', 'data-state');
  const connLabel = async (page: Page) => ((await page.textContent('[data-testid=conn]')) ?? '').trim();
  const rowWithSubject = (page: Page, subject: string) => page.locator('[data-testid=inbox-row]', { hasText: subject });

  it('shows "Delayed" and polls while Redis is down, so mail accepted by another node still appears; live again after', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    const context = patient(await browser!.newContext());
    try {
      const page = await context.newPage();
      await watchPage(page);
      await page.goto(`${b!.httpUrl}/`);
      await page.waitForFunction(() => document.querySelector('[data-testid=address]')?.textContent?.includes('@'));
      const email = ((await page.textContent('[data-testid=address]')) ?? '').trim();
      await eventually(async () => (await connState(page)) === 'connected', 'the page connected');

      // Live through Redis: mail accepted by A is pushed to the page on B.
      await sendMail(a!.smtpPort, { to: email, subject: 'Before the outage', text: 'one' });
      await rowWithSubject(page, 'Before the outage').waitFor();

      await redis!.kill();
      await eventually(async () => (await connState(page)) === 'interrupted', 'the header to show the interruption');
      assert.equal(await connLabel(page), 'Delayed');
      // A's mail is not pushed to B now; the page's polling must find it while the feed is still down.
      await sendMail(a!.smtpPort, { to: email, subject: 'During the outage', text: 'two' });
      await rowWithSubject(page, 'During the outage').waitFor();
      assert.equal(await connState(page), 'interrupted', 'found by polling, before the feed came back');

      await redis!.start();
      await eventually(async () => (await connState(page)) === 'connected', 'the header back to Connected after feed.resumed');
      assert.equal(await connLabel(page), 'Connected');
      await sendMail(a!.smtpPort, { to: email, subject: 'After the outage', text: 'three' });
      await rowWithSubject(page, 'After the outage').waitFor();
      assert.equal(await page.locator('[data-testid=inbox-row]').count(), 3, 'each message once');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });
});
