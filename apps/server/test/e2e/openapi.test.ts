/**
 * /openapi.json against the service itself: an OpenAPI 3.1 document of every /api and /v1
 * route, and every JSON answer of a real call (success and error) valid against the schema the
 * document gives for its route and status. Objects are closed, so an undescribed field fails.
 * Also: the TypeScript SDK's types (packages/sdk/src/types.ts) against the document's shapes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ts from 'typescript';
import { http, qs, sendMail, eventually } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

type Doc = { openapi: string; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

describe('OpenAPI document', () => {
  let svc: ServiceHandle;
  let doc: Doc;
  let key: string;
  let premium: string;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  /** "METHOD path" of every documented operation a call answered 2xx. */
  const covered = new Set<string>();

  before(async () => {
    svc = await startService({ TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1', TEMPMAIL_DNS_SERVERS: '127.0.0.1:9', TEMPMAIL_DNS_TIMEOUT_MS: '200' });
    [key, premium] = await Promise.all([createKey(svc, 'free'), createKey(svc, 'premium')]);
    const res = await http(`${svc.httpUrl}/openapi.json`);
    assert.equal(res.status, 200);
    doc = res.body;
    ajv.addSchema({ ...doc, $id: 'openapi' });
  });
  after(async () => { await svc?.stop(); });

  /** Calls, then validates the JSON answer against the document's schema for its status. */
  const call = async (method: 'GET' | 'POST' | 'DELETE', route: string, params: Record<string, string | number | undefined>, expect: number) => {
    const res = await http(`${svc.httpUrl}${route}?${qs(params)}`, { method });
    assert.equal(res.status, expect, `${method} ${route}: ${JSON.stringify(res.body)}`);
    const op = doc.paths[route]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${route} is documented`);
    const status = String(res.status) in op.responses ? String(res.status) : `${String(res.status)[0]}XX`;
    assert.ok(op.responses[status], `${method} ${route} documents ${res.status}`);
    const pointer = `openapi#/paths/${route.replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    assert.ok(validate, `schema at ${pointer}`);
    assert.ok(validate(res.body), `${method} ${route} ${res.status} answered what its schema does not describe: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body)}`);
    if (res.status < 300) covered.add(`${method} ${route}`);
    return res.body;
  };

  it('is OpenAPI 3.1 with every /api and /v1 route, security schemes and shared shapes', () => {
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/api/generate_email.php', '/api/inbox.php', '/api/read.php', '/api/wait.php', '/api/delete.php', '/api/delete_message.php',
      '/v1/generate_email.php', '/v1/inbox.php', '/v1/read.php', '/v1/wait.php', '/v1/mailboxes.php', '/v1/delete_message.php', '/v1/webhook.php', '/v1/domains.php']) {
      assert.ok(doc.paths[p], `${p} documented`);
    }
    for (const shape of ['Message', 'MessageSummary', 'Error', 'OwnedMailbox', 'MessageLink']) assert.ok(doc.components.schemas[shape], shape);
    assert.deepEqual(doc.paths['/v1/read.php'].get.security, [{ bearer: [] }, { keyQuery: [] }]);
  });

  it('every JSON answer of a real call matches its documented schema', async () => {
    const anon = await call('GET', '/api/generate_email.php', {}, 200);
    assert.deepEqual(await call('GET', '/api/names.php', {}, 200), { allowed: true });
    const refused = await call('GET', '/api/generate_email.php', { name: 'postmaster' }, 400);
    assert.equal(refused.error.param, 'name', 'a name error names its parameter');
    const auth = { email: anon.email, token: anon.token };
    await sendMail(svc.smtpPort, {
      from: 'Acme <noreply@acme.test>', to: anon.email, subject: 'Verify', text: 'Your code is 482910',
      html: '<p>Your code is 482910 <a href="https://acme.test/verify?t=1">Verify</a></p>', attachments: [{ filename: 'a.txt', content: 'x' }],
    });
    await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(auth)}`)).body.length === 1);
    const [summary] = await call('GET', '/api/inbox.php', auth, 200);
    await call('GET', '/api/inbox.php', { ...auth, from: 'acme' }, 200);
    await call('GET', '/api/read.php', { ...auth, id: summary.id }, 200);
    await call('GET', '/api/wait.php', { ...auth, match: 'otp', timeout: 5 }, 200);
    await call('GET', '/api/read.php', { ...auth, id: 'msg_nope' }, 404);
    await call('GET', '/api/read.php', { email: anon.email }, 400);

    const v1 = { key };
    const box = await call('GET', '/v1/generate_email.php', v1, 200);
    await sendMail(svc.smtpPort, { to: box.email, subject: 'Hello', text: 'hi https://acme.test/x' });
    const msg = await call('GET', '/v1/wait.php', { ...v1, email: box.email, timeout: 60 }, 200);
    await call('GET', '/v1/inbox.php', { ...v1, email: box.email }, 200);
    await call('GET', '/v1/inbox.php', { ...v1, email: box.email, subject: 'hello', since: '2000-01-01T00:00:00Z' }, 200);
    await call('GET', '/v1/read.php', { ...v1, email: box.email, id: msg.id }, 200);
    await call('GET', '/v1/mailboxes.php', v1, 200);
    await call('GET', '/v1/wait.php', { ...v1, email: box.email, since: msg.id, timeout: 0.5 }, 408);
    await call('GET', '/v1/wait.php', { ...v1, email: box.email, match: 'nope' }, 400);
    await call('DELETE', '/v1/delete_message.php', { ...v1, email: box.email, id: msg.id }, 200);
    await call('DELETE', '/v1/delete_message.php', { ...v1, email: box.email, id: msg.id }, 404);
    await call('GET', '/v1/inbox.php', { email: box.email }, 401);

    const p = { key: premium };
    const pbox = await call('GET', '/v1/generate_email.php', p, 200);
    const hook = await call('POST', '/v1/webhook.php', { ...p, email: pbox.email, url: 'http://127.0.0.1:9/hook' }, 200);
    await call('GET', '/v1/webhook.php', { ...p, email: pbox.email }, 200);
    await call('GET', '/v1/webhook.php', { ...p, id: hook.id }, 200);
    await call('DELETE', '/v1/webhook.php', { ...p, id: hook.id }, 200);
    await call('POST', '/v1/webhook.php', { key, email: box.email, url: 'http://127.0.0.1:9/hook' }, 403);
    await call('POST', '/v1/domains.php', { ...p, domain: 'openapi.example' }, 200);
    await call('GET', '/v1/domains.php', p, 200);
    await call('GET', '/v1/domains.php', { ...p, domain: 'openapi.example' }, 200);
    await call('DELETE', '/v1/domains.php', { ...p, domain: 'openapi.example' }, 200);

    await call('DELETE', '/v1/delete.php', { ...v1, email: box.email }, 200);
    await call('POST', '/api/delete_message.php', { ...auth, id: summary.id }, 200);
    const gone = await call('DELETE', '/api/delete.php', auth, 200);
    assert.equal(gone.receipt.event, 'mailbox.deleted', 'the delete answer carries its receipt, as documented');
    const receipts = await call('GET', '/api/receipts.php', { since: 0 }, 200);
    assert.ok(receipts.length >= 2, 'both deletes receipted');
    await call('GET', '/api/receipts.php', { since: 'x' }, 400);

    // Every documented JSON route was answered 2xx at least once above (POST and DELETE of the
    // delete calls are one handler: either counts).
    const coveredRoutes = new Set([...covered].map((c) => c.split(' ')[1]));
    const jsonRoutes = Object.entries(doc.paths)
      .filter(([route, ops]) => /^\/(api|v1)\//.test(route) && Object.values(ops).some((op: any) => op.responses?.['200']?.content?.['application/json']))
      .map(([route]) => route);
    assert.deepEqual(jsonRoutes.filter((r) => !coveredRoutes.has(r)), []);
  });

  it('the TypeScript SDK\'s types have the fields, optionality and nullability of the document\'s shapes', () => {
    const file = path.join(REPO_ROOT, 'packages/sdk/src/types.ts');
    const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file)!;
    const interfaces = new Map<string, ts.Type>();
    ts.forEachChild(source, (node) => {
      if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, checker.getTypeAtLocation(node));
    });
    const pairs: Array<[string, string]> = [
      ['MessageSummary', 'MessageSummary'], ['Message', 'Message'], ['MessageLink', 'MessageLink'], ['Attachment', 'Attachment'],
      ['Mailbox', 'GeneratedMailbox'], ['AnonymousMailbox', 'AnonymousMailbox'], ['OwnedMailbox', 'OwnedMailbox'],
      ['DeletedMessage', 'DeletedMessage'], ['CreatedWebhook', 'CreatedWebhook'], ['Domain', 'Domain'],
    ];
    const problems: string[] = [];
    for (const [tsName, shape] of pairs) {
      const type = interfaces.get(tsName);
      const schema = doc.components.schemas[shape];
      if (!type || !schema) { problems.push(`${tsName} / ${shape} missing`); continue; }
      const tsProps = new Map(checker.getPropertiesOfType(type).map((s) => [s.name, s]));
      const required = new Set<string>(schema.required ?? []);
      for (const [name, prop] of Object.entries<any>(schema.properties)) {
        const symbol = tsProps.get(name);
        if (!symbol) { problems.push(`${tsName} lacks ${name}`); continue; }
        const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
        if (optional === required.has(name)) problems.push(`${tsName}.${name}: optional ${optional}, schema required ${required.has(name)}`);
        const propType = checker.getTypeOfSymbolAtLocation(symbol, source);
        const tsNullable = propType.isUnion() ? propType.types.some((t) => (t.flags & ts.TypeFlags.Null) !== 0) : (propType.flags & ts.TypeFlags.Null) !== 0;
        const schemaNullable = Array.isArray(prop.type) && prop.type.includes('null');
        if (tsNullable !== schemaNullable) problems.push(`${tsName}.${name}: nullable ${tsNullable}, schema nullable ${schemaNullable}`);
      }
      for (const name of tsProps.keys()) if (!(name in schema.properties)) problems.push(`${tsName}.${name} is not in the document's ${shape}`);
    }
    assert.deepEqual(problems, []);
  });
});
