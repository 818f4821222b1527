/**
 * The per-browser cap on live anonymous mailboxes (TEMPMAIL_ANON_MAILBOXES_PER_BROWSER, here 2)
 * in real headless Chromium against the real service: the page says in words why no new address
 * can be made and how to go on (use one of yours again, delete one, or wait until the time the
 * soonest of them expires), nothing stays spinning, each way forward works, another browser
 * behind the same address is not locked out, and axe-core finds nothing on those screens.
 */
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startService, type ServiceHandle } from '../../server/test/helpers/service.ts';
import {
  assertSeen, axeViolations, eventually, launchBrowser, pageProblems, requireBuilt, RESULTS_DIR, sendMail, setup, setupContext, shot, watchPage, WEB_DIST,
  type Setup, type Stored,
} from './helpers.ts';

const PER_BROWSER = 2;

let svc: ServiceHandle;
let browser: Browser;

async function newContext(o: { setup?: Setup; seed?: { browserId: string; list: Stored[]; current: Stored } } = {}): Promise<BrowserContext> {
  const context = await setupContext(browser, o.setup ?? setup('desktop-light'));
  if (o.seed) {
    await context.addInitScript((seed) => {
      if (window.top !== window || localStorage.getItem('tempmail.browser.v1')) return;
      localStorage.setItem('tempmail.browser.v1', seed.browserId);
      localStorage.setItem('tempmail.mailboxes.v1', JSON.stringify(seed.list));
      localStorage.setItem('tempmail.mailbox.v1', JSON.stringify(seed.current));
    }, o.seed);
  }
  return context;
}

async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await watchPage(page);
  await page.goto(`${svc.httpUrl}/`);
  await page.waitForFunction(() => document.querySelector('[data-testid=address]')?.textContent?.includes('@'));
  await page.waitForSelector('[data-testid=conn][data-state=connected]');
  return page;
}

const addressOf = async (page: Page) => ((await page.textContent('[data-testid=address]')) ?? '').replace(/\s/g, '');
const listed = (page: Page) => page.locator('[data-testid=address-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-email')).sort());
const storedBox = (page: Page, email: string) =>
  page.evaluate((e) => (JSON.parse(localStorage.getItem('tempmail.mailboxes.v1') ?? '[]') as Stored[]).find((m) => m.email === e)!, email);
/** The expiry as the page writes a clock time (the browser's locale and zone). */
const clockOf = (page: Page, iso: string) =>
  page.evaluate((t) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(Date.parse(t)), iso);

/** Clicks New address and waits for the server's refusal and the banner that explains it. */
async function hitCap(page: Page): Promise<string> {
  const refused = page.waitForResponse((r) => r.url().includes('/api/generate_email.php') && r.status() === 429);
  await page.getByTestId('new-address').click();
  const res = await refused;
  assert.match((await res.json() as { error: { message: string } }).error.message, new RegExp(`At most ${PER_BROWSER} live mailboxes per browser`));
  await page.getByTestId('blocked').waitFor();
  return (await page.getByTestId('blocked').locator('p').textContent()) ?? '';
}

/** Nothing on the page waits forever: no "Creating…", "Connecting…", "Loading…", no spinner, every control usable. */
async function assertNothingSpinning(page: Page, where: string): Promise<void> {
  await page.waitForSelector('[data-testid=new-address]:not([disabled])');
  const text = await page.evaluate(() => document.body.innerText);
  for (const waiting of ['Creating an address…', 'Creating…', 'Connecting…', 'Reconnecting…', 'Loading the inbox…', 'Loading']) {
    assert.ok(!text.includes(waiting), `${where}: "${waiting}" is on screen`);
  }
  assert.equal(await page.locator('.spin').count(), 0, `${where}: a spinner turns`);
  assert.equal(await page.getAttribute('[data-testid=conn]', 'data-state'), 'connected', `${where}: the shown address stays live`);
}

