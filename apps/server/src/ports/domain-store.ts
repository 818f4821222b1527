/**
 * Storage port for customers' custom receiving domains (issue 8). Implemented by the SQLite
 * adapter (adapters/sqlite/domain-store.ts) and the PostgreSQL adapter
 * (adapters/postgres/domain-store.ts) with the same semantics (test/contract/domain-store.contract.ts
 * runs against both). One row per domain: a domain belongs to at most one key.
 *
 * Semantics every adapter keeps:
 * - `domain` is the primary key, stored exactly as given (callers pass normalised ASCII).
 * - `claim` is atomic: of two keys claiming the same domain at once, exactly one wins.
 * - Writes that follow a DNS check (`recordCheck`) name the owning key, so a check that
 *   finishes after the domain was released (and maybe claimed by another key) changes nothing.
 */

/** `pending`: never seen pointing at us; `verified`: its MX points at us; `suspended`: it did, then stopped. */
export type DomainStatus = 'pending' | 'verified' | 'suspended';

export interface CustomDomain {
  /** Normalised ASCII name (lower case, punycode, no trailing dot). */
  domain: string;
  /** Id of the API key that claimed it. */
  keyId: string;
  status: DomainStatus;
  createdAt: number;
  /** Last DNS check that got an answer or an error (ms since epoch), or null before the first. */
  checkedAt: number | null;
  /** Last time the MX record was seen pointing at us, or null. */
  verifiedAt: number | null;
  /** When the background job should check it next. */
  nextCheckAt: number;
  /** Checks in a row that did not find the record (or failed): drives the back-off. */
  failures: number;
}

/** The outcome of one check, as stored. */
export interface DomainCheckUpdate {
  status: DomainStatus;
  checkedAt: number;
  verifiedAt: number | null;
  nextCheckAt: number;
  failures: number;
}

export interface DomainStore {
  /** Inserts the row; false (and no change) when the domain is already claimed by any key. */
  claim(row: CustomDomain): Promise<boolean>;
  /** The row for a domain, whoever owns it; null when unclaimed. */
  get(domain: string): Promise<CustomDomain | null>;
  /** A key's domains, oldest first. */
  listByKey(keyId: string): Promise<CustomDomain[]>;
  /** How many domains a key holds. */
  countByKey(keyId: string): Promise<number>;
  /** Deletes the row if `keyId` owns it; true when something was deleted. */
  release(domain: string, keyId: string): Promise<boolean>;
  /** Stores a check's outcome if `keyId` still owns the domain; true when a row changed. */
  recordCheck(domain: string, keyId: string, update: DomainCheckUpdate): Promise<boolean>;
  /** Up to `limit` rows whose `nextCheckAt` <= now, the most overdue first. */
  listDue(now: number, limit: number): Promise<CustomDomain[]>;
}
