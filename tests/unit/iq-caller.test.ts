// Outgoing IQs: replies are matched by id *and* sender; timeouts, send failures and rejectAll are values.
import { afterEach, describe, expect, test, vi } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { createIqCaller, type IqCallerDeps } from '../../src/xmpp/iq/caller.ts';
import type { TidepoolError } from '../../src/core/errors.ts';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const OWN = 'me@example.org/tab1';

function setup(overrides: Partial<IqCallerDeps> = {}) {
  const sent: Element[] = [];
  const caller = createIqCaller({
    send: async (el) => {
      sent.push(el);
    },
    ownJid: () => OWN,
    domain: 'example.org',
    ...overrides,
  });
  const lastId = () => {
    const id = sent.at(-1)?.attrs.id;
    if (!id) throw new Error('nothing sent');
    return id;
  };
  return { caller, sent, lastId };
}

const ping = () => xml('ping', { xmlns: 'urn:xmpp:ping' });
const result = (id: string, from?: string, ...children: Element[]) => xml('iq', { type: 'result', id, from }, ...children);

/** Let the request's `await send()` settle so the promise is waiting for a reply. */
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createIqCaller: sending', () => {
  test('sends an iq with type, a fresh id, to and the payload', async () => {
    const { caller, sent } = setup();
    void caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 50 });
    void caller.request('set', xml('query', { xmlns: 'jabber:iq:roster' }), { timeoutMs: 50 });
    await tick();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.name).toBe('iq');
    expect(sent[0]!.attrs.type).toBe('get');
    expect(sent[0]!.attrs.to).toBe('bob@example.org/x');
    expect(sent[0]!.getChild('ping', 'urn:xmpp:ping')).toBeDefined();
    expect(sent[1]!.attrs.type).toBe('set');
    expect(sent[1]!.attrs.to).toBeUndefined();
    expect(sent[0]!.attrs.id).toBeTruthy();
    expect(sent[1]!.attrs.id).toBeTruthy();
    expect(sent[0]!.attrs.id).not.toBe(sent[1]!.attrs.id);
    expect(caller.pending()).toBe(2);
  });
});

