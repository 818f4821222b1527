/** STARTTLS is offered when a certificate is configured, and mail sent over it is accepted. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { eventually, http, qs } from '../helpers/api.js';
import { rawSmtp } from '../helpers/smtp-client.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

describe('STARTTLS', () => {
  let svc: ServiceHandle;
  let plain: ServiceHandle;
  const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-tls-'));
  before(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=mx.tempmail.local',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    svc = await startService({ TEMPMAIL_TLS_CERT: path.join(dir, 'cert.pem'), TEMPMAIL_TLS_KEY: path.join(dir, 'key.pem') });
    plain = await startService();
  });
  after(async () => {
    await svc.stop();
    await plain.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces STARTTLS only with a certificate', async () => {
    for (const [service, expected] of [[svc, true], [plain, false]] as const) {
      const s = await rawSmtp(service.smtpPort);
      await s.reply();
      const ehlo = await s.command('EHLO client.example');
      assert.equal(/STARTTLS/.test(ehlo.text), expected);
      s.close();
    }
  });

  it('accepts mail sent over STARTTLS', async () => {
    const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: svc.smtpPort, requireTLS: true, tls: { rejectUnauthorized: false } });
    const info = await transport.sendMail({ from: 'a@example.com', to: box.email, subject: 'over tls', text: 'secure' });
    transport.close();
    assert.match(info.response, /^250 /);
    const m = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    assert.equal(m.subject, 'over tls');
  });
});
