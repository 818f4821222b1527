/**
 * The event-bus contract, for every EventBus adapter (memory and Redis, see bus.test.ts):
 * new-message notices per mailbox, and mailbox-gone notices to every listener on every node.
 * "Not delivered" is proven without sleeping: after the notice that must not arrive, a sentinel
 * notice is published on a watched mailbox; the bus keeps order, so once the sentinel arrived
 * the other would have too.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import type { MailboxGoneNotice, MessageNotice } from '../../src/domain/types.js';
import type { EventBus } from '../../src/ports/event-bus.js';
import { suiteFixture } from './services.js';

export interface BusFixture {
  /** One node's bus. */
  bus: EventBus;
  /** A second node's bus sharing the fan-out, when the adapter spans nodes (Redis); else null. */
  peer: EventBus | null;
  close(): Promise<void>;
}

/** Builds the fixture once per suite; throws ServiceUnavailable when the backend is absent. */
export type BusFactory = () => Promise<BusFixture>;

const mbx = () => `mbx_${randomBytes(8).toString('hex')}`;
const notice = (mailboxId: string): MessageNotice => ({ mailboxId, messageId: `msg_${randomBytes(8).toString('hex')}` });
const goneNotice = (mailboxId: string, reason: MailboxGoneNotice['reason'] = 'deleted'): MailboxGoneNotice => ({ mailboxId, reason });

/** Collects notices (new-message ones unless told) and lets a test wait for the n-th one. */
export class Inbox<T = MessageNotice> {
  readonly got: T[] = [];
  private waiters: Array<() => void> = [];
  readonly listener = (n: T) => {
    this.got.push(n);
    for (const w of this.waiters.splice(0)) w();
  };

  async waitFor(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.got.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} notices, got ${this.got.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }
}

/** Publishes `n` on `via`, then a sentinel on a mailbox `sentinel` listens to, and waits for it. */
async function publishThenSync(via: EventBus, n: MessageNotice, sentinelBus: EventBus, sub: EventBus): Promise<void> {
  const sentinel = new Inbox();
  const mailbox = mbx();
  const off = await sub.subscribe(mailbox, sentinel.listener);
  await via.publish(n);
  await sentinelBus.publish(notice(mailbox));
  await sentinel.waitFor(1);
  off();
}

/** Publishes mailbox-gone `n` on `via`, then a sentinel gone notice, and waits for it on `sub`. */
async function publishGoneThenSync(via: EventBus, n: MailboxGoneNotice, sub: EventBus): Promise<void> {
  const sentinel = goneNotice(mbx());
  const seen = new Inbox<MailboxGoneNotice>();
  const off = await sub.subscribeMailboxGone((g) => {
    if (g.mailboxId === sentinel.mailboxId) seen.listener(g);
  });
  await via.publishMailboxGone(n);
  await via.publishMailboxGone(sentinel);
  await seen.waitFor(1);
  off();
}

