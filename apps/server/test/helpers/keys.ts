/** Creates API keys through the real CLI against a running service's data (DATA_DIR / DATABASE_URL). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI, type ServiceHandle } from './service.js';

const run = promisify(execFile);

/** `tempmail keys create --plan PLAN --json` with the service's environment; returns the key. */
export async function createKey(service: Pick<ServiceHandle, 'env'>, plan: 'free' | 'premium' = 'free'): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, 'keys', 'create', '--plan', plan, '--json'], { env: service.env });
  const parsed = JSON.parse(stdout) as { key: string; plan: string };
  if (parsed.plan !== plan || !parsed.key) throw new Error(`unexpected keys create output: ${stdout}`);
  return parsed.key;
}
