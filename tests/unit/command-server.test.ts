// XEP-0050 session mechanics without a network: stages, expiry, limits, ownership of sessions.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { createIqRouter } from '../../src/xmpp/iq/router.ts';
import { createCommandServer, type CommandDefinition } from '../../src/xmpp/commands/server.ts';
import { NS_COMMANDS } from '../../src/xmpp/commands/types.ts';
import { ok, fail } from '../../src/core/result.ts';
import { stanzaError } from '../../src/core/errors.ts';
import { formElement, submitForm } from '../../src/xmpp/forms/index.ts';

const ALICE = 'alice@example.org/a';
const MALLORY = 'mallory@example.org/m';

const twoStage: CommandDefinition = {
  node: 'two',
  name: 'Two stages',
  stages: [
    () => ({ type: 'form', instructions: [], fields: [{ var: 'a', type: 'text-single', required: true, values: [], options: [] }] }),
    (collected) => ({ type: 'form', instructions: [`a was ${collected.a?.[0]}`], fields: [{ var: 'b', type: 'text-single', values: [], options: [] }] }),
  ],
  run: async (input) => ok({ json: input }),
};

function setup(opts: { now?: () => number; maxSessionsPerCaller?: number; allow?: boolean } = {}) {
  const router = createIqRouter();
  const sent: Element[] = [];
  const server = createCommandServer({
    router,
    send: async (el) => void sent.push(el),
    lookup: (node) => (node === 'two' ? twoStage : undefined),
    authorize: () => (opts.allow === false ? fail(stanzaError('forbidden')) : ok(undefined)),
    now: opts.now,
    maxSessionsPerCaller: opts.maxSessionsPerCaller,
  });
  let n = 0;
  async function call(from: string, attrs: Record<string, string | undefined>, form?: Record<string, string>) {
    const cmd = xml('command', { xmlns: NS_COMMANDS, node: 'two', ...attrs }, form ? formElement(submitForm(form)) : null);
    const reply = (await router.handle(xml('iq', { type: 'set', id: `q${n++}`, from }, cmd)))!;
    const c = reply.getChild('command', NS_COMMANDS);
    const err = reply.getChild('error');
    return {
      type: reply.attrs.type,
      status: c?.attrs.status,
      sessionid: c?.attrs.sessionid,
      condition: err?.getChildElements().find((e) => e.attrs.xmlns === 'urn:ietf:params:xml:ns:xmpp-stanzas' && e.name !== 'text')?.name,
      app: err?.getChild('bad-sessionid', NS_COMMANDS)
        ? 'bad-sessionid'
        : err?.getChild('session-expired', NS_COMMANDS)
          ? 'session-expired'
          : err?.getChild('bad-action', NS_COMMANDS)
            ? 'bad-action'
            : undefined,
      reply,
    };
  }
  return { server, call, sent };
}

describe('command server', () => {
  test('stages carry collected input forward, and the run gets all of it', async () => {
    const { call, server } = setup();
    const s1 = await call(ALICE, { action: 'execute' });
    expect(s1).toMatchObject({ type: 'result', status: 'executing' });
    const s2 = await call(ALICE, { action: 'next', sessionid: s1.sessionid }, { a: 'x' });
    expect(s2.reply.getChild('command', NS_COMMANDS)?.getChild('x', 'jabber:x:data')?.getChildText('instructions')).toBe('a was x');
    const done = await call(ALICE, { action: 'complete', sessionid: s1.sessionid }, { b: 'y' });
    expect(done.status).toBe('completed');
    expect(JSON.parse(done.reply.getChild('command', NS_COMMANDS)!.getChildText('json', 'urn:xmpp:json:0')!)).toEqual({ a: ['x'], b: ['y'] });
    expect(server.sessions()).toBe(0);
    server.stop();
  });

  test('prev on the first stage, and next on the last, are bad-action', async () => {
    const { call, server } = setup();
    const s1 = await call(ALICE, { action: 'execute' });
    expect(await call(ALICE, { action: 'prev', sessionid: s1.sessionid })).toMatchObject({ condition: 'bad-request', app: 'bad-action' });
    await call(ALICE, { action: 'next', sessionid: s1.sessionid }, { a: 'x' });
    expect(await call(ALICE, { action: 'next', sessionid: s1.sessionid }, { b: 'y' })).toMatchObject({ condition: 'bad-request', app: 'bad-action' });
    server.stop();
  });

  test('a session belongs to the full JID that opened it', async () => {
    const { call, server } = setup();
    const s1 = await call(ALICE, { action: 'execute' });
    expect(await call(MALLORY, { action: 'next', sessionid: s1.sessionid }, { a: 'x' })).toMatchObject({ condition: 'bad-request', app: 'bad-sessionid' });
    expect(await call('alice@example.org/other', { action: 'next', sessionid: s1.sessionid }, { a: 'x' })).toMatchObject({ app: 'bad-sessionid' });
    expect((await call(ALICE, { action: 'next', sessionid: s1.sessionid }, { a: 'x' })).status).toBe('executing');
    server.stop();
  });

  test('an idle session expires: not-allowed with session-expired', async () => {
    let t = 1_000_000;
    const { call, server } = setup({ now: () => t });
    const s1 = await call(ALICE, { action: 'execute' });
    t += 11 * 60_000;
    expect(await call(ALICE, { action: 'next', sessionid: s1.sessionid }, { a: 'x' })).toMatchObject({ condition: 'not-allowed', app: 'session-expired' });
    expect(server.sessions()).toBe(0);
    server.stop();
  });

  test('open sessions per caller are limited: resource-constraint', async () => {
    const { call, server } = setup({ maxSessionsPerCaller: 2 });
    await call(ALICE, { action: 'execute' });
    await call(ALICE, { action: 'execute' });
    expect(await call(ALICE, { action: 'execute' })).toMatchObject({ condition: 'resource-constraint' });
    expect((await call(MALLORY, { action: 'execute' })).status).toBe('executing');
    server.stop();
  });

  test('a stage without a form, an unknown node, and authorisation refusals', async () => {
    const { call, server } = setup();
    const s1 = await call(ALICE, { action: 'execute' });
    expect(await call(ALICE, { action: 'next', sessionid: s1.sessionid })).toMatchObject({ condition: 'bad-request' });
    expect(await call(ALICE, { action: 'next' })).toMatchObject({ condition: 'bad-request', app: 'bad-sessionid' });
    server.stop();
    const denied = setup({ allow: false });
    expect(await denied.call(ALICE, { action: 'execute' })).toMatchObject({ condition: 'forbidden' });
    denied.server.stop();
  });
});
