// Incoming IQ get/set routed by (type, namespace, element name), with RFC 6120 error replies.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { createIqRouter, type IqRequest } from '../../src/xmpp/iq/router.ts';
import { stanzaError } from '../../src/core/errors.ts';
import { fail, ok } from '../../src/core/result.ts';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_PING = 'urn:xmpp:ping';
const NS_VERSION = 'jabber:iq:version';

function request(type: string, payload: Element | Element[] | null, attrs: Record<string, string> = {}): Element {
  return xml('iq', { type, id: 'req-1', from: 'alice@example.org/tab', to: 'bob@example.org/node', ...attrs }, payload);
}

function conditionOf(reply: Element): { type: string | undefined; names: string[]; ns: Array<string | undefined>; text: string | undefined } {
  const err = reply.getChild('error');
  if (!err) throw new Error(`no <error/> in ${reply.toString()}`);
  const conds = err.getChildElements().filter((c) => c.name !== 'text');
  return {
    type: err.attrs.type,
    names: conds.map((c) => c.name),
    ns: conds.map((c) => c.attrs.xmlns),
    text: err.getChild('text', NS_STANZAS)?.text(),
  };
}

describe('createIqRouter: error replies', () => {
  test('unknown payload -> service-unavailable, addressed back to the requester', async () => {
    const router = createIqRouter();
    const reply = await router.handle(request('get', xml('query', { xmlns: 'urn:example:unknown' })));
    expect(reply).toBeDefined();
    expect(reply!.name).toBe('iq');
    expect(reply!.attrs.type).toBe('error');
    expect(reply!.attrs.id).toBe('req-1');
    expect(reply!.attrs.to).toBe('alice@example.org/tab');
    expect(reply!.attrs.from).not.toBe('alice@example.org/tab');
    const c = conditionOf(reply!);
    expect(c.type).toBe('cancel');
    expect(c.names).toEqual(['service-unavailable']);
    expect(c.ns).toEqual([NS_STANZAS]);
  });

  test('a handler for the same name in another namespace does not match', async () => {
    const router = createIqRouter();
    router.get(NS_PING, 'ping', () => ok(undefined));
    const reply = await router.handle(request('get', xml('ping', { xmlns: 'urn:other' })));
    expect(conditionOf(reply!).names).toEqual(['service-unavailable']);
  });

  test('a get handler does not answer a set', async () => {
    const router = createIqRouter();
    router.get(NS_PING, 'ping', () => ok(undefined));
    const reply = await router.handle(request('set', xml('ping', { xmlns: NS_PING })));
    expect(reply!.attrs.type).toBe('error');
    expect(conditionOf(reply!).names).toEqual(['service-unavailable']);
  });

  test('no payload -> bad-request (modify)', async () => {
    const router = createIqRouter();
    const reply = await router.handle(request('get', null));
    expect(reply!.attrs.type).toBe('error');
    expect(reply!.attrs.id).toBe('req-1');
    expect(reply!.attrs.to).toBe('alice@example.org/tab');
    const c = conditionOf(reply!);
    expect(c.names).toEqual(['bad-request']);
    expect(c.ns).toEqual([NS_STANZAS]);
    expect(c.type).toBe('modify');
  });

  test('two payloads -> bad-request, even if one has a handler', async () => {
    const router = createIqRouter();
    let called = false;
    router.get(NS_PING, 'ping', () => {
      called = true;
      return ok(undefined);
    });
    const reply = await router.handle(request('get', [xml('ping', { xmlns: NS_PING }), xml('query', { xmlns: NS_VERSION })]));
    expect(conditionOf(reply!).names).toEqual(['bad-request']);
    expect(called).toBe(false);
  });

  test('text between elements is not a payload', async () => {
    const router = createIqRouter();
    router.get(NS_PING, 'ping', () => ok(undefined));
    const stanza = xml('iq', { type: 'get', id: 'w', from: 'a@b/c' }, '\n  ', xml('ping', { xmlns: NS_PING }), '\n');
    const reply = await router.handle(stanza);
    expect(reply!.attrs.type).toBe('result');
  });

  test('a throwing handler -> internal-server-error, and the error goes to onHandlerError, not the peer', async () => {
    const seen: Array<{ err: unknown; req: IqRequest }> = [];
    const router = createIqRouter({ onHandlerError: (err, req) => seen.push({ err, req }) });
    router.set(NS_VERSION, 'query', () => {
      throw new Error('secret internal detail');
    });
    const reply = await router.handle(request('set', xml('query', { xmlns: NS_VERSION })));
    const c = conditionOf(reply!);
    expect(c.names).toEqual(['internal-server-error']);
    expect(c.type).toBe('cancel');
    expect(reply!.toString()).not.toContain('secret internal detail');
    expect(seen).toHaveLength(1);
    expect((seen[0]!.err as Error).message).toBe('secret internal detail');
    expect(seen[0]!.req.id).toBe('req-1');
    expect(seen[0]!.req.type).toBe('set');
    expect(seen[0]!.req.from).toBe('alice@example.org/tab');
  });

  test('an async handler that rejects is treated like one that throws', async () => {
    let count = 0;
    const router = createIqRouter({ onHandlerError: () => count++ });
    router.get(NS_PING, 'ping', async () => {
      throw new Error('boom');
    });
    const reply = await router.handle(request('get', xml('ping', { xmlns: NS_PING })));
    expect(conditionOf(reply!).names).toEqual(['internal-server-error']);
    expect(count).toBe(1);
  });

  test('a throwing handler without onHandlerError still yields internal-server-error', async () => {
    const router = createIqRouter();
    router.get(NS_PING, 'ping', () => {
      throw new Error('boom');
    });
    const reply = await router.handle(request('get', xml('ping', { xmlns: NS_PING })));
    expect(conditionOf(reply!).names).toEqual(['internal-server-error']);
  });

  test('a handler returning a stanza error -> that condition with its <text>', async () => {
    const router = createIqRouter();
    router.get(NS_VERSION, 'query', () => fail(stanzaError('item-not-found', 'x')));
    const reply = await router.handle(request('get', xml('query', { xmlns: NS_VERSION })));
    expect(reply!.attrs.type).toBe('error');
    expect(reply!.attrs.id).toBe('req-1');
    expect(reply!.attrs.to).toBe('alice@example.org/tab');
    const c = conditionOf(reply!);
    expect(c.names).toEqual(['item-not-found']);
    expect(c.ns).toEqual([NS_STANZAS]);
    expect(c.type).toBe('cancel');
    expect(c.text).toBe('x');
  });

  test('a stanza error with an explicit type keeps it', async () => {
    const router = createIqRouter();
    router.get(NS_VERSION, 'query', () => fail(stanzaError('not-allowed', undefined, 'auth')));
    const reply = await router.handle(request('get', xml('query', { xmlns: NS_VERSION })));
    const c = conditionOf(reply!);
    expect(c.names).toEqual(['not-allowed']);
    expect(c.type).toBe('auth');
    expect(c.text).toBeUndefined();
  });
});

