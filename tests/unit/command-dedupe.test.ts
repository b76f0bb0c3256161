// Repeated command requests (same full JID, same stanza id), as an XEP-0198 re-send delivers them:
// the skill runs once and every copy gets the first copy's answer.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { createIqRouter } from '../../src/xmpp/iq/router.ts';
import { createCommandServer, type CommandDefinition } from '../../src/xmpp/commands/server.ts';
import { createReplyCache, fingerprint } from '../../src/xmpp/commands/dedupe.ts';
import { NS_COMMANDS } from '../../src/xmpp/commands/types.ts';
import { ok, fail } from '../../src/core/result.ts';
import { stanzaError } from '../../src/core/errors.ts';
import { formElement, submitForm } from '../../src/xmpp/forms/index.ts';

const ALICE = 'alice@example.org/a';
const BOB = 'bob@example.org/b';

function setup(opts: { now?: () => number; rateLimit?: number; replies?: { ttlMs?: number; maxEntries?: number } } = {}) {
  let runs = 0;
  let release: (() => void) | undefined;
  let taken = 0;
  // Stage-less: `execute` runs it at once, the case a duplicate would repeat.
  const counter: CommandDefinition = {
    node: 'count',
    name: 'Count',
    stages: [],
    run: async () => {
      runs++;
      await new Promise<void>((r) => (release = r));
      return ok({ json: { run: runs } });
    },
  };
  const oneStage: CommandDefinition = {
    node: 'one',
    name: 'One stage',
    stages: [() => ({ type: 'form', instructions: [], fields: [{ var: 'a', type: 'text-single', values: [], options: [] }] })],
    run: async (input) => {
      runs++;
      return ok({ json: { a: input.a, run: runs } });
    },
  };
  const router = createIqRouter();
  const server = createCommandServer({
    router,
    send: async () => {},
    lookup: (node) => ({ count: counter, one: oneStage })[node],
    authorize: () => (opts.rateLimit !== undefined && ++taken > opts.rateLimit ? fail(stanzaError('resource-constraint', 'rate limit')) : ok(undefined)),
    now: opts.now,
    replies: opts.replies,
  });
  const request = (from: string, id: string, attrs: Record<string, string | undefined>, form?: Record<string, string>) =>
    xml('iq', { type: 'set', id, from }, xml('command', { xmlns: NS_COMMANDS, ...attrs }, form ? formElement(submitForm(form)) : null));
  const finish = async () => {
    await until(() => release !== undefined);
    release!();
    release = undefined;
  };
  return { router, server, request, finish, runs: () => runs };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
}

const json = (reply: Element | undefined) => JSON.parse(reply!.getChild('command', NS_COMMANDS)!.getChildText('json', 'urn:xmpp:json:0')!);

