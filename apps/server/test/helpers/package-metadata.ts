/**
 * The project's canonical source and issue URLs, as every published package's metadata must
 * name them (npm `repository` / `homepage` / `bugs`, Python `[project.urls]`, Composer
 * `homepage` / `support`): one place, so the pack tests agree with each other.
 */
import assert from 'node:assert/strict';

export const REPOSITORY_URL = 'https://github.com/tempmail-dev/tempmail';
export const ISSUES_URL = `${REPOSITORY_URL}/issues`;

/** Asserts an npm package.json's repository (with its folder), homepage and bugs URLs. */
export function assertNpmLinks(pkg: Record<string, unknown>, directory: string): void {
  assert.deepEqual(pkg.repository, { type: 'git', url: `git+${REPOSITORY_URL}.git`, directory });
  assert.ok(typeof pkg.homepage === 'string' && pkg.homepage.startsWith(REPOSITORY_URL), `homepage under ${REPOSITORY_URL}: ${String(pkg.homepage)}`);
  assert.deepEqual(pkg.bugs, { url: ISSUES_URL });
}
