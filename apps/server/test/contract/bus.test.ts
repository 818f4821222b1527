/**
 * Runs the event-bus contract against the in-process bus and Redis (two RedisBus instances =
 * two nodes), plus the Redis wire formats and reference-counted subscriptions.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryBus } from '../../src/adapters/bus-memory/memory-bus.js';
import { RedisBus } from '../../src/adapters/redis/index.js';
import type { MailboxGoneNotice } from '../../src/domain/types.js';
import { Inbox, runBusContract } from './bus.contract.js';
import { deleteRedisPrefix, requireRedis, ServiceUnavailable, skipOrFail, TEST_REDIS_URL, uniqueName } from './services.js';

const PREFIX = `tempmail-test:${uniqueName('bus')}:`;

runBusContract('memory', async () => {
  const bus = new MemoryBus();
  return { bus, peer: null, close: () => bus.close() };
});

runBusContract('redis', async () => {
  await requireRedis();
  const bus = new RedisBus(TEST_REDIS_URL, { prefix: PREFIX });
  const peer = new RedisBus(TEST_REDIS_URL, { prefix: PREFIX });
  return { bus, peer, close: async () => { await bus.close(); await peer.close(); } };
}, { spansNodes: true });

describe('redis bus only', () => {
  const opened: Array<{ close(): unknown }> = [];
  after(async () => {
    for (const o of opened) await o.close();
  });

  async function setup(t: Parameters<typeof skipOrFail>[0]) {
    try {
      await requireRedis();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      skipOrFail(t, err.message);
      return null;
    }
    const bus = new RedisBus(TEST_REDIS_URL, { prefix: PREFIX });
    const raw = new Redis(TEST_REDIS_URL);
    opened.push(bus, { close: () => raw.disconnect() });
    return { bus, raw };
  }

  it('publishes {"mailboxId","messageId","origin"} and nothing else on tempmail-style channel <prefix>mbx:<id>', async (t) => {
    const s = await setup(t);
    if (!s) return;
    const mailboxId = `mbx_${randomBytes(6).toString('hex')}`;
    const channel = `${PREFIX}mbx:${mailboxId}`;
    assert.equal(s.bus.channelOf(mailboxId), channel);
    const plain = new RedisBus(TEST_REDIS_URL);
    opened.push(plain);
    assert.equal(plain.channelOf('x'), 'tempmail:mbx:x', 'the default channel name');
    const seen: string[] = [];
    const sub = new Redis(TEST_REDIS_URL);
    opened.push({ close: () => sub.disconnect() });
    sub.on('message', (_c: string, payload: string) => seen.push(payload));
    await sub.subscribe(channel);
    await s.bus.publish({ mailboxId, messageId: 'msg_1' });
    const deadline = Date.now() + 60_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(seen.length, 1);
    const { origin, ...notice } = JSON.parse(seen[0]) as Record<string, unknown>;
    assert.deepEqual(notice, { mailboxId, messageId: 'msg_1' });
    assert.match(String(origin), /^[0-9a-f-]{36}$/, 'the publishing node, an opaque id (its own echo is skipped)');
  });

  it('subscribes a channel once per node, reference counted, and unsubscribes after the last listener', async (t) => {
    const s = await setup(t);
    if (!s) return;
    const mailboxId = `mbx_${randomBytes(6).toString('hex')}`;
    const channel = s.bus.channelOf(mailboxId);
    const numsub = async () => Number(((await s.raw.pubsub('NUMSUB', channel)) as [string, number])[1]);
    const one = new Inbox();
    const two = new Inbox();
    const [offOne, offTwo] = await Promise.all([s.bus.subscribe(mailboxId, one.listener), s.bus.subscribe(mailboxId, two.listener)]);
    assert.equal(await numsub(), 1, 'one SUBSCRIBE for two local listeners');
    offOne();
    await s.raw.publish(channel, JSON.stringify({ mailboxId, messageId: 'msg_a' }));
    await two.waitFor(1);
    assert.equal(await numsub(), 1);
    offTwo();
    const deadline = Date.now() + 60_000;
    while ((await numsub()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await numsub(), 0, 'UNSUBSCRIBEd after the last listener left');
    assert.equal(s.bus.activeChannels, 0);
  });

  it('ignores foreign payloads on its channels', async (t) => {
    const s = await setup(t);
    if (!s) return;
    const mailboxId = `mbx_${randomBytes(6).toString('hex')}`;
    const inbox = new Inbox();
    const off = await s.bus.subscribe(mailboxId, inbox.listener);
    const channel = s.bus.channelOf(mailboxId);
    await s.raw.publish(channel, 'not json');
    await s.raw.publish(channel, JSON.stringify({ mailboxId: 'mbx_other', messageId: 'msg_x' }));
    await s.raw.publish(channel, JSON.stringify({ mailboxId, messageId: 'msg_ok', subject: 'ignored extra' }));
    await inbox.waitFor(1);
    assert.deepEqual(inbox.got, [{ mailboxId, messageId: 'msg_ok' }]);
    off();
  });

  it('publishes mailbox-gone notices as {"mailboxId","reason"} on <prefix>mailbox-gone, one SUBSCRIBE per node', async (t) => {
    const s = await setup(t);
    if (!s) return;
    const channel = `${PREFIX}mailbox-gone`;
    assert.equal(s.bus.mailboxGoneChannel, channel);
    const plain = new RedisBus(TEST_REDIS_URL);
    opened.push(plain);
    assert.equal(plain.mailboxGoneChannel, 'tempmail:mailbox-gone', 'the default channel name');
    const numsub = async () => Number(((await s.raw.pubsub('NUMSUB', channel)) as [string, number])[1]);
    const seen: string[] = [];
    const sub = new Redis(TEST_REDIS_URL);
    opened.push({ close: () => sub.disconnect() });
    sub.on('message', (_c: string, payload: string) => seen.push(payload));
    await sub.subscribe(channel);
    assert.equal(await numsub(), 1, 'only the raw subscriber so far');

    const one = new Inbox<MailboxGoneNotice>();
    const two = new Inbox<MailboxGoneNotice>();
    const [offOne, offTwo] = await Promise.all([s.bus.subscribeMailboxGone(one.listener), s.bus.subscribeMailboxGone(two.listener)]);
    assert.equal(await numsub(), 2, 'one SUBSCRIBE for two local listeners');
    const mailboxId = `mbx_${randomBytes(6).toString('hex')}`;
    await s.bus.publishMailboxGone({ mailboxId, reason: 'expired' });
    await one.waitFor(1);
    await two.waitFor(1);
    const seenBy = Date.now() + 60_000;
    while (seen.length === 0 && Date.now() < seenBy) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen, [JSON.stringify({ mailboxId, reason: 'expired' })]);
    offOne();
    assert.equal(await numsub(), 2);
    offTwo();
    const deadline = Date.now() + 60_000;
    while ((await numsub()) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await numsub(), 1, 'UNSUBSCRIBEd after the last listener left');
  });

  it('ignores foreign payloads on the mailbox-gone channel', async (t) => {
    const s = await setup(t);
    if (!s) return;
    const inbox = new Inbox<MailboxGoneNotice>();
    const off = await s.bus.subscribeMailboxGone(inbox.listener);
    const channel = s.bus.mailboxGoneChannel;
    const mailboxId = `mbx_${randomBytes(6).toString('hex')}`;
    for (const foreign of ['not json', 'null', JSON.stringify({ mailboxId, reason: 'vanished' }), JSON.stringify({ mailboxId: 7, reason: 'deleted' }), JSON.stringify({ mailboxId, messageId: 'msg_x' })]) {
      await s.raw.publish(channel, foreign);
    }
    await s.raw.publish(channel, JSON.stringify({ mailboxId, reason: 'deleted', extra: 'ignored' }));
    await inbox.waitFor(1);
    assert.deepEqual(inbox.got, [{ mailboxId, reason: 'deleted' }]);
    off();
  });
});

after(async () => {
  await deleteRedisPrefix(TEST_REDIS_URL, PREFIX).catch(() => {});
});
