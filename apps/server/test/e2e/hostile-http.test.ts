/**
 * Issue 16, findings 3, 4, 5 and 7: every error in the contract's shape (framework and parser
 * errors too, never echoing the input), browser origins decided by configuration with the scheme,
 * the anonymous API closed to other sites by default, and array-valued or malformed parameters
 * answered with 400.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { qs } from '../helpers/api.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { call, newBox } from './limits-helpers.js';

const MARK = 'ECHOMARK';

/** Sends raw bytes as one HTTP request and resolves with the whole answer. */
function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(request));
    let out = '';
    s.on('data', (d) => { out += d.toString('latin1'); });
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

/** The status and JSON error of a raw answer; fails when the body is not the contract's shape or echoes the input. */
function contractError(answer: string): { status: number; code: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
  assert.ok(!answer.includes(MARK), `the input is echoed: ${answer}`);
  assert.ok(!/FST_|fastify/i.test(answer), `the framework is named: ${answer}`);
  return { status, code: body.error.code };
}

/** The HTTP status of a WebSocket handshake with these headers. */
function wsStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => { ws.close(); resolve(101); });
    ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once('error', () => resolve(0));
  });
}

describe('hostile HTTP: error shape, origins, parameters', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_ALLOWED_ORIGINS: 'https://app.example' }); });
  after(async () => { await svc.stop(); });

  it('framework and parser errors come in the contract shape, without echoing the input', async () => {
    const huge = contractError(await rawHttp(svc.httpPort, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${MARK}${'a'.repeat(40_000)}\r\n\r\n`));
    assert.deepEqual(huge, { status: 431, code: 'headers_too_large' });
    const badUrl = contractError(await rawHttp(svc.httpPort, `GET /api/%E0%A4%ZZ${MARK}.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    assert.equal(badUrl.status, 400);
    const framing = contractError(await rawHttp(svc.httpPort,
      `POST /api/delete.php?${MARK} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`));
    assert.equal(framing.status, 400);
    const unknown = contractError(await rawHttp(svc.httpPort, `GET /${MARK} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    assert.equal(unknown.status, 404);
  });

  it('array-valued, bracketed, repeated and malformed parameters are 400', async () => {
    const box = await newBox(svc);
    const base = `${svc.httpUrl}/api`;
    for (const url of [
      `${base}/generate_email.php?ttl[]=600`,
      `${base}/generate_email.php?domain[]=tempmail.local`,
      `${base}/generate_email.php?ttl=600&ttl=700`,
      `${base}/inbox.php?${qs(box)}&before=../../x`,
      `${base}/inbox.php?${qs(box)}&email=${encodeURIComponent(box.email)}`,
    ]) {
      const r = await call(url);
      assert.equal(r.status, 400, url);
      assert.equal(r.body.error.code, 'bad_request', url);
      assert.ok(r.body.error.message.length > 0);
    }
    const json = await call(`${base}/delete.php`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: [box.email], token: box.token }) });
    assert.equal(json.status, 400);
    assert.equal((await call(`${base}/inbox.php?${qs(box)}`)).status, 200, 'the mailbox is still there');
  });

  it('/api answers browsers of its own origin and the listed ones only; /v1 stays open to any site', async () => {
    const url = `${svc.httpUrl}/api/generate_email.php`;
    const own = await call(url, { headers: { origin: svc.httpUrl } });
    assert.equal(own.status, 200);
    assert.equal(own.headers['access-control-allow-origin'], svc.httpUrl);
    const listed = await call(url, { headers: { origin: 'https://app.example' } });
    assert.equal(listed.status, 200);
    assert.equal(listed.headers['access-control-allow-origin'], 'https://app.example');
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'http://app.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }] as Array<Record<string, string>>) {
      const r = await call(url, { headers });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal(r.body.error.code, 'forbidden');
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    }
    const program = await call(url);
    assert.equal(program.status, 200, 'programs send no Origin');
    assert.equal((await call(`${svc.httpUrl}/v1/inbox.php`, { headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin'], '*');
  });

  it('the WebSocket Origin check uses the configured origins with their scheme, not the Host header', async () => {
    const box = await newBox(svc);
    const ws = `${svc.httpUrl.replace('http', 'ws')}/ws?${qs(box)}`;
    const https = svc.httpUrl.replace('http://', 'https://');
    assert.equal(await wsStatus(ws, { Origin: svc.httpUrl }), 101);
    assert.equal(await wsStatus(ws, { Origin: 'https://app.example' }), 101);
    assert.equal(await wsStatus(ws, { Origin: https }), 403, 'same host, other scheme');
    assert.equal(await wsStatus(ws, { Origin: 'https://evil.example', Host: 'evil.example' }), 403, 'a Host header to match');
  });

  it('TEMPMAIL_ALLOWED_ORIGINS and TEMPMAIL_PUBLIC_URL need a scheme', () => {
    assert.throws(() => loadConfig({ TEMPMAIL_ALLOWED_ORIGINS: 'app.example' }), (e: unknown) => e instanceof ConfigError && e.variable === 'TEMPMAIL_ALLOWED_ORIGINS');
    assert.throws(() => loadConfig({ TEMPMAIL_PUBLIC_URL: 'mail.example' }), (e: unknown) => e instanceof ConfigError && e.variable === 'TEMPMAIL_PUBLIC_URL');
    assert.equal(loadConfig({ TEMPMAIL_PUBLIC_URL: 'https://Mail.Example/app/' }).publicUrl, 'https://mail.example');
  });
});
