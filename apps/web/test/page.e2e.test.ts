/**
 * End-to-end tests of the page in real headless Chromium against the real service (built
 * server serving the built page), with mail sent over SMTP. Run after building both:
 *   npm run build -w apps/web && npm run build -w apps/server
 *   cd apps/web && node --import tsx --test test/page.e2e.test.ts
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Frame, Page, WebSocketRoute } from 'playwright-core';
import { startService, type ServiceHandle } from '../../server/test/helpers/service.ts';
import {
  assertSeen,
  eventually,
  launchBrowser,
  pageProblems,
  requireBuilt,
  RESULTS_DIR,
  sendMail,
  startHostileServer,
  watchPage,
  WEB_DIST,
  PATIENCE_MS,
  setup,
  setupContext,
  SETUPS,
  type Setup,
  type Stored,
} from './helpers.ts';

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const OTP = '482910';
const LINK = 'https://accounts.example.com/verify?token=abc123&step=2';
const TTL_MAX = 7200;

let svc: ServiceHandle;
let browser: Browser;

/** A tab of the page in one setup (desktop light unless told), with the clipboard allowed. */
async function openPage(
  opts: { setup?: Setup; viewport?: { width: number; height: number }; mailbox?: Stored } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await setupContext(browser, opts.setup ?? setup('desktop-light'), {
    seed: opts.mailbox, permissions: ['clipboard-read', 'clipboard-write'], origin: svc.httpUrl,
  });
  const page = await context.newPage();
  if (opts.viewport) await page.setViewportSize(opts.viewport);
  await watchPage(page);
  await page.goto(`${svc.httpUrl}/`);
  await page.waitForFunction(() => document.querySelector('[data-testid=address]')?.textContent?.includes('@'));
  return { context, page };
}

const addressOf = async (page: Page) => ((await page.textContent('[data-testid=address]')) ?? '').trim();
const storedOf = async (page: Page): Promise<Stored> =>
  page.evaluate(() => JSON.parse(localStorage.getItem('tempmail.mailbox.v1') ?? 'null') as Stored);
const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

async function mailFrame(page: Page, remote = false): Promise<Frame> {
  return eventually(
    () => page.frames().find((f) => f.url().includes('/api/html.php') && f.url().includes('remote=1') === remote),
    'the mail frame',
  );
}

