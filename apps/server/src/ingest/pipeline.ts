/**
 * The ingest data path: accept -> parse + extract (parser process) -> seal -> store (durable) -> publish.
 * `accept` resolves only once the message is committed and synced, so SMTP can answer 250.
 */
import type { Logger } from 'pino';
import type { KeyService } from '../crypto/key-service.js';
import { capSender, capSubject } from '../domain/field-caps.js';
import { newMessageId } from '../domain/ids.js';
import type { Mailbox, MessageSummaryPlain } from '../domain/types.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { OutboxInsert, Store } from '../ports/store.js';
import { type Metrics, noMetrics, preciseNow } from '../metrics/metrics.js';
import type { MimeParser, PreparedMail } from './parser/index.js';
import type { IngestActivity } from './activity.js';
import type { EarlyTimings, IngestTimings, TimingBook } from './timings.js';

export interface IncomingMessage {
  raw: Buffer;
  envelopeFrom: string;
  recipients: Mailbox[];
  /** The sending client (its address, or /64 for IPv6): the parser takes turns between sources. */
  source?: string;
  /** The SMTP client's address and HELO name (sender authentication checks them). */
  clientIp?: string;
  helo?: string;
  /** When its DATA ended (epoch ms, preciseNow()); the stages are timed from it. Default: now. */
  endOfData?: number;
}

/** What `accept` stored, and how long each stage took. */
export interface Accepted {
  ids: string[];
  timings: IngestTimings;
  /** Why the message was kept raw only (not parsed), or null. */
  unparsed: string | null;
  /** Its subject as stored (for TEMPMAIL_LOG_ADDRESSES=1 transaction logs only). */
  subject: string;
}

/** What sender authentication needs of a stored message (sender-auth/follow-up.ts). */
export interface StoredForAuth {
  raw: Buffer;
  clientIp: string | null;
  helo: string | null;
  envelopeFrom: string;
  fromDomain: string | null;
  targets: Array<{ mailbox: Mailbox; messageId: string }>;
}

/** Returns the outbox rows (one per webhook) to write with a new message of a mailbox. */
export type OutboxPlanner = (mailbox: Mailbox, messageId: string) => Promise<OutboxInsert[]>;

export interface IngestDeps {
  store: Store;
  keys: KeyService;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  parser: MimeParser;
  /** How many messages a mailbox keeps (the oldest beyond that are dropped on insert). */
  keepNewestPerMailbox: (mailbox: Mailbox) => number;
  outboxFor?: OutboxPlanner;
  /** Called after commit with the ids stored that have webhook outbox rows (dispatcher wake-up). */
  onStored?: (ids: Array<{ mailboxId: string; messageId: string }>) => void;
  metrics?: Metrics;
  /** Per-message stage figures for read.php (absent: not kept). */
  timings?: TimingBook;
  /**
   * Called after commit and publish with the stored copies: sender authentication runs from
   * here, after the 250 and the live push. Must copy `raw` if it keeps it (the caller zeroes it).
   */
  afterStored?: (stored: StoredForAuth) => void;
  /** Told when each message begins and ends here (background work waits for quiet moments). */
  activity?: IngestActivity;
}

export class IngestPipeline {
  private readonly metrics: Metrics;

  constructor(private readonly deps: IngestDeps) {
    this.metrics = deps.metrics ?? noMetrics;
  }

