// A Node node set up to be fuzzed, shared by the test batch and `npm run fuzz`: a file store in a
// temp dir, subscription policy 'ask', `ask` owner-only, a normal caller with one agreed handshake
// (a record that must survive the fuzz), and the fuzzing client as a registered stranger.
import { rmSync } from 'node:fs';
import type { AgentNodeInternals as AgentNode } from '../../../src/agent/node.ts';
import { createConnection, MAX_OUTGOING_BYTES, type XmppConnection } from '../../../src/xmpp/connection/client.ts';
import { registerAccount } from '../../../src/xmpp/register/register.ts';
import { createFileStore } from '../../../src/store/file-store.ts';
import { bare, makeNode, startNode, tempDir, until } from '../nodes.ts';
import { captureNodeHealth, type NodeHealth } from './node-health.ts';
import { createNodeWatch, type NodeWatch } from './node-watch.ts';
import { readStoreState } from './store-state.ts';
import type { FuzzTarget } from './types.ts';

export interface NodeTarget {
  node: AgentNode;
  nodeJid: string;
  dir: string;
  caller: AgentNode;
  fuzzer: XmppConnection;
  fuzzerBare: string;
  target: FuzzTarget;
  watch: NodeWatch;
  health: NodeHealth;
  /** Stops every client and removes the store directory. */
  stop(): Promise<void>;
}

export async function startNodeTarget(o: { service: string; domain: string }): Promise<NodeTarget> {
  const { service, domain } = o;
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const dir = tempDir('tidepool-fuzz-');
  const started: Array<{ stop(): Promise<void> }> = [];
  const store = await createFileStore(dir);
  const cleanUp = async () => {
    await Promise.all(started.map((s) => s.stop().catch(() => {})));
    // Writes the node queued before it stopped land first, so nothing recreates the directory later.
    await store.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    // Callers get 60 commands in a burst and 30 more a second: most fuzz reaches the session and form
    // code, while floods still run into the limiter (resource-constraint).
    const node = await makeNode(service, domain, `fuzz-target-${stamp}`, { store, subscriptionPolicy: 'ask', rateLimit: { burst: 60, perSecond: 30 } }, dir);
    started.push(node);
    const configured = await node.skills.configure('ask', { access: { kind: 'owner' } });
    if (!configured.ok) throw new Error(`configuring ask: ${configured.error.message}`);
    const nodeJid = await startNode(node);
    const watch = createNodeWatch();
    node.events.on('status', (s) => watch.status(s.state, s.state === 'connecting' ? s.lastError?.message : s.state));
    node.events.on('problem', (p) => watch.problem(p.message));

    const caller = await makeNode(service, domain, `fuzz-caller-${stamp}`);
    started.push(caller);
    await startNode(caller);
    // One agreement before the fuzz, so the store holds a handshake record that must survive it.
    const s1 = await caller.commands.execute(nodeJid, 'handshake');
    if (!s1.ok || !s1.value.sessionid) throw new Error(`baseline handshake: ${s1.ok ? 'no sessionid' : s1.error.message}`);
    const sid = s1.value.sessionid;
    const s2 = await caller.commands.submit(nodeJid, 'handshake', sid, { name: 'Caller', purpose: 'baseline', offers: 'echo' }, 'next');
    if (!s2.ok) throw new Error(`baseline handshake, stage 1: ${s2.error.message}`);
    const done = await caller.commands.submit(nodeJid, 'handshake', sid, { wants: ['echo'], agree: true }, 'complete');
    if (!done.ok || done.value.status !== 'completed')
      throw new Error(`baseline handshake did not complete: ${done.ok ? done.value.status : done.error.message}`);
    await until(
      () => {
        try {
          return `handshake:${caller.identity.jid}` in readStoreState(dir).settings;
        } catch {
          return false;
        }
      },
      10_000,
      'the handshake record on disk',
    );

    const fuzzUser = `fuzzer-${stamp}`;
    const reg = await registerAccount({ service, domain, username: fuzzUser, password: 'fuzz-secret-1' });
    if (!reg.ok) throw new Error(`registering the fuzzer: ${reg.error.message}`);
    const fuzzer = createConnection({ service, domain, username: fuzzUser, password: 'fuzz-secret-1' });
    started.push(fuzzer);
    const online = await fuzzer.start();
    if (!online.ok) throw new Error(`the fuzzer could not connect: ${online.error.message}`);
    const fuzzerBare = bare(online.value).toLowerCase();

    const health = captureNodeHealth({ node, nodeJid, dir, caller, fuzzer, fuzzerBare, watch });
    return {
      node,
      nodeJid,
      dir,
      caller,
      fuzzer,
      fuzzerBare,
      target: { full: nodeJid, bare: bare(nodeJid), domain, maxStanzaBytes: MAX_OUTGOING_BYTES },
      watch,
      health,
      stop: cleanUp,
    };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}
