/**
 * The CLI's client commands, against a running service over HTTP (TEMPMAIL_URL, default this
 * machine's PORT; the key from TEMPMAIL_KEY or --key):
 *   tempmail new [--ttl S] [--json]                  a new mailbox: prints its address
 *   tempmail inbox EMAIL [--json]                    its messages, newest first
 *   tempmail wait EMAIL [--otp|--link] [--timeout S] [--from X] [--subject X]
 *                 [--from-domain D [--require-auth]] waits on the server; prints only the code,
 *                                                    the link or the message id; exit 1 at the timeout
 * Results go to stdout; a spinner (on a terminal only) and errors go to stderr.
 */
import { parseArgs } from 'node:util';
import type { Config } from './config/index.js';

/** A failure with the exit code to leave with. */
export class ClientExit extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

interface Client {
  get(path: string, query: Record<string, string | undefined>, timeoutMs?: number): Promise<{ status: number; body: any }>;
}

function client(config: Config, key: string | undefined): Client {
  const base = (config.client.url ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`).replace(/\/+$/, '');
  const bearer = key ?? config.client.key;
  if (!bearer) throw new ClientExit('an API key is needed: set TEMPMAIL_KEY or pass --key (create one with `tempmail keys create`)', 2);
  return {
    async get(path, query, timeoutMs = 30_000) {
      const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
      let res: Response;
      try {
        res = await fetch(`${base}${path}${qs ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${bearer}` }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw new ClientExit(`cannot reach ${base}: ${(e as Error).message}`, 1);
      }
      const text = await res.text();
      let body: any = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body };
    },
  };
}

/** The error an answer carries, as one line. */
function failure(res: { status: number; body: any }): ClientExit {
  const message = res.body?.error?.message ?? `HTTP ${res.status}`;
  return new ClientExit(message, res.status === 408 ? 1 : res.status >= 500 ? 1 : 2);
}

/** A spinner on stderr while `work` runs, only when stderr is a terminal. */
async function withSpinner<T>(label: string, work: Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const timer = setInterval(() => process.stderr.write(`\r${frames[i++ % frames.length]} ${label}`), 80);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  }
}

const SHARED = { key: { type: 'string' }, json: { type: 'boolean', default: false } } as const;

/** Runs one client command; returns false when `command` is not one. */
export async function clientCommand(config: Config, command: string, args: string[], out: (line: string) => void): Promise<boolean> {
  if (command === 'new') {
    const { values } = parseArgs({ args, options: { ...SHARED, ttl: { type: 'string' }, domain: { type: 'string' } } });
    const res = await client(config, values.key).get('/v1/generate_email.php', { ttl: values.ttl, domain: values.domain });
    if (res.status !== 200) throw failure(res);
    out(values.json ? JSON.stringify(res.body) : res.body.email);
    return true;
  }
  if (command === 'inbox') {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...SHARED, limit: { type: 'string' } } });
    const email = positionals[0] ?? missing('inbox needs the EMAIL');
    const res = await client(config, values.key).get('/v1/inbox.php', { email, limit: values.limit });
    if (res.status !== 200) throw failure(res);
    if (values.json) out(JSON.stringify(res.body));
    else for (const m of res.body as Array<Record<string, string>>) out(`${m.id}\t${m.date_received}\t${m.sender}\t${m.subject}`);
    return true;
  }
  if (command === 'wait') {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { ...SHARED, otp: { type: 'boolean', default: false }, link: { type: 'boolean', default: false }, timeout: { type: 'string', default: '60' }, from: { type: 'string' }, subject: { type: 'string' },
        // Only mail the server authenticated (DMARC-aligned From or DKIM d= under this domain): a forged From does not count.
        'from-domain': { type: 'string' }, 'require-auth': { type: 'boolean', default: false },
      },
    });
    const email = positionals[0] ?? missing('wait needs the EMAIL');
    if (values.otp && values.link) missing('wait takes --otp or --link, not both');
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) missing('--timeout must be a number of seconds above 0');
    const match = values.otp ? 'otp' : values.link ? 'link' : undefined;
    const api = client(config, values.key);
    const deadline = Date.now() + seconds * 1000;
    const message = await withSpinner(`waiting for ${match === 'otp' ? 'a code' : match === 'link' ? 'a link' : 'a message'} at ${email}`, (async () => {
      for (;;) {
        const left = (deadline - Date.now()) / 1000;
        if (left <= 0) throw new ClientExit(`no matching message within ${seconds} s`, 1);
        const hold = Math.min(60, left);
        const res = await api.get('/v1/wait.php', {
          email, match, from: values.from, subject: values.subject, timeout: hold.toFixed(3),
          from_domain: values['from-domain'], require_auth: values['require-auth'] ? '1' : undefined,
        }, hold * 1000 + 15_000);
        if (res.status === 200) return res.body as Record<string, string>;
        if (res.status !== 408) throw failure(res);
      }
    })());
    out(values.json ? JSON.stringify(message) : match === 'otp' ? message.otp! : match === 'link' ? message.confirmation_link! : message.id!);
    return true;
  }
  return false;
}

function missing(message: string): never {
  throw new ClientExit(message, 2);
}
