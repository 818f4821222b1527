/**
 * The wait front: the HTTP server's new connections come here before node:http sees them. The
 * front reads the start of a connection's first request; unless it is a plain wait.php, the
 * connection goes on to node:http at once, its bytes put back, and stays there. A wait is taken
 * here: run through the routes in process (../wait-probes.ts), so the answer, every error and every
 * header are what node:http would have sent; when the wait must be held, the connection keeps
 * only its socket and this record until the hub answers.
 *
 * Why: a request held open in node:http keeps its parser (native and JS), its request and
 * response objects and Fastify's for as long as it is held, about 9.2 KB of memory each, 1.3x
 * an idle WebSocket; here a held wait is a socket and a record, 0.46x (docs/design.md). After an
 * answer the connection reads its next request the same way (a client that sends only waits on
 * one connection stays here; its first other request moves it to node:http for good).
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HeldWait, WaitHub, WaitOutcome } from '../../wait/wait-hub.js';
import { asAppError, clientErrorHandler, errorBody } from '../errors.js';
import { outcomeResult } from '../routes/wait.js';
import { type HeaderValue, headerLines, responseBytes } from './raw-response.js';
import { type OutsideHold, PROBE_HEADER, WaitProbes } from '../wait-probes.js';
import { readHead, requestLineStarts, type WaitHead } from './request-head.js';

export interface WaitFrontOptions {
  /** The app, with its routes; its server is the one that listens. */
  app: FastifyInstance;
  waits: WaitHub;
  /** The wait routes' paths (`/v1/wait.php`, `/api/wait.php`). */
  paths: readonly string[];
  /** A longer head is node:http's to refuse (its own limit, 16 KB by default). */
  maxHeadBytes: number;
  /** Time for a request's head to arrive, and for a new connection to send one. */
  requestTimeoutMs: number;
  /** Time a connection may stay silent after an answer before it is closed. */
  keepAliveMs: number;
  /** Bytes a client may send ahead while its wait is held (pipelined requests). */
  maxAheadBytes?: number;
  log: Logger;
}

const CONN = Symbol('tempmail.waitFront');
type FrontSocket = Socket & { [CONN]?: FrontConnection };
const JSON_TYPE = 'Content-Type: application/json; charset=utf-8\r\n';
const INTERNAL = JSON.stringify(errorBody('internal', 'Internal error.'));
/** The error node:http raises for a request that took too long; clientErrorHandler answers it. */
const REQUEST_TIMEOUT = Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });

export class WaitFront {
  readonly probes = new WaitProbes();
  readonly lines: Buffer[];
  /** Connections the front holds now (not those handed to node:http). */
  readonly connections = new Set<FrontConnection>();
  closing = false;
  /** Waits held by the front now (tempmail_wait_front_held). */
  held = 0;
  /** node:http's own handling of a new connection, which the front calls when it hands one over. */
  private readonly nodeHttp: (socket: Socket) => void;

  /**
   * Puts the front before node:http on the app's server: node:http handles a new connection in
   * the 'connection' listener its constructor registers (the first; Node documents emitting
   * 'connection' as the way to give it one). That listener now runs when the front hands the
   * connection over; listeners added since (the connection caps) still run first, at accept.
   */
  constructor(readonly o: WaitFrontOptions) {
    this.lines = requestLineStarts(o.paths);
    const server = o.app.server;
    const nodeHttp = server.listeners('connection')[0] as ((socket: Socket) => void) | undefined;
    if (!nodeHttp) throw new Error('wait front: the HTTP server has no connection listener');
    server.removeListener('connection', nodeHttp);
    this.nodeHttp = (socket) => Reflect.apply(nodeHttp, server, [socket]);
    server.on('connection', (socket: Socket) => {
      if (socket.destroyed) return; // refused by a cap
      if (this.closing) this.nodeHttp(socket); // node:http answers 503 while the app closes
      else new FrontConnection(this, socket).start();
    });
  }

