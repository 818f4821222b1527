/** A raw SMTP client over a TCP socket, for edge cases a library would smooth over. */
import net from 'node:net';

export interface RawSmtp {
  /** Next complete reply (multi-line replies joined). */
  reply(timeoutMs?: number): Promise<{ code: number; text: string }>;
  send(line: string | Buffer): void;
  /** Sends a command line (CRLF added) and returns the reply. */
  command(line: string, timeoutMs?: number): Promise<{ code: number; text: string }>;
  close(): void;
  closed: Promise<void>;
}

export function rawSmtp(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawSmtp> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host, localAddress });
    let buf = '';
    let wake: () => void = () => {};
    let ended = false;
    const closed = new Promise<void>((r) => sock.once('close', () => { ended = true; wake(); r(); }));
    sock.on('data', (d) => { buf += d.toString('latin1'); wake(); });
    sock.on('error', () => { ended = true; wake(); });
    sock.once('connect', () => {
      const client: RawSmtp = {
        async reply(timeoutMs = 60_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const m = /^(?:\d{3}-[^\n]*\n)*(\d{3})(?:[ \t][^\n]*)?\r?\n/.exec(buf);
            if (m) {
              buf = buf.slice(m[0].length);
              return { code: Number(m[1]), text: m[0].trim() };
            }
            if (ended) throw new Error(`connection closed (buffer: ${buf.slice(0, 200)})`);
            const left = deadline - Date.now();
            if (left <= 0) throw new Error('SMTP reply timeout');
            await new Promise<void>((r) => { wake = r; setTimeout(r, Math.min(left, 100)); });
          }
        },
        send(line) { sock.write(line); },
        async command(line, timeoutMs) { sock.write(`${line}\r\n`); return client.reply(timeoutMs); },
        close() { sock.destroy(); },
        closed,
      };
      resolve(client);
    });
    sock.once('error', reject);
  });
}
