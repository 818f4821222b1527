/**
 * One disposable mailbox for a test, keyed or anonymous, with the calls a test needs: the
 * shared core of the Playwright fixture and the Cypress tasks. Settings come from the options,
 * else TEMPMAIL_URL / TEMPMAIL_KEY in the environment; without a key the mailbox is anonymous.
 */
import { AnonymousTempMail } from '../anonymous.js';
import { TempMail } from '../client.js';
import { NotFoundError } from '../errors.js';
import type { InboxOptions } from '../content.js';
import type { Message, MessageSummary } from '../types.js';
import type { WaitOptions } from '../wait.js';

/** Where the service is and how mailboxes are made. */
export interface TestInboxOptions {
  /** Default: TEMPMAIL_URL, else http://127.0.0.1:8080. */
  baseUrl?: string;
  /** Default: TEMPMAIL_KEY; none: anonymous mailboxes (`/api`). */
  key?: string;
  /** Mailbox lifetime in seconds (the server's default when absent). */
  ttl?: number;
}

/** A mailbox as a test uses it; `token` is set for anonymous ones. */
export interface TestMailbox {
  email: string;
  token?: string;
}

/** An environment variable where there is one (Node); the SDK itself does not need Node's types. */
function env(name: string): string | undefined {
  const value = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name];
  return value === '' ? undefined : value;
}

/** The client for `opts`: keyed when a key is set (option or TEMPMAIL_KEY), else anonymous. */
export function clientFor(opts: TestInboxOptions = {}): TempMail | AnonymousTempMail {
  const baseUrl = opts.baseUrl ?? env('TEMPMAIL_URL');
  const key = opts.key ?? env('TEMPMAIL_KEY');
  return key ? new TempMail({ key, baseUrl }) : new AnonymousTempMail({ baseUrl });
}

/** One mailbox and its calls, whichever API made it. */
export class TestInbox {
  private constructor(readonly client: TempMail | AnonymousTempMail, readonly mailbox: TestMailbox) {}

  /** Makes a new mailbox. */
  static async create(opts: TestInboxOptions = {}): Promise<TestInbox> {
    const client = clientFor(opts);
    const made = await client.generate({ ttl: opts.ttl });
    return new TestInbox(client, { email: made.email, token: (made as { token?: string }).token });
  }

  /** An existing mailbox (e.g. one a Cypress task made). */
  static open(mailbox: TestMailbox, opts: TestInboxOptions = {}): TestInbox {
    return new TestInbox(clientFor(opts), mailbox);
  }

  get email(): string {
    return this.mailbox.email;
  }

  /** Summaries, newest first; the filters of `inbox()`. */
  messages(opts: InboxOptions = {}): Promise<MessageSummary[]> {
    return this.client instanceof TempMail ? this.client.inbox(this.email, opts) : this.client.inbox(this.creds(), opts);
  }

  read(id: string): Promise<Message> {
    return this.client instanceof TempMail ? this.client.read(this.email, id) : this.client.read(this.creds(), id);
  }

  /** The first message that passes the filters and predicate (held on the server). */
  waitForMessage(opts: WaitOptions = {}): Promise<Message> {
    return this.client instanceof TempMail ? this.client.waitForMessage(this.email, opts) : this.client.waitForMessage(this.creds(), opts);
  }

  waitForOtp(opts: Omit<WaitOptions, 'match'> = {}): Promise<string> {
    return this.client instanceof TempMail ? this.client.waitForOtp(this.email, opts) : this.client.waitForOtp(this.creds(), opts);
  }

  waitForLink(opts: Omit<WaitOptions, 'match'> = {}): Promise<string> {
    return this.client instanceof TempMail ? this.client.waitForLink(this.email, opts) : this.client.waitForLink(this.creds(), opts);
  }

  /** Deletes the mailbox; one already gone (expired, deleted by the test) is fine. */
  async dispose(): Promise<void> {
    try {
      if (this.client instanceof TempMail) await this.client.delete(this.email);
      else await this.client.delete(this.creds());
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }

  private creds(): { email: string; token: string } {
    if (!this.mailbox.token) throw new TypeError('An anonymous mailbox needs its token.');
    return { email: this.mailbox.email, token: this.mailbox.token };
  }
}
