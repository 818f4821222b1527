/**
 * smtp-server wiring: recipient checks, limits and errors -> SMTP replies. Hands each accepted
 * message to the ingest pipeline and answers 250 only after it is durably stored.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Mailbox } from '../domain/types.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { Config } from '../config/index.js';
import { REPLIES, SmtpReply } from './smtp-errors.js';

export interface RecipientPolicy {
  /** True when mail for this domain is ours to take (configured or a verified custom domain). */
  acceptsDomain(domain: string): Promise<boolean>;
  /** The live mailbox with this address, or null. */
  findMailbox(address: string): Promise<Mailbox | null>;
}

export interface SmtpIngressDeps {
  config: Config;
  pipeline: IngestPipeline;
  policy: RecipientPolicy;
  log: Logger;
  /** Resolves false when free disk is below the safe margin. */
  hasDiskRoom?: () => boolean;
}

interface SessionState {
  mailboxes: Map<string, Mailbox>;
  messages: number;
  startedAt: number;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;

export class SmtpIngress {
  readonly server: SMTPServer;
  private readonly perIp = new Map<string, number>();
  private readonly state = new WeakMap<SMTPServerSession, SessionState>();
  private closing = false;

  constructor(private readonly deps: SmtpIngressDeps) {
    const { config } = deps;
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
      closeTimeout: 5000,
      logger: false,
      onConnect: (session, cb) => this.onConnect(session, cb),
      onClose: (session) => this.onClose(session),
      onMailFrom: (address, session, cb) => this.onMailFrom(address, session, cb),
      onRcptTo: (address, session, cb) => {
        this.onRcptTo(address, session).then(() => cb(), (e) => cb(e as Error));
      },
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    this.server.on('error', (err) => deps.log.warn({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'smtp error'));
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

  /** Stops accepting new connections; sessions in flight may finish (up to the grace period). */
  close(graceMs: number): Promise<void> {
    this.closing = true;
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
    const ip = session.remoteAddress;
    const n = (this.perIp.get(ip) ?? 0) + 1;
    if (n > this.deps.config.smtp.maxClientsPerIp) return cb(REPLIES.tooManyConnections());
    this.perIp.set(ip, n);
    this.state.set(session, { mailboxes: new Map(), messages: 0, startedAt: Date.now() });
    cb();
  }

  private onClose(session: SMTPServerSession): void {
    if (!this.state.has(session)) return; // refused in onConnect: never counted
    this.state.delete(session);
    const ip = session.remoteAddress;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }

  private onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error) => void): void {
    const st = this.state.get(session);
    if (st) st.mailboxes.clear();
    if (CONTROL_CHARS.test(address.address)) return cb(REPLIES.badAddress());
    if (st && st.messages >= this.deps.config.smtp.maxMessagesPerSession) return cb(REPLIES.tooManyMessages());
    if (this.deps.hasDiskRoom && !this.deps.hasDiskRoom()) return cb(REPLIES.diskFull());
    cb();
  }

  private async onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const st = this.state.get(session);
    const raw = address.address;
    if (CONTROL_CHARS.test(raw)) throw REPLIES.badAddress();
    if (st && st.mailboxes.size >= this.deps.config.smtp.maxRecipients) throw REPLIES.tooManyRecipients();
    const at = raw.lastIndexOf('@');
    if (at < 1) throw REPLIES.notOurDomain();
    const normalised = raw.toLowerCase();
    const domain = normalised.slice(at + 1).replace(/\.$/, '');
    if (!(await this.deps.policy.acceptsDomain(domain))) throw REPLIES.notOurDomain();
    const mailbox = await this.deps.policy.findMailbox(`${normalised.slice(0, at)}@${domain}`);
    if (!mailbox) throw REPLIES.unknownMailbox();
    st?.mailboxes.set(mailbox.id, mailbox);
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const limit = this.deps.config.maxMessageBytes;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let oversized = false;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) oversized = true; // keep draining, stop buffering
      else chunks.push(chunk);
    });
    stream.on('error', (err) => cb(err));
    stream.on('end', () => {
      const st = this.state.get(session);
      if (oversized || stream.sizeExceeded) return cb(REPLIES.tooLarge(limit));
      const recipients = st ? [...st.mailboxes.values()] : [];
      if (st) st.messages++;
      const raw = Buffer.concat(chunks, bytes);
      this.deps.pipeline.accept({ raw, envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', recipients })
        .then((ids) => cb(null, `2.0.0 Ok: queued as ${ids[0] ?? 'none'}`))
        .catch((err: unknown) => {
          this.deps.log.error({ err: { message: (err as Error).message } }, 'storing a message failed');
          cb(err instanceof SmtpReply ? err : REPLIES.tempFailure());
        });
    });
  }
}