/** Registers the contract suite for one adapter. */
export function runBusContract(name: string, factory: BusFactory, opts: { spansNodes?: boolean } = {}): void {
  describe(`event bus contract: ${name}`, () => {
    const test = suiteFixture<BusFixture>(name, factory);

    test('a notice reaches the subscribers of its mailbox only, with its ids', async ({ bus }) => {
      const [a, b] = [mbx(), mbx()];
      const inA = new Inbox();
      const inB = new Inbox();
      const offA = await bus.subscribe(a, inA.listener);
      const offB = await bus.subscribe(b, inB.listener);
      const n = notice(a);
      await bus.publish(n);
      await inA.waitFor(1);
      await publishThenSync(bus, notice(mbx()), bus, bus);
      assert.deepEqual(inA.got, [n]);
      assert.deepEqual(inB.got, []);
      offA();
      offB();
    });

    test('an updated notice (authentication results stored) arrives as such, on this node and on a peer', async ({ bus, peer }) => {
      const a = mbx();
      const here = new Inbox();
      const there = new Inbox();
      const offHere = await bus.subscribe(a, here.listener);
      const offThere = peer ? await peer.subscribe(a, there.listener) : () => {};
      const received = notice(a);
      const updated: MessageNotice = { ...received, kind: 'updated' };
      await bus.publish(received);
      await bus.publish(updated);
      await here.waitFor(2);
      assert.deepEqual(here.got, [received, updated]);
      if (peer) {
        await there.waitFor(2);
        assert.deepEqual(there.got, [received, updated]);
      }
      offHere();
      offThere();
    });

    test('several subscribers of one mailbox each get every notice, in order', async ({ bus }) => {
      const a = mbx();
      const inboxes = [new Inbox(), new Inbox(), new Inbox()];
      const offs = await Promise.all(inboxes.map((i) => bus.subscribe(a, i.listener)));
      const sent = [notice(a), notice(a), notice(a)];
      for (const n of sent) await bus.publish(n);
      for (const i of inboxes) {
        await i.waitFor(3);
        assert.deepEqual(i.got, sent);
      }
      for (const off of offs) off();
    });

    test('unsubscribing stops delivery to that subscriber only; calling it twice is harmless', async ({ bus }) => {
      const a = mbx();
      const stays = new Inbox();
      const leaves = new Inbox();
      const offStays = await bus.subscribe(a, stays.listener);
      const offLeaves = await bus.subscribe(a, leaves.listener);
      offLeaves();
      offLeaves();
      await bus.publish(notice(a));
      await stays.waitFor(1);
      assert.equal(leaves.got.length, 0);

      offStays();
      await publishThenSync(bus, notice(a), bus, bus);
      assert.equal(stays.got.length, 1, 'nothing after the last unsubscribe');

      const back = new Inbox();
      const offBack = await bus.subscribe(a, back.listener);
      await bus.publish(notice(a));
      await back.waitFor(1);
      offBack();
    });

    test('a throwing subscriber does not stop the others', async ({ bus }) => {
      const a = mbx();
      const ok = new Inbox();
      const offBad = await bus.subscribe(a, () => { throw new Error('boom'); });
      const offOk = await bus.subscribe(a, ok.listener);
      await bus.publish(notice(a));
      await ok.waitFor(1);
      offBad();
      offOk();
    });

    test('a mailbox-gone notice reaches every gone listener, with its id and reason, and no message subscriber', async ({ bus }) => {
      const a = mbx();
      const first = new Inbox<MailboxGoneNotice>();
      const second = new Inbox<MailboxGoneNotice>();
      const messages = new Inbox();
      const offFirst = await bus.subscribeMailboxGone(first.listener);
      const offSecond = await bus.subscribeMailboxGone(second.listener);
      const offMessages = await bus.subscribe(a, messages.listener);
      const deleted = goneNotice(a, 'deleted');
      const expired = goneNotice(mbx(), 'expired');
      await bus.publishMailboxGone(deleted);
      await bus.publishMailboxGone(expired);
      for (const i of [first, second]) {
        await i.waitFor(2);
        assert.deepEqual(i.got, [deleted, expired]);
      }
      await publishThenSync(bus, notice(mbx()), bus, bus);
      assert.deepEqual(messages.got, [], 'a gone notice is not a message notice');
      const m = notice(a);
      await bus.publish(m);
      await messages.waitFor(1);
      await publishGoneThenSync(bus, goneNotice(mbx()), bus);
      assert.deepEqual(first.got.filter((g) => g.mailboxId === a), [deleted], 'a message notice is not a gone notice');
      offFirst();
      offSecond();
      offMessages();
    });

    test('unsubscribing a gone listener stops delivery to it only; calling it twice is harmless', async ({ bus }) => {
      const stays = new Inbox<MailboxGoneNotice>();
      const leaves = new Inbox<MailboxGoneNotice>();
      const offStays = await bus.subscribeMailboxGone(stays.listener);
      const offLeaves = await bus.subscribeMailboxGone(leaves.listener);
      offLeaves();
      offLeaves();
      const n = goneNotice(mbx());
      await bus.publishMailboxGone(n);
      await stays.waitFor(1);
      assert.deepEqual(stays.got, [n]);
      assert.deepEqual(leaves.got, []);
      offStays();
      await publishGoneThenSync(bus, goneNotice(mbx()), bus);
      assert.equal(stays.got.length, 1, 'nothing after unsubscribing');

      const back = new Inbox<MailboxGoneNotice>();
      const offBack = await bus.subscribeMailboxGone(back.listener);
      await bus.publishMailboxGone(n);
      await back.waitFor(1);
      offBack();
    });

    test('a throwing gone listener does not stop the others', async ({ bus }) => {
      const ok = new Inbox<MailboxGoneNotice>();
      const offBad = await bus.subscribeMailboxGone(() => { throw new Error('boom'); });
      const offOk = await bus.subscribeMailboxGone(ok.listener);
      await bus.publishMailboxGone(goneNotice(mbx()));
      await ok.waitFor(1);
      offBad();
      offOk();
    });

    if (opts.spansNodes) test('a mailbox-gone notice reaches every node, the publisher\'s included (when the bus spans nodes)', async ({ bus, peer }) => {
      assert.ok(peer, `${name} spans nodes but its fixture has no peer`);
      const onPeer = new Inbox<MailboxGoneNotice>();
      const onBus = new Inbox<MailboxGoneNotice>();
      const offPeer = await peer.subscribeMailboxGone(onPeer.listener);
      const offBus = await bus.subscribeMailboxGone(onBus.listener);
      const fromBus = goneNotice(mbx(), 'deleted');
      const fromPeer = goneNotice(mbx(), 'expired');
      await bus.publishMailboxGone(fromBus);
      await peer.publishMailboxGone(fromPeer);
      await onPeer.waitFor(2);
      await onBus.waitFor(2);
      // Each node sees the other's notice and its own; order across two publishers is not promised.
      for (const got of [onPeer.got, onBus.got]) assert.deepEqual(new Set(got.map((g) => JSON.stringify(g))), new Set([fromBus, fromPeer].map((g) => JSON.stringify(g))));
      offPeer();
      await publishGoneThenSync(bus, goneNotice(mbx()), peer);
      assert.equal(onPeer.got.length, 2, 'the peer\'s listener unsubscribed');
      offBus();
    });

    if (opts.spansNodes) test('two nodes see each other\'s notices (when the bus spans nodes)', async ({ bus, peer }) => {
      assert.ok(peer, `${name} spans nodes but its fixture has no peer`);
      const a = mbx();
      const onPeer = new Inbox();
      const onBus = new Inbox();
      const offPeer = await peer.subscribe(a, onPeer.listener);
      const offBus = await bus.subscribe(a, onBus.listener);
      const fromBus = notice(a);
      const fromPeer = notice(a);
      await bus.publish(fromBus);
      await onPeer.waitFor(1);
      await peer.publish(fromPeer);
      await onBus.waitFor(2);
      await onPeer.waitFor(2);
      assert.deepEqual(onPeer.got, [fromBus, fromPeer]);
      assert.deepEqual(onBus.got, [fromBus, fromPeer]);
      offPeer();
      await publishThenSync(bus, notice(a), bus, peer);
      assert.equal(onPeer.got.length, 2, 'the peer unsubscribed');
      offBus();
    });
  });
}
