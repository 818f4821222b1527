/**
 * Telling a person about new mail, in real headless Chromium against the real service: the
 * browser's notification permission is asked only from a click (a user activation), a
 * notification is shown for mail that arrives while the tab is hidden (not while it is seen),
 * and the sound is off until turned on, then plays for each new mail.
 *
 * Observed with spies that record and then call the browser's own APIs (Notification,
 * OscillatorNode.start). Headless Chromium has no background tab, so the test says when the tab
 * counts as hidden by defining `document.hidden` (what the page reads) from a flag.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startService, type ServiceHandle } from '../../server/test/helpers/service.ts';
import { eventually, launchBrowser, pageProblems, requireBuilt, sendMail, watchPage, WEB_DIST } from './helpers.ts';

interface Calls {
  /** One entry per requestPermission call: whether the page had a user activation then. */
  permission: boolean[];
  /** [title, options] of each Notification made. */
  notifications: [string, { body?: string; tag?: string }][];
  /** Oscillators started (the chime starts two per new mail). */
  oscillators: number;
}

/**
 * Spies on the browser's own APIs, installed before the page's code runs. Plain JavaScript text:
 * a function would be rewritten by the test's TypeScript loader with helpers the page lacks.
 */
const SPIES = `(() => {
  if (window.top !== window) return;
  const calls = { permission: [], notifications: [], oscillators: 0 };
  window.__calls = calls;
  window.__hidden = false;
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => window.__hidden });
  const Real = window.Notification;
  const ask = Real.requestPermission.bind(Real);
  function Spy(title, options) {
    calls.notifications.push([title, { body: options && options.body, tag: options && options.tag }]);
    return new Real(title, options);
  }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  Spy.requestPermission = (...args) => {
    calls.permission.push(navigator.userActivation.isActive);
    return ask(...args);
  };
  window.Notification = Spy;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    calls.oscillators++;
    return start.apply(this, args);
  };
})();`;

let svc: ServiceHandle;
let browser: Browser;

/**
 * Permission prompts, notifications and sound are browser behaviour, not layout: one setup (desktop
 * light). The switches themselves are seen on every setup in mailbox-life.e2e.test.ts.
 */
async function spiedContext(grant: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  if (grant) await context.grantPermissions(['notifications'], { origin: svc.httpUrl });
  await context.addInitScript({ content: SPIES });
  return context;
}

const calls = (page: Page) => page.evaluate(() => (window as unknown as { __calls: Calls }).__calls);
const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => {
  (window as unknown as { __hidden: boolean }).__hidden = h;
}, hidden);
const addressOf = async (page: Page) => ((await page.textContent('[data-testid=address]')) ?? '').replace(/\s/g, '');

async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await watchPage(page);
  await page.goto(`${svc.httpUrl}/`);
  await page.waitForSelector('[data-testid=conn][data-state=connected]');
  return page;
}

async function receive(page: Page, subject: string): Promise<void> {
  await sendMail(svc.smtpPort, { to: await addressOf(page), from: 'Shop <shop@example.net>', subject, text: 'hello' });
  await page.locator('.row-subject', { hasText: subject }).waitFor();
}

describe('new-mail alerts: notifications asked from a click, shown when hidden; sound off by default (e2e, headless Chromium)', { timeout: 300_000 }, () => {
  before(async () => {
    requireBuilt();
    svc = await startService({ TEMPMAIL_WEB_ROOT: WEB_DIST });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('asks for the notification permission only from a click, never on its own', async () => {
    const context = await spiedContext(false);
    try {
      const page = await openTab(context);
      await setHidden(page, true);
      await receive(page, 'Before anything was asked');
      let seen = await calls(page);
      assert.deepEqual(seen.permission, [], 'no permission prompt without a click');
      assert.deepEqual(seen.notifications, [], 'no notification before they were turned on');
      assert.equal(seen.oscillators, 0, 'no sound by default');

      await page.getByTestId('notify-toggle').click();
      seen = await eventually(async () => {
        const c = await calls(page);
        return c.permission.length > 0 ? c : null;
      }, 'the permission request');
      assert.deepEqual(seen.permission, [true], 'asked once, while the click\'s user activation lasted');
      // Whatever the browser answers without a grant, the switch shows it truthfully.
      const granted = await page.evaluate(() => Notification.permission === 'granted');
      await eventually(async () => (await page.getByTestId('notify-toggle').getAttribute('aria-pressed')) === String(granted), 'the switch state');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  it('notifies of mail that arrives while the tab is hidden, not while it is seen; the sound plays once turned on', async () => {
    const context = await spiedContext(true);
    try {
      const page = await openTab(context);
      await page.getByTestId('notify-toggle').click();
      await page.waitForSelector('[data-testid=notify-toggle][aria-pressed=true]');

      await receive(page, 'Seen in the open tab');
      assert.deepEqual((await calls(page)).notifications, [], 'no notification while the tab is seen');

      await setHidden(page, true);
      await receive(page, 'Arrived while away');
      const address = await addressOf(page);
      const shown = await eventually(async () => {
        const c = await calls(page);
        return c.notifications.length > 0 ? c.notifications : null;
      }, 'the notification');
      assert.equal(shown.length, 1);
      // The live event carries the sender's display name (sender_name): the notification names it.
      assert.equal(shown[0][0], 'New mail from Shop: Arrived while away');
      assert.equal(shown[0][1].body, address, 'the body names the address it came to');
      assert.equal((await calls(page)).oscillators, 0, 'still silent: the sound is off');

      await setHidden(page, false);
      await page.getByTestId('sound-toggle').click();
      await page.waitForSelector('[data-testid=sound-toggle][aria-pressed=true]');
      await receive(page, 'With a chime');
      await eventually(async () => (await calls(page)).oscillators === 2, 'the two-note chime');
      assert.equal((await calls(page)).notifications.length, 1, 'no notification for mail seen in the open tab');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });
});
