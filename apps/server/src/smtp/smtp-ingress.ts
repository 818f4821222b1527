/**
 * smtp-server wiring: recipient checks, limits and errors -> SMTP replies. Hands each accepted
 * message to the ingest pipeline and answers 250 only after it is durably stored.
 *
 * Limits (each has a variable, see docs/limits.md): connections in total and per client address
 * (IPv6 per /64), messages per session, recipients per message, rejected recipients per session,
 * message size (SIZE= at MAIL FROM and the real size after DATA), a deadline per session, a
 * minimum data rate during DATA, bytes kept per mailbox, free disk space. smtp-server itself
 * bounds command lines (maxCommandLength), ends DATA only on <CR><LF>.<CR><LF> (no smuggling)
 * and refuses control characters in addresses; we refuse them again in case of a lenient mode.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { isTemporaryFailure } from '../domain/temporary-failure.js';
import type { Mailbox } from '../domain/types.js';
import type { Accepted, IngestPipeline } from '../ingest/pipeline.js';
import type { Config } from '../config/index.js';
import { addressKey } from '../http/client-ip.js';
import { concatInSlices } from '../runtime/in-slices.js';
import { hasBareLf, normalizeBareLf } from './line-endings.js';
import { type Metrics, noMetrics, preciseNow, type SmtpStep } from '../metrics/metrics.js';
import { REPLIES, SmtpReply } from './smtp-errors.js';
import { TransactionLog } from './transaction-log.js';

export interface RecipientPolicy {
  /** True when mail for this domain is ours to take (configured or a verified custom domain). */
  acceptsDomain(domain: string): Promise<boolean>;
  /** The live mailbox with this address, or null. */
  findMailbox(address: string): Promise<Mailbox | null>;
  /** Bytes a mailbox holds now, for TEMPMAIL_MAX_MAILBOX_BYTES (absent: the cap is not checked). */
  mailboxBytes?(mailbox: Mailbox): Promise<number>;
}

export interface SmtpIngressDeps {
  config: Config;
  pipeline: IngestPipeline;
  policy: RecipientPolicy;
  log: Logger;
  /** Resolves false when free disk is below the safe margin. */
  hasDiskRoom?: () => boolean;
  metrics?: Metrics;
}

/** The code smtp-server sends for an error passed to a callback (its own defaults where none is set). */
function codeOf(err: Error | null | undefined, fallback: number): number {
  const code = (err as { responseCode?: unknown } | null | undefined)?.responseCode;
  return typeof code === 'number' ? code : fallback;
}

interface SessionState {
  session: SMTPServerSession;
  /** Per-address counter key (the address, or its /64 for IPv6). */
  ipKey: string;
  mailboxes: Map<string, Mailbox>;
  /** SIZE= of the current MAIL FROM, 0 when not declared. */
  declaredSize: number;
  messages: number;
  rejected: number;
  startedAt: number;
  /** While DATA is being received: bytes of the current rate window. */
  data: { windowStart: number; windowBytes: number } | null;
  /** The message is in and being stored: the watchdog must not cut it off now. */
  storing: boolean;
  killed: boolean;
}

/** What we need of smtp-server's internal connection objects to end one with a reply. */
interface ConnectionHandle {
  session: SMTPServerSession;
  send(code: number, text: string): void;
  close(): void;
}

// Control characters, C1 controls and line/paragraph separators: never in an address.
const CONTROL_CHARS = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;

export class SmtpIngress {
  readonly server: SMTPServer;
  private readonly perIp = new Map<string, number>();
  private readonly state = new Map<SMTPServerSession, SessionState>();
  private readonly watchdog: NodeJS.Timeout;
  private closing = false;
  private readonly metrics: Metrics;
  private readonly transactions: TransactionLog;

