/**
 * URL features for the link scorer: is it a click-tracking redirect, does its
 * path or query say verify/confirm/activate/sign-in, does it carry a secret
 * (a long random token, the hallmark of a confirmation or magic link), or is
 * it a homepage, a help/legal/social page or an unsubscribe link.
 * Plain string scans on a bounded prefix of the URL.
 */
import { Buffer } from 'node:buffer';
import * as Chars from './chars.js';
import * as Trie from './trie.js';
import * as UrlWords from './url-words.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { isAsciiAlnum, isDigit, isAsciiLetter } = Chars;
const { NONE, packTrie, ROOT } = Trie;
const { ACTION_LITERALS, ACTION_VERIFY, safeDecode, urlActions, wordStart } = UrlWords;

export interface UrlFacts {
  /** http(s) URL with a host. */
  ok: boolean;
  /** An ESP click-tracking redirect (SendGrid, Mailgun, Mandrill, Mailchimp, SES...): its path says nothing. */
  tracked: boolean;
  /** Path/query mention verify, confirm, activate, magic, login, token, oobCode... */
  positive: boolean;
  /** A path segment (not a title slug) or a short query value names verify / confirm / activate / opt-in / magic. */
  verifyAction: boolean;
  /** The path or query of the URL judged: the destination of a click-tracking wrapper when it carries one. */
  path: string;
  /** A click-tracking wrapper whose destination could be read from the URL itself. */
  unwrapped: boolean;
  /** A query or fragment parameter named like a one-time secret (token, oobCode, ticket...). */
  tokenParam: boolean;
  /** A long random-looking segment or value (read on first use: most links are never asked). */
  readonly secret: boolean;
  /** Path says unsubscribe, privacy, help, reset password, activity, order... or the host is docs/help/social. */
  negative: boolean;
  /** Site root (optionally a locale): a "visit our store" link. */
  homepage: boolean;
}

const MAX_URL = 4096;

/** UrlFacts whose `secret` is worked out on first use, from the URL's path and query as written. */
class Facts implements UrlFacts {
  ok = false;
  tracked = false;
  positive = false;
  verifyAction = false;
  path = '';
  unwrapped = false;
  tokenParam = false;
  negative = false;
  homepage = false;
  /** The path and query in their original case (case flips are part of what makes a secret). */
  rawRest = '';
  private secretMemo: boolean | undefined = undefined;

  get secret(): boolean {
    if (this.secretMemo === undefined) this.secretMemo = hasSecret(this.rawRest);
    return this.secretMemo;
  }
}

/** Hosts of click-tracking services; any link through them is a redirect. */
const TRACKER_HOSTS = new Set([
  'sendgrid.net', 'mandrillapp.com', 'mailgun.org', 'mailgun.net', 'awstrack.me', 'mjt.lu', 'rs6.net',
  'hubspotlinks.com', 'exct.net', 'sparkpostmail.com', 'pstmrk.it', 'klclick.com', 'klclick1.com',
  'klclick2.com', 'klclick3.com', 'sendibt2.com', 'sendibt3.com', 'sendibm1.com', 'customeriomail.com',
  'mailchimpapp.net', 'cmail19.com', 'cmail20.com', 'createsend1.com', 'mailerlite.com', 'mlsend.com',
  'convertkit-mail.com', 'ck.page', 'mailjet.com', 'elasticemail.com', 'constantcontact.com',
]);
/** Path prefixes of click-tracking redirects. */
const TRACKER_PATHS = ['/ls/click', '/wf/click', '/ss/c/', '/track/click', '/cl0/', '/cl1/', '/e3t/', '/ctt', '/click?', '/click/'];
/** Host labels that, with a short opaque path, mean a redirect ("click.", "links.", "email." + /c/). */
const TRACKER_LABELS = new Set(['click', 'clicks', 'links', 'link', 'email', 'e', 't', 'trk', 'track', 'go', 'r', 'url', 'l', 'mail']);

