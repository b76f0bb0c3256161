// A new agent registers on its login stream (XEP-0077 after the stream features, before SASL): one socket,
// the identity saved before the registration is sent, a taken name retried, the session bound only once
// the node listens, and an unreachable server reported as such, with nothing retried (a server that does
// not offer registration: new-account-closed.test.ts). Runs on Prosody and on ejabberd.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { createAgentNode } from '../../src/agent/node.ts';
import { startNewAccount } from '../../src/agent/new-account.ts';
import { usernameFrom } from '../../src/agent/identity.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { freePort } from '../../scripts/lib/prosody.ts';
import type { AgentStore, Identity } from '../../src/store/types.ts';
import { tempDir, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const stops: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => {});
});

/** Counts the WebSockets created while `fn` runs. */
async function socketsDuring<T>(fn: () => Promise<T>): Promise<{ value: T; sockets: number }> {
  const g = globalThis as { WebSocket: new (...a: never[]) => unknown };
  const Native = g.WebSocket;
  let sockets = 0;
  g.WebSocket = new Proxy(Native, {
    construct(target, args) {
      sockets++;
      return Reflect.construct(target, args) as object;
    },
  });
  try {
    return { value: await fn(), sockets };
  } finally {
    g.WebSocket = Native;
  }
}

/** A file store whose first identity save waits for `release`, recording every save. */
async function heldStore(dir: string) {
  const inner = await createFileStore(dir);
  const saves: Identity[] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  let first = true;
  const store: AgentStore = {
    ...inner,
    kind: inner.kind,
    getIdentity: () => inner.getIdentity(),
    async putIdentity(i) {
      saves.push(i);
      if (first) {
        first = false;
        await held;
      }
      return inner.putIdentity(i);
    },
  };
  return { store, saves, release, firstSave: () => until(() => saves.length > 0, 10_000, 'the first identity save') };
}

describe('a new account on its login stream', () => {
  test('one socket; the registration waits for the saved identity; a taken name is retried; binding waits for the node', async () => {
    const name = `newacct-${Date.now()}`;
    const base = usernameFrom(name);
    const { store, saves, release, firstSave } = await heldStore(tempDir());
    const { value: node, sockets } = await socketsDuring(async () => {
      const account = startNewAccount({ store, service, domain, name });
      const building = createAgentNode({ store, service, domain, name, account });
      await firstSave();
      // The name is still free while the save is held: nothing was registered before it. Take it ourselves.
      expect((await registerAccount({ service, domain, username: base, password: 'someone-else-1' })).ok).toBe(true);
      release();
      const built = await building;
      if (!built.ok) throw new Error(built.error.message);
      stops.push(() => built.value.stop());
      // Registered and logged in, but not bound: no session before the node's start().
      await new Promise((r) => setTimeout(r, 300));
      expect(built.value.status().state).not.toBe('online');
      return built.value;
    });
    expect(sockets).toBe(2); // the agent's one, and ours above
    const jid = await node.start();
    expect(jid.ok).toBe(true);
    expect(node.identity.jid).toMatch(new RegExp(`^${base}-[0-9a-f]{6}@`));
    expect(jid.ok && jid.value).toBe(`${node.identity.jid}/${node.identity.resource}`);
    // Every name tried was saved, unregistered, before it was sent; the last save marks it registered.
    expect(saves.map((s) => [s.jid.split('@')[0] === base, s.registered])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(new Set(saves.map((s) => s.password)).size).toBe(1);
    expect(await store.getIdentity()).toMatchObject({ jid: node.identity.jid, registered: true, resource: node.identity.resource });
  });

  test('an unreachable server: creating the agent fails at once, saying so, and nothing keeps trying', async () => {
    const port = await freePort();
    const dead = `ws://127.0.0.1:${port}/xmpp-websocket`;
    const store = await createFileStore(tempDir());
    const account = startNewAccount({ store, service: dead, domain, name: 'nobody' });
    const r = await createAgentNode({ store, service: dead, domain, name: 'nobody', account });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ kind: 'network' });
    expect(!r.ok && r.error.message).toContain(`cannot reach ${dead}`);
    expect(account.connection.status.state).toBe('offline');
    expect(await store.getIdentity()).toBeUndefined();
  });
});
