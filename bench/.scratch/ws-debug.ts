import { WebSocket } from 'ws';
import { startService, generateMailbox, qs } from '../lib/service.js';
const svc = await startService();
const ms = [];
for (let i = 0; i < 200; i++) ms.push(await generateMailbox(svc));
const socks: WebSocket[] = []; const fails: number[] = [];
for (let i = 0; i < ms.length; i++) {
  const m = ms[i];
  const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/ws?${qs({ email: m.email, token: m.token })}`);
  const why = await new Promise<string | null>((r) => { ws.once('open', () => r(null)); ws.once('error', (e) => r(String((e as NodeJS.ErrnoException).code))); ws.once('unexpected-response', (_q, res) => r(`HTTP ${res.statusCode}`)); });
  if (why) { fails.push(i); console.log('fail', i, why, m.email, m.token.length, /[^A-Za-z0-9_-]/.test(m.token)); } else socks.push(ws);
}
console.log('fails', fails.length);
console.log(svc.logs().slice(-1500));
for (const s of socks) s.terminate();
await svc.stop(); process.exit(0);
