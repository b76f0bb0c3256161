// The A2A bridge against two baselines measured in the same run, all doing the same work (echo "bench"):
// (1) the skill over plain XMPP (XEP-0050 execute + submit, two IQs through Prosody), and (2) a pure
// @a2a-js/sdk client <-> server round trip on loopback whose executor echoes in-process. The bridge row
// is an SDK client -> our bridge (HTTP JSON-RPC) -> the node's echo skill (run in the node).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { AGENT_CARD_PATH, TaskState, type AgentCard, type Task } from '@a2a-js/sdk';
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import { ClientFactory, type Client } from '@a2a-js/sdk/client';
import { startProsody } from '../scripts/lib/prosody.ts';
import { makeNode, startNode, tempDir } from '../tests/helpers/nodes.ts';
import type { AgentNodeInternals as AgentNode } from '../src/agent/node.ts';
import { createApp } from '../src/node/a2a/express-app.ts';
import { serveA2a } from '../src/node/a2a/serve.ts';
import { dataPart, message, readCall, SKILL_KEY } from '../src/node/a2a/wire.ts';
import { runSuite } from './scope.ts';
import { deadline, now, row, summarize, type Row, type SuiteResult } from './stats.ts';

const PLAN = { quick: { warmup: 20, calls: 150 }, full: { warmup: 100, calls: 1000 } };
const CALL_TIMEOUT_MS = 10_000;

type Op = () => Promise<void>;

const request = () => ({
  tenant: '',
  message: message('user', [dataPart({ text: 'bench' })], { metadata: { [SKILL_KEY]: 'echo' } }),
  configuration: undefined,
  metadata: undefined,
});

/** Blocking SendMessage must come back as a completed Task with the echoed text, or the sample is void. */
async function a2aCall(client: Client): Promise<void> {
  const r = await client.sendMessage(request(), { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  const t = r as Task;
  const echoed = t.artifacts?.flatMap((a) => a.parts).some((p) => p.content?.$case === 'data' && (p.content.value as { text?: string }).text === 'bench');
  if (!('status' in r) || t.status?.state !== TaskState.TASK_STATE_COMPLETED || !echoed)
    throw new Error(`A2A call did not complete with the echo (state ${t.status?.state})`);
}

async function xmppEcho(caller: AgentNode, to: string): Promise<void> {
  const first = await caller.commands.execute(to, 'echo', CALL_TIMEOUT_MS);
  if (!first.ok || first.value.status !== 'executing' || !first.value.sessionid)
    throw new Error(`echo execute failed: ${first.ok ? first.value.status : first.error.message}`);
  const done = await caller.commands.submit(to, 'echo', first.value.sessionid, { text: 'bench' }, 'execute', CALL_TIMEOUT_MS);
  if (!done.ok || done.value.status !== 'completed') throw new Error(`echo submit failed: ${done.ok ? done.value.status : done.error.message}`);
}

/** A plain SDK agent whose executor does what the echo skill does, with the same task lifecycle events. */
async function pureSdkAgent(): Promise<{ url: string; server: Server }> {
  const executor: AgentExecutor = {
    async execute(ctx, bus) {
      const { taskId, contextId } = ctx;
      const { values } = readCall(ctx.userMessage);
      const text = String(values.text ?? '');
      const at = () => new Date().toISOString();
      bus.publish(
        AgentEvent.task({
          id: taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: at() },
          artifacts: [],
          history: [ctx.userMessage],
          metadata: undefined,
        }),
      );
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: at() },
          metadata: undefined,
        }),
      );
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId: `${taskId}-r`,
            name: 'echo',
            description: '',
            parts: [dataPart({ text, repeat: 1, echoed: [text] })],
            metadata: undefined,
            extensions: [],
          },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      );
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_COMPLETED, message: undefined, timestamp: at() },
          metadata: undefined,
        }),
      );
      bus.finished();
    },
    async cancelTask() {},
  };
  const app = createApp();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r, j) => (server.once('listening', r), server.once('error', j)));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const card: AgentCard = {
    name: 'pure SDK echo',
    description: 'baseline',
    supportedInterfaces: [{ url: `${url}/a2a`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: undefined,
    version: '1',
    capabilities: { streaming: true, pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['application/json'],
    defaultOutputModes: ['application/json'],
    skills: [{ id: 'echo', name: 'echo', description: 'echo', tags: [], examples: [], inputModes: [], outputModes: [], securityRequirements: [] }],
    signatures: [],
  };
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: async () => card }));
  app.use(
    '/a2a',
    jsonRpcHandler({ requestHandler: new DefaultRequestHandler(card, new InMemoryTaskStore(), executor), userBuilder: UserBuilder.noAuthentication }),
  );
  return { url, server };
}

