// XEP-0156 WebSocket discovery: parsing host-meta documents and fetching them with an injected fetch.
import { describe, expect, test } from 'vitest';
import { discoverWebSocket, parseHostMeta, REL_WEBSOCKET, type FetchLike } from '../../src/xmpp/hostmeta/host-meta.ts';

const REL_BOSH = 'urn:xmpp:alt-connections:xbosh';

describe('parseHostMeta: JSON (JRD)', () => {
  test('finds the websocket link', () => {
    const doc = JSON.stringify({
      links: [
        { rel: REL_BOSH, href: 'https://example.org/http-bind' },
        { rel: REL_WEBSOCKET, href: 'wss://example.org/xmpp-websocket' },
      ],
    });
    expect(parseHostMeta(doc)).toBe('wss://example.org/xmpp-websocket');
  });

  test('leading whitespace is fine; first matching ws link wins', () => {
    const doc = `\n  ${JSON.stringify({
      links: [
        { rel: REL_WEBSOCKET, href: 'ws://a.example/ws' },
        { rel: REL_WEBSOCKET, href: 'wss://b.example/ws' },
      ],
    })}`;
    expect(parseHostMeta(doc)).toBe('ws://a.example/ws');
  });

  test('skips a websocket rel whose href is not ws(s)://', () => {
    const doc = JSON.stringify({
      links: [
        { rel: REL_WEBSOCKET, href: 'https://example.org/xmpp-websocket' },
        { rel: REL_WEBSOCKET, href: 'javascript:alert(1)' },
        { rel: REL_WEBSOCKET },
        { rel: REL_WEBSOCKET, href: 'wss://ok.example/ws' },
      ],
    });
    expect(parseHostMeta(doc)).toBe('wss://ok.example/ws');
  });

  test('only non-websocket rels -> undefined', () => {
    expect(parseHostMeta(JSON.stringify({ links: [{ rel: REL_BOSH, href: 'wss://example.org/ws' }] }))).toBeUndefined();
    expect(parseHostMeta(JSON.stringify({ links: [] }))).toBeUndefined();
    expect(parseHostMeta(JSON.stringify({ subject: 'example.org' }))).toBeUndefined();
  });

  test('broken or odd JSON -> undefined', () => {
    expect(parseHostMeta('{"links": [')).toBeUndefined();
    expect(parseHostMeta('{"links": 5}')).toBeUndefined();
    expect(parseHostMeta('{"links": "wss://example.org/ws"}')).toBeUndefined();
  });
});

describe('parseHostMeta: XML (XRD)', () => {
  const xrd = (links: string) => `<?xml version='1.0' encoding='utf-8'?>
<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
  ${links}
</XRD>`;

  test('rel before href', () => {
    expect(parseHostMeta(xrd(`<Link rel="${REL_WEBSOCKET}" href="wss://example.org/xmpp-websocket"/>`))).toBe('wss://example.org/xmpp-websocket');
  });

  test('href before rel, single quotes, extra whitespace', () => {
    expect(parseHostMeta(xrd(`<Link href='ws://example.org:5280/ws'\n      rel = '${REL_WEBSOCKET}' />`))).toBe('ws://example.org:5280/ws');
  });

  test('&amp; in href is unescaped', () => {
    expect(parseHostMeta(xrd(`<Link rel="${REL_WEBSOCKET}" href="wss://example.org/ws?a=1&amp;b=2"/>`))).toBe('wss://example.org/ws?a=1&b=2');
  });

  test('ignores non-websocket rels and non-ws hrefs', () => {
    const doc = xrd(`
      <Link rel="${REL_BOSH}" href="wss://bosh.example/ws"/>
      <Link rel="${REL_WEBSOCKET}" href="https://example.org/ws"/>
      <Link rel="${REL_WEBSOCKET}" href="wss://good.example/ws"/>`);
    expect(parseHostMeta(doc)).toBe('wss://good.example/ws');
  });

  test('no usable link -> undefined', () => {
    expect(parseHostMeta(xrd(`<Link rel="${REL_BOSH}" href="https://example.org/http-bind"/>`))).toBeUndefined();
    expect(parseHostMeta(xrd(''))).toBeUndefined();
  });

  test('<Links> is not <Link>', () => {
    expect(parseHostMeta(`<Links rel="${REL_WEBSOCKET}" href="wss://example.org/ws"/>`)).toBeUndefined();
  });
});

describe('parseHostMeta: garbage', () => {
  test.each(['', '   ', 'hello world', '<html><body>404</body></html>', 'null', '[1,2,3]'])('%j -> undefined', (body) => {
    expect(parseHostMeta(body)).toBeUndefined();
  });
});

type Call = { url: string; signal: AbortSignal | undefined };