describe('createIqCaller: matching replies', () => {
  test('a reply with the right id from the addressee resolves ok with the stanza', async () => {
    const { caller, lastId } = setup();
    const p = caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 1000 });
    await tick();
    const reply = result(lastId(), 'bob@example.org/x', xml('pong', { xmlns: 'urn:example' }));
    expect(caller.handleReply(reply)).toBe(true);
    const r = await p;
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toBe(reply);
    expect(caller.pending()).toBe(0);
  });

  test('a spoofed reply (right id, other sender) is not accepted and the request stays pending', async () => {
    const { caller, lastId } = setup();
    const p = caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 1000 });
    await tick();
    const id = lastId();
    expect(caller.handleReply(result(id, 'mallory@evil.example/x'))).toBe(false);
    expect(caller.handleReply(result(id, 'bob@example.org/other'))).toBe(false);
    expect(caller.handleReply(result(id, 'bob@example.org'))).toBe(false);
    expect(caller.handleReply(result(id))).toBe(false);
    expect(caller.handleReply(result(id, 'example.org'))).toBe(false);
    expect(caller.pending()).toBe(1);
    // The genuine reply still gets through afterwards.
    expect(caller.handleReply(result(id, 'bob@example.org/x'))).toBe(true);
    expect((await p).ok).toBe(true);
  });

  test('a reply with an unknown id is not accepted', async () => {
    const { caller } = setup();
    void caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 100 });
    await tick();
    expect(caller.handleReply(result('not-an-id', 'bob@example.org/x'))).toBe(false);
    expect(caller.pending()).toBe(1);
  });

  test('only iq result/error stanzas with an id are replies', async () => {
    const { caller, lastId } = setup();
    void caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 100 });
    await tick();
    const id = lastId();
    expect(caller.handleReply(xml('iq', { type: 'get', id, from: 'bob@example.org/x' }, ping()))).toBe(false);
    expect(caller.handleReply(xml('iq', { type: 'set', id, from: 'bob@example.org/x' }, ping()))).toBe(false);
    expect(caller.handleReply(xml('message', { type: 'result', id, from: 'bob@example.org/x' }))).toBe(false);
    expect(caller.handleReply(xml('iq', { type: 'result', from: 'bob@example.org/x' }))).toBe(false);
    expect(caller.pending()).toBe(1);
  });

  test('a reply is consumed once', async () => {
    const { caller, lastId } = setup();
    const p = caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 1000 });
    await tick();
    const id = lastId();
    expect(caller.handleReply(result(id, 'bob@example.org/x'))).toBe(true);
    expect(caller.handleReply(result(id, 'bob@example.org/x'))).toBe(false);
    expect((await p).ok).toBe(true);
  });

  test.each([
    ['no from', undefined],
    ['from our domain', 'example.org'],
    ['from our domain, other case', 'Example.ORG'],
    ['from our bare JID', 'me@example.org'],
    ['from our own full JID', OWN],
  ])('a request with no to accepts a reply with %s', async (_label, from) => {
    const { caller, lastId } = setup();
    const p = caller.request('get', xml('query', { xmlns: 'jabber:iq:roster' }), { timeoutMs: 1000 });
    await tick();
    expect(caller.handleReply(result(lastId(), from))).toBe(true);
    expect((await p).ok).toBe(true);
  });

  test.each([
    ['another user', 'bob@example.org'],
    ['another server', 'evil.example'],
    ['a subdomain of ours', 'muc.example.org'],
    ['another resource of ours', 'me@example.org/tab2'],
  ])('a request with no to refuses a reply from %s', async (_label, from) => {
    const { caller, lastId } = setup();
    void caller.request('get', xml('query', { xmlns: 'jabber:iq:roster' }), { timeoutMs: 100 });
    await tick();
    expect(caller.handleReply(result(lastId(), from))).toBe(false);
    expect(caller.pending()).toBe(1);
  });

  test('a request to our own bare JID is treated like a request to nobody', async () => {
    const { caller, lastId } = setup();
    const p = caller.request('get', xml('vCard', { xmlns: 'vcard-temp' }), { to: 'me@example.org', timeoutMs: 1000 });
    await tick();
    expect(caller.handleReply(result(lastId(), 'evil.example'))).toBe(false);
    expect(caller.handleReply(result(lastId()))).toBe(true);
    expect((await p).ok).toBe(true);
  });

  test('before binding, a to-less request accepts its domain but not a bare JID', async () => {
    const { caller, lastId } = setup({ ownJid: () => undefined });
    void caller.request('get', ping(), { timeoutMs: 100 });
    await tick();
    expect(caller.handleReply(result(lastId(), 'me@example.org'))).toBe(false);
    expect(caller.handleReply(result(lastId(), 'example.org'))).toBe(true);
  });
});

describe('createIqCaller: timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('an answered request leaves no timer behind', async () => {
    vi.useFakeTimers();
    const { caller, lastId } = setup();
    const p = caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 60_000 });
    await Promise.resolve();
    expect(vi.getTimerCount()).toBe(1);
    expect(caller.handleReply(result(lastId(), 'bob@example.org/x'))).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect((await p).ok).toBe(true);
  });

  test('rejectAll and a failed send leave no timer behind', async () => {
    vi.useFakeTimers();
    const { caller } = setup();
    void caller.request('get', ping(), { timeoutMs: 60_000 });
    void caller.request('get', ping(), { timeoutMs: 60_000 });
    expect(vi.getTimerCount()).toBe(2);
    caller.rejectAll({ kind: 'offline', message: 'gone' });
    expect(vi.getTimerCount()).toBe(0);
    const failing = setup({ send: () => Promise.reject(new Error('closed')) });
    expect((await failing.caller.request('get', ping(), { timeoutMs: 60_000 })).ok).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('the timeout fires at timeoutMs, not before', async () => {
    vi.useFakeTimers();
    const { caller } = setup();
    let settled = false;
    const p = caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 5000 }).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBe(false);
    expect(caller.pending()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(await p).toMatchObject({ ok: false, error: { kind: 'timeout', ms: 5000 } });
  });
});

