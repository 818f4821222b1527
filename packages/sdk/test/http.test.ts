/** The HTTP layer against a local fake server (offline): errors, rate-limit info, 429 retries, timeouts. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  AuthenticationError, BadRequestError, ConflictError, NetworkError, NotFoundError, PermissionDeniedError,
  RateLimitError, ServerError, TempMail, TempMailError,
} from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('HTTP layer (fake server)', () => {
  let handler: Handler = (_req, res) => res.end('{}');
  let base = '';
  const seen: Array<{ method: string; url: string; auth: string | undefined; body: string; type: string | undefined }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body, type: req.headers['content-type'] });
      handler(req, res, body);
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  it('sends the key as a Bearer header, forms as urlencoded, and records X-RateLimit-*', async () => {
    handler = (req, res) => json(res, 200, req.method === 'POST' ? { id: 'whk_1', email: 'a@b.c', url: 'https://x', secret: 's' } : { email: 'a@b.c', expires_at: 'x' },
      { 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '599', 'x-ratelimit-reset': '42' });
    const tm = new TempMail({ key: 'tm_secret', baseUrl: `${base}/` });
    assert.equal(tm.rateLimit, null);
    await tm.generate({ domain: 'tempmail.local', ttl: 600 });
    const last = seen.at(-1)!;
    assert.equal(last.url, '/v1/generate_email.php?domain=tempmail.local&ttl=600');
    assert.equal(last.auth, 'Bearer tm_secret');
    assert.deepEqual({ ...tm.rateLimit!, resetAt: undefined }, { limit: 600, remaining: 599, reset: 42, resetAt: undefined });
    assert.ok(tm.rateLimit!.resetAt.getTime() > Date.now() + 40_000);
    await tm.webhooks.create('a@b.c', 'https://x/y?z=1');
    assert.equal(seen.at(-1)!.type, 'application/x-www-form-urlencoded');
    assert.equal(seen.at(-1)!.body, 'email=a%40b.c&url=https%3A%2F%2Fx%2Fy%3Fz%3D1');
    assert.ok(!JSON.stringify(tm).includes('tm_secret') && !inspect(tm, { depth: 5 }).includes('tm_secret'), 'the key is not shown');
  });

  it('maps each status to its error class with code, message and status', async () => {
    const cases: Array<[number, string, new (...a: any[]) => TempMailError]> = [
      [400, 'bad_request', BadRequestError], [401, 'unauthorized', AuthenticationError], [403, 'forbidden', PermissionDeniedError],
      [404, 'not_found', NotFoundError], [409, 'conflict', ConflictError], [503, 'unavailable', ServerError],
    ];
    const tm = new TempMail({ key: 'k', baseUrl: base });
    for (const [status, code, Kind] of cases) {
      handler = (_req, res) => json(res, status, { error: { code, message: `m${status}` } });
      const err = await tm.read('a@b.c', 'msg_1').catch((e) => e);
      assert.ok(err instanceof Kind && err instanceof TempMailError, `${status} -> ${Kind.name}`);
      assert.deepEqual([err.status, err.code, err.message], [status, code, `m${status}`]);
    }
    handler = (_req, res) => res.writeHead(502).end('Bad gateway');
    const err = await tm.inbox('a@b.c').catch((e) => e);
    assert.ok(err instanceof ServerError);
    assert.equal(err.code, 'http_502');
  });

  it('throws RateLimitError with retryAfter, and retries at most maxRetries times when asked', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls <= 2) json(res, 429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '1', 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' });
      else json(res, 200, []);
    };
    const plain = new TempMail({ key: 'k', baseUrl: base, maxRetries: 0 });
    const err = await plain.inbox('a@b.c').catch((e) => e);
    assert.ok(err instanceof RateLimitError);
    assert.equal(err.retryAfter, 1);
    assert.equal(err.rateLimit?.remaining, 0);
    assert.equal(plain.rateLimit?.remaining, 0);
    assert.equal(calls, 1, 'no retry with maxRetries: 0');

    calls = 0;
    const byDefault = new TempMail({ key: 'k', baseUrl: base });
    assert.deepEqual(await byDefault.inbox('a@b.c'), []);
    assert.equal(calls, 3, 'retried by default');

    calls = 0;
    const retrying = new TempMail({ key: 'k', baseUrl: base, maxRetries: 2 });
    const t0 = Date.now();
    assert.deepEqual(await retrying.inbox('a@b.c'), []);
    assert.equal(calls, 3);
    assert.ok(Date.now() - t0 >= 1900, 'waited Retry-After each time');

    calls = 0;
    const once = new TempMail({ key: 'k', baseUrl: base, maxRetries: 1 });
    await assert.rejects(once.inbox('a@b.c'), RateLimitError);
    assert.equal(calls, 2);

    calls = 0;
    const impatient = new TempMail({ key: 'k', baseUrl: base, maxRetries: 2, maxRetryDelayMs: 500 });
    await assert.rejects(impatient.inbox('a@b.c'), RateLimitError);
    assert.equal(calls, 1, 'a Retry-After longer than maxRetryDelayMs is not waited for');
  });

  it('retries 503 after its Retry-After by default', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls === 1) json(res, 503, { error: { code: 'unavailable', message: 'draining' } }, { 'retry-after': '1' });
      else json(res, 200, []);
    };
    assert.deepEqual(await new TempMail({ key: 'k', baseUrl: base }).inbox('a@b.c'), []);
    assert.equal(calls, 2);
  });

  it('waitForMessage asks wait.php again after a 408 and passes the filters; waitForOtp answers the code', async () => {
    const asked: URL[] = [];
    handler = (req, res) => {
      asked.push(new URL(req.url!, 'http://x'));
      if (asked.length === 1) json(res, 408, { error: { code: 'timeout', message: 'nothing yet' } });
      else json(res, 200, { id: 'msg_1', email: 'a@b.c', sender: 'x@github.com', sender_name: null, subject: 'Code', date_received: '2026-01-01T00:00:00Z', body: '', html: null, otp: '123456', confirmation_link: null, links: [], attachments: [] });
    };
    const tm = new TempMail({ key: 'k', baseUrl: base });
    assert.equal(await tm.waitForOtp('a@b.c', { from: 'github.com', timeout: 5000 }), '123456');
    assert.equal(asked.length, 2);
    for (const { pathname, searchParams: q } of asked) {
      assert.equal(pathname, '/v1/wait.php');
      assert.equal(q.get('match'), 'otp');
      assert.equal(q.get('from'), 'github.com');
      assert.ok(Number(q.get('timeout')) > 0 && Number(q.get('timeout')) <= 60);
    }
  });

  it('waitForMessage with a predicate moves since past a refused message', async () => {
    const asked: Array<string | null> = [];
    handler = (req, res) => {
      const since = new URL(req.url!, 'http://x').searchParams.get('since');
      asked.push(since);
      const id = since === null ? 'msg_1' : 'msg_2';
      json(res, 200, { id, email: 'a@b.c', sender: 's@x', sender_name: null, subject: id, date_received: '2026-01-01T00:00:00Z', body: '', html: null, otp: null, confirmation_link: null, links: [], attachments: [] });
    };
    const tm = new TempMail({ key: 'k', baseUrl: base });
    const m = await tm.waitForMessage('a@b.c', { predicate: (x) => x.subject === 'msg_2', timeout: 5000 });
    assert.equal(m.id, 'msg_2');
    assert.deepEqual(asked, [null, 'msg_1']);
  });

  it('reports network errors and timeouts as NetworkError', async () => {
    const refused = new TempMail({ key: 'k', baseUrl: 'http://127.0.0.1:1' });
    const e1 = await refused.inbox('a@b.c').catch((e) => e);
    assert.ok(e1 instanceof NetworkError);
    assert.equal(e1.status, 0);
    assert.equal(e1.code, 'network_error');
    handler = () => { /* never answers */ };
    const slow = new TempMail({ key: 'k', baseUrl: base, timeoutMs: 200 });
    const e2 = await slow.inbox('a@b.c').catch((e) => e);
    assert.ok(e2 instanceof NetworkError);
    assert.equal(e2.code, 'timeout');
  });

  it('reads raw bytes and attachment name and type from the headers', async () => {
    handler = (req, res) => {
      if (req.url!.startsWith('/v1/raw.php')) return res.writeHead(200, { 'content-type': 'message/rfc822' }).end('Subject: x\r\n\r\nhi');
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf` }).end(Buffer.from([1, 2, 3]));
    };
    const tm = new TempMail({ key: 'k', baseUrl: base });
    assert.equal(new TextDecoder().decode(await tm.raw('a@b.c', 'msg_1')), 'Subject: x\r\n\r\nhi');
    const att = await tm.attachment('a@b.c', 'msg_1', 0);
    assert.deepEqual({ ...att, data: [...att.data] }, { filename: 'résumé.pdf', content_type: 'application/pdf', data: [1, 2, 3] });
    assert.match(seen.at(-1)!.url, /index=0/);
  });
});
