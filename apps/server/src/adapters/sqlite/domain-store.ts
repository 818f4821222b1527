/** Custom domains in the embedded SQLite store (table `custom_domains`, migration 3). */
import type { CustomDomain, DomainCheckUpdate, DomainStatus, DomainStore } from '../../ports/domain-store.js';
import type { Db } from './database.js';

interface DomainRow {
  domain: string; key_id: string; status: DomainStatus; created_at: number; checked_at: number | null;
  verified_at: number | null; next_check_at: number; failures: number;
}

const toDomain = (r: DomainRow): CustomDomain => ({
  domain: r.domain, keyId: r.key_id, status: r.status, createdAt: r.created_at, checkedAt: r.checked_at,
  verifiedAt: r.verified_at, nextCheckAt: r.next_check_at, failures: r.failures,
});

/** DomainStore on better-sqlite3 (synchronous underneath; async to fit the port). */
export class SqliteDomainStore implements DomainStore {
  constructor(private readonly db: Db) {}

  async claim(d: CustomDomain): Promise<boolean> {
    const { changes } = this.db.prepare(`INSERT INTO custom_domains
      (domain, key_id, status, created_at, checked_at, verified_at, next_check_at, failures)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (domain) DO NOTHING`)
      .run(d.domain, d.keyId, d.status, d.createdAt, d.checkedAt, d.verifiedAt, d.nextCheckAt, d.failures);
    return changes > 0;
  }

  async get(domain: string): Promise<CustomDomain | null> {
    const r = this.db.prepare('SELECT * FROM custom_domains WHERE domain = ?').get(domain) as DomainRow | undefined;
    return r ? toDomain(r) : null;
  }

  async listByKey(keyId: string): Promise<CustomDomain[]> {
    const rows = this.db.prepare('SELECT * FROM custom_domains WHERE key_id = ? ORDER BY created_at, domain').all(keyId) as DomainRow[];
    return rows.map(toDomain);
  }

  async countByKey(keyId: string): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM custom_domains WHERE key_id = ?').get(keyId) as { n: number }).n;
  }

  async release(domain: string, keyId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM custom_domains WHERE domain = ? AND key_id = ?').run(domain, keyId).changes > 0;
  }

  async recordCheck(domain: string, keyId: string, u: DomainCheckUpdate): Promise<boolean> {
    return this.db.prepare(`UPDATE custom_domains SET status = ?, checked_at = ?, verified_at = ?, next_check_at = ?, failures = ?
      WHERE domain = ? AND key_id = ?`)
      .run(u.status, u.checkedAt, u.verifiedAt, u.nextCheckAt, u.failures, domain, keyId).changes > 0;
  }

  async listDue(now: number, limit: number): Promise<CustomDomain[]> {
    const rows = this.db.prepare('SELECT * FROM custom_domains WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ?')
      .all(now, limit) as DomainRow[];
    return rows.map(toDomain);
  }
}