  constructor(private readonly deps: SmtpIngressDeps) {
    const { config } = deps;
    this.metrics = deps.metrics ?? noMetrics;
    this.transactions = new TransactionLog(deps.log, config.logAddresses);
    const told = (step: SmtpStep, ok: number, fallback: number, cb: (err?: Error | null) => void) => (err?: Error | null) => {
      this.metrics.smtpReply(step, err ? codeOf(err, fallback) : ok);
      cb(err);
    };
    const tls = config.tlsCert && config.tlsKey
      ? { key: readFileSync(config.tlsKey), cert: readFileSync(config.tlsCert) }
      : null;
    this.server = new SMTPServer({
      name: config.mxHost,
      banner: 'TempMail ESMTP',
      authOptional: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(tls ?? {}),
      disableReverseLookup: true,
      size: config.maxMessageBytes,
      maxClients: config.smtp.maxClients,
      maxCommandLength: config.smtp.maxLineBytes,
      socketTimeout: config.smtp.socketTimeoutMs,
      // Sessions in flight get the whole shutdown grace (TEMPMAIL_SHUTDOWN_GRACE_MS) to finish.
      closeTimeout: Math.max(1, config.shutdownGraceMs), // 0 would mean smtp-server's default
      logger: false,
      onConnect: (session, cb) => this.onConnect(session, told('connect', 220, 554, cb)),
      onClose: (session) => this.onClose(session),
      onMailFrom: (address, session, cb) => this.onMailFrom(address, session, told('mail', 250, 550, cb)),
      onRcptTo: (address, session, cb) => {
        const reply = told('rcpt', 250, 550, cb);
        this.onRcptTo(address, session).then(() => reply(), (e: unknown) => reply(this.rcptFailure(e)));
      },
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    this.server.on('error', (err) => deps.log.warn({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'smtp error'));
    const { sessionDeadlineMs, dataRateWindowMs } = config.smtp;
    const tick = Math.max(100, Math.min(1000, Math.floor(Math.min(sessionDeadlineMs, dataRateWindowMs) / 4)));
    this.watchdog = setInterval(() => this.checkSessions(), tick);
    this.watchdog.unref();
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, host, () => {
        const addr = this.server.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  /** Sessions open now (for tests and metrics). */
  get sessions(): number {
    return this.state.size;
  }

  /** Stops accepting new connections; sessions in flight may finish (up to the grace period). */
  close(graceMs: number): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs + 500);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private onConnect(session: SMTPServerSession, cb: (err?: Error) => void): void {
    if (this.closing) return cb(REPLIES.shuttingDown());
    const ipKey = addressKey(session.remoteAddress);
    const n = (this.perIp.get(ipKey) ?? 0) + 1;
    if (n > this.deps.config.smtp.maxClientsPerIp) return cb(REPLIES.tooManyConnections());
    this.perIp.set(ipKey, n);
    this.state.set(session, {
      session, ipKey, mailboxes: new Map(), declaredSize: 0, messages: 0, rejected: 0, startedAt: Date.now(),
      data: null, storing: false, killed: false,
    });
    this.metrics.smtpSessionOpened();
    cb();
  }

  private onClose(session: SMTPServerSession): void {
    const st = this.state.get(session);
    if (!st) return; // refused in onConnect: never counted
    this.state.delete(session);
    const n = (this.perIp.get(st.ipKey) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(st.ipKey);
    else this.perIp.set(st.ipKey, n);
  }

  /** Session deadline and minimum data rate (slowloris): a violating session gets 421 and is closed. */
  private checkSessions(): void {
    const now = Date.now();
    const { sessionDeadlineMs, minDataRateBytesPerSec, dataRateWindowMs } = this.deps.config.smtp;
    for (const st of this.state.values()) {
      if (st.killed || st.storing) continue;
      if (now - st.startedAt > sessionDeadlineMs) {
        this.kill(st, REPLIES.sessionDeadline());
      } else if (st.data && minDataRateBytesPerSec > 0 && now - st.data.windowStart >= dataRateWindowMs) {
        const needed = (minDataRateBytesPerSec * (now - st.data.windowStart)) / 1000;
        if (st.data.windowBytes < needed) this.kill(st, REPLIES.tooSlow());
        else st.data = { windowStart: now, windowBytes: 0 };
      }
    }
  }

  private kill(st: SessionState, reply: SmtpReply): void {
    st.killed = true;
    this.deps.log.info({ reason: reply.message }, 'closing an SMTP session');
    this.metrics.smtpReply('session', reply.responseCode);
    for (const conn of this.server.connections as Set<ConnectionHandle>) {
      if (conn.session !== st.session) continue;
      conn.send(reply.responseCode, reply.message); // a 421 closes the connection
      conn.close();
      return;
    }
  }

  private onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error) => void): void {
    const st = this.state.get(session);
    if (st) {
      st.mailboxes.clear();
      const size = Number((address.args as Record<string, unknown> | false | undefined || {}).SIZE);
      st.declaredSize = Number.isSafeInteger(size) && size > 0 ? size : 0;
    }
    if (CONTROL_CHARS.test(address.address)) return cb(REPLIES.badAddress());
    if (st && st.messages >= this.deps.config.smtp.maxMessagesPerSession) return cb(REPLIES.tooManyMessages());
    if (this.deps.hasDiskRoom && !this.deps.hasDiskRoom()) return cb(REPLIES.diskFull());
    cb();
  }

  private async onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const st = this.state.get(session);
    if (st && st.mailboxes.size >= this.deps.config.smtp.maxRecipients) throw REPLIES.tooManyRecipients();
    let mailbox: Mailbox;
    try {
      mailbox = await this.lookup(address.address);
    } catch (e) {
      const max = this.deps.config.smtp.maxRejectedRecipients;
      if (st && e instanceof SmtpReply && max > 0 && ++st.rejected > max) throw REPLIES.tooManyRejected();
      throw e;
    }
    const cap = this.deps.config.maxMailboxBytes;
    if (cap > 0 && this.deps.policy.mailboxBytes) {
      const used = await this.deps.policy.mailboxBytes(mailbox);
      if (used >= cap || used + (st?.declaredSize ?? 0) > cap) throw REPLIES.mailboxFull();
    }
    st?.mailboxes.set(mailbox.id, mailbox);
  }

  /**
   * A refused RCPT keeps its reply; any other failure (storage away, a lookup timed out, a bug)
   * is a 451 with generic text: the sender retries, nothing bounces for good, no internals leak.
   */
  private rcptFailure(err: unknown): SmtpReply {
    if (err instanceof SmtpReply) return err;
    const e = err as Error;
    this.deps.log.warn({ err: { message: e.message, code: (e as NodeJS.ErrnoException).code }, temporary: isTemporaryFailure(e) }, 'recipient check failed: answered 451');
    return REPLIES.tempLookupFailure();
  }

  private async lookup(raw: string): Promise<Mailbox> {
    if (CONTROL_CHARS.test(raw)) throw REPLIES.badAddress();
    const at = raw.lastIndexOf('@');
    if (at < 1) throw REPLIES.notOurDomain();
    const normalised = raw.toLowerCase();
    const domain = normalised.slice(at + 1).replace(/\.$/, '');
    if (!(await this.deps.policy.acceptsDomain(domain))) throw REPLIES.notOurDomain();
    const mailbox = await this.deps.policy.findMailbox(`${normalised.slice(0, at)}@${domain}`);
    if (!mailbox) throw REPLIES.unknownMailbox();
    return mailbox;
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const st = this.state.get(session);
    const limit = this.deps.config.maxMessageBytes;
    let chunks: Buffer[] = [];
    let bytes = 0;
    let oversized = false;
    let bareLf = false;
    let lastByte = -1;
    let endOfData = 0;
    let accepted: Accepted | null = null;
    /** Answers the end of DATA, and counts and logs the transaction. */
    const answer = (err: Error | null, message?: string) => {
      const code = err ? codeOf(err, 450) : 250;
      this.metrics.smtpReply('data', code);
      if (err) this.metrics.messageRejected();
      else this.metrics.messageAccepted();
      // Read before answering: smtp-server resets the envelope once the reply is sent.
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const to = session.envelope.rcptTo.map((r) => r.address);
      cb(err, message);
      const replied = endOfData ? preciseNow() - endOfData : 0;
      if (accepted && !err) this.metrics.stage('replied', replied);
      this.transactions.write({
        session: session.id,
        client: st?.ipKey ?? session.remoteAddress,
        from,
        to,
        size: bytes,
        code,
        ids: accepted?.ids ?? [],
        ...(accepted ? { ms: { ...accepted.timings, replied }, unparsed: accepted.unparsed, subject: accepted.subject } : {}),
        ...(err ? { reason: err.message } : {}),
      });
    };
    if (st) st.data = { windowStart: Date.now(), windowBytes: 0 };
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (st?.data) st.data.windowBytes += chunk.length;
      if (oversized) return; // keep draining, stop buffering
      if (bytes > limit) {
        oversized = true;
        chunks = [];
      } else {
        chunks.push(chunk);
        if (!bareLf && chunk.length > 0) {
          bareLf = hasBareLf(chunk, lastByte);
          lastByte = chunk[chunk.length - 1];
        }
      }
    });
    stream.on('error', (err) => {
      if (st) st.data = null;
      answer(err);
    });
    stream.on('end', () => {
      endOfData = preciseNow();
      if (st) st.data = null;
      if (st?.killed) return answer(REPLIES.tooSlow());
      if (oversized || stream.sizeExceeded) return answer(REPLIES.tooLarge(limit));
      if (st) {
        st.messages++;
        st.storing = true;
      }
      this.store(st, session, chunks, bytes, bareLf, endOfData)
        .then((done) => {
          accepted = done;
          answer(null, `2.0.0 Ok: queued as ${done.ids[0] ?? 'none'}`);
        }, (err: unknown) => {
          if (!(err instanceof SmtpReply)) {
            const e = err as Error;
            const temporary = isTemporaryFailure(e);
            this.deps.log[temporary ? 'warn' : 'error']({ err: { message: e.message }, temporary }, 'storing a message failed: answered 451');
          }
          answer(err instanceof SmtpReply ? err : REPLIES.tempFailure());
        })
        .finally(() => {
          if (st) st.storing = false;
        });
    });
  }

