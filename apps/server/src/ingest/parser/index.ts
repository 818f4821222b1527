/**
 * The MIME parser component: built once from configuration (main.ts) and handed to ingest.
 *
 * Parsing runs in separate parser processes (pool.ts; `workers` per lane): postal-mime is
 * synchronous at heart (a 25 MB HTML part takes about a second, a crafted 20 MB one 7 s and
 * 2 GB), and on the main thread that would stall every SMTP session and HTTP request. Messages
 * up to 1 MiB and bigger ones have a lane each, so a flood of big mail cannot hold up the usual
 * small one. With `workers` 0 the parse runs on the calling thread (tests, tools).
 */
import { parseMail, prepare } from './parse-mail.js';
import { ParserPool } from './pool.js';
import type { ParserOptions, PreparedMail } from './types.js';

export type { ParseLimits, ParserOptions, ParsedMail, PreparedMail } from './types.js';

/** Parses and extracts raw messages into what ingest stores. */
export interface MimeParser {
  /** The stored form of one raw message; never rejects (beyond the limits it is kept raw with a reason). */
  prepare(raw: Buffer, envelopeFrom: string): Promise<PreparedMail>;
  /** Starts the parser processes ahead of the first message. */
  start(): void;
  /** Stops them; messages still queued are kept raw. */
  close(): Promise<void>;
}

/** Messages up to this size are parsed apart from bigger ones. */
const SMALL_MESSAGE = 1024 * 1024;

/** The parser for these options: parser processes, or inline when `workers` is 0. */
export function createMimeParser(options: ParserOptions): MimeParser {
  if (options.workers <= 0) {
    return {
      prepare: async (raw, envelopeFrom) => prepare(await parseMail(raw, options), envelopeFrom),
      start: () => undefined,
      close: async () => undefined,
    };
  }
  const pool = () => new ParserPool({ size: options.workers, timeoutMs: options.timeoutMs, memoryMb: options.memoryMb, limits: options });
  const small = pool();
  const large = pool();
  return {
    prepare: (raw, envelopeFrom) => (raw.length <= SMALL_MESSAGE ? small : large).prepare(raw, envelopeFrom),
    start: () => {
      small.warm();
      large.warm();
    },
    close: async () => {
      await Promise.all([small.close(), large.close()]);
    },
  };
}