  handOver(socket: Socket): void {
    this.nodeHttp(socket);
  }

  /**
   * Shutting down: answers from now on close their connections, and connections with nothing
   * of a request yet are closed (node:http's close only knows its own). Call before the hub
   * answers its waits (503) and before the app closes.
   */
  beginClosing(): void {
    this.closing = true;
    for (const c of this.connections) if (c.isIdle) c.socket.destroy();
  }
}

/** One connection while the front holds it: reading a request, running it, or holding its wait. */
class FrontConnection implements OutsideHold {
  private buffered: Buffer | null = null;
  private state: 'reading' | 'probing' | 'held' | 'done' = 'reading';
  /** The probe whose answer the connection still expects from the routes (none once its wait is adopted). */
  private probe: string | null = null;
  private waiter: HeldWait | null = null;
  /** The held request's header lines (from its reply) and whether the connection stays open. */
  private headers = '';
  private keepAlive = true;

  constructor(private readonly front: WaitFront, readonly socket: FrontSocket) {}

  /** Reading, with nothing of a request received: closing it loses nothing. */
  get isIdle(): boolean {
    return this.state === 'reading' && this.buffered === null;
  }

  start(): void {
    this.front.connections.add(this);
    this.socket[CONN] = this;
    this.socket.on('data', onData);
    this.socket.on('end', onEnd);
    this.socket.on('close', onClose);
    this.socket.on('error', onError);
    this.socket.on('timeout', onTimeout);
    this.socket.setTimeout(this.front.o.requestTimeoutMs);
  }

