/**
 * Sender authentication's parts on their own: the resolver (through a real DNS server on
 * loopback: answers, cache, "no such record", a resolver that is away) and the mapping of
 * mailauth's results to the service's shape.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { cachedResolver } from '../../src/sender-auth/dns-resolver.js';
import { domainMatches, temperrorVerdict, toVerdict } from '../../src/sender-auth/verdict.js';
import { WorkerChecker } from '../../src/sender-auth/worker-checker.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

describe('sender-auth resolver', () => {
  let dns: TestDnsServer;
  before(async () => { dns = await startDnsServer(); });
  after(async () => { await dns.close(); });

  it('answers TXT records (joined chunks as node gives them) and serves repeats from its cache', async () => {
    const long = `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`;
    dns.setTxt('cache.test', ['v=spf1 -all', long]);
    const resolve = cachedResolver({ servers: [dns.address], timeoutMs: 2000, maxEntries: 100 });
    const first = (await resolve('cache.test', 'TXT')) as string[][];
    assert.deepEqual(first.map((chunks) => chunks.join('')).sort(), [long, 'v=spf1 -all'].sort());
    await resolve('CACHE.test.', 'TXT');
    assert.equal(dns.txtQueries('cache.test'), 1);
  });

  it('"no such record" keeps node\'s code and is cached; a resolver that is away is a temporary error, not cached', async () => {
    const resolve = cachedResolver({ servers: [dns.address], timeoutMs: 300, maxEntries: 100 });
    await assert.rejects(resolve('missing.test', 'TXT'), (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND');
    await assert.rejects(resolve('missing.test', 'TXT'), (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND');
    assert.equal(dns.txtQueries('missing.test'), 1);

    dns.setTxt('away.test', ['v=spf1 -all']);
    dns.setDown(true);
    try {
      await assert.rejects(resolve('away.test', 'TXT'), (e: NodeJS.ErrnoException) => e.code !== 'ENOTFOUND' && e.code !== 'ENODATA');
    } finally {
      dns.setDown(false);
    }
    assert.deepEqual(await resolve('away.test', 'TXT'), [['v=spf1 -all']]);
  });

  it('keeps at most maxEntries answers', async () => {
    const resolve = cachedResolver({ servers: [dns.address], timeoutMs: 2000, maxEntries: 1 });
    dns.setTxt('one.test', ['a']);
    dns.setTxt('two.test', ['b']);
    await resolve('one.test', 'TXT');
    await resolve('two.test', 'TXT');
    await resolve('one.test', 'TXT');
    assert.equal(dns.txtQueries('one.test'), 2, 'pushed out by two.test');
  });
});

describe('sender-auth verdict', () => {
  it('maps mailauth\'s results; an unsigned message\'s placeholder is no signature', () => {
    const v = toVerdict({
      spf: { domain: 'Mailer.Test', status: { result: 'pass' } },
      dkim: { results: [{ status: { result: 'none' } }] },
      dmarc: { status: { result: 'fail', header: { from: 'brand.test' } }, domain: 'brand.test', policy: 'reject', alignment: { spf: { result: false }, dkim: { result: false } } },
      arc: { status: { result: 'none' } },
    }, '127.0.0.1', 'mail.brand.test');
    assert.deepEqual(v, {
      spf: { result: 'pass', domain: 'mailer.test', client_ip: '127.0.0.1' },
      dkim: [],
      dmarc: { result: 'fail', domain: 'mail.brand.test', policy: 'reject', spf_aligned: false, dkim_aligned: false },
      arc: { result: 'none' },
      verified_domains: [],
    });
  });

  it('verified domains: the From domain when DMARC passed, then each passing d=, once', () => {
    const v = toVerdict({
      dkim: { results: [
        { signingDomain: 'shop.test', selector: 's1', status: { result: 'pass', aligned: 'shop.test' } },
        { signingDomain: 'esp.test', selector: 'e', status: { result: 'pass' } },
        { signingDomain: 'bad.test', selector: 'x', status: { result: 'fail' } },
      ] },
      dmarc: { status: { result: 'pass' }, domain: 'shop.test', p: 'none', alignment: { dkim: { result: 'shop.test' } } },
    }, null, 'shop.test');
    assert.deepEqual(v.verified_domains, ['shop.test', 'esp.test']);
    assert.deepEqual(v.dkim.map((d) => [d.domain, d.result, d.aligned]), [['shop.test', 'pass', true], ['esp.test', 'pass', false], ['bad.test', 'fail', false]]);
    assert.equal(v.dmarc.policy, 'none');
    assert.equal(v.spf.result, 'none');
    assert.equal(v.arc.result, 'none');
  });

  it('an unknown word is not passed on as a result', () => {
    const v = toVerdict({ spf: { status: { result: 'weird' } }, dkim: { results: [{ signingDomain: 'x.test', status: { result: 'odd' } }] } }, null, null);
    assert.equal(v.spf.result, 'none');
    assert.equal(v.dkim[0]!.result, 'permerror');
  });

  it('temperror verdict and domain matching', () => {
    assert.deepEqual(temperrorVerdict('::1', 'A.test'), {
      spf: { result: 'temperror', domain: null, client_ip: '::1' }, dkim: [],
      dmarc: { result: 'temperror', domain: 'a.test', policy: null, spf_aligned: false, dkim_aligned: false },
      arc: { result: 'temperror' }, verified_domains: [],
    });
    assert.equal(domainMatches('mail.github.com', 'github.com'), true);
    assert.equal(domainMatches('github.com', 'github.com'), true);
    assert.equal(domainMatches('evilgithub.com', 'github.com'), false);
  });
});

/** A thread's nice value (field 19 of /proc/self/task/TID/stat). */
function niceOf(tid: string | number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('sender-auth worker thread', () => {
  // The push must not wait for a check: the checks' thread yields the CPU to the main thread.
  it('runs the checks at a lower CPU priority than the main thread, which keeps its own', { skip: !existsSync('/proc/thread-self') && 'no /proc/thread-self (not Linux)' }, async () => {
    const mainBefore = niceOf(process.pid);
    const threadsBefore = new Set(readdirSync('/proc/self/task'));
    // A resolver that is away: the check ends quickly in temperror (the verdict is not the point here).
    const checker = new WorkerChecker({ resolver: { servers: ['127.0.0.1:9'], timeoutMs: 200, maxEntries: 0 }, deadlineMs: 5000, mta: 'mx.test', niceness: mainBefore + 7 });
    try {
      const verdict = await checker.check({
        raw: Buffer.from('From: a@sender.test\r\nTo: b@tempmail.local\r\nSubject: hi\r\n\r\nhello\r\n'),
        clientIp: '127.0.0.1', helo: 'client.test', envelopeFrom: 'a@sender.test', fromDomain: 'sender.test',
      });
      assert.equal(verdict.dmarc.result, 'temperror');
      const started = readdirSync('/proc/self/task').filter((tid) => !threadsBefore.has(tid));
      const niced = started.filter((tid) => niceOf(tid) === mainBefore + 7);
      assert.equal(niced.length, 1, `one new thread (the checks' worker) at nice ${mainBefore + 7}; new threads: ${started.map((t) => `${t}:${niceOf(t)}`).join(' ')}`);
      assert.equal(niceOf(process.pid), mainBefore, 'the main thread keeps its priority');
    } finally {
      await checker.close();
    }
  });
});
