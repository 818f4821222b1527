#!/usr/bin/env node
/**
 * Builds the documentation site: docs/*.md, CHANGELOG.md and the SDK READMEs become static
 * HTML pages (one template, one external stylesheet, no JavaScript) in apps/web/dist/docs/,
 * which the service serves at /docs/ next to the web page.
 *
 *   node apps/docs/build.mjs [--root REPO] [--out DIR] [--strict] [--quiet]
 *
 * --root  repository to read (default: this repository); --out  output folder (default:
 * <root>/apps/web/dist/docs); --strict  exit 1 on any warning (link to no page, missing
 * #anchor, unsafe URL); --quiet  no summary line (warnings are always printed). Run it after
 * the web build: Vite empties apps/web/dist.
 *
 * Markdown is trusted, but no script reaches a page: raw HTML is shown as text, and only
 * http(s), mailto and relative links are kept. Links between the sources (`webhooks.md`,
 * `../CHANGELOG.md`, `../packages/sdk`) point at the generated pages; a link to a file that has
 * no page is shown as plain text and reported.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { Marked, Renderer } from 'marked';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** docs/ files that are not published (internal working notes). */
export const EXCLUDED = new Set(['docs/HELPERS.md']);

/**
 * The navigation, in order. A page belongs to a group (shown under its title) or stands alone
 * (group null). `src` is the source path from the repository root; `out` defaults to the
 * source's base name with .html; `label` defaults to the page's first heading. Sources that do
 * not exist are skipped, so pages still being written appear once they land. `*` entries are
 * filled at build time (guides, and any other docs/*.md under "More").
 */
const NAV = [
  { group: 'Guides', src: 'docs/index.md', label: 'Overview' },
  { group: 'Guides', src: 'docs/guide-*.md' },
  { group: null, src: 'docs/api.md', label: 'API reference' },
  { group: null, src: 'docs/webhooks.md', label: 'Webhooks' },
  { group: null, src: 'docs/custom-domains.md', label: 'Custom domains' },
  { group: 'SDKs', src: 'docs/sdks.md', label: 'Overview' },
  { group: 'SDKs', src: 'packages/sdk/README.md', out: 'sdk-typescript.html', label: 'TypeScript', aliases: ['packages/sdk'] },
  { group: 'SDKs', src: 'sdks/python/README.md', out: 'sdk-python.html', label: 'Python', aliases: ['sdks/python'] },
  { group: 'SDKs', src: 'sdks/php/README.md', out: 'sdk-php.html', label: 'PHP', aliases: ['sdks/php'] },
  { group: 'Operations', src: 'docs/configuration.md', label: 'Configuration' },
  { group: 'Operations', src: 'docs/limits.md', label: 'Limits' },
  { group: 'Operations', src: 'docs/deployment.md', label: 'Deployment' },
  { group: 'Operations', src: 'docs/observability.md', label: 'Observability' },
  { group: 'Operations', src: 'docs/encryption.md', label: 'Encryption' },
  { group: 'Operations', src: 'docs/benchmarks.md', label: 'Benchmarks' },
  { group: 'How it works', src: 'docs/design.md', label: 'Design' },
  { group: 'How it works', src: 'docs/web.md', label: 'The web page' },
  { group: 'How it works', src: 'docs/extraction.md', label: 'Code and link extraction' },
  { group: 'More', src: 'docs/*.md' },
  { group: null, src: 'CHANGELOG.md', out: 'changelog.html', label: 'Changelog' },
];

const SITE = 'TempMail docs';
/** Linked files of these kinds are published as they are (docs/observability/*.json, *.yml). */
const DOWNLOAD_EXT = new Set(['.json', '.yml', '.yaml']);
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.avif']);

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** The pages to build, in navigation order: [{ src, out, group, label, aliases }]. */
export function collectPages(root) {
  const docsDir = path.join(root, 'docs');
  const docs = existsSync(docsDir)
    ? readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)
    : [];
  const claimed = new Set(NAV.filter((n) => !n.src.includes('*')).map((n) => n.src));
  const pages = [];
  for (const entry of NAV) {
    let sources;
    if (entry.src === 'docs/guide-*.md') sources = docs.filter((d) => /^docs\/guide-[^/]+\.md$/.test(d));
    else if (entry.src === 'docs/*.md') sources = docs.filter((d) => !claimed.has(d) && !/^docs\/guide-/.test(d));
    else sources = [entry.src];
    for (const src of sources) {
      if (EXCLUDED.has(src) || !existsSync(path.join(root, src))) continue;
      const out = entry.src.includes('*') || !entry.out ? `${path.posix.basename(src, '.md')}.html` : entry.out;
      pages.push({
        src, out, group: entry.group,
        label: entry.src.includes('*') ? null : entry.label ?? null,
        aliases: entry.aliases ?? [],
      });
    }
  }
  const outs = new Set();
  for (const p of pages) {
    if (outs.has(p.out)) throw new Error(`two sources would make ${p.out}`);
    outs.add(p.out);
  }
  return pages;
}

