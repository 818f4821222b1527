/**
 * Two nodes on one PostgreSQL schema and one Redis, sharing TEMPMAIL_MASTER_KEY: a mailbox made
 * on node B receives mail through node A's SMTP and B's WebSocket pushes it (fan-out through
 * Redis); a mailbox deleted on B is gone from A's memory and A's WebSockets are told; B keeps
 * serving after A is killed; and nothing in the database holds the plaintext.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WebSocket } from 'ws';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { CLI, type ServiceHandle, startService } from '../helpers/service.js';
import {
  dropSchemas, requirePostgres, requireRedis, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName,
} from '../contract/services.js';

const run = promisify(execFile);
const DOMAIN = 'multi.test';
const MARK_SUBJECT = `SubjMark${randomBytes(6).toString('hex')}`;
const MARK_BODY = `BodyMark${randomBytes(6).toString('hex')}`;

interface Box { email: string; token: string }

describe('multi-node on PostgreSQL + Redis', () => {
  const schema = uniqueName('tm_e2e');
  const keyringSchema = `${schema}_keyring`;
  let unavailable = '';
  let a: ServiceHandle | null = null;
  let b: ServiceHandle | null = null;
  let db: pg.Client | null = null;
  let redis: Redis | null = null;
  const sockets: WebSocket[] = [];
  /** Where node A writes V8 heap snapshots on SIGUSR2 (Node's own --heapsnapshot-signal). */
  const heapDir = mkdtempSync(path.join(tmpdir(), 'tempmail-heap-'));

  before(async () => {
    try {
      await requirePostgres();
      await requireRedis();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
      return;
    }
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      TEMPMAIL_PG_SCHEMA: schema,
      TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'),
      TEMPMAIL_DOMAINS: DOMAIN,
      TEMPMAIL_FREE_MAX_MAILBOXES: '5',
    };
    // Both start at once: their migrations race for the advisory lock.
    [a, b] = await Promise.all([
      startService({ ...env, NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${heapDir}` }),
      startService(env),
    ]);
    db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_REDIS_URL);
  });

  after(async () => {
    for (const ws of sockets) ws.terminate();
    await a?.stop();
    await b?.stop();
    await db?.end();
    redis?.disconnect();
    rmSync(heapDir, { recursive: true, force: true });
    if (!unavailable) await dropSchemas(TEST_DATABASE_URL, [schema, keyringSchema]).catch(() => {});
  });

  const ready = (t: Parameters<typeof skipOrFail>[0]): boolean => {
    if (unavailable) {
      skipOrFail(t, unavailable);
      return false;
    }
    return true;
  };

  const generate = async (node: ServiceHandle): Promise<Box> => {
    const res = await http(`${node.httpUrl}/api/generate_email.php`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Box;
  };

  /** Opens /ws on `node` and waits until that node's Redis subscription for the mailbox is live. */
  const openWs = async (node: ServiceHandle, box: Box): Promise<{ ws: WebSocket; frames: any[] }> => {
    const ws = new WebSocket(`${node.httpUrl.replace('http', 'ws')}/ws?${qs({ email: box.email, token: box.token })}`);
    sockets.push(ws);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const { rows } = await db!.query<{ id: string }>(`SELECT id FROM "${schema}".mailboxes WHERE address = $1`, [box.email]);
    const channel = `tempmail:mbx:${rows[0].id}`;
    await eventually(async () => Number(((await redis!.pubsub('NUMSUB', channel)) as [string, number])[1]) > 0, 5000, 10);
    return { ws, frames };
  };

  const inbox = async (node: ServiceHandle, box: Box) =>
    eventually(async () => {
      const r = await http(`${node.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
      return r.status === 200 && r.body.length ? (r.body as Array<{ id: string; subject: string }>) : null;
    });

  it('a mailbox made on B gets mail through A\'s SMTP, pushed on B\'s WebSocket and readable through B', async (t) => {
    if (!ready(t)) return;
    const box = await generate(b!);
    const { frames } = await openWs(b!, box);
    const sentAt = Date.now();
    const reply = await sendMail(a!.smtpPort, {
      from: 'Service <noreply@example.org>', to: box.email, subject: `Verify ${MARK_SUBJECT}`,
      text: `Hello, your verification code is 482910. ${MARK_BODY}`,
    });
    assert.match(reply.response, /^250 /);
    const acceptedAt = Date.now();
    const event = await eventually(async () => frames[0], 5000, 5);
    t.diagnostic(`SMTP on A took ${acceptedAt - sentAt} ms; WS event on B ${Date.now() - acceptedAt} ms after the 250`);
    assert.deepEqual(Object.keys(event).sort(), ['confirmation_link', 'email', 'event', 'id', 'otp', 'received_at', 'sender', 'sender_name', 'subject']);
    assert.equal(event.sender_name, 'Service');
    assert.equal(event.event, 'message.received');
    assert.match(event.id, /^msg_/);
    assert.equal(event.email, box.email);
    assert.equal(event.sender, 'noreply@example.org');
    assert.equal(event.subject, `Verify ${MARK_SUBJECT}`);
    assert.equal(event.otp, '482910');
    assert.equal(event.confirmation_link, null);
    assert.match(event.received_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const read = await http(`${b!.httpUrl}/api/read.php?${qs({ email: box.email, token: box.token, id: event.id })}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.id, event.id);
    assert.equal(read.body.subject, `Verify ${MARK_SUBJECT}`);
    assert.match(read.body.body, new RegExp(MARK_BODY));
    const listedOnA = await inbox(a!, box);
    assert.deepEqual(listedOnA.map((m) => m.id), [event.id], 'node A serves the same mailbox');
    assert.equal(frames.length, 1, 'exactly one event');
  });

  it('a mailbox deleted on B is gone on A at once, however warm A\'s caches are', async (t) => {
    if (!ready(t)) return;
    const box = await generate(a!);
    await sendMail(a!.smtpPort, { to: box.email, subject: 'warm', text: 'cached on A' });
    const [message] = await inbox(a!, box);
    const readOnA = () => http(`${a!.httpUrl}/api/read.php?${qs({ email: box.email, token: box.token, id: message.id })}`);
    for (let i = 0; i < 3; i++) { // list, read and authorise on A more than once: every cache A has is warm
      assert.equal((await http(`${a!.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`)).status, 200);
      assert.equal((await readOnA()).status, 200);
    }
    const del = await http(`${b!.httpUrl}/api/delete.php`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs({ email: box.email, token: box.token }),
    });
    assert.equal(del.status, 200);
    // No waiting: the first requests after B's answer must already miss.
    assert.equal((await http(`${a!.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`)).status, 404);
    assert.equal((await readOnA()).status, 404);
  });

  /** Node A's whole JS heap, as written by V8 (only what is reachable: a snapshot collects garbage first). */
  const heapOfA = async (): Promise<string> => {
    const earlier = new Set(readdirSync(heapDir));
    a!.process.kill('SIGUSR2');
    return eventually(async () => {
      const file = readdirSync(heapDir).find((f) => !earlier.has(f) && f.endsWith('.heapsnapshot'));
      if (!file) return null;
      const text = readFileSync(path.join(heapDir, file), 'utf8');
      try {
        JSON.parse(text); // complete only once it parses
      } catch {
        return null;
      }
      rmSync(path.join(heapDir, file));
      return text;
    }, 60_000, 100);
  };

  it('a mailbox deleted on B: A\'s WebSocket gets mailbox.deleted and closes, and A\'s memory drops its plaintext', async (t) => {
    if (!ready(t)) return;
    /** A mailbox on A with one message sent through B's SMTP (A only sees its plaintext by reading it), read on A. */
    const readOnA = async () => {
      const marks = { subject: `GoneSubj${randomBytes(8).toString('hex')}`, body: `GoneBody${randomBytes(8).toString('hex')}` };
      const box = await generate(a!);
      await sendMail(b!.smtpPort, { to: box.email, subject: `Hello ${marks.subject}`, text: `Read me on A: ${marks.body}` });
      const [message] = await inbox(a!, box);
      const read = () => http(`${a!.httpUrl}/api/read.php?${qs({ email: box.email, token: box.token, id: message.id })}`);
      const first = await read();
      assert.equal(first.status, 200);
      assert.match(first.body.body, new RegExp(marks.body));
      return { box, marks, read };
    };
    const doomed = await readOnA();
    const kept = await readOnA(); // stays: proves the snapshot after the delete still shows cached plaintext
    const { ws, frames } = await openWs(a!, doomed.box);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const heapBefore = await heapOfA();
    for (const m of [doomed.marks.subject, doomed.marks.body]) assert.ok(heapBefore.includes(m), 'positive control: A\'s read caches hold the plaintext');

    const del = await http(`${b!.httpUrl}/api/delete.php`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: doomed.box.email, token: doomed.box.token }),
    });
    assert.equal(del.status, 200);
    const code = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve('not closed within 60 s'), 60_000))]);
    assert.equal(code, 4000, 'A closes the socket of the deleted mailbox');
    assert.deepEqual(frames, [{ event: 'mailbox.deleted', email: doomed.box.email }]);
    assert.equal((await doomed.read()).status, 404);
    assert.equal((await kept.read()).status, 200);

    const heapAfter = await heapOfA();
    for (const m of [kept.marks.subject, kept.marks.body]) assert.ok(heapAfter.includes(m), 'control: A still holds a live mailbox\'s plaintext');
    assert.equal(heapAfter.includes(doomed.marks.subject), false, 'A still holds the deleted mailbox\'s subject');
    assert.equal(heapAfter.includes(doomed.marks.body), false, 'A still holds the deleted mailbox\'s body');
  });

  it('stores no plaintext: no table column in either schema (nor pg_dump) holds the subject or body markers', async (t) => {
    if (!ready(t)) return;
    const needles = [MARK_SUBJECT, MARK_BODY].map((m) => Buffer.from(m, 'utf8'));
    const { rows: columns } = await db!.query<{ table_schema: string; table_name: string; column_name: string }>(
      `SELECT table_schema, table_name, column_name FROM information_schema.columns
       WHERE table_schema = ANY($1) AND data_type IN ('bytea', 'text', 'character varying', 'json', 'jsonb')`,
      [[schema, keyringSchema]],
    );
    assert.ok(columns.some((c) => c.table_name === 'messages' && c.column_name === 'summary'));
    let values = 0;
    let sawMessage = false;
    for (const c of columns) {
      const { rows } = await db!.query(`SELECT "${c.column_name}" AS v FROM "${c.table_schema}"."${c.table_name}"`);
      for (const { v } of rows) {
        if (v === null) continue;
        values++;
        const bytes = Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
        for (const n of needles) assert.equal(bytes.indexOf(n), -1, `${c.table_schema}.${c.table_name}.${c.column_name} holds plaintext`);
        if (c.table_name === 'message_raw') sawMessage = true;
      }
    }
    assert.ok(sawMessage && values > 10, `the scan saw the stored message (${values} values)`);

    let dump: string;
    try {
      dump = (await run('pg_dump', ['--data-only', `--schema=${schema}`, `--schema=${keyringSchema}`, TEST_DATABASE_URL], { maxBuffer: 256 << 20 })).stdout;
    } catch (err) {
      t.diagnostic(`pg_dump not usable here (${(err as Error).message.split('\n')[0]}); the column scan above stands`);
      return;
    }
    assert.ok(dump.includes(MARK_SUBJECT) === false && dump.includes(MARK_BODY) === false, 'pg_dump text holds a marker');
    for (const n of needles) assert.ok(!dump.includes(n.toString('hex')), 'pg_dump holds a marker in bytea hex');
    const { rows } = await db!.query<{ address: string }>(`SELECT address FROM "${schema}".mailboxes LIMIT 1`);
    assert.ok(dump.includes(rows[0].address), 'the dump covers the data (positive control)');
  });

  it('a plan\'s live-mailbox cap holds exactly across nodes: 16 calls at once on A and B, 5 mailboxes', async (t) => {
    if (!ready(t)) return;
    const { stdout } = await run(process.execPath, [CLI, 'keys', 'create', '--plan', 'free', '--json'], { env: a!.env });
    const { key } = JSON.parse(stdout) as { key: string };
    const calls = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      http(`${(i % 2 ? b! : a!).httpUrl}/v1/generate_email.php?${qs({ key })}`)));
    const statuses = calls.map((c) => c.status).sort();
    assert.deepEqual(statuses, [...Array(5).fill(200), ...Array(11).fill(403)], JSON.stringify(statuses));
    const made = calls.filter((c) => c.status === 200).map((c) => c.body.email as string);
    const { rows } = await db!.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".mailboxes WHERE address = ANY($1)`, [made]);
    assert.equal(Number(rows[0].n), 5);
    assert.match(calls.find((c) => c.status === 403)!.body.error.message, /free plan allows 5 live mailboxes/);
  });

  it('B keeps serving after A is killed: generate, SMTP on B, push and read on B', async (t) => {
    if (!ready(t)) return;
    await a!.kill();
    assert.equal((await fetch(`${b!.httpUrl}/readyz`)).status, 200);
    const box = await generate(b!);
    const { frames } = await openWs(b!, box);
    const reply = await sendMail(b!.smtpPort, { to: box.email, subject: 'after the failover', text: `still here ${MARK_BODY}` });
    assert.match(reply.response, /^250 /);
    const event = await eventually(async () => frames[0], 5000, 5);
    assert.equal(event.subject, 'after the failover');
    const list = await inbox(b!, box);
    assert.equal(list[0].id, event.id);
    const read = await http(`${b!.httpUrl}/api/read.php?${qs({ email: box.email, token: box.token, id: event.id })}`);
    assert.equal(read.status, 200);
    assert.match(read.body.body, /still here/);
  });
});
