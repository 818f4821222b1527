/**
 * The parser component's boundary types: its limits and options (built once from configuration
 * in main.ts), what a parse yields, and what ingest stores from it.
 */
import type { Extraction } from '../../extract/index.js';
import type { RawRange } from '../../domain/raw-range.js';

/** What makes a message too costly to display; past any of them it is kept raw (docs/limits.md). */
export interface ParseLimits {
  maxMimeDepth: number;
  maxHeaderBytes: number;
  maxMimeParts: number;
  /** 0 = no limit. */
  maxAttachments: number;
  /** Continuation lines one header field may be folded over (postal-mime-patches/header-folding.ts). */
  maxHeaderFolds: number;
  /** Inline message/rfc822 levels parsed; deeper ones are kept as attachments (postal-mime re-parses each level). */
  maxRfc822Depth: number;
}

/** The whole parser configuration: the limits and how the parser processes run. */
export interface ParserOptions extends ParseLimits {
  /** Parser processes per lane; 0 parses on the calling thread. */
  workers: number;
  /** Longest one parse may take (CPU time on Linux) before its process is killed and the message kept raw. */
  timeoutMs: number;
  /** Memory one parse may use, MB: the V8 heap limit, and (Linux) resident memory beyond the process's start-up footprint. */
  memoryMb: number;
  /**
   * Time (CPU time on Linux) a parse may take in the ordinary lane; past it the message is parsed
   * again in the costly lane (lanes.ts) and its sender's next messages go there directly for a while.
   */
  budgetMs: number;
  /** How long a sender that sent a costly message keeps being parsed in the costly lane, ms. */
  costlySenderMs: number;
  /** Bytes of raw mail per second the costly lane hands on to be stored (lanes.ts, CostlyPace); 0 or absent: not paced. */
  costlyBytesPerSecond?: number;
  /** The large lane's CPU budget per MB (default LARGE_BUDGET_MS_PER_MB in lanes.ts); tests lower it to stay clear of the machine's speed. */
  largeBudgetMsPerMb?: number;
  /**
   * Age (ms) after which a parser process that has parsed mail is replaced once idle: its exit
   * takes the garbage of the messages it parsed with it (plaintext hygiene, docs/encryption.md).
   */
  maxAgeMs?: number;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  contentId: string | null;
  inline: boolean;
  content: Uint8Array;
  /** Where `content` stands in the raw source (raw-ranges.ts): stored as that range, not as a copy. */
  rawRange?: RawRange | null;
}

export interface ParsedMail {
  /** Bare address of the From header, or null. */
  from: string | null;
  /** Display name of the From header ("GitHub" in `GitHub <noreply@github.com>`), or null. */
  fromName: string | null;
  subject: string;
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  headers: Array<[string, string]>;
  /** Set when the message could not be parsed within the limits: it is kept raw only. */
  unparsed: string | null;
  /**
   * The code and link found in it. Extraction runs right after parsing, in the same parser
   * process, so neither CPU-heavy step sits on the event loop.
   */
  extraction: Extraction;
}

/**
 * What ingest stores from a parsed message, ready to seal: the summary fields, and the stored
 * body (MessageBodyPlain) already as UTF-8 JSON bytes. The parser processes return this rather
 * than the ParsedMail, so its text and HTML cross to the service as one buffer and the event
 * loop neither rebuilds them as strings nor serialises them again.
 */
export interface PreparedMail {
  from: string | null;
  fromName: string | null;
  subject: string;
  unparsed: string | null;
  extraction: Extraction;
  /** UTF-8 JSON of the MessageBodyPlain to store. */
  body: Uint8Array;
  /** Attachment contents, in the order of the body's attachment list. */
  attachments: Uint8Array[];
}
