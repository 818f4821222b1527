/**
 * Playwright Test fixtures (`tempmail-sdk/playwright`): a fresh mailbox per test, deleted after.
 * No dependency on @playwright/test here; pass the object to your own `test.extend`:
 *
 * ```ts
 * import { test as base, expect } from '@playwright/test';
 * import { tempmailFixtures, type TempMailFixtures } from 'tempmail-sdk/playwright';
 * export const test = base.extend<TempMailFixtures>(tempmailFixtures);
 *
 * test('sign up', async ({ page, tempmail }) => {
 *   await page.fill('#email', tempmail.email);
 *   await page.click('text=Sign up');
 *   await page.fill('#code', await tempmail.waitForOtp({ timeout: 60_000 }));
 * });
 * ```
 *
 * `tempmailOptions` (an option fixture: `test.use({ tempmailOptions: { ttl: 600 } })` or the
 * config's `use`) sets `baseUrl`, `key` and `ttl`; by default TEMPMAIL_URL and TEMPMAIL_KEY.
 */
import { TestInbox, type TestInboxOptions } from './inbox.js';

export { TestInbox, type TestInboxOptions } from './inbox.js';

/** The fixtures' types, for `base.extend<TempMailFixtures>(tempmailFixtures)`. */
export interface TempMailFixtures {
  /** A new mailbox for this test. */
  tempmail: TestInbox;
  /** Settings of the mailboxes (an option fixture). */
  tempmailOptions: TestInboxOptions;
}

type Use<T> = (value: T) => Promise<void>;

/**
 * The fixture definitions. Playwright reads each fixture function's first parameter as an
 * object pattern to learn its dependencies, so those stay written as patterns.
 */
export const tempmailFixtures = {
  tempmailOptions: [{}, { option: true }] as [TestInboxOptions, { option: true }],
  tempmail: async ({ tempmailOptions }: { tempmailOptions: TestInboxOptions }, use: Use<TestInbox>): Promise<void> => {
    const inbox = await TestInbox.create(tempmailOptions);
    try {
      await use(inbox);
    } finally {
      await inbox.dispose();
    }
  },
};
