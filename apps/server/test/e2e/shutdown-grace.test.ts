/**
 * TEMPMAIL_SHUTDOWN_GRACE_MS is honoured: a DATA still arriving well past five seconds after
 * SIGTERM (smtp-server's old hard-coded close timeout) finishes with 250 inside a long grace,
 * the process then exits 0, and the message is there after a restart.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { eventually, http, qs } from '../helpers/api.js';
import { startService } from '../helpers/service.js';
import { rawSmtp } from '../helpers/smtp-client.js';

describe('shutdown grace', () => {
  it('a long DATA that started before SIGTERM completes within the grace', async () => {
    // A long grace, and no minimum data rate: the upload below is paced by the test process, and
    // on a busy machine that pace (and the wait for 503 with nothing sent) is the machine's.
    const env = {
      TEMPMAIL_SHUTDOWN_GRACE_MS: '180000', TEMPMAIL_SMTP_MIN_DATA_RATE: '0', TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'),
    };
    const svc = await startService(env);
    let restarted: Awaited<ReturnType<typeof startService>> | null = null;
    try {
      const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
      const smtp = await rawSmtp(svc.smtpPort);
      await smtp.reply();
      await smtp.command('EHLO grace.example');
      await smtp.command('MAIL FROM:<slow@example.com>');
      assert.equal((await smtp.command(`RCPT TO:<${box.email}>`)).code, 250);
      assert.equal((await smtp.command('DATA')).code, 354);
      smtp.send(`From: slow@example.com\r\nTo: ${box.email}\r\nSubject: slow upload\r\n\r\n`);
      const exited = new Promise<number | null>((resolve) => svc.process.once('exit', (code) => resolve(code)));
      svc.process.kill('SIGTERM');
      await eventually(async () => (await http(`${svc.httpUrl}/readyz`)).status === 503, 30_000);
      // Keep the upload going (above the minimum data rate) past the old 5 s cut-off.
      const line = `${'x'.repeat(1000)}\r\n`;
      for (let i = 0; i < 35; i++) {
        smtp.send(line.repeat(2));
        await new Promise((r) => setTimeout(r, 200));
      }
      smtp.send('.\r\n');
      const reply = await smtp.reply(180_000);
      assert.equal(reply.code, 250, reply.text);
      const id = /queued as (\S+)/.exec(reply.text)?.[1];
      smtp.close();
      assert.equal(await exited, 0, svc.logs());
      restarted = await startService({ ...env, DATA_DIR: svc.dataDir });
      const inbox = await http<Array<{ id: string }>>(`${restarted.httpUrl}/api/inbox.php?${qs(box)}`);
      assert.ok(inbox.body.some((m) => m.id === id), JSON.stringify(inbox.body));
    } finally {
      await restarted?.stop({ keepData: true });
      await svc.stop();
    }
  });
});
