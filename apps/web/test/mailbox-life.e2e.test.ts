/**
 * The life of a mailbox in the page, in real headless Chromium against the real service:
 * every address the page made stays reachable and switchable, tabs stay in sync, the live
 * cap is explained and retried by itself, time can be added, an expired address keeps its
 * mail on screen, and deleting asks once. Run after building the page and the server.
 */
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startService, type ServiceHandle } from '../../server/test/helpers/service.ts';
import {
  assertSeen, axeViolations, eventually, launchBrowser, otherSetups, pageProblems, requireBuilt, RESULTS_DIR, sendMail, setup, setupContext, SETUPS,
  watchPage, WEB_DIST, PATIENCE_MS, type Setup, type Stored,
} from './helpers.ts';

const CAP = 2;
const TTL_MAX = 7200;

let svc: ServiceHandle;
/** A second service with the per-address live-mailbox cap on (TEMPMAIL_ANON_MAILBOXES_PER_IP). */
let capped: ServiceHandle;
let browser: Browser;

const SECOND_DOMAIN = 'second.test';
const env = {
  TEMPMAIL_WEB_ROOT: '', TEMPMAIL_MIN_TTL_SECONDS: '1', TEMPMAIL_MAX_TTL_SECONDS: String(TTL_MAX),
  TEMPMAIL_DOMAINS: `tempmail.local,${SECOND_DOMAIN}`,
};

/** A context of one setup (desktop light unless told), seeded with a current mailbox and a list when given. */
function newContext(opts: { setup?: Setup; seed?: Stored; list?: Stored[] } = {}): Promise<BrowserContext> {
  return setupContext(browser, opts.setup ?? setup('desktop-light'), { seed: opts.seed, list: opts.list });
}

/** A tab of the page; waits for an address unless `waitForAddress` is false. */
async function openTab(context: BrowserContext, base: ServiceHandle, waitForAddress = true): Promise<Page> {
  const page = await context.newPage();
  await watchPage(page);
  await page.goto(`${base.httpUrl}/`);
  if (waitForAddress) await page.waitForFunction(() => document.querySelector('[data-testid=address]')?.textContent?.includes('@'));
  return page;
}

const addressOf = async (page: Page) => ((await page.textContent('[data-testid=address]')) ?? '').trim();
const storedList = (page: Page) =>
  page.evaluate(() => (JSON.parse(localStorage.getItem('tempmail.mailboxes.v1') ?? '[]') as Stored[]).map((m) => m.email).sort());
const listed = (page: Page) => page.locator('[data-testid=address-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-email')).sort());

async function generate(base: ServiceHandle, ttl?: number): Promise<{ status: number; body: Stored }> {
  const res = await fetch(`${base.httpUrl}/api/generate_email.php${ttl ? `?ttl=${ttl}` : ''}`);
  return { status: res.status, body: (await res.json()) as Stored };
}

async function inboxStatus(base: ServiceHandle, mb: Stored): Promise<number> {
  const res = await fetch(`${base.httpUrl}/api/inbox.php?email=${encodeURIComponent(mb.email)}&token=${mb.token}`);
  await res.arrayBuffer();
  return res.status;
}

async function deleteOnServer(base: ServiceHandle, mb: Stored): Promise<void> {
  const res = await fetch(`${base.httpUrl}/api/delete.php`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: mb.email, token: mb.token }),
  });
  await res.arrayBuffer();
}

/** Deletes through the page: the button, then the one confirmation. */
async function confirmDelete(page: Page, button: ReturnType<Page['locator']>): Promise<void> {
  await button.click();
  const dialog = page.getByRole('dialog', { name: 'Delete this address?' });
  await dialog.waitFor();
  await dialog.getByTestId('confirm-yes').click();
  await dialog.waitFor({ state: 'detached' });
}

