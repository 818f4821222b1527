// Stands in for the application under test (replace it with yours): a sign-up form that mails
// a code and a confirmation link (plain SMTP to SMTP_HOST:SMTP_PORT), a form to enter the code,
// and the link's page. No dependencies: `PORT=3100 SMTP_PORT=2525 node app.mjs`.
import { randomInt, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect } from 'node:net';

const pending = new Map(); // email -> { code, token }

/** One message over SMTP: each command waits for its reply. */
function sendMail(to, subject, html) {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(process.env.SMTP_PORT ?? 2525), process.env.SMTP_HOST ?? '127.0.0.1');
    const steps = [
      [null, '220'], ['EHLO app.example', '250'], ['MAIL FROM:<no-reply@app.example>', '250'], [`RCPT TO:<${to}>`, '250'], ['DATA', '354'],
      [[`From: Example App <no-reply@app.example>`, `To: ${to}`, `Subject: ${subject}`, 'MIME-Version: 1.0',
        'Content-Type: text/html; charset=utf-8', '', html, '.'].join('\r\n'), '250'], ['QUIT', '221'],
    ];
    let buffer = '';
    const next = () => {
      const [line] = steps[0];
      if (line !== null) socket.write(`${line}\r\n`);
    };
    socket.on('data', (d) => {
      buffer += d.toString();
      const lines = buffer.split('\r\n');
      const last = lines.findLast((l) => /^\d{3} /.test(l));
      if (!last) return;
      buffer = '';
      const [, expect] = steps.shift();
      if (!last.startsWith(expect)) return reject(new Error(`SMTP: expected ${expect}, got ${last}`));
      if (steps.length) next(); else { socket.end(); resolve(); }
    });
    socket.on('error', reject);
    next();
  });
}

const page = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>Example App</title></head><body>${body}</body></html>`;
const escape = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function form(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const send = (status, html) => { res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' }); res.end(page(html)); };
  try {
    if (req.method === 'GET' && url.pathname === '/') {
      return send(200, '<h1>Create an account</h1><form method="post" action="/signup"><input id="email" name="email" type="email" required><button>Sign up</button></form>');
    }
    if (req.method === 'POST' && url.pathname === '/signup') {
      const email = (await form(req)).get('email') ?? '';
      const entry = { code: String(randomInt(100000, 1000000)), token: randomBytes(12).toString('hex') };
      pending.set(email, entry);
      await sendMail(email, 'Confirm your account', `<p>Your verification code is <b>${entry.code}</b>.</p>`
        + `<p><a href="${url.origin}/confirm?token=${entry.token}">Confirm your account</a></p>`);
      return send(200, `<h1>Check your mail</h1><form method="post" action="/verify"><input type="hidden" name="email" value="${escape(email)}">`
        + '<input id="code" name="code" inputmode="numeric" required><button>Verify</button></form>');
    }
    if (req.method === 'POST' && url.pathname === '/verify') {
      const f = await form(req);
      const ok = pending.get(f.get('email') ?? '')?.code === f.get('code');
      return send(ok ? 200 : 400, ok ? `<h1>Welcome, ${escape(f.get('email'))}</h1>` : '<h1>Wrong code</h1>');
    }
    if (req.method === 'GET' && url.pathname === '/confirm') {
      const email = [...pending].find(([, e]) => e.token === url.searchParams.get('token'))?.[0];
      return send(email ? 200 : 404, email ? `<h1>Confirmed ${escape(email)}</h1>` : '<h1>Unknown link</h1>');
    }
    send(404, '<h1>Not found</h1>');
  } catch (e) {
    send(500, `<h1>Error</h1><pre>${escape(String(e))}</pre>`);
  }
});
server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
