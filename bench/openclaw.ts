// The OpenClaw channel plugin against the same gateway's own front door, both doing the same work: one
// question, answered by the OpenClaw agent with real inference on the tiny model. The XMPP row is a
// Tidepool node running the agent's `ask` (XEP-0050 through Prosody -> our plugin in the gateway -> an
// OpenClaw turn); the baseline is a direct A2A SendMessage (blocking) to that gateway. The ratio is what
// being on XMPP costs an OpenClaw agent per round trip. Needs the real OpenClaw (installed once into
// .tidepool/cache/openclaw, like the tests) and about a minute to start it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { freePort, startProsody } from '../scripts/lib/prosody.ts';
import { randomSecret } from '../src/agent/identity.ts';
import type { AgentNodeInternals as AgentNode } from '../src/agent/node.ts';
import { makeNode, startNode } from '../tests/helpers/nodes.ts';
import { ensureOpenClaw } from '../tests/helpers/openclaw-install.ts';
import { PLUGIN_DIR, startGateway } from '../tests/helpers/openclaw-gateway.ts';
import { startLlmProcess } from '../tests/helpers/llm-process.ts';
import { sendText, warmUp } from '../tests/helpers/openclaw-a2a.ts';
import { befriend } from '../tests/helpers/openclaw-peers.ts';
import { runSuite } from './scope.ts';
import { deadline, now, row, summarize, type SuiteResult } from './stats.ts';

const PLAN = { quick: { rounds: 3 }, full: { rounds: 10 } };
const TURN_MS = 120_000;
/** Below this the gateway alone may not start (35-135 s here), let alone answer. */
const MIN_BUDGET_MS = 150_000;
const QUESTION = 'What lives in a tide pool?';

async function askOverXmpp(caller: AgentNode, to: string): Promise<void> {
  const first = await caller.commands.execute(to, 'ask', TURN_MS);
  if (!first.ok || !first.value.sessionid) throw new Error(`ask execute failed: ${first.ok ? first.value.status : first.error.message}`);
  const done = await caller.commands.submit(to, 'ask', first.value.sessionid, { question: [QUESTION] }, 'complete', TURN_MS);
  const answer = done.ok ? (done.value.json as { answer?: string } | undefined)?.answer : undefined;
  if (!done.ok || done.value.status !== 'completed' || !answer?.trim())
    throw new Error(`ask did not complete with an answer: ${JSON.stringify(done).slice(0, 300)}`);
}

async function askOverA2a(url: string, token: string, contextId: string): Promise<void> {
  const r = await sendText(url, token, QUESTION, contextId, TURN_MS);
  if (r.task?.status?.state !== 'TASK_STATE_COMPLETED') throw new Error(`SendMessage did not complete: ${r.body.slice(0, 300)}`);
}

