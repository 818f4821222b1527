import { defineConfig } from '@playwright/test';

const port = Number(process.env.APP_PORT ?? 3100);
// A system Chromium (CHROMIUM_PATH, e.g. /usr/bin/chromium) instead of Playwright's own download.
const executablePath = process.env.CHROMIUM_PATH || undefined;

export default defineConfig({
  testDir: '.',
  timeout: 120_000,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: executablePath
      ? { executablePath, args: ['--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'] }
      : {},
    // The mailboxes: TEMPMAIL_URL and TEMPMAIL_KEY by default (no key: anonymous mailboxes).
    tempmailOptions: { ttl: 600 },
  },
  // The application under test (yours instead).
  webServer: { command: 'node app.mjs', url: `http://127.0.0.1:${port}/`, env: { PORT: String(port) }, reuseExistingServer: false },
});
