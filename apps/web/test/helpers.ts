/**
 * Helpers for the page's end-to-end tests: the real service (built server + built page),
 * headless Debian Chromium through playwright-core, SMTP through nodemailer, and a local
 * "attacker" HTTP server that records every request made to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
export const SERVER_CLI = path.resolve(WEB_ROOT, '../server/dist/cli.js');
export const RESULTS_DIR = path.join(WEB_ROOT, 'test-results');
/** Screenshots published with the docs (docs/web.md), written only with TEMPMAIL_DOCS_SCREENSHOTS=1 (scripts/screenshots.sh). */
export const DOCS_SHOTS = path.resolve(WEB_ROOT, '../../docs/screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails early, with the command to run, when something the tests need is not built. */
export function requireBuilt(): void {
  const missing: string[] = [];
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) missing.push('the page: npm run build -w apps/web');
  if (!existsSync(SERVER_CLI)) missing.push('the server: npm run build -w apps/server');
  if (!existsSync(CHROMIUM)) missing.push(`Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  if (missing.length) throw new Error(`Not built or not installed:\n  ${missing.join('\n  ')}`);
}

/** Playwright's own waits (actions, navigation; 30 s by default) made generous, for busy machines. */
export const PATIENCE_MS = 120_000;

/** A browser context whose actions and navigations wait up to PATIENCE_MS. */
export function patient<C extends BrowserContext>(context: C): C {
  context.setDefaultTimeout(PATIENCE_MS);
  context.setDefaultNavigationTimeout(PATIENCE_MS);
  return context;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Records CSP violations and errors of the page itself (not of the sandboxed mail frame,
 * whose blocked loads are expected). Read them with {@link pageProblems}.
 */
export async function watchPage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __problems: string[] };
    w.__problems = [];
    if (window.top !== window) return;
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__problems.push(`CSP ${e.violatedDirective}: ${e.blockedURI}`);
    });
    window.addEventListener('error', (e) => w.__problems.push(`error: ${e.message}`));
  });
  page.on('pageerror', (err) => {
    void page.evaluate((m) => (window as unknown as { __problems: string[] }).__problems?.push(`pageerror: ${m}`), err.message).catch(() => {});
  });
}

export function pageProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __problems: string[] }).__problems ?? []);
}

export interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A local HTTP server standing in for a sender's tracking and attack hosts. */
export async function startHostileServer(): Promise<{ origin: string; hits: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if ((req.url ?? '').endsWith('.gif') || (req.url ?? '').endsWith('.png')) {
      res.writeHead(200, { 'content-type': 'image/gif' });
      res.end(Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<title>pwned</title><script>window.top.document.title = "pwned"</script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Mail {
  to: string;
  from?: string;
  subject: string;
  text?: string;
  html?: string;
  attachments?: { filename: string; content: string | Buffer; contentType?: string; cid?: string }[];
}

/** Sends one message over SMTP to the service. */
export async function sendMail(smtpPort: number, mail: Mail): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail({ from: mail.from ?? 'Sender <noreply@sender.test>', ...mail });
  } finally {
    transport.close();
  }
}

/**
 * Polls `fn` until it returns a truthy value. The timeout is only a safety net (at least 60 s,
 * whatever the caller asks): on a busy machine the page and the browser are slow, not wrong.
 */
type Falsy = undefined | null | false | '' | 0;

export async function eventually<T>(fn: () => Promise<T | Falsy> | T | Falsy, what: string, timeoutMs = 60_000): Promise<T> {
  timeoutMs = Math.max(timeoutMs, 60_000);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (the mail frame's content is the sender's, not ours). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE); // evaluated, not a <script>: the page's CSP stays on
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run({ exclude: [['[data-testid=mail-frame]']] }, { iframes: false, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return result;
}

/** A screenshot into test-results/ and, when `docs` and TEMPMAIL_DOCS_SCREENSHOTS=1, into docs/screenshots/. */
export async function shot(page: Page, name: string, docs: boolean): Promise<void> {
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`) });
  if (docs && process.env.TEMPMAIL_DOCS_SCREENSHOTS === '1') await page.screenshot({ path: path.join(DOCS_SHOTS, `${name}.png`) });
}

/** A mailbox as the page keeps it in localStorage (`tempmail.mailboxes.v1`). */
export interface Stored {
  email: string;
  token: string;
  expires_at: string;
}

/** The screens every page item is checked on: desktop and phone, each in light and dark. */
export type Device = 'desktop' | 'phone';
export const VIEWPORTS: Readonly<Record<Device, { width: number; height: number }>> = {
  desktop: { width: 1366, height: 800 },
  phone: { width: 390, height: 844 },
};

