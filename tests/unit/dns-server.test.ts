// The harness DNS server over real UDP: hand-built RFC 1035 queries, answers checked byte by byte,
// and libunbound (the resolver Prosody uses) reading them, as it will in the federation test.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSocket } from 'node:dgram';
import { spawn, spawnSync } from 'node:child_process';
import { startDnsServer, type DnsServer } from '../../scripts/lib/dns-server.ts';

let dns: DnsServer;

beforeAll(async () => {
  dns = await startDnsServer({
    zone: {
      'beta.test': { a: ['127.0.0.1'], aaaa: ['::1'] },
      '_xmpp-server._tcp.beta.test': { srv: [{ target: 'beta.test', port: 5299, priority: 1, weight: 2 }] },
    },
    ttl: 7,
  });
});

afterAll(() => dns?.stop());

/** A standard query (RD set) for one name, optionally with an EDNS OPT record (RFC 6891). */
function query(id: number, name: string, type: number, edns = false): Buffer {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l, 'latin1')]);
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0]);
  const opt = Buffer.from([0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, type >> 8, type & 0xff, 0, 1]), ...(edns ? [opt] : [])]);
}

function ask(packet: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => (s.close(), reject(new Error('no DNS answer within 5 s'))), 5000);
    s.once('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m);
    });
    s.send(packet, dns.port, '127.0.0.1');
  });
}

const rcode = (r: Buffer) => r.readUInt16BE(2) & 0xf;
const counts = (r: Buffer) => [4, 6, 8, 10].map((o) => r.readUInt16BE(o));

describe('dns-server', () => {
  test('SRV: the question is echoed (letter case kept) and the record is RFC 2782 wire format', async () => {
    const q = query(0xbeef, '_xmpp-server._tcp.Beta.TEST', 33);
    const r = await ask(q);
    expect(r.readUInt16BE(0)).toBe(0xbeef);
    expect(r.readUInt16BE(2)).toBe(0x8580); // QR, AA, RD (copied), RA, NOERROR
    expect(counts(r)).toEqual([1, 1, 0, 0]);
    const qEnd = q.length;
    expect(r.subarray(12, qEnd)).toEqual(q.subarray(12));
    let o = qEnd + 1 + 12 + 1 + 4 + 1 + 4 + 1 + 4 + 1; // owner name: _xmpp-server._tcp.beta.test.
    expect(r.readUInt16BE(o)).toBe(33);
    expect(r.readUInt16BE(o + 2)).toBe(1);
    expect(r.readUInt32BE(o + 4)).toBe(7);
    const rdlen = r.readUInt16BE(o + 8);
    o += 10;
    expect([r.readUInt16BE(o), r.readUInt16BE(o + 2), r.readUInt16BE(o + 4)]).toEqual([1, 2, 5299]);
    expect(r.subarray(o + 6, o + rdlen)).toEqual(Buffer.from('\x04beta\x04test\x00', 'latin1'));
    expect(o + rdlen).toBe(r.length);
  });

  test('A and AAAA answers carry the addresses', async () => {
    const a = await ask(query(1, 'beta.test', 1));
    expect(counts(a)).toEqual([1, 1, 0, 0]);
    expect([...a.subarray(a.length - 4)]).toEqual([127, 0, 0, 1]);
    const aaaa = await ask(query(2, 'beta.test', 28));
    expect(counts(aaaa)).toEqual([1, 1, 0, 0]);
    expect([...aaaa.subarray(aaaa.length - 16)]).toEqual([...Array(15).fill(0), 1]);
  });

  test('unknown names get NXDOMAIN; a known name without that type gets NODATA', async () => {
    const nx = await ask(query(3, '_xmpps-server._tcp.beta.test', 33));
    expect(rcode(nx)).toBe(3);
    expect(counts(nx)).toEqual([1, 0, 0, 0]);
    const nodata = await ask(query(4, 'beta.test', 33));
    expect(rcode(nodata)).toBe(0);
    expect(counts(nodata)).toEqual([1, 0, 0, 0]);
    expect(dns.queries).toContainEqual({ name: '_xmpps-server._tcp.beta.test', type: 33, rcode: 3, answers: 0 });
  });

  test('an EDNS query gets an OPT record back; garbage gets FORMERR', async () => {
    const r = await ask(query(5, 'beta.test', 1, true));
    expect(counts(r)).toEqual([1, 1, 0, 1]);
    const opt = r.subarray(r.length - 11);
    expect(opt.readUInt16BE(1)).toBe(41);
    const bad = Buffer.from([0, 9, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 60]); // a label running past the end
    const err = await ask(bad);
    expect(err.readUInt16BE(0)).toBe(9);
    expect(rcode(err)).toBe(1);
  });

  // lua-unbound is in the project's package list (npm test installs it): missing, this fails, never skips.
  test('libunbound, configured as Prosody is in the federation harness, resolves through it', async () => {
    const lua = `local u = require"lunbound".new{ forward = "127.0.0.1@${dns.port}"; resolvconf = false; hoststxt = false;
      options = { ["local-zone:"] = "test. transparent" } }
      local s = u:resolve("_xmpp-server._tcp.beta.test", 33)
      local srv = s[1]
      print(s.rcode, #s, srv:byte(5) * 256 + srv:byte(6))
      local nx = u:resolve("nothing.test", 1)
      print(nx.rcode, nx.nxdomain)`;
    const out = await new Promise<string>((resolve) => {
      const c = spawn('lua5.4', ['-e', lua]);
      let text = '';
      c.stdout.on('data', (d) => (text += d));
      c.stderr.on('data', (d) => (text += d));
      c.on('exit', () => resolve(text));
    });
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => l.split('\t')),
    ).toEqual([
      ['0', '1', '5299'],
      ['3', 'true'],
    ]);
  });
});
