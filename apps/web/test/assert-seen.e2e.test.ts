/**
 * assertSeen (helpers.ts) must fail where a person would not see an element: wider than the
 * screen, covered by another element, or hidden; and pass for a link that wraps onto two lines.
 * A small static page in headless Chromium on the phone setup, no service needed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { assertSeen, CHROMIUM, launchBrowser, setup, setupContext } from './helpers.ts';

const PAGE = `<!DOCTYPE html><meta name="viewport" content="width=device-width"><body style="margin:8px">
  <div id="covered">under the sheet</div>
  <div style="position:absolute;top:0;left:0;width:100%;height:60px;background:#fff"></div>
  <div id="wide" style="width:600px;margin-top:80px">wider than a phone</div>
  <div id="hidden" style="display:none">hidden</div>
  <div style="height:1500px"></div>
  <p style="width:200px">Read the <a id="wrapped" href="#">documentation of the API and the rest</a> later.</p>
  <p id="plain">seen</p></body>`;

describe('assertSeen: seen means seen, not only in the DOM (headless Chromium)', { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`);
    browser = await launchBrowser();
    page = await (await setupContext(browser, setup('phone-light'))).newPage();
    await page.setContent(PAGE);
  });

  after(async () => {
    await browser?.close();
  });

  it('passes for a plain paragraph and a wrapped link, below the fold (scrolled to)', async () => {
    await assertSeen(page.locator('#plain'), 'plain');
    await assertSeen(page.locator('#wrapped'), 'wrapped link');
  });

  it('fails for an element wider than the screen, one covered by another, and a hidden one', async () => {
    await assert.rejects(assertSeen(page.locator('#wide'), 'wide'), /sticks out of the viewport sideways/);
    await assert.rejects(assertSeen(page.locator('#covered'), 'covered'), /covered by div/);
    // A static page: a hidden element stays hidden, so a short wait for it is enough.
    page.setDefaultTimeout(2000);
    await assert.rejects(assertSeen(page.locator('#hidden'), 'hidden'), /Timeout 2000ms exceeded/);
  });
});