/** Path words that carry a secret for a sign-in or a verification. */
const TOKENISH = ['token', 'oobcode', 'magic'];
const NEGATIVE = [
  'unsub', 'optout', 'opt-out', 'opt_out', 'preferences', 'privacy', 'terms', 'legal', 'help', 'support',
  'faq', 'contact', 'blog', 'feedback', 'forgot', 'reset', 'password', 'activity', 'notification',
  'settings', 'open.php', 'pixel', '/view/', 'webversion', 'web-version', 'ship-track', 'tracking',
  '/track/open', '/wf/open', 'order', 'transaction', 'receipt', 'invoice', '/alert', 'security', 'disable',
  'deactivat', '/share', 'download', 'report', 'sessions', 'careers', '/about', '/press', 'policies',
  'community', '/docs', '/status', '/cart', '/product', '/collections', '/blog', 'abmelden', 'datenschutz',
  'desinscri', 'désinscri', 'baja', 'suscripcion/cancel', 'mailto:', 'checkout', '/payment', '/booking',
  '/reservation', 'itinerar', '/trips/', '/ticket', '/tickets', '/hc/', '/article', '/kb/', '/knowledge', '/issue/',
  '/issues/', '/pull/', '/requests/', '/meeting', '/webinar', '/join', '/j/', '/calendar', '/event', '/signing/',
  '/document', '/review', '/invite', '/shipment', 'track-and-trace', '/account/orders', '/bestell', '/pedido',
  '/commande', '/ordini', '/zamowien', '/siparis', '/delivery',
];
/** What {@link urlWords} found: a NEGATIVE or TOKENISH word in the path, an action word anywhere. */
const W_NEGATIVE = 1;
const W_TOKENISH = 2;
const W_ACTION = 4;
const W_ALL = W_NEGATIVE | W_TOKENISH | W_ACTION;

/** A code unit as `toLowerCase()` maps it, where that keeps the length (URLs are compared lower-cased). */
function lowerUnit(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  const l = String.fromCharCode(c).toLowerCase();
  return l.length === 1 ? l.charCodeAt(0) : c;
}

/**
 * The three word lists in one trie, lower-casing through its symbol table: one walk from each
 * position of a URL finds all of them (three walks, two of them over a lower-cased copy, cost
 * twice as much on the long opaque tokens that most links carry).
 */
const URL_WORDS = packTrie(
  [
    ...NEGATIVE.map((w) => literal(w, W_NEGATIVE)),
    ...TOKENISH.map((w) => literal(w, W_TOKENISH)),
    ...ACTION_LITERALS.map((w) => literal(w, W_ACTION)),
  ],
  lowerUnit,
);

function literal(w: string, cats: number): { units: number[]; cats: number; isPrefix: boolean } {
  return { units: Array.from({ length: w.length }, (_, k) => w.charCodeAt(k)), cats, isPrefix: false };
}

/**
 * Which word lists occur in `rest` (a URL after its host, any case): {@link W_NEGATIVE} and
 * {@link W_TOKENISH} for words inside the path (before `pathEnd`; no list word holds `?` or `#`,
 * so a word that starts in the path ends there), {@link W_ACTION} for an action word where a
 * word starts ({@link wordStart}, or right after a percent-escape, which may hide a separator).
 */
export function urlWords(rest: string, pathEnd: number): number {
  const { sym, base, check, exact } = URL_WORDS;
  const n = rest.length;
  let found = 0;
  let prev = 0;
  for (let i = 0; i < n && found !== W_ALL; i++) {
    const c = rest.charCodeAt(i);
    let wanted = i < pathEnd ? W_NEGATIVE | W_TOKENISH : 0;
    if (wordStart(prev, c) || (i >= 3 && rest.charCodeAt(i - 3) === 37)) wanted |= W_ACTION;
    prev = c;
    wanted &= ~found;
    if (wanted === 0) continue;
    let cur = ROOT;
    for (let k = i; k < n; k++) {
      const next = base[cur] + sym[k === i ? c : rest.charCodeAt(k)];
      if (check[next] !== cur) break;
      cur = next;
      const cats = exact[cur];
      if (cats !== NONE && (cats & wanted) !== 0) {
        found |= cats & wanted;
        wanted &= ~cats;
        if (wanted === 0) break;
      }
    }
  }
  return found;
}

