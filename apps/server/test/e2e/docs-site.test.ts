/**
 * The documentation site at /docs/: built by apps/docs/build.mjs from docs/*.md, CHANGELOG.md
 * and the SDK READMEs into apps/web/dist/docs, served by the service with the page CSP. The
 * test crawls every internal link of every page and checks that each target answers 200 and
 * each #anchor exists on its page.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

const run = promisify(execFile);
const BUILDER = path.join(REPO_ROOT, 'apps/docs/build.mjs');
const WEB_DIST = path.join(REPO_ROOT, 'apps/web/dist');
/** docs/ files that are internal notes, not published (the builder's EXCLUDED). */
const UNPUBLISHED = new Set(['HELPERS.md']);

interface Page {
  url: string;
  status: number;
  type: string;
  csp: string | null;
  body: string;
}

const decodeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _m);

/** Every href/src of an HTML page, entity-decoded. */
const refsOf = (html: string) => [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => decodeEntities(m[1]));

/** Every id="…" of an HTML page. */
const idsOf = (html: string) => new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decodeEntities(m[1])));

async function buildDocs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BUILDER, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('documentation site at /docs/', () => {
  let svc: ServiceHandle;
  const pages = new Map<string, Page>(); // by pathname
  const anchors: Array<{ from: string; path: string; fragment: string }> = [];

  before(async () => {
    // Build from the current sources into the folder the service serves (the service lists the
    // static files when it starts). --strict: a link to no page or to a missing heading fails.
    const built = await buildDocs(['--strict', '--quiet']);
    assert.equal(built.code, 0, `docs build failed:\n${built.stderr}`);
    svc = await startService();

    // Crawl from /docs/: every same-origin href and src, pages under /docs/ recursively.
    const origin = new URL(svc.httpUrl).origin;
    const queue = ['/docs/'];
    const seen = new Set(queue);
    while (queue.length) {
      const pathname = queue.shift()!;
      const res = await fetch(`${origin}${pathname}`);
      const body = await res.text();
      const page: Page = {
        url: pathname, status: res.status, type: res.headers.get('content-type') ?? '',
        csp: res.headers.get('content-security-policy'), body,
      };
      pages.set(pathname, page);
      if (res.status !== 200 || !pathname.startsWith('/docs/') || !page.type.startsWith('text/html')) continue;
      for (const ref of refsOf(body)) {
        if (ref.startsWith('data:')) continue;
        const target = new URL(ref, `${origin}${pathname}`);
        if (target.origin !== origin) continue;
        if (target.hash) anchors.push({ from: pathname, path: target.pathname, fragment: decodeURIComponent(target.hash.slice(1)) });
        if (!seen.has(target.pathname)) {
          seen.add(target.pathname);
          queue.push(target.pathname);
        }
      }
    }
  });
  after(async () => { await svc?.stop(); });

  it('answers /docs/ with the landing page and its navigation', () => {
    const home = pages.get('/docs/')!;
    assert.equal(home.status, 200);
    assert.match(home.type, /^text\/html/);
    assert.match(home.body, /<title>TempMail docs<\/title>/);
    assert.match(home.body, /<h1 id="[^"]+">TempMail documentation<\/h1>/);
    const nav = /<nav id="tm-nav"[^>]*>([\s\S]*?)<\/nav>/.exec(home.body);
    assert.ok(nav, 'the page has the site navigation');
    for (const group of ['Guides', 'SDKs', 'Operations']) {
      assert.match(nav[1], new RegExp(`<span class="nav-group-title">${group}</span>`), `nav group ${group}`);
    }
    const labels = ['Overview', 'API reference', 'Webhooks', 'Custom domains', 'TypeScript', 'Python', 'PHP',
      'Limits', 'Deployment', 'Encryption', 'Changelog'];
    if (existsSync(path.join(REPO_ROOT, 'docs/configuration.md'))) labels.push('Configuration');
    if (existsSync(path.join(REPO_ROOT, 'docs/benchmarks.md'))) labels.push('Benchmarks');
    for (const label of labels) assert.match(nav[1], new RegExp(`<a href="[^"]+\\.html"[^>]*>${label}</a>`), `nav link ${label}`);
    assert.match(nav[1], /<a href="index\.html" aria-current="page">Overview<\/a>/);
    assert.match(pages.get('/docs/docs.css')?.type ?? '', /^text\/css/, 'the stylesheet is served as CSS');
  });

  it('has a page for every Markdown file in docs/, CHANGELOG.md and each SDK README, all linked', () => {
    const expected = readdirSync(path.join(REPO_ROOT, 'docs'))
      .filter((f) => f.endsWith('.md') && !UNPUBLISHED.has(f))
      .map((f) => `/docs/${f.replace(/\.md$/, '.html')}`);
    assert.ok(expected.includes('/docs/index.html'));
    expected.push('/docs/changelog.html', '/docs/sdk-typescript.html', '/docs/sdk-python.html', '/docs/sdk-php.html');
    for (const url of expected) {
      const page = pages.get(url);
      assert.ok(page, `${url} is linked from the site`);
      assert.equal(page.status, 200, url);
      assert.match(page.body, /<h1 id="[^"]+">/, `${url} has a title heading`);
    }
    for (const f of UNPUBLISHED) assert.equal(pages.has(`/docs/${f.replace(/\.md$/, '.html')}`), false);
  });

  it('every internal link answers 200 and every #anchor exists on its page', async (t) => {
    const broken = [...pages.values()].filter((p) => p.status !== 200).map((p) => `${p.url} -> ${p.status}`);
    if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
      // The web page is not built (only the docs are): "/" (linked as "Open TempMail") has no file.
      const i = broken.indexOf('/ -> 404');
      if (i !== -1) broken.splice(i, 1);
    }
    assert.deepEqual(broken, [], 'broken links');
    const htmlPages = [...pages.values()].filter((p) => p.url.startsWith('/docs/') && p.type.startsWith('text/html'));
    assert.ok(htmlPages.length >= 15, `crawled ${htmlPages.length} pages`);
    const missing: string[] = [];
    for (const a of anchors) {
      const target = pages.get(a.path);
      assert.ok(target, `${a.path} was crawled`);
      if (!idsOf(target.body).has(a.fragment)) missing.push(`${a.from} -> ${a.path}#${a.fragment}`);
    }
    assert.deepEqual(missing, [], 'links to missing anchors');
    assert.ok(anchors.length > 50, `checked ${anchors.length} anchor links`);
    t.diagnostic(`${htmlPages.length} pages, ${pages.size} URLs answered 200, ${anchors.length} #anchor links resolved`);
    // Headings carry ids (the anchors above point at them).
    for (const p of htmlPages) {
      for (const h of p.body.matchAll(/<h([1-6])([^>]*)>/g)) assert.match(h[2], /^ id="[^"]+"$/, `${p.url}: <h${h[1]}${h[2]}>`);
    }
  });

  it('serves every page under the CSP, with no script, no inline style and nothing from another origin', () => {
    for (const p of pages.values()) {
      if (!p.url.startsWith('/docs/')) continue;
      assert.ok(p.csp, `${p.url} has a Content-Security-Policy`);
      assert.match(p.csp, /default-src 'self'/);
      assert.match(p.csp, /style-src 'self'/);
      assert.doesNotMatch(p.csp, /unsafe-inline/);
      if (!p.type.startsWith('text/html')) continue;
      assert.doesNotMatch(p.body, /<script/i, `${p.url} has no script`);
      assert.doesNotMatch(p.body, /<style|\sstyle="/i, `${p.url} has no inline style`);
      assert.doesNotMatch(p.body, /\son[a-z]+="/i, `${p.url} has no event handler attribute`);
      // Resources (stylesheets, images, frames) only from the service itself or data: URIs.
      for (const m of p.body.matchAll(/<(link|img|iframe|source|video|audio|embed|object)\b[^>]*\s(?:href|src)="([^"]*)"/gi)) {
        assert.doesNotMatch(m[2], /^(https?:)?\/\//i, `${p.url}: <${m[1]}> loads ${m[2]}`);
      }
      assert.match(p.body, /<link rel="stylesheet" href="docs\.css">/);
      assert.match(p.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    }
  });

  it('rewrites links between the sources to the generated pages', () => {
    const api = pages.get('/docs/api.html')!.body;
    assert.match(api, /<a href="webhooks\.html">webhooks\.md<\/a>/);
    const sdks = pages.get('/docs/sdks.html')!.body;
    assert.match(sdks, /<a href="sdk-typescript\.html">packages\/sdk<\/a>/);
    assert.match(sdks, /<a href="sdk-python\.html">sdks\/python<\/a>/);
    const python = pages.get('/docs/sdk-python.html')!.body;
    assert.match(python, /<a href="api\.html">TempMail<\/a>/, 'the README link ../../docs/api.md');
    const webhooks = pages.get('/docs/webhooks.html')!.body;
    assert.match(webhooks, /<a href="#which-urls-are-allowed">/);
    assert.match(webhooks, /<h2 id="which-urls-are-allowed">/);
    assert.doesNotMatch([...pages.values()].map((p) => p.body).join('\n'), /href="[^"]*\.md(#[^"]*)?"/, 'no link to a .md file is left');
  });
});

describe('docs builder', () => {
  it('shows raw HTML as text, drops unsafe URLs and, with --strict, fails on a link to no page', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tempmail-docs-'));
    try {
      mkdirSync(path.join(root, 'docs'));
      writeFileSync(path.join(root, 'docs/index.md'), [
        '# Fixture',
        '',
        '<script>alert(1)</script>',
        '',
        'Inline <img src=x onerror=alert(1)> and [js](javascript:alert(1)) and [next](other.md#part-two).',
        '',
        '![remote](https://example.com/tracker.png)',
        '',
      ].join('\n'));
      writeFileSync(path.join(root, 'docs/other.md'), '# Other\n\n## Part two\n\nSee [the start](index.md) and [nothing](missing.md).\n');
      const out = path.join(root, 'out');
      const lax = await buildDocs(['--root', root, '--out', out, '--quiet']);
      assert.equal(lax.code, 0, lax.stderr);
      assert.match(lax.stderr, /link to docs\/missing\.md .* has no page/);
      const index = readFileSync(path.join(out, 'index.html'), 'utf8');
      assert.doesNotMatch(index, /<script/i);
      assert.match(index, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(index, /&lt;img src=x onerror=alert\(1\)&gt;/);
      assert.doesNotMatch(index, /javascript:/);
      assert.doesNotMatch(index, /<img[^>]+example\.com/, 'a remote image is not loaded');
      assert.match(index, /<a href="other\.html#part-two">next<\/a>/);
      const other = readFileSync(path.join(out, 'other.html'), 'utf8');
      assert.match(other, /<a href="index\.html">the start<\/a>/);
      assert.match(other, /and nothing\./, 'a link to no page is shown as its text');
      const strict = await buildDocs(['--root', root, '--out', out, '--quiet', '--strict']);
      assert.equal(strict.code, 1);
      assert.match(strict.stderr, /with --strict/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
