/**
 * Custom domains on PostgreSQL (table `custom_domains`, migration 3). Same semantics as the
 * SQLite adapter (test/contract/domain-store.contract.ts runs against both): the domain is the
 * primary key, so `INSERT ... ON CONFLICT DO NOTHING` lets exactly one of several concurrent
 * claimers win, on any node; writes after a DNS check name the owning key.
 */
import type pg from 'pg';
import type { CustomDomain, DomainCheckUpdate, DomainStatus, DomainStore } from '../../ports/domain-store.js';
import { num, numOrNull } from './pool.js';
import type { Tables } from './tables.js';

interface DomainRow {
  domain: string; key_id: string; status: DomainStatus; created_at: string; checked_at: string | null;
  verified_at: string | null; next_check_at: string; failures: number;
}

const toDomain = (r: DomainRow): CustomDomain => ({
  domain: r.domain, keyId: r.key_id, status: r.status, createdAt: num(r.created_at), checkedAt: numOrNull(r.checked_at),
  verifiedAt: numOrNull(r.verified_at), nextCheckAt: num(r.next_check_at), failures: r.failures,
});

/** A LIMIT value: negative means none, as on SQLite. */
const limitOf = (n: number): number | null => (n < 0 ? null : n);

export class PgDomainStore implements DomainStore {
  constructor(private readonly pool: pg.Pool, private readonly t: Tables) {}

  async claim(d: CustomDomain): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO ${this.t.customDomains} (domain, key_id, status, created_at, checked_at, verified_at, next_check_at, failures)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (domain) DO NOTHING`,
      [d.domain, d.keyId, d.status, d.createdAt, d.checkedAt, d.verifiedAt, d.nextCheckAt, d.failures],
    );
    return (rowCount ?? 0) > 0;
  }

  async get(domain: string): Promise<CustomDomain | null> {
    const { rows } = await this.pool.query<DomainRow>(`SELECT * FROM ${this.t.customDomains} WHERE domain = $1`, [domain]);
    return rows[0] ? toDomain(rows[0]) : null;
  }

  async listByKey(keyId: string): Promise<CustomDomain[]> {
    // COLLATE "C": byte order on ties, as SQLite compares text.
    const { rows } = await this.pool.query<DomainRow>(
      `SELECT * FROM ${this.t.customDomains} WHERE key_id = $1 ORDER BY created_at, domain COLLATE "C"`, [keyId]);
    return rows.map(toDomain);
  }

  async countByKey(keyId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.t.customDomains} WHERE key_id = $1`, [keyId]);
    return num(rows[0].n);
  }

  async release(domain: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.t.customDomains} WHERE domain = $1 AND key_id = $2`, [domain, keyId]);
    return (rowCount ?? 0) > 0;
  }

  async recordCheck(domain: string, keyId: string, u: DomainCheckUpdate): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.t.customDomains} SET status = $1, checked_at = $2, verified_at = $3, next_check_at = $4, failures = $5
       WHERE domain = $6 AND key_id = $7`,
      [u.status, u.checkedAt, u.verifiedAt, u.nextCheckAt, u.failures, domain, keyId],
    );
    return (rowCount ?? 0) > 0;
  }

  async listDue(now: number, limit: number): Promise<CustomDomain[]> {
    const { rows } = await this.pool.query<DomainRow>(
      `SELECT * FROM ${this.t.customDomains} WHERE next_check_at <= $1 ORDER BY next_check_at, created_at, domain COLLATE "C" LIMIT $2`,
      [now, limitOf(limit)],
    );
    return rows.map(toDomain);
  }
}
