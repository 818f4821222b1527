import { test as base } from '@playwright/test';
import { tempmailFixtures, type TempMailFixtures } from 'tempmail-sdk/playwright';

/** Playwright's `test` with a `tempmail` fixture: a new mailbox per test, deleted afterwards. */
export const test = base.extend<TempMailFixtures>(tempmailFixtures);
export { expect } from '@playwright/test';
