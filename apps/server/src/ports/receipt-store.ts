/**
 * The append-only receipt log (receipts/): one row per receipt, in chain order. Appends are
 * serialised across every node (one transaction that reads the last row and writes the next),
 * so the chain never forks. Nothing updates or deletes a row.
 */

/** The chain's last receipt, as the next one links to it. */
export interface ChainTip {
  seq: number;
  hash: string;
}

/** A receipt as stored: its sequence number, its chain hash and its JSON. */
export interface StoredReceipt {
  seq: number;
  hash: string;
  json: string;
}

export interface ReceiptStore {
  /**
   * Appends the receipt `build` makes from the current tip (null: the log is empty), in one
   * transaction that no other append can interleave with; returns what was stored.
   */
  append(build: (tip: ChainTip | null) => StoredReceipt): Promise<StoredReceipt>;
  /** Up to `limit` receipts with seq > `since`, in order. */
  since(since: number, limit: number): Promise<StoredReceipt[]>;
}
