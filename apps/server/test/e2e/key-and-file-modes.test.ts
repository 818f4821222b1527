/**
 * Where keys and mail live on disk: the generated master key beside the keyring
 * (TEMPMAIL_KEYRING_DIR), never in DATA_DIR, and moved out of DATA_DIR when an older version
 * put it there; every file holding keys or mail readable by its owner only (0600).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { startService } from '../helpers/service.js';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('keys and mail on disk', () => {
  it('master key beside the keyring, files 0600, and a DATA_DIR/master.key of an older version moved there', async () => {
    const first = await startService();
    const dataDir = first.dataDir;
    const keyringDir = `${dataDir}-keyring`;
    let second: Awaited<ReturnType<typeof startService>> | null = null;
    try {
      const box = (await http(`${first.httpUrl}/api/generate_email.php`)).body;
      await sendMail(first.smtpPort, { to: box.email, subject: 'on disk', text: 'mode check' });
      await eventually(async () => (await http(`${first.httpUrl}/api/inbox.php?${qs(box)}`)).body.length === 1);
      assert.equal(existsSync(path.join(dataDir, 'master.key')), false, 'no master key in DATA_DIR');
      const keyFile = path.join(keyringDir, 'master.key');
      const files = [keyFile, ...readdirSync(dataDir).filter((f) => f.startsWith('tempmail.db')).map((f) => path.join(dataDir, f)),
        ...readdirSync(keyringDir).filter((f) => f.startsWith('keyring.db')).map((f) => path.join(keyringDir, f))];
      assert.ok(files.some((f) => f.endsWith('tempmail.db-wal')), `the WAL is checked too: ${files.join(', ')}`);
      for (const f of files) assert.equal(mode(f).toString(8), '600', f);
      await first.stop({ keepData: true });

      // An install of an older version: the generated key in DATA_DIR.
      renameSync(keyFile, path.join(dataDir, 'master.key'));
      second = await startService({ DATA_DIR: dataDir });
      assert.equal(existsSync(path.join(dataDir, 'master.key')), false);
      assert.equal(mode(keyFile).toString(8), '600');
      assert.match(second.logs(), /moved the generated master key out of DATA_DIR/);
      const inbox = await http(`${second.httpUrl}/api/inbox.php?${qs(box)}`);
      assert.equal(inbox.body[0]?.subject, 'on disk', 'the moved key still opens the mail');
    } finally {
      await second?.stop();
      await first.stop();
    }
  });
});
