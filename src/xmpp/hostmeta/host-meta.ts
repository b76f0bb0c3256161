// XEP-0156: discover a domain's WebSocket endpoint from https://DOMAIN/.well-known/host-meta(.json).
export const REL_WEBSOCKET = 'urn:xmpp:alt-connections:websocket';

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** Pull the first ws(s):// link out of a host-meta JSON (JRD) or XML (XRD) document. */
export function parseHostMeta(body: string): string | undefined {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const doc = JSON.parse(text) as { links?: Array<{ rel?: string; href?: string }> };
      return doc.links?.find((l) => l.rel === REL_WEBSOCKET && /^wss?:\/\//.test(l.href ?? ''))?.href;
    } catch {
      return undefined;
    }
  }
  // XRD: attribute order is free, so look at each <Link> on its own.
  for (const m of text.matchAll(/<Link\b[^>]*>/gi)) {
    const tag = m[0];
    const rel = /\brel\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1];
    const href = /\bhref\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1];
    if (rel === REL_WEBSOCKET && href && /^wss?:\/\//.test(href)) return href.replace(/&amp;/g, '&');
  }
  return undefined;
}

/**
 * Try the JSON then the XML document. `base` defaults to https://DOMAIN; tests and loopback
 * setups pass http://127.0.0.1:PORT. Only the domain the person typed is ever fetched.
 */
export async function discoverWebSocket(domain: string, opts: { fetch?: FetchLike; base?: string; timeoutMs?: number } = {}): Promise<string | undefined> {
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(domain)) return undefined;
  const doFetch: FetchLike = opts.fetch ?? ((u, i) => globalThis.fetch(u, i));
  const base = opts.base ?? `https://${domain}`;
  for (const path of ['/.well-known/host-meta.json', '/.well-known/host-meta']) {
    const ctrl = new AbortController();
    const t = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 5000);
    try {
      const res = await doFetch(base + path, { signal: ctrl.signal });
      if (!res.ok) continue;
      const href = parseHostMeta(await res.text());
      if (href) return href;
    } catch {
      // try the next document
    } finally {
      clearTimeout(t);
    }
  }
  return undefined;
}