function fakeFetch(responses: Record<string, { ok?: boolean; status?: number; body?: string; throws?: boolean }>) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, signal: init?.signal });
    const r = responses[url];
    if (!r) return { ok: false, status: 404, text: async () => 'not found' };
    if (r.throws) throw new TypeError('network error');
    return { ok: r.ok ?? true, status: r.status ?? 200, text: async () => r.body ?? '' };
  };
  return { fetch, calls };
}

const JSON_DOC = JSON.stringify({ links: [{ rel: REL_WEBSOCKET, href: 'wss://json.example/ws' }] });
const XML_DOC = `<XRD><Link rel="${REL_WEBSOCKET}" href="wss://xml.example/ws"/></XRD>`;

describe('discoverWebSocket', () => {
  test('JSON first: found there, XML never fetched', async () => {
    const { fetch, calls } = fakeFetch({
      'https://example.org/.well-known/host-meta.json': { body: JSON_DOC },
      'https://example.org/.well-known/host-meta': { body: XML_DOC },
    });
    expect(await discoverWebSocket('example.org', { fetch })).toBe('wss://json.example/ws');
    expect(calls.map((c) => c.url)).toEqual(['https://example.org/.well-known/host-meta.json']);
    expect(calls[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  test('falls back to XML when JSON is missing', async () => {
    const { fetch, calls } = fakeFetch({ 'https://example.org/.well-known/host-meta': { body: XML_DOC } });
    expect(await discoverWebSocket('example.org', { fetch })).toBe('wss://xml.example/ws');
    expect(calls.map((c) => c.url)).toEqual(['https://example.org/.well-known/host-meta.json', 'https://example.org/.well-known/host-meta']);
  });

  test('falls back to XML when JSON throws or has no websocket link', async () => {
    const throws = fakeFetch({
      'https://example.org/.well-known/host-meta.json': { throws: true },
      'https://example.org/.well-known/host-meta': { body: XML_DOC },
    });
    expect(await discoverWebSocket('example.org', { fetch: throws.fetch })).toBe('wss://xml.example/ws');
    const empty = fakeFetch({
      'https://example.org/.well-known/host-meta.json': { body: '{"links":[]}' },
      'https://example.org/.well-known/host-meta': { body: XML_DOC },
    });
    expect(await discoverWebSocket('example.org', { fetch: empty.fetch })).toBe('wss://xml.example/ws');
  });

  test('a non-ok response is not parsed even if it has a link', async () => {
    const { fetch } = fakeFetch({ 'https://example.org/.well-known/host-meta.json': { ok: false, status: 500, body: JSON_DOC } });
    expect(await discoverWebSocket('example.org', { fetch })).toBeUndefined();
  });

  test('both fail -> undefined', async () => {
    const { fetch, calls } = fakeFetch({
      'https://example.org/.well-known/host-meta.json': { throws: true },
      'https://example.org/.well-known/host-meta': { throws: true },
    });
    expect(await discoverWebSocket('example.org', { fetch })).toBeUndefined();
    expect(calls).toHaveLength(2);
  });

  test('a custom base replaces https://DOMAIN', async () => {
    const { fetch, calls } = fakeFetch({ 'http://127.0.0.1:8080/.well-known/host-meta.json': { body: JSON_DOC } });
    expect(await discoverWebSocket('localhost', { fetch, base: 'http://127.0.0.1:8080' })).toBe('wss://json.example/ws');
    expect(calls[0]!.url).toBe('http://127.0.0.1:8080/.well-known/host-meta.json');
  });

  test('a domain with a port is allowed', async () => {
    const { fetch, calls } = fakeFetch({ 'https://example.org:8443/.well-known/host-meta.json': { body: JSON_DOC } });
    expect(await discoverWebSocket('example.org:8443', { fetch })).toBe('wss://json.example/ws');
    expect(calls).toHaveLength(1);
  });

  test.each(['example.org/evil', 'example.org/../x', 'exa mple.org', ' example.org', 'user@example.org', '', 'example.org?x=1', 'example.org#frag'])(
    'rejects %j without fetching',
    async (domain) => {
      const { fetch, calls } = fakeFetch({});
      expect(await discoverWebSocket(domain, { fetch })).toBeUndefined();
      expect(calls).toHaveLength(0);
    },
  );

  test('a hanging fetch is aborted after timeoutMs', async () => {
    const signals: AbortSignal[] = [];
    const fetch: FetchLike = (url, init) =>
      new Promise((_resolve, reject) => {
        const signal = init!.signal!;
        signals.push(signal);
        signal.addEventListener('abort', () => reject(new Error(`aborted ${url}`)));
      });
    expect(await discoverWebSocket('example.org', { fetch, timeoutMs: 10 })).toBeUndefined();
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });
});
