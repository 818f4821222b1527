/**
 * An HTTP/1.1 response written by the wait front straight onto its socket: status line, the
 * header fields the request's hooks set, framing (Content-Length, Connection, Date), body.
 * Fields the front owns (framing) are never copied from elsewhere, and a field whose name or
 * value could break the framing (CR, LF, other control bytes) is dropped, as node:http refuses
 * it.
 */
import { STATUS_CODES } from 'node:http';

export type HeaderValue = string | number | readonly string[] | undefined;

/** Fields about the message's framing or the connection: the front writes its own. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSAFE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Header lines (`Name: value\r\n` each) of `fields`, framing fields and unsafe ones left out. */
export function headerLines(fields: Record<string, HeaderValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || FRAMING.has(name.toLowerCase()) || !TOKEN.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const s = String(v);
      if (!UNSAFE_VALUE.test(s)) out += `${name}: ${s}\r\n`;
    }
  }
  return out;
}

export interface RawResponse {
  status: number;
  /** Header lines from headerLines(), Content-Type among them. */
  headers: string;
  body: Buffer | string;
  /** Keep the connection open after this response (`keepAliveSeconds` announced). */
  keepAlive: boolean;
  keepAliveSeconds: number;
}

/** The bytes of a whole response. */
export function responseBytes(r: RawResponse): Buffer {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  const connection = r.keepAlive ? `Connection: keep-alive\r\nKeep-Alive: timeout=${r.keepAliveSeconds}\r\n` : 'Connection: close\r\n';
  const head = `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? 'Unknown'}\r\n${r.headers}Content-Length: ${body.length}\r\nDate: ${new Date().toUTCString()}\r\n${connection}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}