const NEGATIVE_HOST_LABELS = new Set([
  'docs', 'help', 'support', 'blog', 'status', 'community', 'developer', 'developers', 'careers', 'press', 'investor',
  'investors', 'feedback', 'apps', 'kb', 'knowledge', 'helpcenter', 'faq', 'statuspage', 'ayuda', 'hilfe', 'aide',
  'aiuto', 'ajuda', 'hulp', 'pomoc', 'yardim', 'destek', 'soporte', 'suporte', 'assistance', 'kundenservice',
  'academy', 'forum', 'forums',
]);
const SOCIAL_HOSTS = new Set([
  'facebook.com', 'twitter.com', 'x.com', 'instagram.com', 'linkedin.com', 'youtube.com', 'tiktok.com',
  'pinterest.com', 'apps.apple.com', 'itunes.apple.com', 'play.google.com', 't.me', 'wa.me', 'discord.gg',
  'reddit.com', 'threads.net', 'medium.com', 'eepurl.com',
]);
const TOKEN_PARAMS = new Set([
  'token', 'oobcode', 'ticket', 'code', 'key', 'hash', 'sig', 'signature', 'otp', 'nonce', 'auth', 'authtoken',
  'access_token', 'confirmation_token', 'verification_token', 'verify_token', 'activation_key', 'activation_code',
  'magic', 'login_token', 'jwt', 'k', 't',
]);

/** True when `host` is one of `domains` or a subdomain of one ("u1.ct.sendgrid.net" of "sendgrid.net"). */
function anyHost(host: string, domains: ReadonlySet<string>): boolean {
  if (domains.has(host)) return true;
  for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
    if (domains.has(host.slice(dot + 1))) return true;
  }
  return false;
}

function anyPrefix(s: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (s.startsWith(p)) return true;
  return false;
}

/**
 * Analyses an href (`depth` 1: the destination inside a click-tracking wrapper). With `unwrap`
 * false a known click-tracking wrapper is only recognised, not opened: `unwrapped` stays false,
 * and a caller that turns out to need the destination asks again.
 */
export function analyseUrl(href: string, depth = 0, unwrap = true): UrlFacts {
  const f = new Facts();
  const raw = href.length > MAX_URL ? href.slice(0, MAX_URL) : href;
  const lower = raw.toLowerCase();
  let p: number;
  if (lower.startsWith('https://')) p = 8;
  else if (lower.startsWith('http://')) p = 7;
  else return f;
  let hostEnd = p;
  while (hostEnd < lower.length) {
    const c = lower.charCodeAt(hostEnd);
    if (c === 47 || c === 63 || c === 35) break;
    hostEnd++;
  }
  let host = lower.slice(p, hostEnd);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  if (!host || host.indexOf('.') < 0) return f;
  f.ok = true;
  const rest = lower.slice(hostEnd);
  const pathEnd = endOfPath(rest);
  const path = rest.slice(0, pathEnd);
  const tail = rest.slice(pathEnd);
  // first label of the host, skipping "www" (the host has a dot: see above)
  const dot1 = host.indexOf('.');
  const dot2 = host.indexOf('.', dot1 + 1);
  const threeLabels = dot2 >= 0;
  const first = dot1 === 3 && host.startsWith('www') ? host.slice(4, threeLabels ? dot2 : host.length) : host.slice(0, dot1);

  f.tracked =
    anyHost(host, TRACKER_HOSTS) ||
    anyPrefix(rest, TRACKER_PATHS) ||
    (TRACKER_LABELS.has(first) && threeLabels && (path.startsWith('/c/') || path.startsWith('/r/') || path.startsWith('/ls/') || path.length >= 24) && !hasWordyPath(path));
  // any other redirect: a bare path ("/e", "/r/", "/redirect") whose query carries the destination URL
  if (f.tracked && !unwrap) return f;
  const inner = depth === 0 && (f.tracked || isRedirectPath(path)) ? embeddedDestination(raw.slice(hostEnd), rest) : null;
  if (!f.tracked && inner !== null) f.tracked = true;
  if (f.tracked) {
    // many wrappers carry their destination (percent-encoded or base64): judge that instead
    if (inner === null) return f;
    const dest = analyseUrl(inner, depth + 1);
    if (!dest.ok) return f;
    dest.tracked = true;
    dest.unwrapped = true;
    return dest;
  }

  f.path = rest;
  const rawRest = raw.slice(hostEnd);
  const words = urlWords(rawRest, pathEnd);
  const actions = words & W_ACTION ? urlActions(rawRest.slice(0, pathEnd), tail.length > 1 ? rawRest.slice(pathEnd + 1) : '') : 0;
  f.verifyAction = (actions & ACTION_VERIFY) !== 0;
  f.positive = actions !== 0 || (words & W_TOKENISH) !== 0;
  f.homepage = isHomepage(path, tail);
  f.tokenParam = hasTokenParam(tail);
  f.rawRest = rawRest;
  // a forum's or a developer site's own activation link ("forum.example.org/ucp.php?mode=activate&k=…")
  // is what it says; the host's name only speaks for links that name no action of their own
  const ownAction = f.verifyAction && (f.tokenParam || f.secret);
  f.negative =
    (words & W_NEGATIVE) !== 0 ||
    (NEGATIVE_HOST_LABELS.has(first) && !ownAction) ||
    anyHost(host, SOCIAL_HOSTS) ||
    lower.startsWith('github.com/sponsors', p);
  return f;
}