describe('repeated command requests', () => {
  test('a copy that arrives while the first runs waits for it: one run, both answered alike', async () => {
    const { router, server, request, finish, runs } = setup();
    const first = router.handle(request(ALICE, 'x1', { node: 'count', action: 'execute' }));
    const second = router.handle(request(ALICE, 'x1', { node: 'count', action: 'execute' }));
    await finish();
    const [a, b] = await Promise.all([first, second]);
    expect(runs()).toBe(1);
    expect(a!.attrs).toMatchObject({ type: 'result', id: 'x1', to: ALICE });
    expect(b!.toString()).toBe(a!.toString());
    expect(json(b)).toEqual({ run: 1 });
    // Separate elements: sending one cannot disturb the other.
    expect(b!.getChild('command', NS_COMMANDS)).not.toBe(a!.getChild('command', NS_COMMANDS));
    server.stop();
  });

  test('a copy after the answer was sent gets the same answer; the session is not reopened', async () => {
    const { router, server, request, runs } = setup();
    const opened = (await router.handle(request(ALICE, 'o1', { node: 'one', action: 'execute' })))!;
    const sessionid = opened.getChild('command', NS_COMMANDS)!.attrs.sessionid!;
    expect(server.sessions()).toBe(1);
    // A repeated execute would otherwise open a second session.
    expect((await router.handle(request(ALICE, 'o1', { node: 'one', action: 'execute' })))!.toString()).toBe(opened.toString());
    expect(server.sessions()).toBe(1);
    const done = (await router.handle(request(ALICE, 'o2', { node: 'one', action: 'complete', sessionid }, { a: 'x' })))!;
    // Without the cache the repeat would find the session gone and answer bad-sessionid.
    const again = (await router.handle(request(ALICE, 'o2', { node: 'one', action: 'complete', sessionid }, { a: 'x' })))!;
    expect(again.attrs.type).toBe('result');
    expect(again.toString()).toBe(done.toString());
    expect(json(again)).toEqual({ a: ['x'], run: 1 });
    expect(runs()).toBe(1);
    server.stop();
  });

  test('the same id from another full JID, or with another payload, is a new request', async () => {
    const { router, server, request, runs } = setup();
    const r1 = (await router.handle(request(ALICE, 'same', { node: 'one', action: 'execute' })))!;
    const r2 = (await router.handle(request(BOB, 'same', { node: 'one', action: 'execute' })))!;
    const r3 = (await router.handle(request('alice@example.org/other', 'same', { node: 'one', action: 'execute' })))!;
    const sid = (r: Element) => r.getChild('command', NS_COMMANDS)!.attrs.sessionid;
    expect(new Set([sid(r1), sid(r2), sid(r3)]).size).toBe(3);
    expect(r2.attrs.to).toBe(BOB);
    expect(server.sessions()).toBe(3);
    // Alice reusing an id for a different request (after a reconnect, say) is answered afresh.
    const done = (await router.handle(request(ALICE, 'same', { node: 'one', action: 'complete', sessionid: sid(r1) }, { a: 'y' })))!;
    expect(json(done)).toEqual({ a: ['y'], run: 1 });
    expect(runs()).toBe(1);
    server.stop();
  });

  test('a repeat does not spend the rate limit again, and refusals are remembered too', async () => {
    const { router, server, request } = setup({ rateLimit: 2 });
    const ex = (id: string) => router.handle(request(ALICE, id, { node: 'one', action: 'execute' }));
    expect((await ex('r1'))!.attrs.type).toBe('result');
    expect((await ex('r1'))!.attrs.type).toBe('result');
    // The second token is still there: the repeat above did not take one.
    expect((await ex('r2'))!.attrs.type).toBe('result');
    const refused = (await ex('r3'))!;
    expect(refused.attrs.type).toBe('error');
    expect((await ex('r3'))!.toString()).toBe(refused.toString());
    server.stop();
  });

  test('remembered answers expire, and their number is bounded', async () => {
    let t = 1_000_000;
    const { router, server, request, runs } = setup({ now: () => t, replies: { ttlMs: 60_000, maxEntries: 3 } });
    const ex = (id: string) => router.handle(request(ALICE, id, { node: 'one', action: 'execute' }));
    await ex('e1');
    t += 61_000;
    await ex('e2'); // forgets e1
    expect(server.remembered()).toBe(1);
    expect(server.sessions()).toBe(2);
    t += 59_000;
    await ex('e2'); // still remembered: a repeat, no new session
    expect(server.sessions()).toBe(2);
    await ex('e1'); // no longer a repeat: a new session
    expect(server.sessions()).toBe(3);
    for (const id of ['f1', 'f2', 'f3', 'f4']) await ex(id);
    expect(server.remembered()).toBe(3);
    expect(runs()).toBe(0);
    server.stop();
  });
});

describe('reply cache', () => {
  test('a compute that throws is forgotten, so a repeat is tried again', async () => {
    const cache = createReplyCache<number>({ sizeOf: () => 1 });
    let calls = 0;
    await expect(
      cache.answer('a', '1', 'p', async () => {
        calls++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await cache.answer('a', '1', 'p', async () => ++calls)).toBe(2);
    expect(await cache.answer('a', '1', 'p', async () => ++calls)).toBe(2);
  });

  test('the size budget forgets the oldest answers first', async () => {
    const cache = createReplyCache<string>({ sizeOf: (s) => s.length, maxChars: 10 });
    await cache.answer('a', '1', 'p', async () => 'xxxxxx');
    await cache.answer('a', '2', 'p', async () => 'yyyyyy');
    expect(cache.size()).toBe(1);
    expect(await cache.answer('a', '2', 'p', async () => 'new')).toBe('yyyyyy');
    expect(await cache.answer('a', '1', 'p', async () => 'new')).toBe('new');
  });

  test('an answer that expired behind one still running is not given again, and goes once it reaches the front', async () => {
    let t = 0;
    const cache = createReplyCache<string>({ sizeOf: () => 1, ttlMs: 100, now: () => t });
    let release: (v: string) => void = () => {};
    const slow = cache.answer('a', 'slow', 'p', () => new Promise<string>((r) => (release = r)));
    expect(await cache.answer('a', 'fast', 'p', async () => 'first')).toBe('first');
    t = 500; // 'fast' expired; 'slow', older and still running, keeps the walk from reaching it
    expect(await cache.answer('a', 'fast', 'p', async () => 'again')).toBe('again');
    release('done');
    expect(await slow).toBe('done');
    t = 1000; // both done and expired now: the next request's trim forgets them
    await cache.answer('a', 'other', 'p', async () => 'x');
    expect(cache.size()).toBe(1);
  });

  test('fingerprints differ for different payloads of the same length', () => {
    expect(fingerprint('<a x="1"/>')).not.toBe(fingerprint('<a x="2"/>'));
    expect(fingerprint('')).not.toBe(fingerprint('\u0000'));
    expect(fingerprint('same')).toBe(fingerprint('same'));
  });
});
