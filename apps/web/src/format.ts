/** Time and size formatting for people. */

const pad = (n: number): string => String(n).padStart(2, '0');

/** `9:05`, `1:02:03`, `2 d 03:04:05`: time left, counting down. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d} d ${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${m}:${pad(s)}`;
}

/** Spoken form of the time left, for screen readers: "9 minutes", "2 hours 5 minutes". */
export function describeDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  const units: [number, string][] = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  let rest = total;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(' ') : `${total} second${total === 1 ? '' : 's'}`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

/** "just now", "4 min ago", "14:05", or a date for older mail. */
export function formatRelative(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const diff = Math.max(0, now - t);
  if (diff < 45_000) return 'just now';
  if (diff < 3_600_000) return `${Math.round(diff / 60_000)} min ago`;
  if (diff < 86_400_000) return timeFmt.format(t);
  return dateTimeFmt.format(t);
}

export function formatDateTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? dateTimeFmt.format(t) : iso;
}

export function formatFull(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? fullFmt.format(t) : iso;
}

export function formatClock(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? timeFmt.format(t) : iso;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The host of a URL, for "Open link (example.com)"; empty when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** Only http(s) links become buttons; anything else is shown as text. */
export function isWebUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Who sent it, for people: the display name when there is one, else the address. */
export function senderLabel(m: { sender: string; sender_name?: string | null }): string {
  return m.sender_name?.trim() || m.sender || '(unknown sender)';
}

/** A piece of plain text: either text, or an http(s) URL found in it. */
export type TextPart = { text: string; url?: undefined } | { text: string; url: string };

/**
 * Splits plain text into text and web links, for clickable links in plain-text mail. Only
 * http(s) URLs become links; trailing punctuation (a sentence's full stop, a closing bracket
 * without an opening one) stays text.
 */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const re = /\bhttps?:\/\/[^\s<>"'`]+/gi;
  let last = 0;
  for (const m of text.matchAll(re)) {
    let url = m[0];
    while (/[.,;:!?)\]}>]$/.test(url)) {
      const close = url.at(-1)!;
      const open = { ')': '(', ']': '[', '}': '{' }[close];
      if (open && url.split(open).length > url.split(close).length - 1) break; // balanced: part of the URL
      url = url.slice(0, -1);
    }
    const start = m.index;
    if (!isWebUrl(url)) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
