import { expect, test } from './fixtures';

test('signing up mails a code that confirms the account', async ({ page, tempmail }) => {
  await page.goto('/');
  await page.fill('#email', tempmail.email);
  await page.getByRole('button', { name: 'Sign up' }).click();
  const code = await tempmail.waitForOtp({ timeout: 60_000 }); // held on the server, no polling
  await page.fill('#code', code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.locator('h1')).toHaveText(`Welcome, ${tempmail.email}`);
});

test('the confirmation link in the same mail opens the account', async ({ page, tempmail }) => {
  await page.goto('/');
  await page.fill('#email', tempmail.email);
  await page.getByRole('button', { name: 'Sign up' }).click();
  const link = await tempmail.waitForLink({ timeout: 60_000, from: 'no-reply@app.example' });
  await page.goto(link);
  await expect(page.locator('h1')).toHaveText(`Confirmed ${tempmail.email}`);
});