  /** Checks a received message against the disk, line-ending and mailbox-size policies, then stores it. */
  private async store(st: SessionState | undefined, session: SMTPServerSession, chunks: Buffer[], bytes: number, bareLf: boolean, endOfData: number): Promise<Accepted> {
    if (this.deps.hasDiskRoom && !this.deps.hasDiskRoom()) throw REPLIES.diskFull();
    let raw = await concatInSlices(chunks, bytes);
    // The chunks as received (smtp-server's, whole message read by now): copied, so zeroed at
    // once rather than left in memory for whoever allocates it next.
    for (const chunk of chunks) chunk.fill(0);
    if (bareLf) {
      if (this.deps.config.smtp.bareLf === 'reject') throw REPLIES.bareLf();
      raw = normalizeBareLf(raw);
    }
    let recipients = st ? [...st.mailboxes.values()] : [];
    const cap = this.deps.config.maxMailboxBytes;
    if (cap > 0 && this.deps.policy.mailboxBytes && recipients.length > 0) {
      const used = await Promise.all(recipients.map((m) => this.deps.policy.mailboxBytes!(m)));
      const fits = recipients.filter((_, i) => used[i] + raw.length <= cap);
      if (fits.length === 0) throw REPLIES.mailboxFull();
      if (fits.length < recipients.length) {
        this.deps.log.info({ skipped: recipients.length - fits.length }, 'message not stored for full mailboxes');
      }
      recipients = fits;
    }
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const accepted = await this.deps.pipeline.accept({
      raw, envelopeFrom, recipients, source: st?.ipKey, endOfData, clientIp: session.remoteAddress, helo: session.hostNameAppearsAs || undefined,
    });
    // Our own copy of the plaintext (concatInSlices allocated it), sealed and stored for every
    // recipient by now: zeroed rather than left to the garbage collector. (Not on a failure:
    // another recipient's sealing may still be reading it.)
    raw.fill(0);
    return accepted;
  }
}
