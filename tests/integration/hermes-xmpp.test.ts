// Hermes Agent's XMPP platform plugin cannot run here (Hermes is in no registry these machines reach), so
// tests/interop/slixmpp_hermes.py plays its side as far as its documented XEPs go: slixmpp with XEP-0030,
// XEP-0045 and XEP-0085. With a Tidepool agent (a brain on the tiny model, answering friends): friends by
// mutual subscription, disco#info, a direct message with chat states and a real reply, and a room where the
// Hermes side answers only the message that addresses it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { createMuc } from '../../src/xmpp/muc/muc.ts';
import type { GroupMessage } from '../../src/xmpp/muc/types.ts';
import { nodeModels } from '../../src/node/models.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { DEBIAN_PYTHON, makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const c2sPort = inject('c2sPort');
const SCRIPT = fileURLToPath(new URL('../interop/slixmpp_hermes.py', import.meta.url));
const STEP_S = 40;
let agent: AgentNode;
const hermes = { user: `hermes-${randomSecret(3)}`, password: randomSecret() };

interface Event {
  event: string;
  [k: string]: unknown;
}

beforeAll(async () => {
  const reg = await registerAccount({ service, domain, username: hermes.user, password: hermes.password });
  if (!reg.ok) throw new Error(`registering the Hermes-side account failed: ${reg.error.message}`);
  const gguf = join(tempDir('tidepool-hermes-'), 'tiny.gguf');
  writeTinyGguf(gguf);
  agent = await makeNode(service, domain, `tide-${randomSecret(3)}`, { models: nodeModels, subscriptionPolicy: 'accept' });
  await agent.brain.configure({ backend: 'node-llama-cpp', nodeLlamaCpp: { path: gguf }, autoReply: true });
  const loaded = await agent.brain.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  await startNode(agent);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
});

describe("Hermes's XMPP adapter side (slixmpp: XEP-0030, 0045, 0085) and a Tidepool agent", () => {
  test('friends, disco, a direct message with chat states, and a room where only the addressed message is answered', async () => {
    const room = `hermes-room-${randomSecret(3)}@muc.${domain}`;
    const muc = createMuc({ connection: agent.connection });
    const made = await muc.create(room, 'tide', {});
    expect(made.ok, JSON.stringify(made)).toBe(true);
    const heard: GroupMessage[] = [];
    muc.events.on('message', (m) => m.room === room && m.nick === 'hermes' && !m.delayed && heard.push(m));

    const child = spawn(
      DEBIAN_PYTHON,
      [SCRIPT, `${hermes.user}@${domain}`, hermes.password, '127.0.0.1', String(c2sPort), agent.identity.jid, room, 'hermes', String(STEP_S)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const events = () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Event);
    const detail = () => JSON.stringify(events()) + err.slice(-1500);
    try {
      await until(() => muc.occupants(room).has('hermes') || child.exitCode !== null, STEP_S * 3 * 1000, 'the Hermes side in the room');
      expect(muc.occupants(room).has('hermes'), detail()).toBe(true);
      expect((await muc.send(room, 'Low tide this afternoon, for the record.')).ok).toBe(true);
      expect((await muc.send(room, 'hermes: are you there?')).ok).toBe(true);
      await until(() => heard.length > 0 || child.exitCode !== null, STEP_S * 1000, "the Hermes side's answer in the room");
      expect(await exited, detail()).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const ev = events();
    const disco = ev.find((e) => e.event === 'disco') as { features?: string[] } | undefined;
    expect(disco?.features).toEqual(expect.arrayContaining(['http://jabber.org/protocol/commands', 'http://jabber.org/protocol/chatstates']));
    const reply = ev.find((e) => e.event === 'reply') as { body?: string; states?: string[] } | undefined;
    expect(String(reply?.body ?? '').trim().length, detail()).toBeGreaterThan(0);
    expect(reply?.states, 'the agent was composing (XEP-0085)').toContain('composing');
    const roomSeen = ev.filter((e) => e.event === 'room_message') as unknown as Array<{ body: string; addressed: boolean; nick: string }>;
    expect(roomSeen.map((m) => [m.body, m.addressed])).toEqual([
      ['Low tide this afternoon, for the record.', false],
      ['hermes: are you there?', true],
    ]);
    expect(heard.map((m) => m.body)).toEqual(['tide: Hermes here, I read you.']);
    await muc.leave(room);
  });
});
