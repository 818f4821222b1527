/** Sender authentication (issue 21), composed from the configuration; null when TEMPMAIL_AUTH_CHECKS=off. */
import type { Config } from '../config/index.js';
import { WorkerChecker } from './worker-checker.js';
import { AuthFollowUp, type AuthFollowUpDeps } from './follow-up.js';

/**
 * The checks' thread runs at nice 10 (as the costly parser lane): about a tenth of the CPU
 * share of the main thread when both want it, so on a busy machine the next 250 and its push
 * go first and the results follow (message.updated); it still advances.
 */
const CHECK_NICENESS = 10;

export type SenderAuthDeps = Omit<AuthFollowUpDeps, 'checker' | 'concurrency' | 'queueBytes'> & { config: Config };

export function startSenderAuth(deps: SenderAuthDeps): AuthFollowUp | null {
  const { config, ...rest } = deps;
  const settings = config.authChecks;
  if (!settings.enabled) return null;
  // On a worker thread: parsing, hashing and verifying never hold the main event loop.
  const checker = new WorkerChecker({
    resolver: { servers: config.dnsServers, timeoutMs: settings.dnsTimeoutMs, maxEntries: settings.cacheEntries },
    deadlineMs: settings.deadlineMs, mta: config.mxHost, niceness: CHECK_NICENESS,
    onError: (err) => deps.log.warn({ err: { message: err.message } }, 'sender authentication failed: temperror'),
  });
  return new AuthFollowUp({ ...rest, checker, concurrency: settings.concurrency, queueBytes: settings.queueBytes });
}
