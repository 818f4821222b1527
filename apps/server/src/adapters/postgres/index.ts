/** PostgreSQL adapters (for several nodes). */
import type { Config } from '../../config/index.js';
import type { KeyringStore, Store } from '../../ports/store.js';

export async function openPostgres(config: Config): Promise<{ store: Store; keyring: KeyringStore }> {
  void config;
  throw new Error('DATABASE_URL: the PostgreSQL adapter is not available in this build yet');
}
