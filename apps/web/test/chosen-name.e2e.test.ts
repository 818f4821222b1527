/**
 * A chosen name before the @, in real headless Chromium against the real service: the optional
 * "Choose a name" form makes the address (mail to it arrives over a real SMTP send), a taken,
 * reserved or malformed name is refused with the server's own words under the field (marked
 * invalid, focus kept there, the shown address unchanged), random stays the one-click default,
 * the chosen domain applies, axe-core finds nothing, and the control is absent where the server
 * does not take names (TEMPMAIL_CUSTOM_NAMES=off).
 */
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startService, type ServiceHandle } from '../../server/test/helpers/service.ts';
import {
  assertSeen, axeViolations, eventually, launchBrowser, pageProblems, requireBuilt, RESULTS_DIR, sendMail, setup, setupContext, SETUPS, shot, watchPage, WEB_DIST,
} from './helpers.ts';

const SECOND_DOMAIN = 'second.test';
let svc: ServiceHandle;
let namesOff: ServiceHandle;
let browser: Browser;

/** A name no earlier run used: names are never issued twice, and PostgreSQL keeps them between runs. */
const freshName = (stem: string) => `${stem}.${randomBytes(4).toString('hex')}`;

async function openTab(context: BrowserContext, base: ServiceHandle): Promise<Page> {
  const page = await context.newPage();
  await watchPage(page);
  const names = page.waitForResponse((r) => r.url().endsWith('/api/names.php'));
  await page.goto(`${base.httpUrl}/`);
  await page.waitForFunction(() => document.querySelector('[data-testid=address]')?.textContent?.includes('@'));
  await names;
  return page;
}

const addressOf = async (page: Page) => ((await page.textContent('[data-testid=address]')) ?? '').replace(/\s/g, '');
const listed = (page: Page) => page.locator('[data-testid=address-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-email')).sort());

/** Types a name into the open form and submits it with Enter, as a person would; waits for the server's answer. */
async function submitName(page: Page, name: string): Promise<void> {
  const input = page.getByLabel('Name before the @');
  await input.fill(name);
  const answered = page.waitForResponse((r) => r.url().includes('/api/generate_email.php'));
  await input.press('Enter');
  await answered;
}

/** Waits for the form's refusal and returns what the field says about it. */
async function refusal(page: Page): Promise<{ text: string; invalid: string | null; describedBy: string | null; focused: boolean }> {
  const error = page.getByTestId('name-error');
  await error.waitFor();
  const input = page.getByTestId('name-input');
  await page.waitForSelector('[data-testid=name-submit]:not([disabled])');
  return {
    text: (await error.textContent()) ?? '',
    invalid: await input.getAttribute('aria-invalid'),
    describedBy: await input.getAttribute('aria-describedby'),
    focused: await input.evaluate((el) => el === document.activeElement),
  };
}

