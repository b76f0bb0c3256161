// `npm run node`: one stdout line `online <full JID>`, clean exit on SIGTERM/SIGINT, state reused.
import { spawn } from 'node:child_process';
import { describe, expect, inject, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import { join } from 'node:path';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { DEBIAN_PYTHON, makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';
import { runNode as run } from '../helpers/runner.ts';

const service = inject('service');
const domain = inject('domain');
const c2sPort = inject('c2sPort');

describe('headless runner', () => {
  const name = `probe${Date.now()}`;
  const state = tempDir('tidepool-runner-');

  test('prints exactly one line "online <full JID>" and exits 0 on SIGTERM', async () => {
    const p = run(['--name', name, '--service', service, '--domain', domain, '--state', state]);
    const jid = await p.online;
    expect(jid).toMatch(new RegExp(`^${name}@${domain}/.+`));
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(p.out()).toBe(`online ${jid}\n`);
  });

  test('the same state directory brings back the same JID; SIGINT also stops it cleanly', async () => {
    const p = run(['--name', name, '--service', service, '--domain', domain, '--state', state]);
    expect((await p.online).split('/')[0]).toBe(`${name}@${domain}`);
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
  });

  test('a taken name with fresh state registers a suffixed JID instead', async () => {
    const p = run(['--name', name, '--service', service, '--domain', domain, '--state', tempDir('tidepool-runner-')]);
    const jid = await p.online;
    expect(jid).toMatch(new RegExp(`^${name}-[0-9a-f]{6}@${domain}/`));
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  test('bad arguments exit 2 with usage, and nothing on stdout', async () => {
    const p = run(['--nam', 'x']);
    expect(await p.exit).toBe(2);
    expect(p.err()).toMatch(/usage: npm run node/);
    expect(p.out()).toBe('');
  });

  test('an unreachable server is reported, not crashed on', async () => {
    const p = run(['--name', 'nobody', '--service', 'ws://127.0.0.1:9/xmpp-websocket', '--state', tempDir('tidepool-runner-')]);
    expect(await p.exit).toBe(1);
    expect(p.err()).toMatch(/cannot (create the agent|go online)/);
  });

  test('an ordinary XMPP client (slixmpp) lists the skills of `npm run node` and runs echo and describe', async () => {
    const p = run(['--name', `cli${Date.now()}`, '--service', service, '--domain', domain, '--state', tempDir('tidepool-runner-')]);
    const jid = await p.online;
    const user = `slixcli-${randomSecret(4)}`;
    const password = randomSecret();
    expect((await registerAccount({ service, domain, username: user, password })).ok).toBe(true);
    const script = fileURLToPath(new URL('../interop/slixmpp_commands.py', import.meta.url));
    const peer = spawn(DEBIAN_PYTHON, [script, `${user}@${domain}`, password, '127.0.0.1', String(c2sPort), jid, '20', 'call'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    peer.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => peer.on('exit', (c) => r(c)));
    const events = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    expect(code, out).toBe(0);
    expect((events.find((e) => e.event === 'commands')?.nodes as string[]).sort()).toEqual([
      'bounty-bid',
      'bounty-deliver',
      'describe',
      'echo',
      'handshake',
      'ledger-pay',
      'org-ally',
      'org-join',
      'place-explore',
      'place-visit',
      'treasure-claim',
    ]);
    expect(events.find((e) => e.event === 'echo_done')).toMatchObject({ status: 'completed', text: ['hello from slixmpp', 'hello from slixmpp'] });
    expect(events.find((e) => e.event === 'describe_done')).toMatchObject({ status: 'completed', framework: 'tidepool' });
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  test('--gguf gives the node a node-llama-cpp brain: a friend asks and gets a generated answer', async () => {
    const model = join(tempDir('tidepool-gguf-'), 'tiny.gguf');
    writeTinyGguf(model);
    const p = run([
      '--name',
      `brainy${Date.now()}`,
      '--service',
      service,
      '--domain',
      domain,
      '--state',
      tempDir('tidepool-runner-'),
      '--gguf',
      model,
      '--accept',
      'accept',
    ]);
    const jid = await p.online;
    await until(() => /brain ready: node-llama-cpp/.test(p.err()), 20_000);
    const caller = await makeNode(service, domain, `caller-${Date.now()}`, { subscriptionPolicy: 'accept' });
    await startNode(caller);
    await caller.contacts.add(jid.split('/')[0]!);
    await until(() => caller.contacts.list().some((c) => c.mutual && c.presence.available), 10_000);
    const d = await caller.commands.execute(jid, 'describe');
    expect(d.ok && (d.value.json as { backend?: string }).backend).toBe('node-llama-cpp');
    const s = await caller.commands.execute(jid, 'ask');
    const r = await caller.commands.submit(jid, 'ask', s.ok ? s.value.sessionid! : '', { question: 'Say something.' }, 'complete', 60_000);
    expect(r.ok && r.value.status, JSON.stringify(r)).toBe('completed');
    expect(r.ok && (r.value.json as { answer: string }).answer.length).toBeGreaterThan(0);
    await caller.stop();
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  }, 60_000);
});