describe('the per-browser cap in the page (e2e, headless Chromium)', { timeout: 300_000 }, () => {
  before(async () => {
    requireBuilt();
    mkdirSync(RESULTS_DIR, { recursive: true });
    svc = await startService({
      TEMPMAIL_WEB_ROOT: WEB_DIST, TEMPMAIL_ANON_RATE: '100000', TEMPMAIL_MIN_TTL_SECONDS: '1',
      TEMPMAIL_ANON_MAILBOXES_PER_BROWSER: String(PER_BROWSER), TEMPMAIL_ANON_MAILBOXES_PER_IP: '50',
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('says why, with the ways forward; nothing spins; reusing, deleting and keeping each work; another browser is not locked out', async () => {
    const context = await newContext();
    try {
      const page = await openTab(context);
      const a = await addressOf(page);
      await page.getByLabel('Lifetime').selectOption('86400'); // b outlives a: a is the one that frees up first
      await page.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(page)) !== a, 'a second address');
      const b = await addressOf(page);
      await page.waitForSelector('[data-testid=conn][data-state=connected]');

      const text = await hitCap(page);
      const aBox = await storedBox(page, a);
      const expected = `You already have ${PER_BROWSER} addresses in use, the most one browser may hold at once. To go on, use one of your ` +
        `addresses again (Show, under Your addresses), delete one you no longer need, or wait until ${await clockOf(page, aBox.expires_at)}, ` +
        `when ${a} expires. The page tries again by itself in `;
      assert.equal(text.slice(0, expected.length), expected);
      assert.match(text.slice(expected.length), /^\d+:\d\d\.$/);
      assert.equal(await addressOf(page), b, 'the shown address stays');
      assert.equal(await page.locator('details.addresses[open]').count(), 1, 'Your addresses is opened to choose from');
      await assertNothingSpinning(page, 'at the cap');
      assert.deepEqual(await axeViolations(page), [], 'desktop light: the cap banner');
      await assertSeen(page.getByTestId('blocked'), 'desktop light: the cap banner');
      await shot(page, 'desktop-light-browser-cap', true);

      // The same browser's cap as the other setups show it (phone dark: the next test): its own
      // mailboxes, the banner seen, and nothing for axe-core.
      const seed = {
        browserId: await page.evaluate(() => localStorage.getItem('tempmail.browser.v1') ?? ''),
        list: await page.evaluate(() => JSON.parse(localStorage.getItem('tempmail.mailboxes.v1') ?? '[]') as Stored[]),
        current: await storedBox(page, b),
      };
      assert.ok(seed.browserId, 'the page keeps a browser id');
      for (const name of ['desktop-dark', 'phone-light'] as const) {
        const look = await newContext({ setup: setup(name), seed });
        try {
          const p = await openTab(look);
          assert.equal(await addressOf(p), b, name);
          await hitCap(p);
          await assertSeen(p.getByTestId('blocked'), `${name}: the cap banner`);
          await assertSeen(p.getByRole('button', { name: `Show ${a}` }), `${name}: Show in Your addresses`);
          await assertNothingSpinning(p, `${name}, at the cap`);
          assert.deepEqual(await axeViolations(p), [], `${name}: the cap banner`);
          await shot(p, `${name}-browser-cap`, false);
          assert.deepEqual(await pageProblems(p), [], name);
        } finally {
          await look.close();
        }
      }

      // Trying again by hand while still full: refused again, and again nothing hangs.
      const again = page.waitForResponse((r) => r.url().includes('/api/generate_email.php'));
      await page.getByTestId('blocked').getByRole('button', { name: 'Try now' }).click();
      assert.equal((await again).status(), 429);
      await page.getByTestId('blocked').waitFor();
      await assertNothingSpinning(page, 'after Try now');

      // One office behind one address: another browser still gets an address at once.
      const colleague = await newContext();
      try {
        const other = await openTab(colleague);
        assert.match(await addressOf(other), /@tempmail\.local$/);
        assert.equal(await other.getByTestId('blocked').count(), 0);
      } finally {
        await colleague.close();
      }

      // Way 1: use one of yours again. The banner goes, and the page stops trying.
      await page.getByRole('button', { name: `Show ${a}` }).click();
      await eventually(async () => (await addressOf(page)) === a, 'the reused address');
      await page.getByTestId('blocked').waitFor({ state: 'detached' });
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      await assertNothingSpinning(page, 'after reusing');
      await sendMail(svc.smtpPort, { to: a, subject: 'Still yours', text: 'hi' });
      await page.locator('.row-subject', { hasText: 'Still yours' }).waitFor();

      // Way 2: keep the shown address. The banner goes, the address stays.
      await hitCap(page);
      await page.getByTestId('stop-trying').click();
      await page.getByTestId('blocked').waitFor({ state: 'detached' });
      assert.equal(await addressOf(page), a);

      // Way 3: delete one. The page makes the new address at once.
      await hitCap(page);
      await page.getByRole('button', { name: `Delete ${b}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete this address?' });
      await dialog.getByTestId('confirm-yes').click();
      await eventually(async () => ![a, b].includes(await addressOf(page)), 'a new address once one is deleted');
      const c = await addressOf(page);
      await page.getByTestId('blocked').waitFor({ state: 'detached' });
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      assert.deepEqual(await listed(page), [a, c].sort());
      await sendMail(svc.smtpPort, { to: c, subject: 'To the new one', text: 'hi' });
      await page.locator('.row-subject', { hasText: 'To the new one' }).waitFor();
      await assertNothingSpinning(page, 'after deleting');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  it('waits until the stated time, when the soonest address expires, then makes one by itself (phone, dark)', async () => {
    // This browser already holds two live addresses; the first lives only a few seconds more.
    const browserId = randomBytes(16).toString('hex');
    const make = async (ttl: number) => {
      const res = await fetch(`${svc.httpUrl}/api/generate_email.php?ttl=${ttl}`, { headers: { 'x-tempmail-client': browserId } });
      assert.equal(res.status, 200);
      return (await res.json()) as Stored;
    };
    const soon = await make(12);
    const later = await make(600);
    const context = await newContext({ setup: setup('phone-dark'), seed: { browserId, list: [later, soon], current: later } });
    const made: { status: number; at: number }[] = [];
    try {
      const page = await openTab(context);
      page.on('response', (r) => {
        if (r.url().includes('/api/generate_email.php')) made.push({ status: r.status(), at: Date.now() });
      });
      assert.equal(await addressOf(page), later.email);
      const text = await hitCap(page);
      assert.ok(text.includes(`or wait until ${await clockOf(page, soon.expires_at)}, when ${soon.email} expires.`), text);
      await assertNothingSpinning(page, 'phone, at the cap');
      assert.deepEqual(await axeViolations(page), [], 'phone dark: the cap banner');
      await assertSeen(page.getByTestId('blocked'), 'phone dark: the cap banner');
      await shot(page, 'phone-dark-browser-cap', true);

      // No click: once the soonest expires, the page's own retry gets an address.
      await page.waitForFunction(
        (old) => { const t = document.querySelector('[data-testid=address]')?.textContent ?? ''; return t.includes('@') && !old.includes(t.replace(/\s/g, '')); },
        [soon.email, later.email], { timeout: 90_000 },
      );
      await page.getByTestId('blocked').waitFor({ state: 'detached' });
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      const ok = made.find((m) => m.status === 200);
      assert.ok(ok, `an address was made by the page's retry: ${JSON.stringify(made)}`);
      assert.ok(ok.at >= Date.parse(soon.expires_at) - 1000, `not before the stated time (${new Date(ok.at).toISOString()} vs ${soon.expires_at})`);
      assert.match((await page.getByTestId('card-note').textContent()) ?? '', /made as soon as the server allowed it/);
      await assertNothingSpinning(page, 'after the wait');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });
});