/** Index of the first `?` or `#` in `rest`, or its length. */
function endOfPath(rest: string): number {
  const q = rest.indexOf('?');
  const h = q < 0 ? rest.indexOf('#') : rest.lastIndexOf('#', q);
  if (h >= 0) return h;
  return q >= 0 ? q : rest.length;
}

/** Parameters of click-tracking wrappers that hold the destination URL. */
const DESTINATION_PARAMS = new Set(['url', 'u', 'redirect', 'redirect_url', 'target', 'dest', 'destination', 'link', 'r', 'to', 'goto', 'href', 'q']);

/**
 * The destination URL a click-tracking wrapper carries in its path or query: percent-encoded
 * ("/L0/https:%2F%2Fexample.com%2F…", "?url=https%3A%2F%2F…") or base64 ("aHR0cHM6Ly9…"), or null.
 */
export function embeddedDestination(rest: string, lower = rest.toLowerCase()): string | null {
  for (const marker of ['https%3a%2f%2f', 'http%3a%2f%2f', 'https:%2f%2f', 'http:%2f%2f']) {
    const at = lower.indexOf(marker);
    if (at >= 0) {
      let end = at;
      while (end < rest.length && rest.charCodeAt(end) !== 47 && rest.charCodeAt(end) !== 38 && rest.charCodeAt(end) !== 35) end++;
      const decoded = safeDecode(rest.slice(at, end));
      if (decoded.startsWith('http')) return decoded;
    }
  }
  // a raw URL as a parameter value: "?url=https://example.com/…"
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && DESTINATION_PARAMS.has(pair.slice(0, eq).toLowerCase()) && pair.startsWith('http', eq + 1)) return pair.slice(eq + 1);
    }
  }
  const b64 = rest.indexOf('aHR0c');
  if (b64 >= 0) {
    let end = b64;
    while (end < rest.length && isBase64Char(rest.charCodeAt(end))) end++;
    const decoded = Buffer.from(rest.slice(b64, end), 'base64').toString('latin1');
    let printable = 0;
    while (printable < decoded.length && decoded.charCodeAt(printable) > 32 && decoded.charCodeAt(printable) < 127) printable++;
    const url = decoded.slice(0, printable);
    if (url.startsWith('http://') || url.startsWith('https://')) return url;
  }
  return null;
}

