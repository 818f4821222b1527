/** Helpers of the `waitFor…` calls. */
import { TempMailError } from './errors.js';
import type { Message } from './types.js';

/** The message's `field`, which the server's `match=` promised is set. */
export async function valueOf(waiting: Promise<Message>, field: 'otp' | 'confirmation_link'): Promise<string> {
  const message = await waiting;
  const value = message[field];
  if (typeof value !== 'string') throw new TempMailError(`Message ${message.id} has no ${field}`, { code: 'bad_response', body: message });
  return value;
}
