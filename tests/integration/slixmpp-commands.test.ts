// XEP-0050 interoperability with a third-party implementation: Debian's python3-slixmpp (1.8.3), using only
// its own xep_0030 / xep_0004 / xep_0050 plugins, runs a Tidepool node's skills and serves a command that a
// Tidepool node runs, all through the test's Prosody.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { installWebSocket } from '../../src/node/websocket.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createAgentNode, type AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import type { AgentStore } from '../../src/store/types.ts';
import { DEBIAN_PYTHON, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const c2sPort = inject('c2sPort');
const PYTHON = DEBIAN_PYTHON;
const SCRIPT = fileURLToPath(new URL('../interop/slixmpp_commands.py', import.meta.url));
const PEER_TIMEOUT_S = 20;

interface PeerEvent {
  event: string;
  [k: string]: unknown;
}

interface Peer {
  child: ChildProcess;
  events: PeerEvent[];
  /** Resolves with the first event of that name (rejects if the script exits first). */
  next(name: string, ms: number): Promise<PeerEvent>;
  exited: Promise<number | null>;
  diag(): string;
}

let node: AgentNode | undefined;
let store: AgentStore;
let nodeJid: string; // full JID
let slixBare: string;
let slixPassword: string;
const peers: ChildProcess[] = [];

function runPeer(mode: 'call' | 'serve', target: string): Peer {
  const started = Date.now();
  const child = spawn(PYTHON, [SCRIPT, slixBare, slixPassword, '127.0.0.1', String(c2sPort), target, String(PEER_TIMEOUT_S), mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  peers.push(child);
  const events: PeerEvent[] = [];
  const waiters: Array<{ name: string; resolve: (e: PeerEvent) => void }> = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines.filter((l) => l.trim())) {
      let e: PeerEvent;
      try {
        e = JSON.parse(line) as PeerEvent;
      } catch {
        e = { event: 'unparsable', line };
      }
      events.push(e);
      for (const w of waiters.filter((x) => x.name === e.event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve((exitCode = code)));
  });
  const diag = () => `mode ${mode}, exit ${exitCode} after ${Date.now() - started} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`;
  return {
    child,
    events,
    exited,
    diag,
    next(name, ms) {
      const seen = events.find((e) => e.event === name);
      if (seen) return Promise.resolve(seen);
      const got = new Promise<PeerEvent>((resolve) => waiters.push({ name, resolve }));
      const gone = exited.then((code) => Promise.reject(new Error(`the slixmpp script exited (${code}) before "${name}"\n${diag()}`)));
      return within(Promise.race([got, gone]), ms, `"${name}" from the slixmpp script\n${diag()}`);
    },
  };
}

beforeAll(async () => {
  installWebSocket();
  slixBare = `slixcmd-${randomSecret(4)}@${domain}`.toLowerCase();
  slixPassword = randomSecret();
  const reg = await registerAccount({ service, domain, username: slixBare.split('@')[0]!, password: slixPassword });
  if (!reg.ok) throw new Error(`registering the slixmpp account failed: ${JSON.stringify(reg.error)}`);

  store = createMemoryStore();
  const created = await createAgentNode({ store, service, domain, name: `cmd-interop-${randomSecret(3)}`, subscriptionPolicy: 'accept' });
  if (!created.ok) throw new Error(`createAgentNode failed: ${JSON.stringify(created.error)}`);
  node = created.value;
  const started = await node.start();
  if (!started.ok) throw new Error(`node.start failed: ${JSON.stringify(started.error)}`);
  nodeJid = node.connection.jid()!;
  if (!nodeJid?.includes('/')) throw new Error(`expected the node's full JID, got ${nodeJid}`);
});

afterAll(async () => {
  for (const p of peers) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await node?.stop();
});

describe('XEP-0050 interop with slixmpp', () => {
  test("slixmpp runs a Tidepool node's multi-stage skill", async () => {
    const peer = runPeer('call', nodeJid);
    const code = await within(peer.exited, (PEER_TIMEOUT_S + 5) * 1000, `the slixmpp script to exit\n${peer.diag()}`);
    const diag = peer.diag();
    const of = (name: string) => peer.events.filter((e) => e.event === name);
    const one = (name: string) => {
      const found = of(name);
      expect(found.length, `one "${name}" event\n${diag}`).toBeGreaterThan(0);
      return found.at(-1)!;
    };

    expect(code, diag).toBe(0);
    expect(of('check_failed'), diag).toEqual([]);

    // disco#items on the commands node, read by xep_0030.
    const commands = one('commands') as PeerEvent & { nodes: string[]; items: Array<{ jid: string; node: string; name: string }> };
    expect(commands.nodes, diag).toEqual(expect.arrayContaining(['describe', 'echo', 'handshake']));
    expect(commands.nodes, diag).not.toContain('ask'); // friends only, and slixmpp is no friend
    expect(
      commands.items.find((i) => i.node === 'handshake'),
      diag,
    ).toMatchObject({ jid: nodeJid, name: 'Handshake' });

    // disco#info, read by xep_0030: the commands feature, and the skill node's identity and XEP-0128 form.
    expect(one('disco'), diag).toMatchObject({
      commands_feature: true,
      identities: [['automation', 'command-node', null, 'Handshake']],
      features: ['http://jabber.org/protocol/commands', 'jabber:x:data'],
      extension: { stages: '2', access: 'public' },
    });

    // handshake: stage 1 offers next only; stage 2 offers prev and complete; prev returns to stage 1.
    const [s1, s2] = of('handshake_stage') as Array<
      PeerEvent & { status: string; actions: string[]; form: { fields: Array<{ var: string; type: string; options: string[]; required: boolean }> } }
    >;
    expect(s1, diag).toMatchObject({ stage: 1, status: 'executing', actions: ['next'] });
    expect(
      s1!.form.fields.map((f) => [f.var, f.type]),
      diag,
    ).toEqual([
      ['name', 'text-single'],
      ['purpose', 'text-multi'],
      ['offers', 'text-multi'],
    ]);
    expect(s1!.form.fields.find((f) => f.var === 'name')!.required).toBe(true);
    expect(s2, diag).toMatchObject({ stage: 2, status: 'executing', actions: ['complete', 'prev'] });
    const wants = s2!.form.fields.find((f) => f.var === 'wants')!;
    expect(wants.type).toBe('list-multi');
    expect(wants.options.sort()).toEqual([
      'bounty-bid',
      'bounty-deliver',
      'describe',
      'echo',
      'ledger-pay',
      'org-ally',
      'org-join',
      'place-explore',
      'place-visit',
      'treasure-claim',
    ]);
    expect(one('handshake_prev'), diag).toMatchObject({ status: 'executing', actions: ['next'] });

    const done = one('handshake_done') as PeerEvent & { json: Record<string, unknown>; values: Record<string, unknown> };
    expect(done, diag).toMatchObject({ type: 'result', status: 'completed' });
    expect(done.json, diag).toMatchObject({
      agreed: true,
      peer: slixBare,
      name: 'Slix',
      purpose: 'prove XEP-0050 interop\nfrom slixmpp',
      offers: ['weather'],
      wants: ['echo'],
    });
    expect(String(done.values.summary), diag).toMatch(/and Slix agreed\.\nYou may use: echo\.\nYou offer: weather\./);

    expect(one('echo_stage'), diag).toMatchObject({ status: 'executing', actions: ['complete'] });
    expect(one('echo_done'), diag).toMatchObject({
      type: 'result',
      status: 'completed',
      text: ['hello from slixmpp', 'hello from slixmpp'],
      json: { text: 'hello from slixmpp', repeat: 2, echoed: ['hello from slixmpp', 'hello from slixmpp'] },
    });
    expect(one('cancel'), diag).toMatchObject({ type: 'result', status: 'canceled' });
    expect(one('error'), diag).toMatchObject({ type: 'error', condition: 'item-not-found', error_type: 'cancel' });

    // The node's side: the agreement is in its memory, keyed by slixmpp's bare JID.
    expect(await store.getSetting(`handshake:${slixBare}`)).toMatchObject({ peer: slixBare, name: 'Slix', wants: ['echo'], offers: ['weather'] });
  });

  test('a Tidepool node runs a command that slixmpp serves', async () => {
    const n = node!;
    const peer = runPeer('serve', nodeJid);
    const ready = await peer.next('ready', 15_000);
    const slixFull = String(ready.jid);
    expect(slixFull.split('/')[0]!.toLowerCase()).toBe(slixBare);
    expect(slixFull).toContain('/');

    // Discovery: slixmpp's xep_0030 answers disco#items on the commands node and disco#info on the command node.
    const skills = await n.peers.skills(slixFull);
    expect(skills.ok && skills.value, peer.diag()).toEqual([{ jid: slixFull, node: 'weather', name: 'Weather' }]);
    const info = await n.peers.skillInfo(slixFull, 'weather');
    expect(info.ok && info.value, peer.diag()).toMatchObject({ node: 'weather', name: 'Weather' });

    // A session canceled between stages: slixmpp acknowledges with status canceled.
    const dropped = await n.commands.execute(slixFull, 'weather');
    expect(dropped.ok && dropped.value.status, JSON.stringify(dropped)).toBe('executing');
    const canceled = await n.commands.cancel(slixFull, 'weather', dropped.ok ? dropped.value.sessionid! : '');
    expect(canceled.ok && canceled.value, JSON.stringify(canceled)).toMatchObject({ node: 'weather', status: 'canceled' });

    const s1 = await n.commands.execute(slixFull, 'weather');
    expect(s1.ok, JSON.stringify(s1)).toBe(true);
    if (!s1.ok) return;
    expect(s1.value).toMatchObject({ node: 'weather', status: 'executing', actions: { next: true, complete: false, prev: false } });
    expect(s1.value.form).toMatchObject({ type: 'form', title: 'Weather', instructions: ['Which city?'] });
    expect(s1.value.form?.fields.find((f) => f.var === 'city')).toMatchObject({ type: 'text-single', label: 'City', required: true });
    const sid = s1.value.sessionid!;
    expect(sid).toBeTruthy();

    // slixmpp's refusal (an XMPPError raised in its handler) arrives as a stanza error; the session survives.
    const refused = await n.commands.submit(slixFull, 'weather', sid, { city: '' }, 'next');
    expect(!refused.ok && refused.error, JSON.stringify(refused)).toMatchObject({
      kind: 'stanza',
      condition: 'bad-request',
      type: 'modify',
      text: 'city is required',
    });

    const s2 = await n.commands.submit(slixFull, 'weather', sid, { city: 'Lisbon' }, 'next');
    expect(s2.ok, JSON.stringify(s2)).toBe(true);
    if (!s2.ok) return;
    expect(s2.value).toMatchObject({ node: 'weather', sessionid: sid, status: 'executing', actions: { complete: true, next: false } });
    const units = s2.value.form?.fields.find((f) => f.var === 'units');
    expect(units).toMatchObject({ type: 'list-single', required: true, values: ['metric'] });
    expect(units?.options).toEqual([
      { label: 'Metric', value: 'metric' },
      { label: 'Imperial', value: 'imperial' },
    ]);

    const done = await n.commands.submit(slixFull, 'weather', sid, { units: 'metric' }, 'complete');
    expect(done.ok, JSON.stringify(done)).toBe(true);
    if (!done.ok) return;
    expect(done.value).toMatchObject({ node: 'weather', sessionid: sid, status: 'completed' });
    expect(done.value.form?.type).toBe('result');
    expect(done.value.form?.fields.find((f) => f.var === 'report')?.values).toEqual(['Lisbon: 21 degrees (metric)']);

    const code = await within(peer.exited, (PEER_TIMEOUT_S + 5) * 1000, `the slixmpp script to exit\n${peer.diag()}`);
    expect(code, peer.diag()).toBe(0);
    // What slixmpp's handlers received from the Tidepool node's submit forms.
    const stages = peer.events.filter((e) => e.event === 'served_stage');
    expect(
      stages.map((e) => e.stage),
      peer.diag(),
    ).toEqual([1, 1, 2, 2, 3]);
    expect(stages[0]!.from).toBe(nodeJid);
    expect(peer.events.filter((e) => e.event === 'served_cancel').map((e) => e.sessionid)).toEqual([dropped.ok && dropped.value.sessionid]);
    expect(stages[2]!.submitted).toEqual({ city: '' });
    expect(peer.events.filter((e) => e.event === 'served_refused')).toHaveLength(1);
    expect(stages[3]!.submitted).toEqual({ city: 'Lisbon' });
    expect(stages[4]!.submitted).toEqual({ units: 'metric' });
  });
});
