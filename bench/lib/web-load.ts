/**
 * The web page's first load in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; CHROMIUM_PATH overrides): bytes over the wire for the page's own files
 * (HTML, JS, CSS; compressed as the browser accepts them, headers included) and the time from
 * navigation start to a usable address on screen, each with a cold cache (a new context per run).
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { type Stat, stat } from './util.js';

export type WebLoad = { bytes: Stat; kb: Stat; addressMs: Stat; files: number } | { na: string };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function webFirstLoad(httpUrl: string, runs: number): Promise<WebLoad> {
  if (!existsSync(CHROMIUM)) return { na: `no Chromium at ${CHROMIUM}` };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update'],
  });
  const bytes: number[] = [];
  const times: number[] = [];
  let files = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
      try {
        const page = await context.newPage();
        // The instant the address is on screen, seen by the page itself (no polling delay).
        await page.addInitScript(() => {
          const w = window as unknown as { __addressAt?: number };
          new MutationObserver((_, observer) => {
            if (document.querySelector('[data-testid=address]')?.textContent?.includes('@')) {
              w.__addressAt = performance.now();
              observer.disconnect();
            }
          }).observe(document, { subtree: true, childList: true, characterData: true });
        });
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        const types = new Map<string, string>();
        const wire = new Map<string, number>();
        cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
        cdp.on('Network.loadingFinished', (e) => wire.set(e.requestId, e.encodedDataLength));
        await page.goto(`${httpUrl}/`);
        await page.waitForFunction(() => (window as unknown as { __addressAt?: number }).__addressAt !== undefined, null, { timeout: 120_000 });
        times.push(await page.evaluate(() => (window as unknown as { __addressAt: number }).__addressAt));
        let total = 0;
        let n = 0;
        for (const [id, length] of wire) {
          if (!['Document', 'Script', 'Stylesheet'].includes(types.get(id) ?? '')) continue;
          total += length;
          n++;
        }
        bytes.push(total);
        files = n;
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { bytes: stat(bytes), kb: stat(bytes.map((b) => Math.round(b / 102.4) / 10)), addressMs: stat(times), files };
}