describe('createIqCaller: failures as values', () => {
  test('an error reply resolves to a typed stanza error', async () => {
    const { caller, lastId } = setup();
    const p = caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 1000 });
    await tick();
    const reply = xml(
      'iq',
      { type: 'error', id: lastId(), from: 'bob@example.org/x' },
      xml('error', { type: 'cancel' }, xml('feature-not-implemented', { xmlns: NS_STANZAS }), xml('text', { xmlns: NS_STANZAS }, 'no pings here')),
    );
    expect(caller.handleReply(reply)).toBe(true);
    const r = await p;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('stanza');
    if (r.error.kind !== 'stanza') return;
    expect(r.error.condition).toBe('feature-not-implemented');
    expect(r.error.type).toBe('cancel');
    expect(r.error.text).toBe('no pings here');
  });

  test('an error reply from a spoofer is not accepted either', async () => {
    const { caller, lastId } = setup();
    void caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 100 });
    await tick();
    const reply = xml(
      'iq',
      { type: 'error', id: lastId(), from: 'eve@example.org/x' },
      xml('error', { type: 'cancel' }, xml('forbidden', { xmlns: NS_STANZAS })),
    );
    expect(caller.handleReply(reply)).toBe(false);
    expect(caller.pending()).toBe(1);
  });

  test('no answer -> timeout after timeoutMs', async () => {
    const { caller } = setup();
    const started = Date.now();
    const r = await caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 30 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('timeout');
    if (r.error.kind !== 'timeout') return;
    expect(r.error.ms).toBe(30);
    expect(r.error.message).toContain('bob@example.org/x');
    expect(caller.pending()).toBe(0);
  });

  test('defaultTimeoutMs applies when the request gives none', async () => {
    const { caller } = setup({ defaultTimeoutMs: 20 });
    const r = await caller.request('get', ping());
    expect(r).toMatchObject({ ok: false, error: { kind: 'timeout', ms: 20 } });
  });

  test('a late reply after the timeout is not accepted', async () => {
    const { caller, lastId } = setup();
    const r = await caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 10 });
    expect(r.ok).toBe(false);
    expect(caller.handleReply(result(lastId(), 'bob@example.org/x'))).toBe(false);
  });

  test('send failure -> offline, nothing left pending', async () => {
    const { caller } = setup({
      send: async () => {
        throw new Error('socket closed');
      },
    });
    const r = await caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 1000 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('offline');
    expect(r.error.message).toContain('socket closed');
    expect(caller.pending()).toBe(0);
  });

  test('rejectAll fails every pending request with the reason', async () => {
    const { caller, sent } = setup();
    const a = caller.request('get', ping(), { to: 'bob@example.org/x', timeoutMs: 1000 });
    const b = caller.request('get', ping(), { timeoutMs: 1000 });
    await tick();
    expect(caller.pending()).toBe(2);
    const reason: TidepoolError = { kind: 'offline', message: 'connection lost' };
    caller.rejectAll(reason);
    expect(caller.pending()).toBe(0);
    expect(await a).toEqual({ ok: false, error: reason });
    expect(await b).toEqual({ ok: false, error: reason });
    // Replies arriving afterwards find nothing to answer.
    expect(caller.handleReply(result(sent[0]!.attrs.id!, 'bob@example.org/x'))).toBe(false);
  });
});

describe('address case', () => {
  test('a reply whose local/domain case the server normalised still matches; the resource stays case-sensitive', async () => {
    const { caller, lastId } = setup();
    const pending = caller.request('get', ping(), { to: 'Bob@Example.ORG/Desk', timeoutMs: 200 });
    const id = lastId();
    expect(caller.handleReply(result(id, 'bob@example.org/desk'))).toBe(false);
    expect(caller.handleReply(result(id, 'bob@example.org/Desk'))).toBe(true);
    expect((await pending).ok).toBe(true);
  });
});
