/**
 * One structured info line per SMTP transaction (end of DATA answered). Addresses, the client's
 * address and the subject are personal data: by default they are written as a keyed hash (HMAC
 * with a key made at start-up, so lines of one run can be matched to each other, and a hash
 * cannot be looked up in a list of addresses or matched across restarts); in clear only with
 * TEMPMAIL_LOG_ADDRESSES=1, and the subject only then.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

export interface TransactionFacts {
  session: string;
  client: string;
  from: string;
  to: string[];
  size: number;
  code: number;
  /** Stored message ids (one per recipient mailbox). */
  ids: string[];
  /** ms from the end of DATA (absent for a message refused before the pipeline). */
  ms?: { received: number; parsed: number; stored: number; replied: number };
  /** Why it was kept raw only, when it was. */
  unparsed?: string | null;
  subject?: string;
  /** Text of a refusal. */
  reason?: string;
}

export class TransactionLog {
  private readonly key = randomBytes(32);

  constructor(private readonly log: Logger, private readonly inClear: boolean) {}

  /** A value as it may be logged: itself with TEMPMAIL_LOG_ADDRESSES=1, else a short keyed hash. */
  private shown(value: string): string {
    if (this.inClear) return value;
    return `h:${createHmac('sha256', this.key).update(value.toLowerCase()).digest('base64url').slice(0, 16)}`;
  }

  write(facts: TransactionFacts): void {
    // Below info (LOG_LEVEL=warn) the line is dropped: not worth three HMACs per message first.
    if (!this.log.isLevelEnabled('info')) return;
    const round = (n: number) => Math.round(n * 10) / 10;
    this.log.info({
      smtp: {
        session: facts.session,
        client: this.shown(facts.client),
        from: facts.from ? this.shown(facts.from) : '',
        to: facts.to.map((a) => this.shown(a)),
        size: facts.size,
        code: facts.code,
        ids: facts.ids,
        ...(facts.ms ? { ms: { received: round(facts.ms.received), parsed: round(facts.ms.parsed), stored: round(facts.ms.stored), replied: round(facts.ms.replied) } } : {}),
        ...(facts.unparsed ? { keptRaw: facts.unparsed } : {}),
        ...(this.inClear && facts.subject !== undefined ? { subject: facts.subject } : {}),
        ...(facts.reason ? { reason: facts.reason } : {}),
      },
    }, 'smtp transaction');
  }
}