describe('createIqRouter: results', () => {
  test('success -> type=result with the payload, id kept, to = requester', async () => {
    const router = createIqRouter();
    let got: IqRequest | undefined;
    router.get(NS_VERSION, 'query', (req) => {
      got = req;
      return ok(xml('query', { xmlns: NS_VERSION }, xml('name', {}, 'Tidepool')));
    });
    const stanza = request('get', xml('query', { xmlns: NS_VERSION }), { id: 'v1' });
    const reply = await router.handle(stanza);
    expect(reply!.name).toBe('iq');
    expect(reply!.attrs.type).toBe('result');
    expect(reply!.attrs.id).toBe('v1');
    expect(reply!.attrs.to).toBe('alice@example.org/tab');
    expect(reply!.getChild('error')).toBeUndefined();
    const q = reply!.getChild('query', NS_VERSION);
    expect(q?.getChildText('name')).toBe('Tidepool');
    expect(got?.payload.name).toBe('query');
    expect(got?.payload.attrs.xmlns).toBe(NS_VERSION);
    expect(got?.stanza).toBe(stanza);
    expect(got?.id).toBe('v1');
  });

  test('success with no payload -> empty result', async () => {
    const router = createIqRouter();
    router.set(NS_PING, 'ping', async () => ok(undefined));
    const reply = await router.handle(request('set', xml('ping', { xmlns: NS_PING })));
    expect(reply!.attrs.type).toBe('result');
    expect(reply!.getChildElements()).toHaveLength(0);
  });

  test('a request without from (from our own server) is answered without to', async () => {
    const router = createIqRouter();
    let from: string | undefined = 'unset';
    router.get(NS_PING, 'ping', (req) => {
      from = req.from;
      return ok(undefined);
    });
    const reply = await router.handle(xml('iq', { type: 'get', id: 'p' }, xml('ping', { xmlns: NS_PING })));
    expect(from).toBeUndefined();
    expect(reply!.attrs.type).toBe('result');
    expect(reply!.attrs.to).toBeUndefined();
  });

  test('iq of type result or error is not a request: ignored', async () => {
    const router = createIqRouter();
    router.get(NS_PING, 'ping', () => ok(undefined));
    expect(await router.handle(request('result', xml('ping', { xmlns: NS_PING })))).toBeUndefined();
    expect(await router.handle(request('error', xml('ping', { xmlns: NS_PING })))).toBeUndefined();
    expect(await router.handle(request('bogus', xml('ping', { xmlns: NS_PING })))).toBeUndefined();
  });

  test('a request without an id gets no reply', async () => {
    const router = createIqRouter();
    router.get(NS_PING, 'ping', () => ok(undefined));
    expect(await router.handle(xml('iq', { type: 'get', from: 'a@b/c' }, xml('ping', { xmlns: NS_PING })))).toBeUndefined();
  });
});

