// Two project-local Prosody servers with different domains that federate over s2s on loopback.
// Each finds the other through the harness's own DNS server (SRV + A records), so nothing on the
// machine (/etc/hosts, resolv.conf) is touched and each server can listen on any free s2s port.
import { join, resolve } from 'node:path';
import { freePort, startProsody, type ProsodyServer } from './prosody.ts';
import { startDnsServer, type DnsServer, type Zone } from './dns-server.ts';

export interface FederationOptions {
  /** Holds one sub-directory per server (created if missing). */
  dir: string;
  /** Under "test." (RFC 6761) by default, so no real domain can ever be reached by mistake. */
  domains?: [string, string];
  /** Appended to both servers' global sections (e.g. a debug log while investigating). */
  extraGlobal?: (domain: string) => string;
}

export interface Federation {
  servers: [ProsodyServer, ProsodyServer];
  dns: DnsServer;
  /** Stops both servers, then the DNS server. */
  stop(): Promise<void>;
}

/** Every host a server answers for (the VirtualHost and its components) and needs SRV records. */
export const hostsOf = (domain: string) => [domain, `muc.${domain}`, `pubsub.${domain}`];

/**
 * RFC 6120 §3.2: a server finds a peer via `_xmpp-server._tcp.<host>` SRV. Every host of a server
 * points at the server's own name on its s2s port; that name resolves to 127.0.0.1 only (no AAAA).
 */
export function federationZone(servers: Array<{ domain: string; s2sPort: number }>): Zone {
  const zone: Zone = {};
  for (const { domain, s2sPort } of servers) {
    zone[domain] = { a: ['127.0.0.1'] };
    for (const host of hostsOf(domain)) zone[`_xmpp-server._tcp.${host}`] = { srv: [{ target: domain, port: s2sPort }] };
  }
  return zone;
}

export async function startFederation(o: FederationOptions): Promise<Federation> {
  const [d1, d2] = o.domains ?? ['alpha.test', 'beta.test'];
  const plan = [
    { domain: d1, s2sPort: await freePort() },
    { domain: d2, s2sPort: await freePort() },
  ];
  const dns = await startDnsServer({ zone: federationZone(plan) });
  const started: ProsodyServer[] = [];
  try {
    for (const p of plan) {
      started.push(
        await startProsody({
          dir: join(resolve(o.dir), p.domain),
          domain: p.domain,
          s2sPort: p.s2sPort,
          dnsForward: `127.0.0.1@${dns.port}`,
          extraGlobal: o.extraGlobal?.(p.domain),
        }),
      );
    }
  } catch (e) {
    await Promise.all(started.map((s) => s.stop()));
    await dns.stop();
    throw e;
  }
  const servers = started as [ProsodyServer, ProsodyServer];
  return {
    servers,
    dns,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      await dns.stop();
    },
  };
}
