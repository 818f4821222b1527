/**
 * Test support: the live service's coordinates from the environment, a minimal real SMTP
 * client (node:net), and an HTTP receiver for webhook deliveries.
 *
 * TEMPMAIL_URL, TEMPMAIL_KEY (premium), TEMPMAIL_SMTP_PORT: required for the live tests.
 * TEMPMAIL_FREE_KEY: a free key (403 checks). TEMPMAIL_LIMITED_KEY: a key whose plan allows
 * only a few requests per minute (429 checks). TEMPMAIL_TEST_DOMAIN: a custom domain whose MX
 * record already points at the service (verified on claim).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

export const env = {
  url: process.env.TEMPMAIL_URL ?? '',
  key: process.env.TEMPMAIL_KEY ?? '',
  freeKey: process.env.TEMPMAIL_FREE_KEY ?? '',
  limitedKey: process.env.TEMPMAIL_LIMITED_KEY ?? '',
  smtpPort: Number(process.env.TEMPMAIL_SMTP_PORT ?? 0),
  smtpHost: process.env.TEMPMAIL_SMTP_HOST ?? '127.0.0.1',
  testDomain: process.env.TEMPMAIL_TEST_DOMAIN ?? '',
};

/** Why the live tests are skipped, or false when they run. */
export const liveSkip: string | false = env.url && env.key && env.smtpPort
  ? false
  : 'set TEMPMAIL_URL, TEMPMAIL_KEY and TEMPMAIL_SMTP_PORT to run the live tests';

/** Sends one RFC 822 message over SMTP (EHLO, MAIL, RCPT, DATA); rejects on any non-2xx/3xx reply. */
export async function smtpSend(to: string, message: string, from = 'sender@example.com'): Promise<string> {
  const socket = connect(env.smtpPort, env.smtpHost);
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (d: string) => { buffer += d; waiters.splice(0).forEach((w) => w()); });
  const reply = async (): Promise<string> => {
    for (;;) {
      const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buffer);
      if (m) {
        const end = m.index + m[0].length;
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end);
        return text;
      }
      await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        socket.once('error', reject);
        socket.once('close', () => reject(new Error(`SMTP closed; got ${buffer}`)));
      });
    }
  };
  const command = async (line: string, expect: RegExp) => {
    if (line) socket.write(`${line}\r\n`);
    const text = await reply();
    if (!expect.test(text)) throw new Error(`SMTP ${line || 'greeting'} -> ${text.trim()}`);
    return text;
  };
  try {
    await command('', /^220/);
    await command('EHLO sdk.test', /250 /);
    await command(`MAIL FROM:<${from}>`, /^250/);
    await command(`RCPT TO:<${to}>`, /^250/);
    await command('DATA', /^354/);
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const done = await command(`${body}\r\n.`, /^250/);
    socket.write('QUIT\r\n');
    return done.trim();
  } finally {
    socket.end();
  }
}

/** A plain-text message. */
export function textMail(to: string, subject: string, text: string, from = 'Sender <sender@example.com>'): string {
  return `From: ${from}\nTo: ${to}\nSubject: ${subject}\nMessage-ID: <${Math.random().toString(36).slice(2)}@sdk.test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${text}\n`;
}

/** A multipart message with an HTML part holding a confirm button and one attachment. */
export function richMail(to: string, subject: string, attachment: { filename: string; type: string; content: string }): string {
  const b = `b${Math.random().toString(36).slice(2)}`;
  return [
    'From: GitHub <noreply@github.com>', `To: ${to}`, `Subject: ${subject}`, 'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`, '',
    `--${b}`, 'Content-Type: text/html; charset=utf-8', '',
    '<p>Your code is <b>482910</b>.</p><p><a href="https://github.com/confirm?token=abc&amp;u=1">Confirm your email</a></p>',
    `--${b}`, `Content-Type: ${attachment.type}; name="${attachment.filename}"`,
    `Content-Disposition: attachment; filename="${attachment.filename}"`, 'Content-Transfer-Encoding: base64', '',
    Buffer.from(attachment.content).toString('base64'), `--${b}--`, '',
  ].join('\n');
}

export interface Hit { path: string; headers: IncomingHttpHeaders; body: Buffer }

/** An HTTP server on 127.0.0.1 that records every request and answers 204. */
export async function receiver() {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    hits,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Polls `fn` until it answers a truthy value, or throws after `timeoutMs`. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, stepMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A short random label. */
export const rand = () => Math.random().toString(36).slice(2, 10);
