/**
 * Cypress tasks (`tempmail-sdk/cypress`): mail is read in Cypress's Node process, where the
 * tasks run, so the API key never reaches the browser. Register them in `cypress.config`:
 *
 * ```ts
 * import { tempmailTasks } from 'tempmail-sdk/cypress';
 * export default defineConfig({
 *   taskTimeout: 90_000,                       // longer than the waits below
 *   e2e: { setupNodeEvents(on) { on('task', tempmailTasks()); } },
 * });
 * ```
 *
 * and in a spec:
 *
 * ```ts
 * cy.task('tempmailNew').then((box) => {
 *   cy.get('#email').type(box.email);
 *   cy.contains('Sign up').click();
 *   cy.task('tempmailWaitForOtp', { ...box, timeout: 60_000 }).then((code) => cy.get('#code').type(code));
 * });
 * ```
 *
 * Every task answers JSON-serialisable values, never `undefined` (Cypress refuses it).
 */
import type { InboxOptions } from '../content.js';
import type { Message, MessageSummary } from '../types.js';
import type { WaitOptions } from '../wait.js';
import { TestInbox, type TestInboxOptions, type TestMailbox } from './inbox.js';

/** A task's argument: the mailbox (as `tempmailNew` answered it) and the call's options. */
export type TaskArgs<O> = TestMailbox & O;
type WaitArgs = TaskArgs<Omit<WaitOptions, 'predicate' | 'signal'>>;

/** The tasks, by name. */
export interface TempMailTasks {
  /** Makes a mailbox: `{ email, token? }` (`token` for anonymous ones; pass the whole object back). */
  tempmailNew(args?: { ttl?: number } | null): Promise<TestMailbox>;
  tempmailWaitForMessage(args: WaitArgs): Promise<Message>;
  tempmailWaitForOtp(args: WaitArgs): Promise<string>;
  tempmailWaitForLink(args: WaitArgs): Promise<string>;
  tempmailInbox(args: TaskArgs<InboxOptions>): Promise<MessageSummary[]>;
  /** Deletes the mailbox: `true`. */
  tempmailDelete(args: TestMailbox): Promise<boolean>;
}

function split<O extends object>(args: TaskArgs<O>): [TestMailbox, O] {
  const { email, token, ...rest } = args;
  if (typeof email !== 'string' || !email) throw new TypeError('tempmail task: pass the mailbox that tempmailNew answered ({ email, token? })');
  return [{ email, token }, rest as unknown as O];
}

/** The task handlers for `on('task', tempmailTasks(options))`; options as the Playwright fixture's. */
export function tempmailTasks(options: TestInboxOptions = {}): TempMailTasks {
  const open = (box: TestMailbox) => TestInbox.open(box, options);
  return {
    async tempmailNew(args) {
      const inbox = await TestInbox.create({ ...options, ttl: args?.ttl ?? options.ttl });
      return inbox.mailbox.token ? { email: inbox.email, token: inbox.mailbox.token } : { email: inbox.email };
    },
    tempmailWaitForMessage(args) {
      const [box, opts] = split(args);
      return open(box).waitForMessage(opts);
    },
    tempmailWaitForOtp(args) {
      const [box, opts] = split(args);
      return open(box).waitForOtp(opts);
    },
    tempmailWaitForLink(args) {
      const [box, opts] = split(args);
      return open(box).waitForLink(opts);
    },
    tempmailInbox(args) {
      const [box, opts] = split(args);
      return open(box).messages(opts);
    },
    async tempmailDelete(args) {
      const [box] = split(args);
      await open(box).dispose();
      return true;
    },
  };
}
