/**
 * One service per storage backend for the tests of a describe block: started before them
 * (PostgreSQL in a schema of its own, dropped afterwards), stopped after them. Where PostgreSQL
 * is not running, `service(t)` skips the test with the reason (CI fails instead: skipOrFail).
 */
import { after, before, type TestContext } from 'node:test';
import { dropSchemas, requirePostgres, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, uniqueName } from '../contract/services.js';
import { type ServiceHandle, startService } from './service.js';

export type Backend = 'sqlite' | 'postgres';

export function serviceOnBackend(backend: Backend, env: Record<string, string>, schemaPrefix: string): {
  /** The PostgreSQL schema the service uses (unused on SQLite). */
  schema: string;
  service(t: TestContext): ServiceHandle | null;
} {
  const schema = uniqueName(schemaPrefix);
  let svc: ServiceHandle | null = null;
  let unavailable = '';
  before(async () => {
    if (backend === 'postgres') {
      try {
        await requirePostgres();
      } catch (err) {
        if (!(err instanceof ServiceUnavailable)) throw err;
        unavailable = err.message;
        return;
      }
    }
    svc = await startService(backend === 'postgres' ? { ...env, DATABASE_URL: TEST_DATABASE_URL, TEMPMAIL_PG_SCHEMA: schema } : env);
  });
  after(async () => {
    await svc?.stop();
    if (backend === 'postgres' && !unavailable) await dropSchemas(TEST_DATABASE_URL, [schema, `${schema}_keyring`]).catch(() => {});
  });
  return {
    schema,
    service(t) {
      if (!svc) skipOrFail(t, unavailable);
      return svc;
    },
  };
}