export async function openclaw(o: { quick: boolean; budgetMs: number; log: (line: string) => void }): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  return runSuite(
    'openclaw',
    'OpenClaw agent: XMPP ask through our plugin vs a direct A2A SendMessage (same gateway, tiny model)',
    async ({ scope, rows, notes, started }) => {
      if (o.budgetMs < MIN_BUDGET_MS)
        throw new Error(`${Math.round(o.budgetMs / 1000)} s left in this run, OpenClaw needs ${MIN_BUDGET_MS / 1000}: run npm run bench -- --only=openclaw`);
      const until = deadline(o.budgetMs);
      const install = ensureOpenClaw(undefined, (l) => o.log(l));
      await build({ configFile: join(PLUGIN_DIR, 'vite.config.ts'), logLevel: 'warn' });
      const dir = scope.add(mkdtempSync(join(tmpdir(), 'tidepool-bench-openclaw-')), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
      const [httpPort, c2sPort, llmPort, port] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
      const domain = 'localhost';
      const token = randomSecret();
      const peerToken = randomSecret();
      const name = `claw-${randomSecret(3)}`;
      const gatewayStarting = startGateway({
        install,
        dir: join(dir, 'gateway'),
        port,
        token,
        llmUrl: `http://127.0.0.1:${llmPort}/v1`,
        modelId: 'tiny',
        contextWindow: 32_768,
        a2aPeers: { bench: { token: peerToken } },
        // A benchmark's requests, not a peer's abuse: no per-minute limit.
        a2aRateLimit: 0,
        xmpp: { service: `ws://127.0.0.1:${httpPort}/xmpp-websocket`, domain, name, accept: 'accept', dmPolicy: 'open', allowFrom: ['*'] },
      });
      gatewayStarting.catch(() => undefined);
      const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody'), domain, httpPort, c2sPort }), 'prosody', (p) => p.stop());
      scope.add(await startLlmProcess(32_768, llmPort), 'model server', (l) => l.stop());
      const gateway = scope.add(await gatewayStarting, 'OpenClaw gateway', (g) => g.stop());
      const jid = (await gateway.process.waitFor(/xmpp\[default\]: online as (\S+)/, 60_000, 'the agent online on XMPP'))[1]!;
      await warmUp(gateway.url, peerToken);
      const caller = scope.add(await makeNode(prosody.service, domain, `bench-caller-${randomSecret(3)}`, { subscriptionPolicy: 'accept' }), 'caller', (n) =>
        n.stop(),
      );
      await startNode(caller);
      await befriend(caller, jid);
      o.log(`gateway, plugin agent ${jid} and caller up (${((now() - started) / 1000).toFixed(1)} s)`);
      // One warm turn each, so both sessions exist before timing; the pair's time sizes what still fits.
      const warm0 = now();
      await askOverXmpp(caller, jid);
      await askOverA2a(gateway.url, peerToken, 'ctx-bench');
      const warmRoundMs = now() - warm0;
      o.log(`warm-up round ${(warmRoundMs / 1000).toFixed(1)} s`);

      const ops = { xmpp: () => askOverXmpp(caller, jid), a2a: () => askOverA2a(gateway.url, peerToken, 'ctx-bench') };
      const samples: Record<keyof typeof ops, number[]> = { xmpp: [], a2a: [] };
      const names = Object.keys(ops) as Array<keyof typeof ops>;
      // A round (one turn of each) starts only while twice the warm-up round still fits the budget: a
      // turn's own timeout (TURN_MS) is far longer than a turn, and would leave no round at all.
      for (let i = 0; i < plan.rounds && until.left() > 2 * warmRoundMs; i++) {
        for (let j = 0; j < names.length; j++) {
          const n = names[(i + j) % names.length]!;
          const t0 = now();
          await ops[n]();
          samples[n].push(now() - t0);
        }
      }
      const [x, a] = [summarize(samples.xmpp), summarize(samples.a2a)];
      for (const key of ['p50', 'mean'] as const)
        rows.push(
          row(
            `XMPP ask through the plugin ${key}`,
            'ms',
            x[key],
            `A2A SendMessage to the gateway ${key}`,
            a[key],
            key === 'p50' ? 'what being a Tidepool node costs an OpenClaw turn: XEP-0050 over Prosody, the plugin, the same OpenClaw turn' : undefined,
          ),
        );
      notes.push(
        `${x.n} round trips of each (after one warm-up each), interleaved with the order rotating each round${x.n < plan.rounds ? `; stopped at ${x.n} of ${plan.rounds} by the time limit` : ''}.`,
        'XMPP = a Tidepool node runs the agent’s ask (execute + complete, two IQs through Prosody) -> the plugin -> one OpenClaw turn -> the answer as the command result.',
        'A2A = a blocking SendMessage on loopback (the bundled a2a channel) -> the same agent, its own session, one OpenClaw turn -> the artifact.',
        'both turns are real inference on the tiny model served by scripts/llm-server.ts (32k context); OpenClaw’s prompt (~15k tokens) dominates either way, so the ratio stays near 1 unless the plugin path adds real work.',
      );
    },
  );
}