/**
 * Renders one Markdown source to an HTML fragment. Returns { html, title, description, toc,
 * ids, links, warnings }: `links` are the internal targets ({ out, anchor }) to check once
 * every page is known.
 */
function renderPage(page, ctx) {
  const slugger = new GithubSlugger();
  const state = {
    title: null, description: null, toc: [], ids: new Set(), links: [], warnings: [], noAutolink: 0,
  };
  const warn = (msg) => state.warnings.push(`${page.src}: ${msg}`);
  const srcDir = path.posix.dirname(page.src);

  /** Maps a Markdown href to the generated site; null = drop the link, keep its text. */
  const resolveHref = (href, what = 'link') => {
    const raw = href.trim();
    if (raw === '') return null;
    if (raw.startsWith('#')) {
      state.links.push({ out: page.out, anchor: decodeFragment(raw.slice(1)), from: page.src, href: raw });
      return raw;
    }
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
    if (scheme) {
      if (/^(https?|mailto)$/i.test(scheme[1])) return raw;
      warn(`${what} with a ${scheme[1]}: URL dropped (${raw.slice(0, 60)})`);
      return null;
    }
    if (raw.startsWith('//')) return `https:${raw}`;
    if (raw.startsWith('/')) return raw; // a path on the service itself (e.g. /api/...)
    const hashAt = raw.indexOf('#');
    const pathPart = (hashAt === -1 ? raw : raw.slice(0, hashAt)).split('?')[0];
    const anchor = hashAt === -1 ? null : decodeFragment(raw.slice(hashAt + 1));
    let target;
    try {
      target = path.posix.normalize(path.posix.join(srcDir, decodeURIComponent(pathPart))).replace(/\/+$/, '');
    } catch {
      target = path.posix.normalize(path.posix.join(srcDir, pathPart)).replace(/\/+$/, '');
    }
    const out = ctx.pageBySource.get(target);
    // A file to download beside the docs (a dashboard, alert rules): published under media/.
    if (!out && DOWNLOAD_EXT.has(path.extname(target).toLowerCase()) && existsSync(path.join(ctx.root, target))) {
      const name = `media/${target.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
      ctx.media.set(name, path.join(ctx.root, target));
      return name;
    }
    if (!out) {
      warn(`${what} to ${target} (from "${raw}") has no page; shown as text`);
      return null;
    }
    const resolved = anchor === null ? out : `${out}#${encodeURIComponent(anchor)}`;
    state.links.push({ out, anchor, from: page.src, href: resolved });
    return resolved;
  };

  /** Plain-text mentions of docs/x.md and CHANGELOG.md become links when that page exists. */
  const autolinkMentions = (escaped) => {
    if (state.noAutolink > 0) return escaped;
    return escaped.replace(/(?<![\w./-])(docs\/[A-Za-z0-9_-]+\.md|CHANGELOG\.md)(?![\w/-])/g, (m) => {
      const out = ctx.pageBySource.get(m);
      if (!out || out === page.out) return m;
      state.links.push({ out, anchor: null, from: page.src });
      return `<a href="${escapeHtml(out)}">${m}</a>`;
    });
  };

  const inNoAutolink = (fn) => {
    state.noAutolink++;
    try { return fn(); } finally { state.noAutolink--; }
  };

  const renderer = {
    heading({ tokens, depth }) {
      const inner = inNoAutolink(() => this.parser.parseInline(tokens));
      const text = this.parser.parseInline(tokens, this.parser.textRenderer).trim();
      const id = slugger.slug(text);
      state.ids.add(id);
      if (depth === 1 && state.title === null) {
        state.title = text;
        return `<h1 id="${escapeHtml(id)}">${inner}</h1>\n`;
      }
      if (depth === 2) state.toc.push({ id, text });
      return `<div class="heading h${depth}"><h${depth} id="${escapeHtml(id)}">${inner}</h${depth}>`
        + `<a class="anchor" href="#${escapeHtml(id)}" aria-label="Link to this section: ${escapeHtml(text)}">#</a></div>\n`;
    },
    paragraph({ tokens }) {
      if (state.description === null) {
        const text = this.parser.parseInline(tokens, this.parser.textRenderer).replace(/\s+/g, ' ').trim();
        if (text) state.description = text.length > 180 ? `${text.slice(0, 177).replace(/\s+\S*$/, '')}…` : text;
      }
      return false; // the default rendering
    },
    // Raw HTML in the sources is shown as text: docs are trusted, but no markup gets through.
    html({ text, block }) {
      return block ? `<p class="raw-html">${escapeHtml(text)}</p>\n` : escapeHtml(text);
    },
    text(token) {
      if ('tokens' in token && token.tokens) return this.parser.parseInline(token.tokens);
      const escaped = token.escaped ? token.text : escapeHtml(token.text);
      return token.type === 'text' ? autolinkMentions(escaped) : escaped;
    },
    codespan({ text }) {
      // marked leaves the code span's text as written: escape it here.
      const html = `<code>${escapeHtml(text)}</code>`;
      const out = /^(docs\/[A-Za-z0-9_-]+\.md|CHANGELOG\.md)$/.test(text) ? ctx.pageBySource.get(text) : undefined;
      if (!out || out === page.out || state.noAutolink > 0) return html;
      state.links.push({ out, anchor: null, from: page.src });
      return `<a href="${escapeHtml(out)}">${html}</a>`;
    },
    link(token) {
      const inner = inNoAutolink(() => (token.autolink ? escapeHtml(token.text) : this.parser.parseInline(token.tokens)));
      const href = resolveHref(token.href);
      if (href === null) return inner;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
      const external = /^(https?:)?\/\//i.test(href) ? ' rel="noopener noreferrer"' : '';
      return `<a href="${escapeHtml(href)}"${title}${external}>${inner}</a>`;
    },
    image({ href, title, text }) {
      const alt = escapeHtml(text);
      const raw = href.trim();
      if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(raw)) {
        // No third-party resource on a page: a remote image becomes a link to it.
        return /^https?:|^\/\//i.test(raw) ? `<a href="${escapeHtml(raw)}" rel="noopener noreferrer">${alt || 'image'}</a>` : alt;
      }
      const file = path.posix.normalize(path.posix.join(srcDir, raw.split(/[?#]/)[0]));
      const abs = path.join(ctx.root, file);
      if (!IMAGE_EXT.has(path.extname(file).toLowerCase()) || !existsSync(abs)) {
        warn(`image ${file} not found; shown as its text`);
        return alt;
      }
      const name = `media/${file.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
      ctx.media.set(name, abs);
      const t = title ? ` title="${escapeHtml(title)}"` : '';
      return `<img src="${escapeHtml(name)}" alt="${alt}"${t} loading="lazy">`;
    },
    table(token) {
      return `<div class="table-wrap">${Renderer.prototype.table.call(this, token)}</div>\n`;
    },
  };

  const marked = new Marked({ gfm: true, async: false });
  marked.use({ renderer });
  const source = readFileSync(path.join(ctx.root, page.src), 'utf8');
  const html = marked.parse(source);
  if (state.title === null) {
    state.title = page.label ?? path.posix.basename(page.src, '.md');
    warn('no level-1 heading; title taken from the file name');
  }
  return { ...state, html };
}

function decodeFragment(fragment) {
  try { return decodeURIComponent(fragment); } catch { return fragment; }
}

function renderNav(pages, current, rendered) {
  const item = (p, cls = '') => {
    const r = rendered.get(p.out);
    const active = p.out === current.out;
    const classes = [cls, active ? 'active' : ''].filter(Boolean).join(' ');
    let li = `<li${classes ? ` class="${classes}"` : ''}><a href="${escapeHtml(p.out)}"${active ? ' aria-current="page"' : ''}>${escapeHtml(p.label ?? r.title)}</a>`;
    if (active && r.toc.length > 1) {
      li += `<ul class="toc" aria-label="On this page">${r.toc.map((h) => `<li><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`).join('')}</ul>`;
    }
    return `${li}</li>`;
  };
  let html = '<ul class="nav-root">';
  for (let i = 0; i < pages.length;) {
    const group = pages[i].group;
    if (group === null) {
      html += item(pages[i++], 'nav-top');
      continue;
    }
    const members = [];
    while (i < pages.length && pages[i].group === group) members.push(pages[i++]);
    html += `<li class="nav-group"><span class="nav-group-title">${escapeHtml(group)}</span><ul>${members.map((m) => item(m)).join('')}</ul></li>`;
  }
  return `${html}</ul>`;
}

function renderPager(pages, index, rendered) {
  const link = (p, rel, word) => {
    if (!p) return '<span></span>';
    const label = escapeHtml(p.label && p.group ? `${p.group}: ${p.label}` : p.label ?? rendered.get(p.out).title);
    return `<a class="pager-${rel}" rel="${rel}" href="${escapeHtml(p.out)}"><span class="pager-word">${word}</span>${label}</a>`;
  };
  return `<nav class="pager" aria-label="Previous and next page">${link(pages[index - 1], 'prev', 'Previous')}${link(pages[index + 1], 'next', 'Next')}</nav>`;
}

function fill(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (m, key) => (key in values ? values[key] : m));
}

function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Builds the site; returns { pages, warnings, out }. */
export function build({ root = path.resolve(HERE, '../..'), out, quiet = false } = {}) {
  out = out ?? path.join(root, 'apps/web/dist/docs');
  const pages = collectPages(root);
  if (!pages.some((p) => p.out === 'index.html')) throw new Error('docs/index.md is missing: the site needs a landing page');
  const pageBySource = new Map();
  for (const p of pages) {
    pageBySource.set(p.src, p.out);
    for (const a of p.aliases) pageBySource.set(a, p.out);
  }
  pageBySource.set('docs', 'index.html');
  const ctx = { root, pageBySource, media: new Map() };

  const rendered = new Map();
  for (const p of pages) rendered.set(p.out, renderPage(p, ctx));

  // Links to a heading that does not exist point at the page itself instead (and are reported).
  const warnings = [];
  for (const r of rendered.values()) {
    warnings.push(...r.warnings);
    for (const l of r.links) {
      if (l.anchor !== null && l.anchor !== '' && !rendered.get(l.out).ids.has(l.anchor)) {
        warnings.push(`${l.from}: link to ${l.out}#${l.anchor}: no such heading; linked to the page instead`);
        r.html = r.html.split(`href="${escapeHtml(l.href)}"`).join(`href="${escapeHtml(l.out)}"`);
      }
    }
  }

  const template = readFileSync(path.join(HERE, 'template.html'), 'utf8');
  mkdirSync(out, { recursive: true });
  // Remove what an earlier build wrote (pages that no longer exist), nothing else.
  for (const f of readdirSync(out)) {
    if (f.endsWith('.html') || f === 'docs.css') rmSync(path.join(out, f), { force: true });
  }
  rmSync(path.join(out, 'media'), { recursive: true, force: true });

  pages.forEach((p, i) => {
    const r = rendered.get(p.out);
    const html = fill(template, {
      title: escapeHtml(p.out === 'index.html' ? SITE : `${r.title} · ${SITE}`),
      description: escapeHtml(r.description ?? r.title),
      nav: renderNav(pages, p, rendered),
      content: r.html,
      pager: renderPager(pages, i, rendered),
      source: escapeHtml(p.src),
    });
    if (/<script\b/i.test(html)) throw new Error(`${p.out}: a <script> got into the page`);
    writeAtomic(path.join(out, p.out), html);
  });
  writeAtomic(path.join(out, 'docs.css'), readFileSync(path.join(HERE, 'docs.css')));
  if (ctx.media.size) {
    mkdirSync(path.join(out, 'media'), { recursive: true });
    for (const [name, abs] of ctx.media) copyFileSync(abs, path.join(out, name));
  }
  for (const w of warnings) console.warn(`docs: warning: ${w}`);
  if (!quiet) console.log(`docs: ${pages.length} pages -> ${path.relative(process.cwd(), out) || out}`);
  return { pages, warnings, out };
}

function main(argv) {
  const opts = {};
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root') opts.root = path.resolve(argv[++i]);
    else if (a === '--out') opts.out = path.resolve(argv[++i]);
    else if (a === '--strict') strict = true;
    else if (a === '--quiet') opts.quiet = true;
    else {
      console.error(`docs: unknown argument ${a}\nusage: node apps/docs/build.mjs [--root REPO] [--out DIR] [--strict] [--quiet]`);
      process.exit(2);
    }
  }
  const { warnings } = build(opts);
  if (strict && warnings.length) {
    console.error(`docs: ${warnings.length} warning(s) with --strict`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`docs: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}

