// Which XMPP service a new agent uses, in order: ?service= (with ?domain=), ?domain= alone through
// XEP-0156 discovery, a config.json next to index.html, the built-in default. An existing agent keeps
// the service it registered on (its account lives there).
import { discoverWebSocket } from '../agent/start.ts';

export interface ServiceConfig {
  service: string;
  domain: string;
  source: 'url' | 'config.json' | 'host-meta' | 'default';
}

export const DEFAULT_CONFIG: ServiceConfig = { service: 'ws://127.0.0.1:5280/xmpp-websocket', domain: 'localhost', source: 'default' };

function domainFromService(service: string): string {
  try {
    return new URL(service).hostname;
  } catch {
    return 'localhost';
  }
}

export async function resolveServiceConfig(loc: Location = window.location): Promise<ServiceConfig> {
  const params = new URLSearchParams(loc.search);
  const service = params.get('service');
  const domain = params.get('domain');
  if (service && /^wss?:\/\//.test(service)) return { service, domain: domain ?? domainFromService(service), source: 'url' };
  if (domain) {
    const found = await discoverWebSocket(domain);
    if (found) return { service: found, domain, source: 'host-meta' };
  }
  try {
    const res = await fetch(new URL('config.json', loc.href), { cache: 'no-store' });
    if (res.ok) {
      const c = (await res.json()) as Partial<ServiceConfig>;
      if (typeof c.service === 'string' && /^wss?:\/\//.test(c.service)) {
        return { service: c.service, domain: typeof c.domain === 'string' ? c.domain : domainFromService(c.service), source: 'config.json' };
      }
    }
  } catch {
    // no config.json: fine
  }
  return DEFAULT_CONFIG;
}
