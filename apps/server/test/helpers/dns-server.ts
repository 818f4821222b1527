/**
 * A real DNS server on 127.0.0.1 (UDP, free port) whose MX and TXT answers the test controls.
 * Pass `server.address` as TEMPMAIL_DNS_SERVERS.
 *
 * Per name: MX records (NOERROR with answers), `nodata` (NOERROR, no answer), `servfail`
 * (SERVFAIL), `drop` (no reply: the client times out); any other name is NXDOMAIN. TXT records
 * (SPF, DKIM keys, DMARC policies) are set apart with `setTxt`; a name with TXT records answers
 * other types with no data. `setDown(true)` drops every query (a resolver that is away).
 */
import dns2 from 'dns2';

const { Packet } = dns2;
/** RFC 1035 response codes (dns2 has them at runtime, its types do not). */
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 } as const;

export interface MxAnswer {
  exchange: string;
  priority?: number;
}

type Behaviour = { kind: 'mx'; records: MxAnswer[] } | { kind: 'nodata' } | { kind: 'servfail' } | { kind: 'drop' };

export interface TestDnsServer {
  /** `127.0.0.1:PORT`, for TEMPMAIL_DNS_SERVERS. */
  address: string;
  port: number;
  /** Answers MX queries for `name` with these records (a string = one record, priority 10). */
  setMx(name: string, records: string | MxAnswer[]): void;
  /** Forgets `name`: its MX queries get NXDOMAIN. */
  removeMx(name: string): void;
  /** The name exists but has no MX record (NOERROR, empty answer). */
  setNoData(name: string): void;
  /** MX queries for `name` get SERVFAIL. */
  setServfail(name: string): void;
  /** MX queries for `name` get no reply at all (a timeout). */
  setDrop(name: string): void;
  /** Answers TXT queries for `name` with these records (each split in 255-byte strings as DNS needs). */
  setTxt(name: string, records: string[]): void;
  /** While true, no query gets any reply. */
  setDown(down: boolean): void;
  /** How many TXT queries for `name` arrived (a cache in front shows here). */
  txtQueries(name: string): number;
  /** How many MX queries for `name` arrived. */
  queries(name: string): number;
  close(): Promise<void>;
}

const key = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** Starts the server; resolves once it listens. */
export async function startDnsServer(): Promise<TestDnsServer> {
  const names = new Map<string, Behaviour>();
  const txts = new Map<string, string[]>();
  const counts = new Map<string, number>();
  const txtCounts = new Map<string, number>();
  let down = false;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = key(question?.name ?? '');
      if (question?.type === Packet.TYPE.TXT) txtCounts.set(name, (txtCounts.get(name) ?? 0) + 1);
      if (down) return;
      const txt = txts.get(name);
      if (txt) {
        if (question.type === Packet.TYPE.TXT) {
          for (const record of txt) {
            const chunks = record.match(/.{1,255}/g) ?? [''];
            response.answers.push({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data: chunks } as never);
          }
        }
        send(response);
        return;
      }
      const behaviour = names.get(name);
      if (question?.type === Packet.TYPE.MX) counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!behaviour) {
        response.header.rcode = RCODE.NXDOMAIN;
      } else if (behaviour.kind === 'drop') {
        return;
      } else if (behaviour.kind === 'servfail') {
        response.header.rcode = RCODE.SERVFAIL;
      } else if (behaviour.kind === 'mx' && question.type === Packet.TYPE.MX) {
        for (const r of behaviour.records) {
          response.answers.push({
            name: question.name, type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: 1,
            exchange: r.exchange, priority: r.priority ?? 10,
          } as never);
        }
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = addresses.udp!.port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    setMx: (name, records) => {
      names.set(key(name), { kind: 'mx', records: typeof records === 'string' ? [{ exchange: records }] : records });
    },
    removeMx: (name) => { names.delete(key(name)); },
    setNoData: (name) => { names.set(key(name), { kind: 'nodata' }); },
    setServfail: (name) => { names.set(key(name), { kind: 'servfail' }); },
    setDrop: (name) => { names.set(key(name), { kind: 'drop' }); },
    setTxt: (name, records) => { txts.set(key(name), records); },
    setDown: (value) => { down = value; },
    queries: (name) => counts.get(key(name)) ?? 0,
    txtQueries: (name) => txtCounts.get(key(name)) ?? 0,
    close: () => server.close(),
  };
}
