/**
 * A request head read by the wait front (wait-front.ts) before node:http sees the connection.
 * The front takes a request only when it is certainly a plain wait: `GET` of a wait route in
 * origin form, HTTP/1.x, every line ending in CRLF, no body, no upgrade, no `Expect`. Anything
 * else, odd or not, goes to node:http with its bytes untouched, which answers it as always (its
 * 400, 413 and 431 included). The head is parsed by http-parser-js, not by hand.
 */
import httpParserJs from 'http-parser-js';

const { HTTPParser } = httpParserJs;

/** A wait request the front takes. */
export interface WaitHead {
  /** The request target as sent (path and query). */
  url: string;
  /** Header fields by lower-case name; repeated fields joined with ", " as node:http does. */
  headers: Record<string, string>;
  /** Whether the connection stays open after the answer (HTTP/1.1 default, `Connection`). */
  keepAlive: boolean;
  /** Bytes of the head, its blank line included; what follows is the next request. */
  length: number;
}

export type HeadVerdict =
  | { kind: 'more' } // not a whole head yet, and it may still be a wait
  | { kind: 'other' } // not one the front takes: node:http's
  | { kind: 'wait'; head: WaitHead };

const MORE: HeadVerdict = Object.freeze({ kind: 'more' });
const OTHER: HeadVerdict = Object.freeze({ kind: 'other' });
const HEAD_END = Buffer.from('\r\n\r\n');

/** Header fields whose presence means a body, an upgrade or an interim answer: node:http's. */
const NOT_PLAIN = new Set(['transfer-encoding', 'upgrade', 'expect']);

/**
 * What `buf` (the bytes a connection has sent so far, from the start of a request) is: a wait
 * the front takes, not one, or not yet known. Decided from the first bytes when they cannot
 * start a wait (most connections: one comparison), else once the blank line arrives.
 */
export function readHead(buf: Buffer, waitPaths: readonly Buffer[], maxBytes: number, dropHeader: string): HeadVerdict {
  if (!waitPaths.some((line) => mayStart(buf, line))) return OTHER;
  const end = buf.indexOf(HEAD_END);
  if (end === -1) return buf.length >= maxBytes ? OTHER : MORE;
  const length = end + HEAD_END.length;
  if (length > maxBytes) return OTHER;
  const head = parseHead(buf.subarray(0, length), dropHeader);
  return head ? { kind: 'wait', head } : OTHER;
}

/** The request-line starts that may begin a wait: `GET /v1/wait.php` and so on. */
export function requestLineStarts(paths: readonly string[]): Buffer[] {
  return paths.map((p) => Buffer.from(`GET ${p}`, 'latin1'));
}

/** Whether `buf` may be the start of `line` followed by `?` or a space. */
function mayStart(buf: Buffer, line: Buffer): boolean {
  const n = Math.min(buf.length, line.length);
  if (buf.compare(line, 0, n, 0, n) !== 0) return false;
  if (buf.length === line.length) return true;
  if (buf.length < line.length) return true;
  const next = buf[line.length];
  return next === 0x3f /* ? */ || next === 0x20 /* space */;
}

interface HeadInfo {
  versionMajor: number;
  versionMinor: number;
  headers: string[];
  method: number;
  url: string;
  upgrade: boolean;
  shouldKeepAlive: boolean;
}

/** A field line as RFC 9110 has it: a token, a colon, a value of visible characters, spaces and tabs. */
const FIELD_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\x00-\x08\x0a-\x1f\x7f]*$/;

/**
 * Whether every line of the head is one a strict parser (node:http's llhttp) reads the same way:
 * CRLF line ends only (a bare LF ends a line for lenient parsers alone), and field lines of the
 * standard form (no folded continuation lines, no line without a colon).
 */
function strictLines(bytes: Buffer): boolean {
  const lines = bytes.toString('latin1').split('\r\n');
  // The head ends with CRLF CRLF: the last two pieces are empty; the first is the request line.
  if (lines.length < 4 || lines.some((l) => l.includes('\n') || l.includes('\r'))) return false;
  for (let i = 1; i < lines.length - 2; i++) if (!FIELD_LINE.test(lines[i]!)) return false;
  return true;
}

function parseHead(bytes: Buffer, dropHeader: string): WaitHead | null {
  // Where two parsers could read the head differently, never guess: node:http has it.
  if (!strictLines(bytes)) return null;
  const parser = new HTTPParser(HTTPParser.REQUEST);
  let info: HeadInfo | null = null;
  // The info-object form of the callback (never read HTTPParser.kOnExecute: that switches the
  // library to positional arguments for every parser in the process).
  parser[HTTPParser.kOnHeadersComplete] = ((i: HeadInfo) => { info = i; }) as never;
  let result: unknown;
  try {
    result = parser.execute(bytes);
  } catch {
    return null;
  }
  const got = info as HeadInfo | null;
  if (result instanceof Error || got === null) return null;
  if (HTTPParser.methods[got.method] !== 'GET' || got.versionMajor !== 1 || got.upgrade) return null;
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < got.headers.length; i += 2) {
    const name = got.headers[i]!.toLowerCase();
    const value = got.headers[i + 1]!;
    if (NOT_PLAIN.has(name)) return null;
    if (name === 'content-length' && value.trim() !== '0') return null;
    if (name === dropHeader) continue; // the front's own; a client cannot send it
    if (name in headers) {
      if (name === 'host' || name === 'content-length') return null;
      headers[name] += `, ${value}`;
    } else {
      headers[name] = value;
    }
  }
  return { url: got.url, headers, keepAlive: got.shouldKeepAlive, length: bytes.length };
}
