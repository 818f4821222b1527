/** A message answered 250 survives kill -9 right after the answer. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { http, qs } from '../helpers/api.js';
import { rawSmtp } from '../helpers/smtp-client.js';
import { type ServiceHandle, startService, tempDataDir } from '../helpers/service.js';

describe('durable 250', () => {
  const handles: ServiceHandle[] = [];
  after(async () => { for (const h of handles) await h.stop(); });

  it('keeps every message answered 250 when the process is killed with SIGKILL right after', async () => {
    const dataDir = tempDataDir();
    const first = await startService({ DATA_DIR: dataDir });
    handles.push(first);
    const box = (await http(`${first.httpUrl}/api/generate_email.php`)).body;
    const sessions = await Promise.all(Array.from({ length: 8 }, () => rawSmtp(first.smtpPort)));
    const accepted: string[] = [];
    await Promise.all(sessions.map(async (s, i) => {
      await s.reply();
      await s.command('EHLO t');
      await s.command('MAIL FROM:<a@example.com>');
      await s.command(`RCPT TO:<${box.email}>`);
      await s.command('DATA');
      const r = await s.command(`Subject: durable ${i}\r\n\r\nbody ${i}\r\n.`);
      if (r.code === 250) accepted.push(`durable ${i}`);
    }));
    // The instant the last 250 is read: no graceful shutdown, no flush, no checkpoint.
    await first.kill();
    assert.equal(accepted.length, 8);

    const second = await startService({ DATA_DIR: dataDir });
    handles.push(second);
    const list = (await http(`${second.httpUrl}/api/inbox.php?${qs(box)}`)).body;
    assert.deepEqual(list.map((m: any) => m.subject).sort(), accepted.sort());
    const msg = (await http(`${second.httpUrl}/api/read.php?${qs({ ...box, id: list[0].id })}`)).body;
    assert.match(msg.body, /body \d/);
  });
});