  data(chunk: Buffer): void {
    this.buffered = this.buffered === null ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.state === 'reading') this.next();
    else if (this.buffered.length > (this.front.o.maxAheadBytes ?? 64 * 1024)) this.socket.destroy();
  }

  /** The buffered bytes start a request: take it, hand the connection over, or read on. */
  private next(): void {
    if (this.buffered === null || this.socket.destroyed) return;
    const verdict = readHead(this.buffered, this.front.lines, this.front.o.maxHeadBytes, PROBE_HEADER);
    if (verdict.kind === 'more') return;
    if (verdict.kind === 'other') {
      this.handOver();
      return;
    }
    const { length } = verdict.head;
    this.buffered = this.buffered.length > length ? Buffer.from(this.buffered.subarray(length)) : null;
    this.take(verdict.head);
  }

  /** Runs the wait through the routes; a wait to hold comes back through adopt(). */
  private take(head: WaitHead): void {
    this.state = 'probing';
    this.keepAlive = head.keepAlive;
    this.socket.setTimeout(0); // the hub's deadline ends a held wait; a probe is the service's own time
    const id = this.front.probes.begin(this);
    this.probe = id;
    this.front.o.app.inject({
      method: 'GET', url: head.url, headers: { ...head.headers, [PROBE_HEADER]: id }, remoteAddress: this.socket.remoteAddress,
    }).then((res) => {
      if (!this.probed(id)) return; // adopted: the held wait answers
      this.respond(res.statusCode, headerLines(res.headers as Record<string, string | string[] | undefined>), res.rawPayload);
    }, (err: Error) => {
      this.front.o.log.error({ err: { message: err.message } }, 'wait front: running a wait failed');
      if (this.probed(id)) this.respond(500, JSON_TYPE, INTERNAL);
    });
  }

  /** The probe's run has ended; whether its answer is still this connection's to send. */
  private probed(id: string): boolean {
    this.front.probes.end(id);
    if (this.probe !== id) return false;
    this.probe = null;
    return true;
  }

  adopt(hold: <T>(answer: (target: T, outcome: WaitOutcome) => void, target: T) => HeldWait, headers: Record<string, HeaderValue>): void {
    const waiter = hold(answerHeld, this); // throws (429, 503): the route answers that itself
    this.waiter = waiter;
    this.front.held++;
    this.probe = null; // the answer comes from the hub, not from the probe
    if (this.socket.destroyed || this.state === 'done') {
      this.cancel(); // the client left (or stopped sending) while the request ran
      return;
    }
    this.state = 'held';
    this.headers = headerLines(headers);
  }

  /** The hub's outcome for the held wait. */
  answer(outcome: WaitOutcome): void {
    this.waiter = null;
    this.front.held--;
    const result = outcomeResult(outcome);
    if (typeof result === 'string') {
      this.respond(200, this.headers + JSON_TYPE, result);
      return;
    }
    const e = asAppError(result);
    if (e === null) {
      this.front.o.log.error({ err: { message: result.message } }, 'wait front: a held wait failed');
      this.respond(500, this.headers + JSON_TYPE, INTERNAL);
      return;
    }
    this.respond(e.status, this.headers + headerLines(e.headers) + JSON_TYPE, JSON.stringify(errorBody(e.code, e.message, e.param)));
  }

  /** Writes a whole response; then the next request, or the end of the connection. */
  private respond(status: number, headers: string, body: Buffer | string): void {
    this.headers = '';
    if (this.socket.destroyed || !this.socket.writable) return;
    const keepAlive = this.keepAlive && !this.front.closing;
    const keepAliveMs = this.front.o.keepAliveMs;
    this.socket.write(responseBytes({ status, headers, body, keepAlive, keepAliveSeconds: Math.ceil(keepAliveMs / 1000) }));
    if (!keepAlive) {
      this.state = 'done';
      this.socket.end();
      return;
    }
    this.state = 'reading';
    this.socket.setTimeout(this.buffered === null ? keepAliveMs : this.front.o.requestTimeoutMs);
    this.next();
  }

  /** Gives the connection, and the bytes read of its request, to node:http for good. */
  private handOver(): void {
    const s = this.socket;
    this.detach();
    s.setTimeout(0);
    if (this.buffered !== null) s.unshift(this.buffered);
    this.buffered = null;
    this.front.handOver(s);
  }

  /** Silent too long: a partial head is answered as node:http answers it (408, closed), an idle connection closed. */
  timedOut(): void {
    if (this.state !== 'reading' || this.buffered === null) {
      this.socket.destroy();
      return;
    }
    this.state = 'done';
    this.buffered = null;
    clientErrorHandler(REQUEST_TIMEOUT, this.socket);
  }

  /**
   * The client is done sending. The server keeps half-open sockets (node:http's own choice), and
   * node:http then drops the request in progress and ends the connection: the same here.
   */
  ended(): void {
    this.cancel();
    this.state = 'done';
    this.buffered = null;
    if (this.socket.writable) this.socket.end();
  }

  closed(): void {
    // A probe still in flight stays claimable: the route then adopts a wait on a closed socket,
    // which adopt() cancels at once, rather than holding it on the probe's own reply.
    this.cancel();
    this.state = 'done';
    this.detach();
  }

  private cancel(): void {
    if (this.waiter === null) return;
    this.front.o.waits.cancel(this.waiter);
    this.waiter = null;
    this.front.held--;
  }

  private detach(): void {
    const s = this.socket;
    s.off('data', onData);
    s.off('end', onEnd);
    s.off('close', onClose);
    s.off('error', onError);
    s.off('timeout', onTimeout);
    delete s[CONN];
    this.front.connections.delete(this);
  }
}

// One set of listeners for every connection: the record hangs off its socket.
function onData(this: FrontSocket, chunk: Buffer): void {
  this[CONN]?.data(chunk);
}
function onEnd(this: FrontSocket): void {
  this[CONN]?.ended();
}
function onClose(this: FrontSocket): void {
  this[CONN]?.closed();
}
function onError(): void {
  // 'close' follows; a reset client is not the service's error.
}
function onTimeout(this: FrontSocket): void {
  this[CONN]?.timedOut();
}
function answerHeld(conn: FrontConnection, outcome: WaitOutcome): void {
  conn.answer(outcome);
}