export async function a2a(o: { quick: boolean; budgetMs: number; log: (line: string) => void }): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('a2a', 'A2A bridge vs plain XMPP vs pure @a2a-js/sdk (echo, loopback)', async ({ scope, rows, notes, started }) => {
    const dir = scope.add(tempDir('tidepool-bench-a2a-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody') }), 'prosody', (p) => p.stop());
    const node = async (name: string, extra = {}) => {
      mkdirSync(join(dir, name));
      return scope.add(await makeNode(prosody.service, prosody.domain, name, extra, join(dir, name)), name, (x) => x.stop());
    };
    // The rate limiter would refuse a benchmark's flood (XMPP caller and bridge stranger alike): opened wide.
    const callee = await node('a2a-callee', { rateLimit: { burst: 1e9, perSecond: 1e9 } });
    const caller = await node('a2a-caller');
    const to = await startNode(callee);
    await startNode(caller);
    const bridge = await serveA2a({ registry: callee.skills, card: callee.card, ownJid: () => to, port: 0 });
    if (!bridge.ok) throw new Error(bridge.error.message);
    scope.add(bridge.value, 'A2A bridge', (b) => b.close());
    const pure = await pureSdkAgent();
    scope.add(pure.server, 'SDK agent', (s) => new Promise((r) => (s.closeAllConnections(), s.close(r))));
    const bridgeClient = await new ClientFactory().createFromUrl(bridge.value.url);
    const pureClient = await new ClientFactory().createFromUrl(pure.url);
    o.log(`prosody, 2 nodes, bridge and SDK agent up (${((now() - started) / 1000).toFixed(1)} s)`);

    const ops: Record<'xmpp' | 'bridge' | 'sdk', Op> = {
      xmpp: () => xmppEcho(caller, to),
      bridge: () => a2aCall(bridgeClient),
      sdk: () => a2aCall(pureClient),
    };
    const names = Object.keys(ops) as Array<keyof typeof ops>;
    for (let i = 0; i < plan.warmup; i++) for (const n of names) await ops[n]();
    const samples: Record<keyof typeof ops, number[]> = { xmpp: [], bridge: [], sdk: [] };
    const seq = deadline(Math.min(until.left() * 0.8, o.quick ? 25_000 : 120_000));
    // Interleaved, order rotating each round, so drift lands on all three alike.
    for (let i = 0; i < plan.calls && !seq.passed(); i++) {
      for (let j = 0; j < names.length; j++) {
        const n = names[(i + j) % names.length]!;
        const t0 = now();
        await ops[n]();
        samples[n].push(now() - t0);
      }
    }
    const [x, b, s] = [summarize(samples.xmpp), summarize(samples.bridge), summarize(samples.sdk)];
    for (const [label, key] of [
      ['p50', 'p50'],
      ['p99', 'p99'],
      ['mean', 'mean'],
    ] as const) {
      rows.push(row(`bridge (SDK client -> bridge -> skill) ${label}`, 'ms', b[key], `plain XMPP echo ${label}`, x[key]));
      rows.push(row(`pure SDK client <-> server ${label}`, 'ms', s[key], `plain XMPP echo ${label}`, x[key]));
      rows.push(
        row(
          `bridge ${label}`,
          'ms',
          b[key],
          `pure SDK ${label}`,
          s[key],
          label === 'p50' ? 'what the bridge adds to an A2A round trip: skill lookup, access check, form validation, the skill itself' : undefined,
        ),
      );
    }
    notes.push(
      `${b.n} sequential calls of each (after ${plan.warmup} warm-up rounds), interleaved with the order rotating each round${b.n < plan.calls ? `; stopped at ${b.n} of ${plan.calls} by the time limit` : ''}.`,
      "plain XMPP = caller node -> Prosody -> callee node, XEP-0050 execute (form) + submit (result): two IQs, the same as skill-rtt's echo.",
      "bridge = @a2a-js/sdk JSON-RPC client -> HTTP on loopback -> the callee's A2A bridge -> its echo skill, run inside the node (no XMPP hop); the caller is the bridge stranger (public access).",
      'pure SDK = the same client -> an @a2a-js/sdk server whose executor echoes in-process with the same task events (task, working, artifact, completed): the A2A floor on this machine.',
      'everything runs in this one Node process (clients, servers, nodes) beside Prosody, so ratios matter more than absolute times.',
    );
  });
}
