/**
 * Shared by the sdk-*.test.ts files: starts the real service set up for the SDKs' own test
 * suites (a loopback DNS server that verifies one custom domain and publishes SPF and DMARC for
 * one sender domain, webhooks allowed to reach 127.0.0.1, a low free-plan rate limit), makes the
 * keys, and runs a suite as a child process with the TEMPMAIL_* environment those suites read.
 * On request, a second service checks senders (SPF/DKIM/DMARC, off in the first so that no
 * `message.updated` follows the other suites' messages) for the verified-sender tests.
 */
import { spawn } from 'node:child_process';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { createKey } from '../helpers/keys.js';
import { REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

const MX = 'mx.tempmail.test';
/** A custom domain whose MX record (on the test DNS server) points at the service. */
const VERIFIED_DOMAIN = 'inbox.sdk-verified.example';
/**
 * A sender domain whose SPF passes for 127.0.0.1 and whose DMARC record makes mail sent from
 * it over loopback (envelope and From on it) authenticated: the SDKs' verified-sender waits
 * (from_domain, require_auth) tell it from a forged From of the same domain.
 */
const AUTH_SENDER_DOMAIN = 'sdk-sender.example';

export interface SdkService {
  svc: ServiceHandle;
  /**
   * TEMPMAIL_URL, TEMPMAIL_KEY, TEMPMAIL_FREE_KEY, TEMPMAIL_LIMITED_KEY, TEMPMAIL_SMTP_PORT,
   * TEMPMAIL_TEST_DOMAIN; with sender checks, TEMPMAIL_AUTH_URL, TEMPMAIL_AUTH_KEY (premium),
   * TEMPMAIL_AUTH_SMTP_PORT and TEMPMAIL_AUTH_SENDER_DOMAIN.
   */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts DNS + service and creates a premium key, a free key and a second (rate-limited) free
 * key; `senderChecks`: also the service that checks senders, with a premium key of its own.
 */
export async function startSdkService(opts: { senderChecks?: boolean } = {}): Promise<SdkService> {
  const dns: TestDnsServer = await startDnsServer();
  dns.setMx(VERIFIED_DOMAIN, MX);
  dns.setTxt(AUTH_SENDER_DOMAIN, ['v=spf1 ip4:127.0.0.1 -all']);
  dns.setTxt(`_dmarc.${AUTH_SENDER_DOMAIN}`, ['v=DMARC1; p=reject']);
  const svc = await startService({
    TEMPMAIL_DOMAINS: 'tempmail.test',
    TEMPMAIL_MX_HOST: MX,
    TEMPMAIL_DNS_SERVERS: dns.address,
    TEMPMAIL_DNS_TIMEOUT_MS: '5000',
    TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    TEMPMAIL_RATE_FREE: '20',
  }).catch(async (e) => { await dns.close(); throw e; });
  const checked = opts.senderChecks
    ? await startService({
      TEMPMAIL_DOMAINS: 'tempmail.test',
      TEMPMAIL_DNS_SERVERS: dns.address,
      TEMPMAIL_AUTH_CHECKS: 'on',
      TEMPMAIL_AUTH_DNS_TIMEOUT_MS: '400',
    }).catch(async (e) => { await Promise.all([svc.stop(), dns.close()]); throw e; })
    : null;
  const [premium, free, limited] = await Promise.all([createKey(svc, 'premium'), createKey(svc, 'free'), createKey(svc, 'free')]);
  const checkedEnv: Record<string, string> = checked
    ? {
      TEMPMAIL_AUTH_URL: checked.httpUrl,
      TEMPMAIL_AUTH_KEY: await createKey(checked, 'premium'),
      TEMPMAIL_AUTH_SMTP_PORT: String(checked.smtpPort),
      TEMPMAIL_AUTH_SENDER_DOMAIN: AUTH_SENDER_DOMAIN,
    }
    : {};
  return {
    svc,
    env: {
      TEMPMAIL_URL: svc.httpUrl,
      TEMPMAIL_KEY: premium,
      TEMPMAIL_FREE_KEY: free,
      TEMPMAIL_LIMITED_KEY: limited,
      TEMPMAIL_SMTP_PORT: String(svc.smtpPort),
      TEMPMAIL_TEST_DOMAIN: VERIFIED_DOMAIN,
      ...checkedEnv,
    },
    async stop() {
      await Promise.all([svc.stop(), checked?.stop()]);
      await dns.close();
    },
  };
}

export interface ChildResult { code: number | null; output: string }

/** Runs `cmd args` in `cwd` (default the repository root) with PATH, HOME and `env` only; output is interleaved. */
export function runSuite(cmd: string, args: string[], env: Record<string, string>, timeoutMs = 900_000, cwd = REPO_ROOT): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => { output += `\n[killed after ${timeoutMs} ms]`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

/** As runSuite, but throws with the output when the command fails. */
export async function mustRun(cmd: string, args: string[], env: Record<string, string>, cwd: string, timeoutMs = 900_000): Promise<string> {
  const r = await runSuite(cmd, args, env, timeoutMs, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.output.slice(-6000)}`);
  return r.output;
}

/** Whether `cmd` can be run (found on PATH). */
export async function commandExists(cmd: string): Promise<boolean> {
  try {
    const r = await runSuite('sh', ['-c', `command -v ${cmd}`], {}, 120_000);
    return r.code === 0;
  } catch {
    return false;
  }
}