describe('the life of a mailbox in the page (e2e, headless Chromium)', { timeout: 1_800_000 }, () => {
  before(async () => {
    requireBuilt();
    mkdirSync(RESULTS_DIR, { recursive: true });
    env.TEMPMAIL_WEB_ROOT = WEB_DIST;
    [svc, capped] = await Promise.all([
      startService(env),
      startService({ ...env, TEMPMAIL_ANON_RATE: '100000', TEMPMAIL_ANON_MAILBOXES_PER_IP: String(CAP) }),
    ]);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await Promise.all([svc?.stop(), capped?.stop()]);
  });

  // The flow once (desktop light); Your addresses is seen and switched on every setup in the test after next.
  it('keeps every address it made reachable and switchable; New address offers to delete the previous one', async () => {
    const context = await newContext();
    try {
      const page = await openTab(context, svc);
      const first = await addressOf(page);
      await page.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(page)) !== first, 'a new address');
      const second = await addressOf(page);
      assert.match((await page.textContent('[data-testid=card-note]')) ?? '', new RegExp(`${first.replace(/\./g, '\\.')} still works`));
      assert.equal(await page.getByTestId('offer-delete').textContent(), `Delete ${first}`);
      assert.deepEqual(await listed(page), [first, second].sort());

      // Mail to the first address is there when switching back to it, also after a reload.
      await sendMail(svc.smtpPort, { to: first, subject: 'For the first address', text: 'hello' });
      await page.locator('summary', { hasText: 'Your addresses' }).click();
      await page.getByRole('button', { name: `Show ${first}` }).click();
      assert.equal(await addressOf(page), first);
      await page.locator('.row-subject', { hasText: 'For the first address' }).waitFor();
      await page.reload();
      await page.waitForFunction((a) => document.querySelector('[data-testid=address]')?.textContent === a, first);
      assert.deepEqual(await listed(page), [first, second].sort());

      // Deleting another address from the list asks once, then it is gone on the server.
      await page.locator('summary', { hasText: 'Your addresses' }).click();
      const secondBox = (await page.evaluate(() => JSON.parse(localStorage.getItem('tempmail.mailboxes.v1') ?? '[]') as Stored[]))
        .find((m) => m.email === second)!;
      await confirmDelete(page, page.getByRole('button', { name: `Delete ${second}` }));
      await eventually(async () => (await listed(page)).length === 1, 'the list without the deleted address');
      // the list updates as the delete is sent; the server's answer may come a moment later on a busy machine
      await eventually(async () => (await inboxStatus(svc, secondBox)) === 404, 'the deleted mailbox gone on the server');
      // "Deleted — receipt": the signed receipt of that address, to copy or download.
      assert.match((await page.getByTestId('card-note').textContent()) ?? '', new RegExp(`Deleted — receipt \\d+ for ${second.replace(/[.]/g, '\\.')}`));
      const download = page.getByTestId('receipt-download');
      const receipt = JSON.parse(decodeURIComponent(((await download.getAttribute('href')) ?? '').replace(/^data:application\/json;charset=utf-8,/, ''))) as Record<string, unknown>;
      assert.equal(receipt.event, 'mailbox.deleted');
      assert.equal(receipt.address, createHash('sha256').update(second).digest('hex'));
      assert.match((await download.getAttribute('download')) ?? '', /^tempmail-receipt-\d+\.json$/);
      await page.getByTestId('receipt').getByRole('button', { name: 'Copy receipt' }).waitFor();
      assert.deepEqual(await axeViolations(page), [], 'the receipt note and Your addresses, open');
      assert.equal(await addressOf(page), first, 'the shown address stays');
      assert.deepEqual(await storedList(page), [first]);
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  // The whole two-tab flow once (desktop light); every setup follows a new address from one tab to the other in the next test.
  it('keeps two tabs on one address and one list: a new address or a delete in one shows in the other', async () => {
    const context = await newContext();
    const generated: string[] = [];
    context.on('request', (r) => {
      if (r.url().includes('/api/generate_email.php')) generated.push(r.url());
    });
    try {
      const one = await openTab(context, svc);
      const a = await addressOf(one);
      const two = await openTab(context, svc);
      assert.equal(await addressOf(two), a, 'the second tab shows the same address');

      await one.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(one)) !== a, 'a new address in tab one');
      const b = await addressOf(one);
      await eventually(async () => (await addressOf(two)) === b, 'tab two following tab one');
      await two.waitForSelector('[data-testid=conn][data-state=connected]');
      await sendMail(svc.smtpPort, { to: b, subject: 'Seen in both tabs', text: 'hi' });
      await one.locator('.row-subject', { hasText: 'Seen in both tabs' }).waitFor();
      await two.locator('.row-subject', { hasText: 'Seen in both tabs' }).waitFor();

      await confirmDelete(two, two.getByTestId('delete-address'));
      await eventually(async () => (await addressOf(two)) === a, 'tab two back on the first address');
      await eventually(async () => (await addressOf(one)) === a, 'tab one following the delete');
      await one.screenshot({ path: path.join(RESULTS_DIR, 'desktop-light-two-tabs.png') });
      assert.deepEqual(await storedList(one), [a]);
      assert.equal(generated.length, 2, `one address per page action, none made behind the scenes (${generated.length})`);
      await one.reload();
      await one.waitForFunction((x) => document.querySelector('[data-testid=address]')?.textContent === x, a);
      assert.deepEqual(await pageProblems(one), []);
      assert.deepEqual(await pageProblems(two), []);
    } finally {
      await context.close();
    }
  });

  it('on desktop and phone, light and dark: the expiry warning adds time, Your addresses switch, the domain picker and the alert switches are seen, and two tabs follow each other', async () => {
    for (const s of SETUPS) {
      const { body: a } = await generate(svc);
      const { body: short } = await generate(svc, 120);
      const context = await newContext({ setup: s, seed: short, list: [a, short] });
      try {
        const one = await openTab(context, svc);
        assert.equal(await addressOf(one), short.email, s.name);

        // A clear warning before expiry, and time added with one click.
        const warning = one.getByTestId('expiry-warning');
        await assertSeen(warning, `${s.name}: the expiry warning`);
        assert.match((await warning.textContent()) ?? '', /expires in (1|2) minutes?/);
        assert.deepEqual(await axeViolations(one), [], `${s.name}: the expiry warning`);
        const add = warning.getByRole('button', { name: /^Add / });
        await assertSeen(add, `${s.name}: Add time in the warning`);
        await add.click();
        await warning.waitFor({ state: 'detached' });
        await assertSeen(one.getByTestId('countdown'), `${s.name}: the countdown`);
        assert.match((await one.textContent('[data-testid=card-note]')) ?? '', /More time was added/);

        // The switches for notifications and sound, the domain picker, and Add time on the card.
        for (const id of ['notify-toggle', 'sound-toggle', 'extend-address', 'new-address']) await assertSeen(one.getByTestId(id), `${s.name}: ${id}`);
        await assertSeen(one.getByLabel('Domain'), `${s.name}: the domain picker`);

        // Your addresses: both listed, switchable.
        await one.locator('summary', { hasText: 'Your addresses' }).click();
        const show = one.getByRole('button', { name: `Show ${a.email}` });
        await assertSeen(show, `${s.name}: Show in Your addresses`);
        await assertSeen(one.getByRole('button', { name: `Delete ${a.email}` }), `${s.name}: Delete in Your addresses`);
        assert.deepEqual(await axeViolations(one), [], `${s.name}: Your addresses, open`);
        await show.click();
        await eventually(async () => (await addressOf(one)) === a.email, `${s.name}: the address switched to`);

        // A second tab shows the same address; a new address in one is followed by the other.
        const two = await openTab(context, svc);
        assert.equal(await addressOf(two), a.email, `${s.name}: the second tab on the same address`);
        await one.getByTestId('new-address').click();
        await eventually(async () => ![a.email, short.email].includes(await addressOf(one)), `${s.name}: a new address in tab one`);
        const made = await addressOf(one);
        await eventually(async () => (await addressOf(two)) === made, `${s.name}: tab two following tab one`);
        await assertSeen(two.getByTestId('address'), `${s.name}: the followed address in tab two`);
        assert.match((await two.getByTestId('address').textContent()) ?? '', /@/);
        assert.deepEqual(await pageProblems(one), [], s.name);
        assert.deepEqual(await pageProblems(two), [], s.name);
      } finally {
        await context.close();
      }
    }
  });

  it('says in words why no address can be made when the cap is reached, offers to delete one, and retries by itself', async () => {
    const context = await newContext();
    let made: Stored[] = [];
    try {
      const page = await openTab(context, capped);
      const first = await addressOf(page);
      await page.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(page)) !== first, 'a second address');
      const second = await addressOf(page);
      await page.getByTestId('new-address').click();
      const banner = page.getByTestId('blocked');
      await banner.waitFor();
      assert.match((await banner.textContent()) ?? '', new RegExp(`already has ${CAP} addresses in use.*delete one you no longer need.*tries again by itself in \\d+:\\d\\d`));
      assert.equal(await addressOf(page), second, 'the shown address stays');
      assert.equal(await page.locator('details.addresses[open]').count(), 1, 'the list is opened to choose from');
      assert.deepEqual(await axeViolations(page), [], 'the network cap banner');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'desktop-light-cap-reached.png') });

      // Deleting one makes room: the page tries again at once.
      await confirmDelete(page, page.getByTestId('addresses').getByRole('button', { name: `Delete ${first}` }));
      await eventually(async () => ![first, second].includes(await addressOf(page)), 'a new address once there is room');
      await banner.waitFor({ state: 'detached' });
      made = await page.evaluate(() => JSON.parse(localStorage.getItem('tempmail.mailboxes.v1') ?? '[]') as Stored[]);
      assert.equal(made.length, CAP);
    } finally {
      await context.close();
    }

    // What a fresh visitor behind the same address sees while the cap is full, on the other setups:
    // the reason in words, seen, and nothing pretending to load.
    for (const mb of made) await deleteOnServer(capped, mb);
    const full: Stored[] = [];
    for (let i = 0; i < CAP; i++) {
      const r = await generate(capped, 600);
      assert.equal(r.status, 200);
      full.push(r.body);
    }
    for (const s of otherSetups('phone-light')) {
      const visitor = await newContext({ setup: s });
      try {
        const page = await openTab(visitor, capped, false);
        await assertSeen(page.getByTestId('blocked'), `${s.name}: the cap banner`);
        assert.match((await page.getByTestId('blocked').textContent()) ?? '', /One frees up when it expires or is deleted/);
        assert.equal(await addressOf(page), 'No address yet', s.name);
        assert.deepEqual(await axeViolations(page), [], `${s.name}: the cap banner without an address`);
        await page.screenshot({ path: path.join(RESULTS_DIR, `${s.name}-cap-reached-fresh.png`) });
        assert.deepEqual(await pageProblems(page), [], s.name);
      } finally {
        await visitor.close();
      }
    }
    for (const mb of full) await deleteOnServer(capped, mb);

    // A fresh visitor behind the same address while the cap is full of short-lived mailboxes:
    // no eternal "Creating…", a reason, and an address by itself once one expires (phone light;
    // the retry is the page's timer, the same on every screen).
    for (let i = 0; i < CAP; i++) assert.equal((await generate(capped, 6)).status, 200);
    const fresh = await newContext({ setup: setup('phone-light') });
    try {
      const page = await openTab(fresh, capped, false);
      await assertSeen(page.getByTestId('blocked'), 'phone-light: the cap banner');
      assert.equal(await addressOf(page), 'No address yet');
      assert.equal(await page.textContent('[data-testid=conn]'), 'No address');
      assert.match((await page.textContent('[data-testid=inbox-empty]')) ?? '', /No address yet/);
      assert.match((await page.getByTestId('blocked').textContent()) ?? '', /One frees up when it expires or is deleted/, 'no list to choose from: no offer to use one');
      assert.equal(await page.getByTestId('stop-trying').count(), 0, 'nothing to keep');
      assert.deepEqual(await axeViolations(page), [], 'phone: the cap banner without an address');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'phone-light-cap-reached.png') });
      await page.waitForFunction(() => document.querySelector('[data-testid=address]')?.textContent?.includes('@'), null, { timeout: PATIENCE_MS });
      await page.getByTestId('blocked').waitFor({ state: 'detached' });
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await fresh.close();
    }
  });

  // Console output does not depend on the screen (one setup); the docs link is seen on every setup in page.e2e.
  it('never prints a mailbox token in the console, even when its requests fail; links to the docs', async () => {
    const { body: real } = await generate(svc);
    const secret = `wrong${'x'.repeat(30)}`;
    const context = await newContext({ seed: { ...real, token: secret } });
    const logged: string[] = [];
    try {
      const page = await context.newPage();
      page.on('console', (m) => logged.push(m.text()));
      page.on('requestfailed', (r) => logged.push(r.url()));
      await watchPage(page);
      await page.goto(`${svc.httpUrl}/`);
      // The wrong token: the inbox answers 404 and the WebSocket is refused, so the page moves on.
      await eventually(async () => /@/.test(await addressOf(page)) && (await addressOf(page)) !== real.email, 'a replacement address');
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      const current = await page.evaluate(() => JSON.parse(localStorage.getItem('tempmail.mailbox.v1') ?? 'null') as Stored);
      assert.ok(logged.some((l) => l.includes('404')), `the failures were logged: ${logged.join(' | ')}`);
      for (const token of [secret, current.token]) {
        assert.deepEqual(logged.filter((l) => l.includes(token)), [], 'no token in the console');
      }
      assert.equal(await page.getByTestId('docs-link').getAttribute('href'), '/docs/');
      const docs = await fetch(`${svc.httpUrl}/docs/`);
      assert.equal(docs.status, 200);
    } finally {
      await context.close();
    }
  });

  // The picker is seen on every setup above; here, once, an address on the chosen domain gets mail and the choice is kept.
  it('offers a domain picker when the server has several domains; new addresses use the one chosen', async () => {
    const res = await fetch(`${svc.httpUrl}/api/domains.php`);
    assert.deepEqual(await res.json(), ['tempmail.local', SECOND_DOMAIN]);
    const context = await newContext({ setup: setup('phone-light') });
    try {
      const page = await openTab(context, svc);
      assert.match(await addressOf(page), /@tempmail\.local$/, 'the default domain first');
      const picker = page.getByLabel('Domain');
      assert.deepEqual(await picker.locator('option').allTextContents(), ['@tempmail.local', `@${SECOND_DOMAIN}`]);
      await picker.selectOption(SECOND_DOMAIN);
      await page.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(page)).endsWith(`@${SECOND_DOMAIN}`), 'an address on the chosen domain');
      const address = await addressOf(page);
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      await sendMail(svc.smtpPort, { to: address, subject: 'To the second domain', text: 'hi' });
      await page.locator('.row-subject', { hasText: 'To the second domain' }).waitFor();
      await page.reload();
      await page.waitForFunction((a) => document.querySelector('[data-testid=address]')?.textContent === a, address);
      await eventually(async () => (await page.getByLabel('Domain').inputValue()) === SECOND_DOMAIN, 'the choice kept');
      assert.deepEqual(await axeViolations(page), [], 'phone: the domain picker');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'phone-light-domain-picker.png') });
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  // The favicon and the stored choices do not depend on the screen (one setup); the switches are seen on every setup above.
  it('shows unread mail on the favicon; notifications and sound are off until turned on, and stay as chosen', async () => {
    const context = await newContext();
    await context.grantPermissions(['notifications'], { origin: svc.httpUrl });
    const unread = (page: Page) => page.getAttribute('link[rel=icon]', 'data-unread');
    try {
      const page = await openTab(context, svc);
      const address = await addressOf(page);
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      assert.equal(await page.getByTestId('notify-toggle').getAttribute('aria-pressed'), 'false');
      assert.equal(await page.getByTestId('sound-toggle').getAttribute('aria-pressed'), 'false', 'sound is off by default');
      assert.equal(await unread(page), '0');

      await sendMail(svc.smtpPort, { to: address, subject: 'Counted on the icon', text: 'one' });
      await page.locator('.row-subject', { hasText: 'Counted on the icon' }).waitFor();
      await eventually(async () => (await unread(page)) === '1', 'the favicon badge');
      assert.match((await page.getAttribute('link[rel=icon]', 'href')) ?? '', /^data:image\/svg\+xml,.*circle/);

      // Asked for with a click (the permission is granted to this origin), kept across a reload.
      await page.getByTestId('notify-toggle').click();
      await page.getByTestId('sound-toggle').click();
      await page.waitForSelector('[data-testid=notify-toggle][aria-pressed=true]');
      await page.reload();
      await page.waitForSelector('[data-testid=notify-toggle][aria-pressed=true]');
      assert.equal(await page.getByTestId('sound-toggle').getAttribute('aria-pressed'), 'true');
      await page.locator('[data-testid=inbox-row] .row-open').first().click();
      await eventually(async () => (await unread(page)) === '0', 'no badge once read');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  // The warning and Add time are seen and used on every setup above; here, once, the chosen
  // lifetime is what is added and the new expiry is stored.
  it('warns before expiry and adds time with one click', async () => {
    const { body: mb } = await generate(svc, 120);
    const context = await newContext({ seed: mb });
    try {
      const page = await openTab(context, svc);
      assert.equal(await addressOf(page), mb.email);
      const warning = page.getByTestId('expiry-warning');
      await warning.waitFor();
      assert.match((await warning.textContent()) ?? '', /expires in (1|2) minutes?/);
      assert.deepEqual(await axeViolations(page), [], 'the expiry warning');
      await page.getByLabel('Lifetime').selectOption('600');
      await warning.getByRole('button', { name: 'Add 10 minutes' }).click();
      await warning.waitFor({ state: 'detached' });
      assert.match((await page.textContent('[data-testid=countdown]')) ?? '', /^1[12]:\d\d$/);
      assert.match((await page.textContent('[data-testid=card-note]')) ?? '', /More time was added/);
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('tempmail.mailbox.v1') ?? 'null') as Stored);
      assert.ok(Date.parse(stored.expires_at) > Date.parse(mb.expires_at) + 500_000, 'the new expiry is stored');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  // Expiry takes its own time: the four setups wait side by side, each in its own context.
  it('says an empty inbox of an expired address is over, not loading or waiting (every setup)', async () => {
    await Promise.all(SETUPS.map(async (s) => {
      const { body: mb } = await generate(svc, 40); // more than the 5 s the page wants left to reuse an address, and than four setups take to open on a busy machine
      const context = await newContext({ setup: s, seed: mb });
      try {
        const page = await openTab(context, svc);
        assert.equal(await addressOf(page), mb.email, s.name);
        await page.waitForSelector('[data-testid=conn][data-state=connected]');
        assert.match((await page.textContent('[data-testid=inbox-empty]')) ?? '', /Waiting for mail/);
        await page.getByTestId('expired-note').waitFor({ timeout: PATIENCE_MS });
        await assertSeen(page.getByTestId('expired-note'), `${s.name}: the note that the address expired`);
        const empty = page.getByTestId('inbox-empty');
        await assertSeen(empty, `${s.name}: the empty inbox's words`);
        const text = (await empty.textContent()) ?? '';
        assert.match(text, /No mail came.*This address expired and receives no more mail/, s.name);
        assert.doesNotMatch(text, /Waiting|Loading|shows up here by itself/, s.name);
        assert.equal(await page.locator('[data-testid=inbox-empty] .pulse').count(), 0, `${s.name}: no pulse: nothing is awaited`);
        assert.deepEqual(await axeViolations(page), [], `${s.name}: an expired, empty inbox`);
        assert.deepEqual(await pageProblems(page), [], s.name);
      } finally {
        await context.close();
      }
    }));
  });

  it('keeps the open message and the inbox on screen when the address expires, with a note (every setup)', async () => {
    await Promise.all(SETUPS.map(async (s) => {
      // 40 s: the mail is in before the browser starts, and four setups open on a busy machine
      // before it expires (with 20 s, one delivery met the expiry at load 17)
      const { body: mb } = await generate(svc, 40);
      await sendMail(svc.smtpPort, {
        to: mb.email, subject: 'Read me before it expires', text: 'Plain body', html: '<h1>Shown until you leave</h1>',
      });
      const context = await newContext({ setup: s, seed: mb });
      try {
        const page = await openTab(context, svc);
        await page.waitForSelector('[data-testid=conn][data-state=connected]');
        await page.locator('[data-testid=inbox-row] .row-open').first().click();
        await page.getByTestId('message').waitFor();
        await page.getByTestId('expired-note').waitFor({ timeout: PATIENCE_MS });
        await assertSeen(page.locator('#message-subject'), `${s.name}: the open message's subject`);
        assert.equal(await page.textContent('#message-subject'), 'Read me before it expires', `${s.name}: the open message stays`);
        await assertSeen(page.getByTestId('mail-frame'), `${s.name}: the open message's body`);
        await assertSeen(page.getByTestId('expired-note'), `${s.name}: the note that the address expired`);
        assert.equal(await page.locator('[data-testid=inbox-row]').count(), 1, `${s.name}: the inbox stays`);
        assert.equal(await page.textContent('[data-testid=conn]'), 'Expired');
        assert.ok(await page.getByTestId('delete-address').isDisabled());
        assert.ok(await page.getByTestId('extend-address').isDisabled());
        assert.deepEqual(await axeViolations(page), [], `${s.name}: expired, with the message open`);
        await page.screenshot({ path: path.join(RESULTS_DIR, `${s.name}-expired.png`) });
        assert.deepEqual(await pageProblems(page), [], s.name);
      } finally {
        await context.close();
      }
    }));
  });
});
