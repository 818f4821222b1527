/**
 * A package-lock.json for an empty project that depends on a packed workspace package, cut
 * from the workspace's own lock: the package's production dependency tree in the same layout
 * (hoisted entries stay at the top, the workspace's nested ones move under the package).
 * `npm ci --offline` then installs every dependency from the npm cache that the workspace's
 * `npm ci` filled, with no registry lookup (a bare `npm install <tarball>` needs packuments).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  link?: boolean;
  [field: string]: unknown;
}

/** Location of the folder that holds a node_modules entry ('' for the root). */
function parentOf(location: string): string {
  const i = location.lastIndexOf('node_modules/');
  return i <= 0 ? '' : location.slice(0, i - 1);
}

/** Where node would find `name` from a package at `from`, in the lock's layout. */
function resolve(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  for (let loc = from; ; loc = parentOf(loc)) {
    const candidate = `${loc ? `${loc}/` : ''}node_modules/${name}`;
    if (packages[candidate] && !packages[candidate]!.link) return candidate;
    if (loc === '') return null;
  }
}

export function lockForPackedWorkspace(opts: {
  repoRoot: string; workspace: string; projectName: string; tarballFile: string;
}): { packageJson: object; lock: object } {
  const lock = JSON.parse(readFileSync(path.join(opts.repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const { packages } = lock;
  const ws = packages[opts.workspace]!;
  const pkgName = (ws as { name: string }).name;
  const moved = (loc: string) => (loc.startsWith(`${opts.workspace}/`) ? `node_modules/${pkgName}/${loc.slice(opts.workspace.length + 1)}` : loc);
  const out: Record<string, LockEntry> = {};
  const queue: string[] = [opts.workspace];
  const seen = new Set<string>();
  while (queue.length) {
    const loc = queue.shift()!;
    if (seen.has(loc)) continue;
    seen.add(loc);
    const entry = packages[loc]!;
    const optional = new Set(Object.keys(entry.optionalDependencies ?? {}));
    for (const [name, meta] of Object.entries(entry.peerDependenciesMeta ?? {})) if (meta.optional) optional.add(name);
    const wanted = { ...entry.peerDependencies, ...entry.optionalDependencies, ...entry.dependencies };
    for (const name of Object.keys(wanted)) {
      const found = resolve(packages, loc, name);
      if (found) queue.push(found);
      else if (!optional.has(name)) throw new Error(`${name} (needed by ${loc || 'root'}) is not in the workspace lock`);
    }
    if (loc !== opts.workspace) {
      const { dev: _dev, devOptional: _devOptional, ...kept } = entry;
      out[moved(loc)] = kept;
    }
  }
  const spec = `file:${opts.tarballFile}`;
  const { devDependencies: _devDeps, name: _name, ...wsFields } = ws as LockEntry & { name: string };
  return {
    packageJson: { name: opts.projectName, private: true, dependencies: { [pkgName]: spec } },
    lock: {
      name: opts.projectName, lockfileVersion: 3, requires: true,
      packages: {
        '': { name: opts.projectName, dependencies: { [pkgName]: spec } },
        [`node_modules/${pkgName}`]: { ...wsFields, resolved: spec },
        ...out,
      },
    },
  };
}