/** The tab-order name of the focused element. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    return (el.getAttribute('aria-label') ?? el.textContent ?? el.tagName).trim().replace(/\s+/g, ' ');
  });

async function newMailbox(ttl?: number): Promise<Stored> {
  const res = await fetch(`${svc.httpUrl}/api/generate_email.php${ttl ? `?ttl=${ttl}` : ''}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Stored;
}

async function sendVerification(to: string, subject = 'Your verification code'): Promise<void> {
  await sendMail(svc.smtpPort, {
    to,
    from: 'Example Accounts <noreply@accounts.example.com>',
    subject,
    text: `Hi!\n\nYour verification code is ${OTP}.\n\nOr confirm here: ${LINK}\n`,
    html:
      `<div style="font-family:sans-serif"><img src="cid:logo@example" alt="logo" width="24" height="24">` +
      `<h1>Confirm your email</h1><p>Your verification code is <b>${OTP}</b>.</p>` +
      `<p><a href="${LINK.replace(/&/g, '&amp;')}" style="background:#4f46e5;color:#fff;padding:10px 16px">Verify email</a></p></div>`,
    attachments: [
      { filename: 'logo.png', content: PNG_1PX, contentType: 'image/png', cid: 'logo@example' },
      { filename: 'report <1>.txt', content: 'hello attachment', contentType: 'text/plain' },
    ],
  });
}

describe('web page (e2e, headless Chromium)', { timeout: 1_800_000 }, () => {
  before(async () => {
    requireBuilt();
    mkdirSync(RESULTS_DIR, { recursive: true });
    svc = await startService({
      TEMPMAIL_WEB_ROOT: WEB_DIST,
      TEMPMAIL_MIN_TTL_SECONDS: '1',
      TEMPMAIL_MAX_TTL_SECONDS: String(TTL_MAX),
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('serves the page under its strict CSP with only its own assets', async () => {
    const res = await fetch(`${svc.httpUrl}/`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /style-src 'self'(;|$)/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /<style|\sstyle=/, 'no inline style');
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no third-party resource');
    assert.equal(res.headers.get('cache-control'), 'no-cache');

    // Hashed assets: precompressed (brotli, else gzip) and cached for a year, immutable.
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), assets.join(' '));
    for (const asset of assets) {
      const plain = await fetch(`${svc.httpUrl}${asset}`, { headers: { 'accept-encoding': 'identity' } });
      const size = (await plain.arrayBuffer()).byteLength;
      for (const encoding of ['br', 'gzip']) {
        const r = await fetch(`${svc.httpUrl}${asset}`, { headers: { 'accept-encoding': encoding } });
        await r.arrayBuffer();
        assert.equal(r.headers.get('content-encoding'), encoding, `${asset} as ${encoding}`);
        assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
        assert.match(r.headers.get('vary') ?? '', /accept-encoding/i);
        const wire = Number(r.headers.get('content-length'));
        assert.ok(wire > 0 && wire < size / 2, `${asset}: ${wire} bytes as ${encoding}, ${size} plain`);
      }
      assert.equal(plain.headers.get('content-encoding'), null);
    }
  });

  // Flows that do not depend on the screen run in one setup each, spread over the four; what each
  // screen shows of them is checked on every setup in the last test of this file and in screens.e2e.
  it('shows an address at once with a live countdown, copies it, and keeps it across a reload', async () => {
    const { context, page } = await openPage({ setup: setup('phone-light') });
    try {
      const address = await addressOf(page);
      assert.match(address, /^[a-z0-9._-]+@tempmail\.local$/);
      const c1 = await page.textContent('[data-testid=countdown]');
      assert.match(c1 ?? '', /^(1:00:00|59:\d\d)$/);
      await eventually(async () => (await page.textContent('[data-testid=countdown]')) !== c1, 'the countdown to tick');

      await page.getByRole('button', { name: 'Copy address' }).click();
      await eventually(async () => (await page.textContent('.btn-copy')) === 'Copied', 'visible "Copied" feedback');
      assert.equal(await clipboard(page), address);
      await eventually(
        async () => (await page.textContent('[data-testid=announcer]'))?.includes('Address copied'),
        'the copy announcement',
      );

      await page.reload();
      await page.waitForFunction(() => document.querySelector('[data-testid=address]')?.textContent?.includes('@'));
      assert.equal(await addressOf(page), address, 'the mailbox survives a reload');
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  // The tab order and the keyboard walk are the desktop's; every setup sees live mail, the row's
  // chips and the message in the last test of this file.
  it('receives mail live without a reload; the OTP and the link are one click away', async () => {
    const { context, page } = await openPage();
    try {
      const address = await addressOf(page);
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      await page.waitForSelector('[data-testid=inbox-empty]');
      // The first sender text the new row shows: from the pushed event alone, before any listing.
      await page.evaluate(() => {
        const w = window as unknown as { __firstFrom: string | null };
        w.__firstFrom = null;
        new MutationObserver(() => {
          const from = document.querySelector('[data-testid=inbox-row] .row-from');
          if (from && w.__firstFrom === null) w.__firstFrom = from.textContent;
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
      const boxes = () =>
        page.evaluate(() =>
          ['.topbar', '.address-card', '.inbox-pane .pane-head', '.viewer-pane'].map((s) => {
            const r = document.querySelector(s)!.getBoundingClientRect();
            return [s, r.x, r.y, r.width, r.height].join(',');
          }),
        );
      const before = await boxes();

      await sendVerification(address);
      const row = page.locator('[data-testid=inbox-row]').first();
      await row.waitFor({ timeout: PATIENCE_MS });
      assert.equal(await page.evaluate(() => (window as unknown as { __marker: number }).__marker), 42, 'no reload');
      assert.deepEqual(await boxes(), before, 'header, address card and panes did not move');
      // The pushed event carries sender_name: the announcement made on its arrival names the sender,
      // and the row shows the name from its first render (not after a listing).
      await eventually(
        async () => /New mail from /.test((await page.textContent('[data-testid=announcer]')) ?? ''),
        'the new-mail announcement',
      );
      assert.equal(await page.textContent('[data-testid=announcer]'), `New mail from Example Accounts: Your verification code. Code ${OTP}`);
      assert.match((await row.textContent()) ?? '', /Your verification code/);
      assert.equal(await row.locator('.row-from').textContent(), 'Example Accounts', 'the sender\'s name on the live row');
      assert.equal(await row.locator('.row-from').getAttribute('title'), 'noreply@accounts.example.com');
      assert.equal(await page.evaluate(() => (window as unknown as { __firstFrom: string | null }).__firstFrom), 'Example Accounts', 'the name from the row\'s first render');

      // The row: OTP chip with copy, and an "Open link" button.
      const chip = row.getByRole('button', { name: `Copy code ${OTP}` });
      await chip.click();
      assert.equal(await clipboard(page), OTP);
      const rowLink = row.getByTestId('row-link');
      assert.equal(await rowLink.getAttribute('href'), LINK);
      assert.equal(await rowLink.getAttribute('target'), '_blank');
      assert.equal(await rowLink.getAttribute('rel'), 'noopener noreferrer');
      await page.evaluate(() => navigator.clipboard.writeText('-'));
      await page.waitForSelector('.chip[data-state=idle]');

      // Keyboard: a logical tab order from the top, and Enter opens the row.
      await page.evaluate(() => {
        // Start sequential focus navigation from the top of the document.
        document.body.tabIndex = -1;
        document.body.focus();
        document.body.removeAttribute('tabindex');
      });
      await page.getByTestId('choose-name').waitFor(); // shown once the server said it takes names
      const order: string[] = [];
      for (let i = 0; i < 14; i++) {
        await page.keyboard.press('Tab');
        order.push(await focused(page));
      }
      assert.deepEqual(order.splice(1, 2), ['Notifications', 'Sound'], 'the header switches');
      assert.equal(order[0], 'Skip to inbox');
      assert.equal(order[1], 'Copy address');
      assert.equal(order[2], 'Show a QR code');
      assert.match(order[3], /10 minutes/); // the lifetime select
      assert.equal(order[4], 'Add time (1 hour)');
      assert.equal(order[5], 'New address');
      assert.equal(order[6], 'Choose a name');
      assert.equal(order[7], 'Delete');
      assert.match(order[8], /^Your addresses/);
      assert.match(order[9], /(Example Accounts|noreply@accounts\.example\.com).*Your verification code/);
      assert.equal(order[10], `Copy code ${OTP}`);
      assert.match(order[11], /Open link/);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'desktop-light-focus.png'), clip: { x: 0, y: 300, width: 640, height: 220 } });
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid=message]');
      await eventually(async () => (await focused(page)) === 'Your verification code', 'focus on the message heading');

      // The message: headers, big OTP with copy (Space works), the link as a button.
      assert.match((await page.textContent('[data-testid=message-from]')) ?? '', /^(Example Accounts <)?noreply@accounts\.example\.com>?$/);
      assert.equal(await page.textContent('[data-testid=otp-code]'), OTP);
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), `Copy code ${OTP}`);
      await page.keyboard.press('Space');
      await eventually(async () => (await clipboard(page)) === OTP, 'the OTP in the clipboard');
      await eventually(
        async () => (await page.textContent('.otp .btn-label')) === 'Copied',
        'visible "Copied" on the OTP button',
      );
      const confirm = page.getByTestId('confirm-link');
      assert.equal(await confirm.getAttribute('href'), LINK);
      assert.equal(await confirm.getAttribute('target'), '_blank');
      assert.equal(await confirm.getAttribute('rel'), 'noopener noreferrer');

      // Attachments download from attachment.php by index; the inline cid logo is not listed.
      assert.equal(await page.textContent('#attachments-heading'), '1 attachment');
      assert.equal(await page.getByRole('link', { name: 'logo.png' }).count(), 0);
      const att = page.getByRole('link', { name: 'report <1>.txt' });
      const href = (await att.getAttribute('href')) ?? '';
      assert.match(href, /^\/api\/attachment\.php\?email=.+&token=.+&id=.+&index=\d+$/);
      assert.equal(await page.evaluate((u) => fetch(u).then((r) => r.text()), href), 'hello attachment');

      // HTML only in the sandboxed frame, with cid: images inlined.
      const iframe = page.getByTestId('mail-frame');
      assert.equal(await iframe.getAttribute('sandbox'), 'allow-same-origin allow-popups allow-popups-to-escape-sandbox');
      assert.match((await iframe.getAttribute('src')) ?? '', /^\/api\/html\.php\?email=.+&token=.+&id=[^&]+$/);
      const frame = await mailFrame(page);
      await frame.waitForSelector('h1');
      assert.match((await frame.getAttribute('img', 'src')) ?? '', /^data:image\/png;base64,/);

      // Text and source tabs, by keyboard (arrows move between tabs).
      await page.getByRole('tab', { name: 'HTML' }).focus();
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.getByRole('tab', { name: 'Text' }).getAttribute('aria-selected'), 'true');
      assert.match((await page.textContent('[data-testid=body-text]')) ?? '', new RegExp(`verification code is ${OTP}`));
      // The plain-text link is a safe link (new tab, no opener, no referrer); the full stop after it is text.
      const textLink = page.locator('[data-testid=body-text] a');
      assert.equal(await textLink.count(), 1);
      assert.equal(await textLink.getAttribute('href'), LINK);
      assert.equal(await textLink.getAttribute('target'), '_blank');
      assert.match((await textLink.getAttribute('rel')) ?? '', /noopener noreferrer/);
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('[data-testid=raw-text]');
      assert.match((await page.textContent('[data-testid=raw-text]')) ?? '', /^Subject: Your verification code/m);
      // The source is shown as text in the page; the only link downloads it (no blank tab).
      assert.match((await page.getByTestId('raw-link').getAttribute('href')) ?? '', /^\/api\/raw\.php\?/);
      assert.ok(await page.getByTestId('raw-link').getAttribute('download'));
      assert.equal(await page.locator('[data-testid=raw-link][target]').count(), 0);

      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  // Pure sandboxing and the server's HTML filter: the screen plays no part (one setup).
  it('never runs or loads anything from hostile HTML, and loads remote images only when asked', async () => {
    const hostile = await startHostileServer();
    const { context, page } = await openPage();
    const popups: string[] = [];
    context.on('page', (p) => popups.push(p.url()));
    try {
      await page.evaluate(() => {
        window.addEventListener('message', () => {
          (window as unknown as { __problems: string[] }).__problems.push('postMessage from a frame');
        });
      });
      const title = await page.title();
      const o = hostile.origin;
      const html = `<!DOCTYPE html><html><head>
        <meta http-equiv="refresh" content="0;url=${o}/refresh">
        <base href="${o}/base/">
        <link rel="stylesheet" href="${o}/link.css">
        <style>@import url("${o}/import.css"); body { background: url(${o}/bg.png) }</style>
        <script>window.top.document.title = 'pwned'; fetch('${o}/script-fetch'); parent.postMessage('x', '*');</script>
        <script src="${o}/script.js"></script>
      </head><body onload="fetch('${o}/body-onload')">
        <h1 id="hello">Hello hostile</h1>
        <img id="pixel" src="${o}/pixel.gif" width="10" height="10">
        <img src="x" onerror="window.top.document.title='pwned'; fetch('${o}/onerror')">
        <svg><image href="${o}/svg-image.png"/><script>fetch('${o}/svg-script')</script></svg>
        <a id="js" href="javascript:fetch('${o}/js-link');window.top.document.title='pwned'">javascript link</a>
        <a id="ext" href="${o}/link" target="_self">normal link</a>
        <form id="f" action="${o}/form" method="post"><input name="q" value="1"><button id="submit">Send</button></form>
        <iframe src="${o}/iframe"></iframe>
        <object data="${o}/object"></object>
        <embed src="${o}/embed">
        <div style="background-image:url('${o}/style-attr.png')">bg</div>
        <!--><meta http-equiv="refresh" content="0;url=${o}/refresh2">-->
      </body></html>`;
      const address = await addressOf(page);
      await sendMail(svc.smtpPort, { to: address, subject: 'Hostile <b>subject</b> & "quotes"', html, text: 'plain' });
      const row = page.locator('[data-testid=inbox-row]').first();
      await row.waitFor({ timeout: PATIENCE_MS });
      assert.match((await row.textContent()) ?? '', /Hostile <b>subject<\/b> & "quotes"/, 'the subject is shown as text');
      await row.locator('.row-open').click();
      assert.equal(await page.textContent('#message-subject'), 'Hostile <b>subject</b> & "quotes"');

      const frame = await mailFrame(page);
      await frame.waitForSelector('#hello');
      await page.waitForTimeout(1500); // a meta refresh or a late script would have fired by now
      assert.equal(frame.url(), await page.getByTestId('mail-frame').evaluate((f) => (f as HTMLIFrameElement).src));
      assert.equal(await frame.locator('script').count(), 0, 'no script element reaches the frame');
      assert.equal(await frame.locator('meta[http-equiv=refresh], base, form, iframe, object, embed, link').count(), 0);
      assert.equal(await frame.locator('[onerror], [onload]').count(), 0);
      assert.equal(await frame.getAttribute('#js', 'href'), null, 'javascript: link dropped');
      assert.equal(await frame.getAttribute('#ext', 'target'), '_blank');
      assert.equal(await frame.getAttribute('#ext', 'rel'), 'noopener noreferrer');
      await frame.click('#js');
      await frame.click('#submit');
      await page.waitForTimeout(800);

      assert.equal(await page.title(), title, 'the top document title is untouched');
      assert.deepEqual(hostile.hits.map((h) => h.url), [], 'nothing was loaded from the hostile host');
      assert.deepEqual(popups, []);
      assert.deepEqual(await pageProblems(page), []);

      // Remote content on request: images load (without a Referer), scripts still never run.
      await page.getByTestId('load-remote').click();
      const remote = await mailFrame(page, true);
      await remote.waitForSelector('#hello');
      await eventually(() => hostile.hits.some((h) => h.url === '/pixel.gif'), 'the remote image to load');
      await page.waitForTimeout(1000);
      const pixel = hostile.hits.find((h) => h.url === '/pixel.gif')!;
      assert.equal(pixel.headers.referer, undefined, 'no Referer leaks the mailbox URL');
      const never = ['/refresh', '/refresh2', '/script', '/script.js', '/script-fetch', '/body-onload', '/onerror',
        '/svg-script', '/js-link', '/link', '/form', '/iframe', '/object', '/embed', '/link.css'];
      const got = hostile.hits.map((h) => h.url);
      assert.deepEqual(got.filter((u) => never.includes(u)), [], `never loaded (all hits: ${got.join(' ')})`);
      assert.equal(await page.title(), title);
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
      await hostile.close();
    }
  });

  // Connection handling: the screen plays no part (one setup).
  it('polls while the live connection is down, and reconnects', async () => {
    const context = await setupContext(browser, setup('desktop-dark'));
    const page = await context.newPage();
    let blocked = false;
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/ws\?/, (ws) => {
      if (blocked) {
        ws.close({ code: 1011, reason: 'test: blocked' });
        return;
      }
      ws.connectToServer();
      sockets.push(ws);
    });
    try {
      await watchPage(page);
      await page.goto(`${svc.httpUrl}/`);
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      const address = await addressOf(page);

      blocked = true;
      for (const ws of sockets) await ws.close({ code: 1012, reason: 'test: dropped' }).catch(() => {});
      await page.waitForSelector('[data-testid=conn][data-state=reconnecting]');
      await page.waitForSelector('[data-testid=conn][data-state=polling]', { timeout: PATIENCE_MS });
      assert.equal(await page.textContent('[data-testid=conn]'), 'Polling');

      await sendVerification(address, 'Arrives by polling');
      await page.locator('.row-subject', { hasText: 'Arrives by polling' }).waitFor({ timeout: PATIENCE_MS });

      blocked = false;
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await page.waitForSelector('[data-testid=conn][data-state=connected]', { timeout: PATIENCE_MS });
      await sendVerification(address, 'Arrives live again');
      await page.locator('.row-subject', { hasText: 'Arrives live again' }).waitFor({ timeout: PATIENCE_MS });
      assert.equal(await page.locator('[data-testid=inbox-row]').count(), 2);
    } finally {
      await context.close();
    }
  });

  it('makes a new address, shows the server message for a lifetime out of bounds, and deletes', async () => {
    const { context, page } = await openPage({ setup: setup('phone-dark') });
    try {
      const first = await addressOf(page);
      await page.getByLabel('Lifetime').selectOption('600');
      await page.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(page)) !== first, 'a new address');
      assert.match((await page.textContent('[data-testid=countdown]')) ?? '', /^(10:00|9:\d\d)$/);
      const second = await addressOf(page);

      await page.getByLabel('Lifetime').selectOption('86400'); // above TEMPMAIL_MAX_TTL_SECONDS
      await page.getByTestId('new-address').click();
      await page.waitForSelector('[data-testid=card-note].is-error');
      const message = (await page.textContent('[data-testid=card-note]')) ?? '';
      assert.match(message, /ttl|lifetime/i);
      await assertSeen(page.getByTestId('card-note'), 'the server\'s refusal');
      assert.equal(await addressOf(page), second, 'the address stays when the server refuses');

      await page.getByLabel('Lifetime').selectOption('3600');
      const old = await storedOf(page);
      // Delete asks once; Cancel keeps everything.
      await page.getByTestId('delete-address').click();
      await page.getByRole('dialog', { name: 'Delete this address?' }).waitFor();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      assert.equal(await addressOf(page), second);
      await page.getByTestId('delete-address').click();
      await page.getByTestId('confirm-yes').click();
      // The page shows the next address it still holds (the first one), not a new one.
      await eventually(async () => (await addressOf(page)) === first, 'the previous address after delete');
      // with its signed deletion receipt (issue 20)
      assert.match((await page.textContent('[data-testid=card-note]')) ?? '', /Deleted — receipt \d+ for /);
      const res = await fetch(`${svc.httpUrl}/api/inbox.php?email=${encodeURIComponent(old.email)}&token=${old.token}`);
      assert.equal(res.status, 404, 'the deleted mailbox is gone on the server');
      assert.equal((await storedOf(page)).email, await addressOf(page));
    } finally {
      await context.close();
    }
  });

  it('replaces an address deleted elsewhere on the mailbox.deleted event, without falling back to polling', async () => {
    const doomed = await newMailbox();
    const { context, page } = await openPage({ setup: setup('desktop-dark'), mailbox: doomed });
    try {
      assert.equal(await addressOf(page), doomed.email);
      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      const inboxReads: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/inbox.php') && r.url().includes(encodeURIComponent(doomed.email))) inboxReads.push(r.url());
      });
      const res = await fetch(`${svc.httpUrl}/api/delete.php`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: doomed.email, token: doomed.token }),
      });
      assert.equal(res.status, 200);
      await eventually(async () => (await addressOf(page)) !== doomed.email, 'a new address after the delete elsewhere');
      assert.match((await page.textContent('[data-testid=card-note]')) ?? '', /no longer exists/);
      await assertSeen(page.getByTestId('card-note'), 'the note that the address is gone');
      assert.deepEqual(inboxReads, [], 'told by the event, not by a 404 from polling');
      assert.equal((await storedOf(page)).email, await addressOf(page));
    } finally {
      await context.close();
    }
  });

  it('replaces an expired address on load; while open it stays on screen with a note', async () => {
    const stale: Stored = { email: 'old@tempmail.local', token: 'x', expires_at: new Date(Date.now() - 1000).toISOString() };
    const a = await openPage({ mailbox: stale });
    try {
      assert.notEqual(await addressOf(a.page), stale.email, 'a stored but expired mailbox is not reused');
    } finally {
      await a.context.close();
    }

    const short = await newMailbox(20); // the page reuses a stored mailbox with at least 5 s left
    const { context, page } = await openPage({ setup: setup('phone-dark'), mailbox: short });
    try {
      assert.equal(await addressOf(page), short.email);
      await page.getByTestId('expired-note').waitFor({ timeout: PATIENCE_MS });
      await assertSeen(page.getByTestId('expired-note'), 'the expiry note');
      assert.equal(await addressOf(page), short.email, 'the expired address stays shown');
      assert.match((await page.textContent('[data-testid=countdown]')) ?? '', /^Expired at/);
      assert.equal(await page.textContent('[data-testid=conn]'), 'Expired');
      await page.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(page)) !== short.email, 'a new address on request');
      assert.equal((await storedOf(page)).email, await addressOf(page));
      assert.match((await page.textContent('[data-testid=countdown]')) ?? '', /^(1:00:00|59:\d\d)$/);
    } finally {
      await context.close();
    }
  });

  // axe-core runs on these screens in screens.e2e.test.ts (every setup); here: what a person sees and uses.
  it('on desktop and phone, light and dark: live mail, sender names, codes, links, attachments and the source are seen (screenshots in test-results/)', async () => {
    const mailbox = await newMailbox();
    await sendMail(svc.smtpPort, {
      to: mailbox.email,
      from: 'Weekly Digest <digest@news.example.org>',
      subject: 'Your weekly digest: 12 new posts from the people you follow',
      text: 'Plain newsletter text.',
    });
    await sendMail(svc.smtpPort, {
      to: mailbox.email,
      from: 'billing@shop.example.net',
      subject: 'Invoice #20931 (PDF attached)',
      text: 'Your invoice is attached.',
      attachments: [{ filename: 'invoice-20931.pdf', content: Buffer.from('%PDF-1.4 fake'), contentType: 'application/pdf' }],
    });
    await sendVerification(mailbox.email);

    // The four setups, and a narrower phone (375 x 812) in each colour scheme for the layout alone.
    const runs: Array<{ s: Setup; label: string; narrow: boolean }> = [
      ...SETUPS.map((s) => ({ s, label: s.name, narrow: false })),
      ...SETUPS.filter((s) => s.device === 'phone').map((s) => ({ s, label: `narrow-${s.colorScheme}`, narrow: true })),
    ];
    for (const { s, label, narrow } of runs) {
      const { context, page } = await openPage({ setup: s, mailbox, viewport: narrow ? { width: 375, height: 812 } : undefined });
      try {
        assert.equal(await addressOf(page), mailbox.email);
        await page.locator('[data-testid=inbox-row]').nth(2).waitFor();
        const shot = (name: string) => page.screenshot({ path: path.join(RESULTS_DIR, `${label}-${name}.png`) });
        const noHorizontalScroll = async () => {
          const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
          assert.ok(sw <= iw, `${label}: page is ${sw}px wide in a ${iw}px viewport`);
        };
        await noHorizontalScroll();
        if (narrow) {
          await page.locator('[data-testid=inbox-row]', { hasText: 'Your verification code' }).locator('.row-open').click();
          await (await mailFrame(page)).waitForSelector('h1');
          await noHorizontalScroll();
          continue;
        }

        // The card: the address, its countdown, Copy with its visible feedback, the docs link.
        await assertSeen(page.getByTestId('address'), `${label}: the address`);
        await assertSeen(page.getByTestId('countdown'), `${label}: the countdown`);
        await page.getByRole('button', { name: 'Copy address' }).click();
        await eventually(async () => (await page.textContent('.btn-copy')) === 'Copied', `${label}: "Copied"`);
        await assertSeen(page.locator('.btn-copy'), `${label}: "Copied" on the button`);
        assert.equal(await clipboard(page), mailbox.email);
        await assertSeen(page.getByTestId('docs-link'), `${label}: the docs link`);
        await shot('inbox');

        // Mail arriving live: its row at the top with the sender's name, said aloud.
        await page.waitForSelector('[data-testid=conn][data-state=connected]');
        const subject = `Arrived live on ${label}`;
        await sendMail(svc.smtpPort, { to: mailbox.email, from: `"Live, Sender" <live@sender.test>`, subject, text: 'hello' });
        const live = page.locator('[data-testid=inbox-row]', { hasText: subject });
        await live.waitFor({ timeout: PATIENCE_MS });
        await assertSeen(live, `${label}: the live row`);
        assert.equal(await live.locator('.row-from').textContent(), 'Live, Sender', `${label}: the sender's name on the live row`);
        await eventually(async () => (await page.textContent('[data-testid=announcer]')) === `New mail from Live, Sender: ${subject}`, `${label}: the announcement`);

        // The verification row: the code and the link one tap away.
        const row = page.locator('[data-testid=inbox-row]', { hasText: 'Your verification code' });
        await assertSeen(row.getByRole('button', { name: `Copy code ${OTP}` }), `${label}: the row's code`);
        await assertSeen(row.getByTestId('row-link'), `${label}: the row's link`);
        assert.equal(await row.locator('.row-from').textContent(), 'Example Accounts');

        // The message: sender name and address, the code, the link, one attachment (not the inline logo).
        await row.locator('.row-open').click();
        const frame = await mailFrame(page);
        await frame.waitForSelector('h1');
        await noHorizontalScroll();
        await assertSeen(page.getByTestId('message-from'), `${label}: the sender`);
        assert.equal(await page.locator('[data-testid=message-from] .from-name').textContent(), 'Example Accounts');
        await assertSeen(page.getByTestId('otp-code'), `${label}: the code`);
        await assertSeen(page.getByTestId('confirm-link'), `${label}: the confirmation link`);
        await assertSeen(page.getByRole('link', { name: 'report <1>.txt' }), `${label}: the attachment`);
        assert.equal(await page.getByRole('link', { name: 'logo.png' }).count(), 0, `${label}: the inline logo is not an attachment`);
        await shot('message');
        await page.getByTestId('mail-frame').scrollIntoViewIfNeeded();
        await page.waitForTimeout(500); // screenshot only: Chromium throttles painting of off-screen cross-origin frames
        await shot('message-body');

        // The plain text with its link clickable; the source as text in the page.
        await page.getByRole('tab', { name: 'Text' }).click();
        await assertSeen(page.locator('[data-testid=body-text] a'), `${label}: the link in the plain text`);
        await page.getByRole('tab', { name: 'Source' }).click();
        await assertSeen(page.getByTestId('raw-text'), `${label}: the source`);
        assert.match((await page.textContent('[data-testid=raw-text]')) ?? '', /^Subject: Your verification code/m);
        await assertSeen(page.getByTestId('raw-link'), `${label}: the source's download link`);
        await noHorizontalScroll();
        assert.deepEqual(await pageProblems(page), []);
      } finally {
        await context.close();
      }
    }
  });
});
