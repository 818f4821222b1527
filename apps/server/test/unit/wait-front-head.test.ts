/**
 * What the wait front takes from a connection's first bytes (http/front/request-head.ts): a
 * plain GET of a wait route only; everything else, and anything a strict and a lenient parser
 * could read differently, is left to node:http.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readHead, requestLineStarts } from '../../src/http/front/request-head.js';

const LINES = requestLineStarts(['/v1/wait.php', '/api/wait.php']);
const read = (text: string, max = 16 * 1024) => readHead(Buffer.from(text, 'latin1'), LINES, max, 'x-tempmail-front-probe');
const head = (first: string, ...fields: string[]) => `${first}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;

describe('wait front: request heads', () => {
  it('takes a plain GET of a wait route, with its target, fields and keep-alive', () => {
    const v = read(head('GET /v1/wait.php?key=k&email=a%40b.test HTTP/1.1', 'Host: x', 'Accept: */*', 'X-Forwarded-For: 1.2.3.4'));
    assert.equal(v.kind, 'wait');
    if (v.kind !== 'wait') return;
    assert.equal(v.head.url, '/v1/wait.php?key=k&email=a%40b.test');
    assert.deepEqual(v.head.headers, { host: 'x', accept: '*/*', 'x-forwarded-for': '1.2.3.4' });
    assert.equal(v.head.keepAlive, true);
    const closing = read(head('GET /api/wait.php?token=t HTTP/1.1', 'Host: x', 'Connection: close'));
    assert.ok(closing.kind === 'wait' && !closing.head.keepAlive, 'Connection: close');
    const old = read(head('GET /api/wait.php?token=t HTTP/1.0', 'Host: x'));
    assert.ok(old.kind === 'wait' && !old.head.keepAlive, 'HTTP/1.0 closes unless it asks for keep-alive');
  });

  it('says "more" for a head cut anywhere, and decides from the first bytes when it cannot be a wait', () => {
    const whole = head('GET /api/wait.php?token=t HTTP/1.1', 'Host: x');
    for (let cut = 1; cut < whole.length; cut++) assert.equal(read(whole.slice(0, cut)).kind, 'more', `cut at ${cut}`);
    for (const other of ['P', 'GET /api/inbox.php', 'GET /api/wait.phpx', 'GET /v1/wait.php/', 'POST /v1/wait.php', 'GET /ws?token=', 'get /v1/wait.php?']) {
      assert.equal(read(other).kind, 'other', other);
    }
  });

  it('leaves to node:http what it would answer itself or read differently', () => {
    const cases: Record<string, string> = {
      'a body (Content-Length)': head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', 'Content-Length: 5'),
      'a chunked body': head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'),
      'an upgrade': head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', 'Connection: Upgrade', 'Upgrade: websocket'),
      'Expect: 100-continue': head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', 'Expect: 100-continue'),
      'two Host fields': head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', 'Host: y'),
      'bare LF line ends': 'GET /v1/wait.php?key=k HTTP/1.1\nHost: x\r\n\r\n',
      'HTTP/2 preface-like version': head('GET /v1/wait.php?key=k HTTP/2.0', 'Host: x'),
      'a malformed field': head('GET /v1/wait.php?key=k HTTP/1.1', 'Host x'),
      'a head longer than the limit': head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`),
    };
    for (const [what, text] of Object.entries(cases)) assert.equal(read(text).kind, 'other', what);
    assert.equal(read('GET /v1/wait.php?key=' + 'k'.repeat(20_000)).kind, 'other', 'no blank line within the limit');
    assert.equal(read(head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', 'Content-Length: 0')).kind, 'wait', 'an empty body is no body');
  });

  it("drops the front's own probe field from what a client sent, and joins repeated fields", () => {
    const v = read(head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x', 'X-Tempmail-Front-Probe: guessed', 'Accept: a', 'Accept: b'));
    assert.ok(v.kind === 'wait');
    assert.equal(v.head.headers['x-tempmail-front-probe'], undefined);
    assert.equal(v.head.headers.accept, 'a, b');
  });

  it('counts the head alone: pipelined bytes after it are the next request', () => {
    const first = head('GET /v1/wait.php?key=k HTTP/1.1', 'Host: x');
    const v = read(`${first}GET /v1/inbox.php?key=k HTTP/1.1\r\n`);
    assert.ok(v.kind === 'wait');
    assert.equal(v.head.length, Buffer.byteLength(first));
  });
});
