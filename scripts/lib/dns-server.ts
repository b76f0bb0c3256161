// A tiny authoritative DNS responder on loopback UDP, so test servers can find each other by name
// without touching /etc/hosts or the machine's resolver. RFC 1035 wire format, and only what
// federation needs: A, AAAA and SRV (RFC 2782) answers from a fixed zone, NXDOMAIN for names the
// zone does not hold, NODATA for types a known name lacks.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export const TYPE = { A: 1, AAAA: 28, SRV: 33, OPT: 41 } as const;
const CLASS_IN = 1;
const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4 } as const;
/** Below every path MTU we could meet, and the EDNS size DNS Flag Day 2020 recommends. */
const EDNS_UDP_SIZE = 1232;

export interface SrvRecord {
  target: string;
  port: number;
  priority?: number;
  weight?: number;
}

/** Records per owner name (case-insensitive, with or without the trailing dot). */
export interface Zone {
  [name: string]: { a?: string[]; aaaa?: string[]; srv?: SrvRecord[] };
}

export interface DnsQuery {
  name: string;
  type: number;
  rcode: number;
  answers: number;
}

export interface DnsServer {
  port: number;
  /** Every question answered, oldest first: tests and diagnostics read it. */
  readonly queries: DnsQuery[];
  stop(): Promise<void>;
}

export interface Question {
  id: number;
  flags: number;
  name: string;
  type: number;
  cls: number;
  /** The question section exactly as received, echoed back (keeps the asker's letter case). */
  raw: Buffer;
  edns: boolean;
}

const norm = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** Parses the header and the first question; undefined when the packet is not a well-formed query. */
export function parseQuery(msg: Buffer): Question | undefined {
  if (msg.length < 12) return undefined;
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const qdcount = msg.readUInt16BE(4);
  const arcount = msg.readUInt16BE(10);
  if (flags & 0x8000 || qdcount !== 1) return undefined; // a response, or not exactly one question
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    if (off >= msg.length) return undefined;
    const len = msg[off]!;
    if (len === 0) break;
    if (len > 63 || off + 1 + len > msg.length) return undefined; // no compression in a question
    labels.push(msg.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  off += 1;
  if (off + 4 > msg.length) return undefined;
  const type = msg.readUInt16BE(off);
  const cls = msg.readUInt16BE(off + 2);
  const raw = msg.subarray(12, off + 4);
  // RFC 6891: an OPT pseudo-record in the additional section means the asker speaks EDNS.
  const edns = arcount > 0 && msg.length >= off + 4 + 11 && msg[off + 4] === 0 && msg.readUInt16BE(off + 5) === TYPE.OPT;
  return { id, flags, name: labels.join('.'), type, cls, raw, edns };
}

export function encodeName(name: string): Buffer {
  const parts = norm(name).split('.').filter(Boolean);
  const out: Buffer[] = [];
  for (const p of parts) {
    const b = Buffer.from(p, 'latin1');
    if (b.length > 63) throw new Error(`DNS label too long: ${p}`);
    out.push(Buffer.from([b.length]), b);
  }
  out.push(Buffer.from([0]));
  return Buffer.concat(out);
}

function ipv4(addr: string): Buffer {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) throw new Error(`not an IPv4 address: ${addr}`);
  return Buffer.from(parts);
}

function ipv6(addr: string): Buffer {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`not an IPv6 address: ${addr}`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

function rr(name: Buffer, type: number, ttl: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(CLASS_IN, 2);
  head.writeUInt32BE(ttl, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([name, head, rdata]);
}

function srvData(s: SrvRecord): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(s.priority ?? 0, 0);
  b.writeUInt16BE(s.weight ?? 0, 2);
  b.writeUInt16BE(s.port, 4);
  return Buffer.concat([b, encodeName(s.target)]); // RFC 2782: the target is never compressed
}

/** The answer records and rcode for one question, from the zone. */
export function lookup(zone: Zone, q: Pick<Question, 'name' | 'type' | 'cls'>, ttl = 5): { rcode: number; answers: Buffer[] } {
  if (q.cls !== CLASS_IN) return { rcode: RCODE.NOTIMP, answers: [] };
  const key = Object.keys(zone).find((k) => norm(k) === norm(q.name));
  if (key === undefined) return { rcode: RCODE.NXDOMAIN, answers: [] };
  const rec = zone[key]!;
  const owner = encodeName(q.name);
  const answers =
    q.type === TYPE.A
      ? (rec.a ?? []).map((a) => rr(owner, TYPE.A, ttl, ipv4(a)))
      : q.type === TYPE.AAAA
        ? (rec.aaaa ?? []).map((a) => rr(owner, TYPE.AAAA, ttl, ipv6(a)))
        : q.type === TYPE.SRV
          ? (rec.srv ?? []).map((s) => rr(owner, TYPE.SRV, ttl, srvData(s)))
          : [];
  return { rcode: RCODE.NOERROR, answers }; // a known name without records of this type: NODATA
}

export function buildResponse(q: Question, rcode: number, answers: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR, the asker's opcode and RD, AA (we own these names) and RA (forwarders expect it), rcode.
  const flags = 0x8000 | (q.flags & 0x7800) | 0x0400 | (q.flags & 0x0100) | 0x0080 | (rcode & 0xf);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(q.edns ? 1 : 0, 10);
  // OPT: root owner, type 41, class = our UDP payload size, TTL 0 (no extended rcode, no DO), no options.
  const opt = Buffer.from([0, 0, TYPE.OPT, EDNS_UDP_SIZE >> 8, EDNS_UDP_SIZE & 0xff, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, q.raw, ...answers, ...(q.edns ? [opt] : [])]);
}

function formErr(msg: Buffer): Buffer | undefined {
  if (msg.length < 12 || msg.readUInt16BE(2) & 0x8000) return undefined; // never answer a response
  const h = Buffer.alloc(12);
  h.writeUInt16BE(msg.readUInt16BE(0), 0);
  h.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x7900) | RCODE.FORMERR, 2);
  return h;
}

/** Starts answering on 127.0.0.1:`port` (0 picks a free port). */
export async function startDnsServer(o: { zone: Zone; port?: number; ttl?: number }): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  const queries: DnsQuery[] = [];
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    const q = parseQuery(msg);
    let out: Buffer | undefined;
    if (!q) out = formErr(msg);
    else if ((q.flags & 0x7800) !== 0)
      out = buildResponse(q, RCODE.NOTIMP, []); // only standard queries
    else {
      const { rcode, answers } = lookup(o.zone, q, o.ttl);
      queries.push({ name: q.name, type: q.type, rcode, answers: answers.length });
      out = buildResponse(q, rcode, answers);
    }
    if (out) socket.send(out, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(o.port ?? 0, '127.0.0.1', () => {
      socket.off('error', reject);
      // A send to a vanished asker must not crash the test process: the asker just retries.
      socket.on('error', () => undefined);
      resolve();
    });
  });
  return {
    port: socket.address().port,
    queries,
    stop: () => new Promise<void>((r) => socket.close(() => r())),
  };
}
