/**
 * Where a message's milliseconds went, each stage in ms from the end of its DATA: taken in by
 * the pipeline (`received`), parsed, stored (committed and synced), pushed (first WebSocket frame
 * sent). Kept in memory by each node for its most recent messages only: the figures are about a
 * delivery as it happened, not part of the stored message. The node that took the message sends
 * its figures with the new-message notice, so a node pushing it over a WebSocket knows them too.
 */

/** The figures of one message as read.php answers them (ms from the end of DATA). */
export interface MessageTimings {
  received: number;
  parsed: number;
  stored: number;
  /** Null until a WebSocket frame for it was sent by this node. */
  pushed: number | null;
}

/** What the ingesting node knows at commit (travels on the bus with the notice). */
export interface IngestTimings {
  /** End of DATA, epoch ms (fractional). */
  endOfData: number;
  received: number;
  parsed: number;
  stored: number;
}

const DEFAULT_CAPACITY = 20_000;

/** Round to a tenth of a millisecond: finer is noise. */
const tenth = (ms: number) => Math.round(Math.max(0, ms) * 10) / 10;

/** Figures known before the commit: its end of DATA is what a webhook attempt is timed from. */
export type EarlyTimings = Omit<IngestTimings, 'stored'>;

export class TimingBook {
  private readonly entries = new Map<string, { ingest: EarlyTimings & { stored: number | null }; pushed: number | null }>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /**
   * Notes a message about to be stored: a dispatcher on this node may claim its webhook row the
   * moment it is committed, before the pipeline hears of the commit.
   */
  begin(messageId: string, early: EarlyTimings): void {
    if (this.entries.has(messageId)) return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(messageId, { ingest: { ...early, stored: null }, pushed: null });
  }

  /** Records a message's ingest figures (from this node's pipeline, or another node's notice). */
  record(messageId: string, ingest: IngestTimings): void {
    const entry = this.entries.get(messageId);
    if (entry) {
      entry.ingest.stored ??= ingest.stored;
      return;
    }
    this.begin(messageId, ingest);
    this.entries.get(messageId)!.ingest.stored = ingest.stored;
  }

  /** A frame for the message was sent at `at` (epoch ms): the ms since its end of DATA the first time, else null. */
  pushed(messageId: string, at: number): number | null {
    const entry = this.entries.get(messageId);
    if (!entry || entry.pushed !== null) return null;
    entry.pushed = tenth(at - entry.ingest.endOfData);
    return entry.pushed;
  }

  /** When the message's DATA ended (epoch ms), if this node knows. */
  endOfData(messageId: string): number | null {
    return this.entries.get(messageId)?.ingest.endOfData ?? null;
  }

  get(messageId: string): MessageTimings | null {
    const entry = this.entries.get(messageId);
    if (!entry || entry.ingest.stored === null) return null;
    const { received, parsed, stored } = entry.ingest;
    return { received: tenth(received), parsed: tenth(parsed), stored: tenth(stored), pushed: entry.pushed };
  }

  /** Drops a deleted message's or mailbox's figures. */
  forget(messageIds: Iterable<string>): void {
    for (const id of messageIds) this.entries.delete(id);
  }
}

/** Checks figures that came over the bus from another node. */
export function isIngestTimings(v: unknown): v is IngestTimings {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return ['endOfData', 'received', 'parsed', 'stored'].every((k) => typeof o[k] === 'number' && Number.isFinite(o[k]));
}
