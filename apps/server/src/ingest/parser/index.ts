/**
 * The MIME parser component: built once from configuration (main.ts) and handed to ingest.
 *
 * Parsing runs in separate parser processes (pool.ts; `workers` per lane): postal-mime is
 * synchronous at heart (a 25 MB HTML part takes about a second, a crafted 20 MB one 7 s and
 * 2 GB), and on the main thread that would stall every SMTP session and HTTP request. Costly
 * mail (big, or slow to parse) is parsed in a lane of its own at low priority (lanes.ts), so it
 * cannot hold up ordinary mail. With `workers` 0 the parse runs on the calling thread (tests,
 * tools).
 */
import type { ParserLane } from '../../metrics/metrics.js';
import { type KillListener, LanedParser } from './lanes.js';
import { parseMail, prepare } from './parse-mail.js';
import type { ParserOptions, PreparedMail } from './types.js';

export type { ParseLimits, ParserOptions, ParsedMail, PreparedMail } from './types.js';

/** Parses and extracts raw messages into what ingest stores. */
export interface MimeParser {
  /**
   * The stored form of one raw message; never rejects (beyond the limits it is kept raw with a
   * reason). `source` names the sender (its client address) for fair turns and cost lanes.
   */
  prepare(raw: Buffer, envelopeFrom: string, source?: string): Promise<PreparedMail>;
  /** Starts the parser processes ahead of the first message. */
  start(): void;
  /** Stops them; messages still queued are kept raw. */
  close(): Promise<void>;
  /** Messages queued or being parsed, per lane (metrics). */
  depth(): Partial<Record<ParserLane, number>>;
}

/** The parser for these options: parser processes in two lanes, or inline when `workers` is 0. */
export function createMimeParser(options: ParserOptions, onKill?: KillListener): MimeParser {
  if (options.workers <= 0) {
    let inline = 0;
    return {
      prepare: async (raw, envelopeFrom) => {
        inline++;
        try {
          return prepare(await parseMail(raw, options), envelopeFrom);
        } finally {
          inline--;
        }
      },
      start: () => undefined,
      close: async () => undefined,
      depth: () => ({ inline }),
    };
  }
  const lanes = new LanedParser(options, onKill);
  return {
    prepare: (raw, envelopeFrom, source = '') => lanes.prepare(raw, envelopeFrom, source),
    start: () => lanes.start(),
    close: () => lanes.close(),
    depth: () => lanes.depth(),
  };
}
