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
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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
