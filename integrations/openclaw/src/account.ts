// One XMPP account of the channel: a Tidepool node (the same core as `npm run node`: identity, presence,
// card and caps, friends, skills) whose chat, rooms and `ask` are served by the OpenClaw agent. It runs
// while OpenClaw keeps the account up: startAccount stays pending until the abort signal, then the node
// goes offline cleanly.
import { join } from 'node:path';
import { waitUntilAbort } from 'openclaw/plugin-sdk/channel-outbound';
import { createAgentNode, identityFromExport, type AgentNode, type AgentStore } from '../../../src/agent/index.ts';
import { createFileStore } from '../../../src/node/index.ts';
import type { TidepoolError } from '../../../src/core/errors.ts';
import { bareOf } from '../../../src/core/jid.ts';
import { resolveXmppAccount, type XmppAccount } from './config.ts';
import { createDmPolicy } from './dm-policy.ts';
import { askAccess } from './access.ts';
import { openclawAskSkill } from './ask.ts';
import { serveChat } from './chat.ts';
import { serveRooms } from './rooms.ts';
import { splitReply } from './limits.ts';
import { runtime, shared, type RunningAccount } from './shared.ts';
import type { TurnEnv } from './turn.ts';

/** What OpenClaw's config adapter hands back per account: the raw section plus whether it resolves. */
export interface AccountConfig {
  accountId: string;
  enabled: boolean;
  configured: boolean;
  config: Record<string, unknown>;
}

async function openNode(a: XmppAccount, stateDir: string): Promise<{ ok: true; node: AgentNode; store: AgentStore } | { ok: false; error: TidepoolError }> {
  const store = await createFileStore(stateDir);
  if (a.login.kind === 'account' && !(await store.getIdentity())) {
    // An existing account: stored as an imported identity, so the node logs in instead of registering.
    const i = identityFromExport({
      format: 'tidepool-identity',
      version: 1,
      jid: a.login.jid,
      password: a.login.password,
      service: a.service,
      domain: a.domain,
      name: a.name,
      persona: a.persona,
    });
    await store.putIdentity(i);
  }
  const created = await createAgentNode({
    store,
    service: a.service,
    domain: a.domain,
    name: a.name,
    persona: a.persona,
    subscriptionPolicy: a.accept,
    owners: a.owners,
  });
  if (!created.ok) {
    await store.close();
    return { ok: false, error: created.error };
  }
  return { ok: true, node: created.value, store };
}

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export async function startXmppAccount(ctx: OcGatewayContext<AccountConfig>): Promise<void> {
  const status = (s: Record<string, unknown>) => ctx.setStatus({ accountId: ctx.accountId, configured: true, enabled: true, ...s });
  const log = (m: string) => ctx.log?.info?.(`xmpp[${ctx.accountId}]: ${m}`);
  const resolved = resolveXmppAccount(ctx.account.config, ctx.accountId);
  if (!resolved.ok) {
    status({ running: false, connected: false, lastError: resolved.error.message });
    ctx.log?.error?.(resolved.error.message);
    return waitUntilAbort(ctx.abortSignal);
  }
  const a = resolved.value;
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'function') {
    status({ running: false, connected: false, lastError: 'this Node has no global WebSocket (OpenClaw runs on Node 24, which has one)' });
    return waitUntilAbort(ctx.abortSignal);
  }
  const core = runtime();
  const channel = ctx.channelRuntime ?? core.channel;
  const stateDir = a.state ?? join(core.state.resolveStateDir(), 'tidepool', `xmpp-${a.accountId}`);
  // Creating the agent may register its account: a server that is not up yet (or restarting) is
  // waited for with backoff; anything else (a wrong password, registration closed) is final.
  let opened = await openNode(a, stateDir);
  for (let delay = 2_000; !opened.ok && !ctx.abortSignal.aborted; delay = Math.min(delay * 2, 60_000)) {
    status({ running: false, connected: false, lastError: `cannot create the agent: ${opened.error.message}` });
    ctx.log?.error?.(`xmpp[${ctx.accountId}]: cannot create the agent: ${opened.error.message}`);
    if (opened.error.kind !== 'network' && opened.error.kind !== 'timeout') return waitUntilAbort(ctx.abortSignal);
    await abortableSleep(delay, ctx.abortSignal);
    if (!ctx.abortSignal.aborted) opened = await openNode(a, stateDir);
  }
  if (!opened.ok) return;
  const { node, store } = opened;
  const dm = createDmPolicy({ core, account: a, node, log });
  // The config OpenClaw passed at start; a change restarts the account, so it stays current.
  const env = (): TurnEnv => ({ cfg: ctx.cfg, account: a, channel, allowedSenders: () => dm.allowedSenders() });
  const rooms = serveRooms({
    env,
    account: a,
    node,
    mentions: (text, agentId) => channel.mentions.matchesMentionPatterns(text, channel.mentions.buildMentionRegexes(ctx.cfg, agentId)),
    log,
  });
  // Written by an agent: marked generated, so other agents' brains do not answer it in a loop.
  const chatSend = async (to: string, body: string) => {
    const r = await node.conversations.send(to, body, { generated: true });
    return r.ok ? { ok: true as const, id: r.value.id } : { ok: false as const, message: r.error.message };
  };
  const running: RunningAccount = {
    account: a,
    node,
    log,
    async send(to, text) {
      const parts = splitReply(text);
      if (!parts.ok) return { ok: false, message: parts.error.message, rejected: true };
      const room = rooms.isRoom(to);
      const ids: string[] = [];
      for (const part of parts.value) {
        const r = room ? await rooms.send(bareOf(to), part) : await chatSend(bareOf(to), part);
        if (!r.ok) return r;
        ids.push(r.id);
      }
      return { ok: true, ids };
    },
  };
  node.skills.add(openclawAskSkill(env, a));
  await node.skills.configure('ask', { access: askAccess(a) });
  // The owner's bounds on what the agent may do on the network (tool-policy.ts), kept in the node's store.
  if (a.policy) await node.society.autonomy.setPolicy(a.policy);
  const stopChat = serveChat({ env, account: a, node, dm, running });
  const offStatus = node.events.on('status', (s) => {
    status({ running: true, connected: s.state === 'online', ...(s.state === 'error' ? { lastError: s.error.message } : {}) });
    if (s.state === 'online') log(`online as ${s.jid}`);
  });
  shared().accounts.set(a.accountId, running);
  status({ running: true, connected: false });
  log(`starting as ${node.identity.jid}`);
  const first = await node.start();
  if (first.ok) await rooms.joinAll();
  else status({ running: true, connected: false, lastError: first.error.message });
  try {
    await waitUntilAbort(ctx.abortSignal);
  } finally {
    if (shared().accounts.get(a.accountId) === running) shared().accounts.delete(a.accountId);
    offStatus();
    stopChat();
    rooms.stop();
    dm.stop();
    await node.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    status({ running: false, connected: false });
    log('stopped');
  }
}
