/**
 * Runs the DomainStore contract against SQLite (temporary directories) and PostgreSQL
 * (TEMPMAIL_TEST_DATABASE_URL, one fresh schema per case, dropped afterwards).
 */
import { domainStoreContract } from './domain-store.contract.js';
import { openPgStore, openSqliteStore } from './store-fixtures.js';

domainStoreContract('sqlite', () => openSqliteStore('tempmail-domstore'));
domainStoreContract('postgres', () => openPgStore('tm_domstore'));