function isBase64Char(c: number): boolean {
  return isAsciiAlnum(c) || c === 43 || c === 47 || c === 45 || c === 95 || c === 61;
}

/** Paths of generic redirectors: one short segment ("/e", "/r/", "/l") or a redirect word. */
const REDIRECT_SEGMENTS = new Set(['redirect', 'redir', 'click', 'out', 'away', 'link', 'track', 'go', 'goto', 'url']);

function isRedirectPath(path: string): boolean {
  let s = 0;
  let e = path.length;
  while (s < e && path.charCodeAt(s) === 47) s++;
  while (e > s && path.charCodeAt(e - 1) === 47) e--;
  const slash = path.indexOf('/', s);
  if (e - s > 8 || (slash >= 0 && slash < e)) return false;
  return (e > s && e - s <= 2) || REDIRECT_SEGMENTS.has(path.slice(s, e));
}

/** A path made of ordinary words ("/c/news/spring-sale") rather than an opaque id. */
function hasWordyPath(path: string): boolean {
  let digits = 0;
  for (let k = 0; k < path.length; k++) if (isDigit(path.charCodeAt(k))) digits++;
  return digits === 0 && path.length < 40;
}

function isHomepage(path: string, tail: string): boolean {
  // the path's non-empty segments: none, or one short locale-like one ("/en", "/de-de")
  let segs = 0;
  let seg = '';
  for (let k = 0; k < path.length; ) {
    if (path.charCodeAt(k) === 47) {
      k++;
      continue;
    }
    let e = path.indexOf('/', k);
    if (e < 0) e = path.length;
    if (++segs > 1) return false;
    seg = path.slice(k, e);
    k = e;
  }
  if (segs === 1 && !(seg.length <= 5 && !hasDigit(seg) && (seg.length <= 2 || seg.includes('-')))) return false;
  if (!tail) return true;
  // only tracking parameters
  return tail.startsWith('?utm_') && !tail.includes('token');
}

function hasDigit(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (isDigit(s.charCodeAt(k))) return true;
  return false;
}

function hasTokenParam(tail: string): boolean {
  let k = 0;
  while (k < tail.length) {
    const c = tail.charCodeAt(k);
    if (c === 63 || c === 38 || c === 35 || c === 59) {
      let e = k + 1;
      while (e < tail.length && e < k + 40 && tail.charCodeAt(e) !== 61 && tail.charCodeAt(e) !== 38) e++;
      if (e < tail.length && tail.charCodeAt(e) === 61 && TOKEN_PARAMS.has(tail.slice(k + 1, e))) return true;
      k = e;
    } else k++;
  }
  return false;
}

/**
 * True when some path segment or parameter value is a long mix of letters and digits, or a
 * shorter one whose case flips at random ("BKCFUaHlO6sWwQa").
 */
export function hasSecret(rest: string): boolean {
  let start = 0;
  let letters = 0;
  let digits = 0;
  let upper = 0;
  let flips = 0;
  let prevUpper = false;
  for (let k = 0; k <= rest.length; k++) {
    const c = k < rest.length ? rest.charCodeAt(k) : 47;
    if (isAsciiAlnum(c) || c === 45 || c === 95 || c === 37 || c === 46 || c === 126) {
      if (isDigit(c)) digits++;
      else if (isAsciiLetter(c)) {
        const isUp = c <= 90;
        if (letters > 0 && isUp !== prevUpper) flips++;
        if (isUp) upper++;
        prevUpper = isUp;
        letters++;
      }
      continue;
    }
    const len = k - start;
    // random tokens mix letters and digits; a long slug of words ("configuring-two-factor-auth") does not
    if ((len >= 16 && letters >= 3 && digits >= 3) || (len >= 32 && digits >= 2 && letters + digits >= 24)) return true;
    // mixed case at random: at least six case flips, and neither case a mere capital letter
    if (len >= 12 && digits >= 1 && flips >= 6 && upper >= 3 && letters - upper >= 3) return true;
    start = k + 1;
    letters = digits = upper = flips = 0;
  }
  return false;
}