describe('createIqRouter: registration', () => {
  test('the unregister function removes the route', async () => {
    const router = createIqRouter();
    const off = router.get(NS_PING, 'ping', () => ok(undefined));
    expect((await router.handle(request('get', xml('ping', { xmlns: NS_PING }))))!.attrs.type).toBe('result');
    off();
    const reply = await router.handle(request('get', xml('ping', { xmlns: NS_PING })));
    expect(reply!.attrs.type).toBe('error');
    expect(conditionOf(reply!).names).toEqual(['service-unavailable']);
  });

  test('a later registration replaces an earlier one, and the stale unregister leaves it alone', async () => {
    const router = createIqRouter();
    const offOld = router.get(NS_VERSION, 'query', () => ok(xml('query', { xmlns: NS_VERSION }, xml('name', {}, 'old'))));
    router.get(NS_VERSION, 'query', () => ok(xml('query', { xmlns: NS_VERSION }, xml('name', {}, 'new'))));
    const name = async () => (await router.handle(request('get', xml('query', { xmlns: NS_VERSION }))))!.getChild('query')?.getChildText('name');
    expect(await name()).toBe('new');
    offOld();
    expect(await name()).toBe('new');
  });

  test('get and set routes are independent', async () => {
    const router = createIqRouter();
    router.get(NS_PING, 'ping', () => ok(undefined));
    const offSet = router.set(NS_PING, 'ping', () => fail(stanzaError('forbidden')));
    expect((await router.handle(request('get', xml('ping', { xmlns: NS_PING }))))!.attrs.type).toBe('result');
    expect(conditionOf((await router.handle(request('set', xml('ping', { xmlns: NS_PING }))))!).names).toEqual(['forbidden']);
    offSet();
    expect((await router.handle(request('get', xml('ping', { xmlns: NS_PING }))))!.attrs.type).toBe('result');
  });
});
