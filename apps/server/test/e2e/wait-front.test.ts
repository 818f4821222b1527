/**
 * The wait front (http/front/): a wait.php request that opens its connection is held outside
 * node:http, on raw sockets here so each test controls its connections. What it answers is what
 * node:http answers for the same request (status, body, header fields); a connection goes on
 * to node:http at its first other request; a client that leaves lets go of its wait; pipelined
 * requests are answered in order; a slow head is cut off; shutdown answers 503 and closes.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { metricsReach } from '../helpers/prometheus-text.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An HTTP/1.1 client on one raw socket: writes what it is given, reads responses in order. */
class RawConnection {
  readonly socket: net.Socket;
  private buf = Buffer.alloc(0);
  private readonly waiting: Array<(a: RawAnswer) => void> = [];
  private readonly answers: RawAnswer[] = [];
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.parse();
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  send(text: string): void {
    this.socket.write(text);
  }

  get(path: string, fields: string[] = []): void {
    this.send(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`);
  }

  next(): Promise<RawAnswer> {
    const ready = this.answers.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private parse(): void {
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (this.buf.length < end + 4 + length) return;
      const body = this.buf.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buf = this.buf.subarray(end + 4 + length);
      const answer = { status: Number(lines[0]!.split(' ')[1]), headers, body };
      const w = this.waiting.shift();
      if (w) w(answer);
      else this.answers.push(answer);
    }
  }
}

describe('wait front', () => {
  let svc: ServiceHandle;
  before(async () => {
    svc = await startService({ TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS: '3000' });
  });
  after(async () => { await svc.stop(); });

  const mailbox = async (): Promise<{ email: string; token: string }> => (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
  const waitPath = (box: { email: string; token: string }, extra: Record<string, string | number> = {}) =>
    `/api/wait.php?${qs({ token: box.token, email: box.email, timeout: 60, ...extra })}`;
  const settlesAt = (front: number, pending: number) =>
    metricsReach(svc.httpUrl, { tempmail_wait_front_held: front, tempmail_waits_pending: pending });

  it('holds a wait that opens its connection outside node:http, answers it there, then hands the connection on', async () => {
    const box = await mailbox();
    const conn = new RawConnection(svc.httpPort);
    try {
      conn.get(waitPath(box, { match: 'otp' }));
      await settlesAt(1, 1);
      await sendMail(svc.smtpPort, { to: box.email, subject: 'Your code', text: 'Your verification code is 604817.' });
      const held = await conn.next();
      assert.equal(held.status, 200, held.body);
      assert.equal(JSON.parse(held.body).otp, '604817');
      assert.equal(held.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(held.headers.connection, 'keep-alive');
      for (const field of ['x-request-id', 'cache-control', 'x-content-type-options', 'referrer-policy', 'vary']) assert.ok(held.headers[field], field);
      // The next wait on the same connection is read by the front too (answered at once: the message is there).
      conn.get(waitPath(box));
      assert.equal(JSON.parse((await conn.next()).body).otp, '604817');
      // Its first other request takes the connection to node:http for good ...
      conn.get(`/api/inbox.php?${qs({ token: box.token, email: box.email })}`);
      const inbox = await conn.next();
      assert.equal(inbox.status, 200);
      assert.equal(JSON.parse(inbox.body).length, 1);
      // ... where a wait is held as before: pending, and not by the front.
      conn.get(waitPath(box, { since: JSON.parse(held.body).id }));
      await settlesAt(0, 1);
      await sendMail(svc.smtpPort, { to: box.email, subject: 'Second', text: 'hello again' });
      const second = await conn.next();
      assert.equal(second.status, 200);
      assert.equal(JSON.parse(second.body).subject, 'Second');
    } finally {
      conn.socket.destroy();
    }
    await settlesAt(0, 0);
  });

  it('answers what node:http answers for the same request: status, body and header fields', async () => {
    const box = await mailbox();
    const key = await createKey(svc, 'free');
    const keyed = (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email as string;
    const requests = [
      `/v1/wait.php?${qs({ key, email: keyed, timeout: 0.3 })}`, // held, then 408, with X-RateLimit-*
      `/v1/wait.php?${qs({ key: 'tm_wrong', email: keyed })}`,
      waitPath(box, { timeout: 0.3 }), // held, then 408
      waitPath({ ...box, token: 'x'.repeat(43) }),
      waitPath(box, { timeout: 'abc' }),
      waitPath(box, { match: 'sometimes' }),
      `/api/wait.php?${qs({ token: box.token })}`,
      `/api/wait.php?${qs({ token: box.token, email: 'nobody@tempmail.local' })}`,
    ];
    const varying = new Set(['date', 'x-request-id', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'keep-alive']);
    const comparable = (a: RawAnswer) => ({
      status: a.status,
      body: a.body,
      fields: Object.keys(a.headers).filter((k) => !varying.has(k)).sort(),
      values: Object.entries(a.headers).filter(([k]) => !varying.has(k)).sort(([x], [y]) => x.localeCompare(y)),
    });
    for (const path of requests) {
      const viaFront = new RawConnection(svc.httpPort);
      const viaNode = new RawConnection(svc.httpPort);
      try {
        viaFront.get(path);
        viaNode.get('/healthz'); // an ordinary first request: this connection is node:http's
        assert.equal((await viaNode.next()).status, 200);
        viaNode.get(path);
        const [a, b] = await Promise.all([viaFront.next(), viaNode.next()]);
        assert.deepEqual(comparable(a), comparable(b), path);
        if (path.startsWith('/v1/')) assert.ok(a.headers['x-ratelimit-limit'], `${path}: X-RateLimit-* kept`);
        assert.ok(a.status >= 400, `${path}: ${a.status}`);
      } finally {
        viaFront.socket.destroy();
        viaNode.socket.destroy();
      }
    }
  });

  it('lets go of the wait of a client that goes away', async () => {
    const box = await mailbox();
    const conn = new RawConnection(svc.httpPort);
    conn.get(waitPath(box));
    await settlesAt(1, 1);
    conn.socket.destroy();
    await settlesAt(0, 0);
  });

  it('answers pipelined waits in order, and gives odd or slow heads the answers node:http gives', async () => {
    const [one, two] = [await mailbox(), await mailbox()];
    await sendMail(svc.smtpPort, { to: one.email, subject: 'one', text: 'first mailbox' });
    await sendMail(svc.smtpPort, { to: two.email, subject: 'two', text: 'second mailbox' });
    await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(two)}`)).body.length === 1);
    const conn = new RawConnection(svc.httpPort);
    try {
      const head = (box: typeof one) => `GET ${waitPath(box)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
      conn.send(head(one) + head(two)); // one write
      assert.equal(JSON.parse((await conn.next()).body).subject, 'one');
      assert.equal(JSON.parse((await conn.next()).body).subject, 'two');
    } finally {
      conn.socket.destroy();
    }
    // A bare LF in the head: node:http's parser refuses it, in the contract's error shape.
    const bare = new RawConnection(svc.httpPort);
    bare.send(`GET ${waitPath(one)} HTTP/1.1\nHost: 127.0.0.1\r\n\r\n`);
    const refused = await bare.next();
    assert.equal(refused.status, 400);
    assert.equal(JSON.parse(refused.body).error.code, 'bad_request');
    await bare.closed;
    // A head that never ends: 408 once TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS has passed, then closed.
    const slow = new RawConnection(svc.httpPort);
    slow.send(`GET ${waitPath(one)} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    const cut = await slow.next();
    assert.equal(cut.status, 408);
    assert.equal(JSON.parse(cut.body).error.code, 'request_timeout');
    assert.equal(cut.headers.connection, 'close');
    await slow.closed;
  });

  it('a probe id a client makes up claims nothing', async () => {
    const box = await mailbox();
    const conn = new RawConnection(svc.httpPort);
    try {
      conn.get('/healthz');
      await conn.next();
      conn.get(waitPath(box, { timeout: 0.3 }), ['X-Tempmail-Front-Probe: AAAAAAAAAAAAAAAAAAAAAA']);
      assert.equal((await conn.next()).status, 408); // held and timed out in node:http, not a 202
    } finally {
      conn.socket.destroy();
    }
  });
});

describe('wait front: shutdown', () => {
  it('answers a held wait 503 with Connection: close, and the service exits cleanly', async () => {
    const svc = await startService();
    let exited: Promise<number | null> | null = null;
    try {
      const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
      const conn = new RawConnection(svc.httpPort);
      conn.get(`/api/wait.php?${qs({ token: box.token, email: box.email, timeout: 60 })}`);
      await metricsReach(svc.httpUrl, { tempmail_wait_front_held: 1 });
      exited = new Promise((resolve) => svc.process.once('exit', (code) => resolve(code)));
      svc.process.kill('SIGTERM');
      const answer = await conn.next();
      assert.equal(answer.status, 503);
      assert.equal(answer.headers['retry-after'], '1');
      assert.equal(answer.headers.connection, 'close');
      await conn.closed;
      assert.equal(await exited, 0);
    } finally {
      await svc.stop();
    }
  });
});
