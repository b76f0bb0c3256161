// Which XMPP service the page talks to, in order: URL parameters, config.json next to index.html,
// XEP-0156 discovery from ?domain= alone, the built-in default.
import { discoverWebSocket } from '../xmpp/hostmeta/host-meta.ts';

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