  /** Stores one message for each recipient mailbox; resolves after the durable commit. */
  async accept(incoming: IncomingMessage): Promise<Accepted> {
    // try/finally in this same function: a wrapper awaiting another would add microtask turns
    // between the push and the 250, which go out in one turn.
    this.deps.activity?.begin();
    try {
      const endOfData = incoming.endOfData ?? preciseNow();
      const received = preciseNow() - endOfData;
      const prepared = await this.deps.parser.prepare(incoming.raw, incoming.envelopeFrom, incoming.source);
      const parsed = preciseNow() - endOfData;
      this.metrics.stage('parsed', parsed);
      if (prepared.unparsed !== null) {
        this.metrics.messageKeptRaw();
        this.deps.log.warn({ reason: prepared.unparsed, size: incoming.raw.length }, 'message kept raw only: not parsed');
      }
      const found = prepared.extraction;
      // Capped here, where the parsed message becomes the stored record; raw.php keeps the full header.
      const summary: MessageSummaryPlain = {
        sender: capSender(prepared.from ?? incoming.envelopeFrom.toLowerCase()),
        senderName: prepared.fromName,
        subject: capSubject(prepared.subject),
        otp: found.otp,
        confirmationLink: found.confirmationLink,
      };
      const early = { endOfData, received, parsed };
      const stored = await Promise.all(incoming.recipients.map((mailbox) => this.storeFor(mailbox, incoming.raw, prepared, summary, early)));
      const committed = preciseNow() - endOfData;
      this.metrics.stage('committed', committed);
      const timings: IngestTimings = { endOfData, received, parsed, stored: committed };
      const notices = stored.filter((s): s is StoredNotice => s !== null);
      const ids = notices.map(({ mailboxId, messageId }) => ({ mailboxId, messageId, timings }));
      for (const { messageId } of ids) this.deps.timings?.record(messageId, timings);
      // Wake the webhook dispatcher only when an outbox row was written: a claim costs a write.
      const withOutbox = notices.filter((s) => s.outboxRows > 0);
      if (withOutbox.length > 0) this.deps.onStored?.(withOutbox.map(({ mailboxId, messageId }) => ({ mailboxId, messageId })));
      for (const notice of ids) {
        this.deps.bus.publish(notice).catch((e) => this.deps.log.warn({ err: e }, 'publish failed'));
      }
      if (this.deps.afterStored && ids.length > 0) {
        const at = summary.sender.lastIndexOf('@');
        this.deps.afterStored({
          raw: incoming.raw, clientIp: incoming.clientIp ?? null, helo: incoming.helo ?? null, envelopeFrom: incoming.envelopeFrom,
          fromDomain: prepared.from && at > 0 ? summary.sender.slice(at + 1) : null,
          targets: notices.map((s) => ({ mailbox: s.mailbox, messageId: s.messageId })),
        });
      }
      return { ids: ids.map((i) => i.messageId), timings, unparsed: prepared.unparsed, subject: summary.subject };
    } finally {
      this.deps.activity?.end();
    }
  }

  private async storeFor(
    mailbox: Mailbox, raw: Buffer, prepared: PreparedMail, summary: MessageSummaryPlain, early: EarlyTimings,
  ): Promise<StoredNotice | null> {
    const cipher = await this.deps.keys.cipherFor(mailbox);
    if (!cipher) return null; // its epoch key is gone: the mailbox has expired meanwhile
    const id = newMessageId();
    const outbox = (await this.deps.outboxFor?.(mailbox, id)) ?? [];
    this.deps.timings?.begin(id, early);
    // Big fields are sealed a slice per event-loop turn, so a 20 MB message does not stall the rest.
    const attachments: Buffer[] = [];
    for (const [i, content] of prepared.attachments.entries()) attachments.push(await cipher.sealInSlices(id, `attachment/${i}`, content));
    await this.deps.store.messages.insert({
      id,
      mailboxId: mailbox.id,
      receivedAt: this.deps.clock.now(),
      size: raw.length,
      summary: cipher.sealJson(id, 'summary', summary),
      body: await cipher.sealInSlices(id, 'body', prepared.body),
      raw: await cipher.sealInSlices(id, 'raw', raw),
      attachments,
    }, outbox, this.deps.keepNewestPerMailbox(mailbox));
    return { mailboxId: mailbox.id, messageId: id, outboxRows: outbox.length, mailbox };
  }
}

interface StoredNotice {
  mailbox: Mailbox;
  mailboxId: string;
  messageId: string;
  outboxRows: number;
}