/** One of the four screens: a viewport, a colour scheme, and (phone) a touch screen with the mobile viewport meta honoured. */
export interface Setup {
  /** `desktop-light`, `phone-dark`, …: also the prefix of screenshot names. */
  name: `${Device}-${'light' | 'dark'}`;
  device: Device;
  colorScheme: 'light' | 'dark';
}

/** The setup matrix, desktop light first. */
export const SETUPS: readonly Setup[] = (['desktop', 'phone'] as const).flatMap((device) =>
  (['light', 'dark'] as const).map((colorScheme) => ({ name: `${device}-${colorScheme}` as const, device, colorScheme })),
);

/** The setup of this name. */
export function setup(name: Setup['name']): Setup {
  return SETUPS.find((s) => s.name === name)!;
}

/** Every setup but the given one (checked by the full flow elsewhere in the test). */
export function otherSetups(than: Setup['name']): Setup[] {
  return SETUPS.filter((s) => s.name !== than);
}

export interface SetupContextOptions {
  /** The current mailbox the page finds in localStorage (only where none is stored yet). */
  seed?: Stored;
  /** "Your addresses" as the page finds it in localStorage (with `seed`). */
  list?: Stored[];
  /** Permissions granted to `origin`. */
  permissions?: string[];
  origin?: string;
}

/**
 * A patient browser context for one setup: its viewport and colour scheme, and on the phone a
 * touch screen whose page honours the mobile viewport meta (isMobile), as a phone's browser does.
 */
export async function setupContext(browser: Browser, s: Setup, o: SetupContextOptions = {}): Promise<BrowserContext> {
  const phone = s.device === 'phone';
  const context = patient(await browser.newContext({
    viewport: VIEWPORTS[s.device], colorScheme: s.colorScheme, reducedMotion: 'reduce', isMobile: phone, hasTouch: phone,
  }));
  if (o.permissions?.length) await context.grantPermissions(o.permissions, { origin: o.origin });
  if (o.seed) {
    await context.addInitScript((seed) => {
      if (window.top !== window || localStorage.getItem('tempmail.mailbox.v1')) return;
      localStorage.setItem('tempmail.mailbox.v1', JSON.stringify(seed.current));
      if (seed.list) localStorage.setItem('tempmail.mailboxes.v1', JSON.stringify(seed.list));
    }, { current: o.seed, list: o.list ?? null });
  }
  return context;
}

/**
 * Asserts what a person would see of an element: it is visible; once scrolled to, it lies inside
 * the viewport (sideways always; an element taller than the viewport at least starts in it); and
 * nothing else covers it at its centre. Presence in the DOM is not enough.
 */
export async function assertSeen(target: Locator, what: string): Promise<void> {
  await target.waitFor({ state: 'visible' });
  await target.scrollIntoViewIfNeeded();
  const r = await target.evaluate((el) => {
    const b = el.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    // The centre of its first box: a link that wraps has two, and its bounding box's centre may fall between them.
    const first = [...el.getClientRects()].find((c) => c.width > 0 && c.height > 0) ?? b;
    const x = Math.min(Math.max(first.left + first.width / 2, 0), vw - 1);
    const y = Math.min(Math.max(first.top + Math.min(first.height, vh) / 2, 0), vh - 1);
    const hit = document.elementFromPoint(x, y);
    // No named functions in here: the test's TypeScript loader would wrap them in a helper the page lacks.
    return {
      left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width, height: b.height, vw, vh,
      onTop: hit !== null && (el === hit || el.contains(hit)),
      hit: hit ? `${hit.tagName.toLowerCase()}${hit.id ? `#${hit.id}` : ''}.${String(hit.getAttribute('class') ?? '').trim().replace(/\s+/g, '.')}` : 'nothing',
    };
  });
  const box = `${Math.round(r.width)}x${Math.round(r.height)} at ${Math.round(r.left)},${Math.round(r.top)} in ${r.vw}x${r.vh}`;
  assert.ok(r.width > 0 && r.height > 0, `${what}: has no size (${box})`);
  // EDGE: a box's border may end a few pixels past the viewport (a pane sized to the screen), its content may not.
  const EDGE = 4;
  assert.ok(r.left >= -EDGE && r.right <= r.vw + EDGE, `${what}: sticks out of the viewport sideways (${box})`);
  if (r.height <= r.vh) assert.ok(r.top >= -EDGE && r.bottom <= r.vh + EDGE, `${what}: not wholly inside the viewport once scrolled to (${box})`);
  else assert.ok(r.top >= -EDGE && r.top < r.vh, `${what}: does not start inside the viewport (${box})`);
  assert.ok(r.onTop, `${what}: covered by ${r.hit} (${box})`);
}
