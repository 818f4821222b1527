/**
 * How the wait front (front/wait-front.ts) hands a request to the routes and gets the wait back. The
 * front runs the request through Fastify in process (`inject`), so authentication, rate limits,
 * validation and every error are the routes' own; the request carries a probe id, unguessable
 * and used once, under which the front's connection waits here. The wait route claims it and,
 * instead of holding its reply, lets the connection hold the wait (`adopt`).
 */
import { randomBytes } from 'node:crypto';
import type { HeldWait, WaitAnswer } from '../wait/wait-hub.js';

/** The request header that carries the probe id (the front drops any a client sends). */
export const PROBE_HEADER = 'x-tempmail-front-probe';

/** A connection of the front whose request a route may hold. */
export interface OutsideHold {
  /**
   * Hold the wait on the front's connection: `hold` is called with the answer function and
   * target to give the hub; `headers` are the reply's fields so far (request id, rate limits,
   * CORS), sent with the eventual answer.
   */
  adopt(hold: <T>(answer: WaitAnswer<T>, target: T) => HeldWait, headers: Record<string, string | number | readonly string[] | undefined>): void;
}

export class WaitProbes {
  private readonly open = new Map<string, OutsideHold>();

  /** Registers a connection's request; the id goes in PROBE_HEADER. */
  begin(holder: OutsideHold): string {
    const id = randomBytes(16).toString('base64url');
    this.open.set(id, holder);
    return id;
  }

  /** The connection behind a probe id, once; undefined for any other value. */
  claim(id: unknown): OutsideHold | undefined {
    if (typeof id !== 'string') return undefined;
    const holder = this.open.get(id);
    if (holder) this.open.delete(id);
    return holder;
  }

  end(id: string): void {
    this.open.delete(id);
  }
}