describe('a chosen name before the @ (e2e, headless Chromium)', { timeout: 300_000 }, () => {
  before(async () => {
    requireBuilt();
    mkdirSync(RESULTS_DIR, { recursive: true });
    const env = { TEMPMAIL_WEB_ROOT: WEB_DIST, TEMPMAIL_DOMAINS: `tempmail.local,${SECOND_DOMAIN}` };
    [svc, namesOff] = await Promise.all([startService(env), startService({ ...env, TEMPMAIL_CUSTOM_NAMES: 'off' })]);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await Promise.all([svc?.stop(), namesOff?.stop()]);
  });

  it('makes an address with the chosen name; mail sent to it over SMTP shows up live', async () => {
    const context = await setupContext(browser, setup('desktop-light'));
    try {
      const page = await openTab(context, svc);
      const random = await addressOf(page);
      assert.match(random, /^[a-z][a-z0-9]{11}@tempmail\.local$/, 'the first address is random, made without asking');
      const toggle = page.getByTestId('choose-name');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.getByTestId('name-form').count(), 0, 'the form is closed until asked for');

      await toggle.click();
      await page.getByTestId('name-form').waitFor();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.equal(await toggle.getAttribute('aria-controls'), 'name-form');
      assert.ok(await page.getByTestId('name-input').evaluate((el) => el === document.activeElement), 'the field has focus');
      assert.equal(await page.locator('.name-domain').textContent(), '@tempmail.local');
      assert.deepEqual(await axeViolations(page), [], 'the name form');

      const name = freshName('Ann.Tester');
      await submitName(page, name);
      const chosen = `${name.toLowerCase()}@tempmail.local`;
      await eventually(async () => (await addressOf(page)) === chosen, 'the chosen address');
      await page.getByTestId('name-form').waitFor({ state: 'detached' });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the form closes once made');
      assert.match((await page.getByTestId('card-note').textContent()) ?? '', new RegExp(`${random.replace(/\./g, '\\.')} still works`));
      assert.deepEqual(await listed(page), [chosen, random].sort(), 'both under Your addresses');
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('tempmail.mailbox.v1') ?? 'null') as { email: string });
      assert.equal(stored.email, chosen);

      await page.waitForSelector('[data-testid=conn][data-state=connected]');
      await sendMail(svc.smtpPort, { to: chosen, subject: 'To the chosen name', text: 'Your code is 731904' });
      const row = page.locator('[data-testid=inbox-row]', { hasText: 'To the chosen name' });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /731904/, 'the code is found in mail to a chosen address too');

      // Random stays the one-click default.
      await page.getByTestId('new-address').click();
      await eventually(async () => (await addressOf(page)) !== chosen, 'a random address');
      assert.match(await addressOf(page), /^[a-z][a-z0-9]{11}@tempmail\.local$/);
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  it('refuses a taken, reserved or malformed name in the server\'s words under the field, and takes the next good one', async () => {
    // A name someone else had: made and deleted at once over the API. Never handed out again.
    const taken = freshName('bob');
    const other = await fetch(`${svc.httpUrl}/api/generate_email.php?name=${taken}`);
    assert.equal(other.status, 200);
    const otherBox = (await other.json()) as { email: string; token: string };
    await (await fetch(`${svc.httpUrl}/api/delete.php`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(otherBox),
    })).arrayBuffer();

    // Every setup sees the form, the server's refusal under the field and the good name taken;
    // desktop light and phone dark also go through every kind of refusal (the words are the server's).
    for (const s of SETUPS) {
      const where = s.name;
      const full = s.name === 'desktop-light' || s.name === 'phone-dark';
      const context = await setupContext(browser, s);
      const generated: number[] = [];
      try {
        const page = await openTab(context, svc);
        page.on('response', (r) => {
          if (r.url().includes('/api/generate_email.php')) generated.push(r.status());
        });
        const shown = await addressOf(page);
        await page.getByTestId('choose-name').click();
        await assertSeen(page.getByTestId('name-input'), `${where}: the name field`);

        await submitName(page, taken);
        const t = await refusal(page);
        assert.match(t.text, new RegExp(`^${taken.replace(/\./g, '\\.')}@tempmail\\.local was already handed out; an address is never given twice\\. Choose another name\\.$`));
        assert.equal(t.invalid, 'true');
        assert.equal(t.describedBy, 'name-error name-hint', 'the error is read with the field');
        assert.ok(t.focused, 'focus stays in the field');
        assert.equal(await addressOf(page), shown, 'the shown address stays');
        assert.deepEqual(await listed(page), [shown], 'nothing was made');
        assert.equal(await page.getByTestId('card-note').evaluate((el) => el.classList.contains('is-error')), false, 'the card itself shows no error');
        await assertSeen(page.getByTestId('name-error'), `${where}: the refusal under the field`);
        assert.deepEqual(await axeViolations(page), [], `${where}: the name form with an error`);
        await shot(page, `${s.name}-name-taken`, s.name === 'desktop-light');

        if (full) {
          await submitName(page, 'PostMaster');
          assert.equal((await refusal(page)).text, '"postmaster" is reserved; choose another name.');

          await submitName(page, 'two..dots');
          assert.equal((await refusal(page)).text, 'Name must not have two dots, underscores or hyphens in a row.');

          await submitName(page, 'x');
          assert.match((await refusal(page)).text, /^Name must be 3 to 64 of a-z, 0-9, dot, underscore and hyphen/);

          // Typing clears the mark; an empty name is answered by the page, without a request.
          await page.getByTestId('name-input').fill('');
          assert.equal(await page.getByTestId('name-input').getAttribute('aria-invalid'), null);
          const before = generated.length;
          await page.getByTestId('name-input').press('Enter'); // no request: nothing to wait for
          assert.match((await refusal(page)).text, /Type the name you want before the @, or use New address for a random one/);
          assert.equal(generated.length, before, 'no request for an empty name');
          assert.deepEqual(generated, [409, 400, 400, 400], 'each refusal came from the server');
        }

        // The next good name, on the domain picked for new addresses.
        await page.getByLabel('Domain').selectOption(SECOND_DOMAIN);
        assert.equal(await page.locator('.name-domain').textContent(), `@${SECOND_DOMAIN}`);
        const good = freshName('carol');
        await submitName(page, good);
        await eventually(async () => (await addressOf(page)) === `${good}@${SECOND_DOMAIN}`, 'the good name on the second domain');
        await page.getByTestId('name-form').waitFor({ state: 'detached' });
        await page.waitForSelector('[data-testid=conn][data-state=connected]');
        await assertSeen(page.getByTestId('address'), `${where}: the chosen address`);
        await sendMail(svc.smtpPort, { to: `${good}@${SECOND_DOMAIN}`, subject: `Second domain ${where}`, text: 'hi' });
        await assertSeen(page.locator('.row-subject', { hasText: `Second domain ${where}` }), `${where}: mail to the chosen address`);

        // Cancel closes the form and gives focus back to its button.
        await page.getByTestId('choose-name').click();
        await page.getByTestId('name-cancel').click();
        await page.getByTestId('name-form').waitFor({ state: 'detached' });
        await eventually(() => page.getByTestId('choose-name').evaluate((el) => el === document.activeElement), 'focus back on Choose a name');
        assert.deepEqual(await pageProblems(page), []);
      } finally {
        await context.close();
      }
    }
  });

  // The server's configuration decides it, not the screen (one setup).
  it('has no name control where the server does not take chosen names', async () => {
    const context = await setupContext(browser, setup('phone-light'));
    try {
      const page = await openTab(context, namesOff);
      assert.equal(await page.getByTestId('choose-name').count(), 0);
      assert.deepEqual(await (await fetch(`${namesOff.httpUrl}/api/names.php`)).json(), { allowed: false });
      assert.deepEqual(await pageProblems(page), []);
    } finally {
      await context.close();
    }
  });
});
