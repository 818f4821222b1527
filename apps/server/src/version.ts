/** The server package's version (package.json beside dist/ and src/). */
import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** `version` of apps/server/package.json (the `tempmail-server` package). */
export function serviceVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
