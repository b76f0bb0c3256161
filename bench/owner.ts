// The owner conversation's round trip on the tiny generated GGUF (node-llama-cpp in this process): an
// instruction from the owner until the proposed action is shown (the streamed answer, then one action decided
// under the narrowed grammar), beside a plain `ask`: a friend calls the same agent's ask skill over XMPP and
// the same brain answers. Real Prosody on loopback; runs alternate so drift lands on both alike.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProsody } from '../scripts/lib/prosody.ts';
import { writeTinyGguf } from '../scripts/make-tiny-gguf.ts';
import { nodeModels } from '../src/node/models.ts';
import type { AgentNodeInternals as AgentNode } from '../src/agent/node.ts';
import { makeNode, startNode, tempDir, until as waitUntil } from '../tests/helpers/nodes.ts';
import { runSuite } from './scope.ts';
import { deadline, median, now, row, type SuiteResult } from './stats.ts';

export interface OwnerOptions {
  quick: boolean;
  budgetMs: number;
  log: (line: string) => void;
}

const PLAN = { quick: { runs: 3 }, full: { runs: 10 } };
const CALL_TIMEOUT_MS = 120_000;
const SEED = 7;

interface Turn {
  /** say() until the answer is complete (streaming over). */
  answerMs: number;
  /** say() until it returns with the proposal. */
  totalMs: number;
  proposed: boolean;
}

async function ownerTurn(agent: AgentNode, instruction: string): Promise<Turn> {
  let answerMs = NaN;
  const t0 = now();
  const off = agent.owner.events.on('entry', (e) => {
    if (e.kind === 'agent' && !e.streaming && Number.isNaN(answerMs)) answerMs = now() - t0;
  });
  try {
    const t = await agent.owner.say(instruction);
    const totalMs = now() - t0;
    if (!t.reply) throw new Error(`owner turn gave no answer: ${t.notes.map((n) => n.text).join('; ')}`);
    // Proposals are left pending: nothing runs, so every turn measures the same work.
    if (t.proposal) agent.owner.reject(t.proposal.id);
    return { answerMs, totalMs, proposed: t.proposal !== undefined };
  } finally {
    off();
  }
}

/** A friend's `ask`: execute (the form) + submit (the brain's answer) over XMPP. */
async function ask(caller: AgentNode, to: string, question: string): Promise<{ ms: number; chars: number }> {
  const t0 = now();
  const first = await caller.commands.execute(to, 'ask', CALL_TIMEOUT_MS);
  if (!first.ok || !first.value.sessionid) throw new Error(`ask execute failed: ${first.ok ? first.value.status : first.error.message}`);
  const done = await caller.commands.submit(to, 'ask', first.value.sessionid, { question }, 'execute', CALL_TIMEOUT_MS);
  if (!done.ok || done.value.status !== 'completed') throw new Error(`ask submit failed: ${done.ok ? done.value.status : done.error.message}`);
  const answer = done.value.form?.fields.find((f) => f.var === 'answer')?.values.join('\n') ?? '';
  return { ms: now() - t0, chars: answer.length };
}

export async function owner(o: OwnerOptions): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('owner', 'Owner conversation: instruction → proposed action vs a plain ask (tiny model)', async ({ scope, rows, notes }) => {
    const dir = scope.add(tempDir('tidepool-bench-owner-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody') }), 'prosody', (p) => p.stop());
    const modelPath = join(dir, 'tiny.gguf');
    const bytes = writeTinyGguf(modelPath);
    const agent = scope.add(
      await makeNode(
        prosody.service,
        prosody.domain,
        'bench-owner-agent',
        { models: nodeModels, subscriptionPolicy: 'accept', ownerSeed: SEED },
        join(dir, 'agent'),
      ),
      'agent',
      (n) => n.stop(),
    );
    const friend = scope.add(
      await makeNode(prosody.service, prosody.domain, 'bench-owner-friend', { subscriptionPolicy: 'accept' }, join(dir, 'friend')),
      'friend',
      (n) => n.stop(),
    );
    const [to] = await Promise.all([startNode(agent), startNode(friend)]);
    await agent.contacts.add(friend.identity.jid);
    await waitUntil(() => agent.contacts.list().some((c) => c.jid === friend.identity.jid && c.mutual && c.presence.available), 10_000, 'friends');
    await agent.brain.configure({ backend: 'node-llama-cpp', nodeLlamaCpp: { path: modelPath, contextSize: 4096 }, autoReply: false });
    const loaded = await agent.brain.load();
    if (!loaded.ok) throw new Error(`brain load failed: ${loaded.error.message}`);
    o.log(`agent online with the tiny model; friend ${friend.identity.jid}`);

    const instruction = `call echo on ${friend.identity.jid}: "kelp forest"`;
    const question = 'hello tide pool, who are you?';
    // One warm-up each (the first owner turn also loads the turn module and builds the grammar code).
    await ownerTurn(agent, instruction);
    await ask(friend, to, question);
    const turns: Turn[] = [];
    const asks: { ms: number; chars: number }[] = [];
    const runsUntil = deadline(until.left() * 0.8);
    for (let i = 0; i < plan.runs && (i === 0 || !runsUntil.passed()); i++) {
      if (i % 2 === 0) {
        turns.push(await ownerTurn(agent, instruction));
        asks.push(await ask(friend, to, question));
      } else {
        asks.push(await ask(friend, to, question));
        turns.push(await ownerTurn(agent, instruction));
      }
    }
    o.log(`${turns.length} owner turns, ${asks.length} asks`);
    const med = (xs: number[]) => (xs.length ? median(xs) : null);
    const askMs = med(asks.map((a) => a.ms));
    rows.push(
      row(
        `owner: instruction → proposed action, median of ${turns.length}`,
        'ms',
        med(turns.map((t) => t.totalMs)),
        `ask over XMPP, median of ${asks.length}`,
        askMs,
      ),
      row('owner: instruction → answer complete, median', 'ms', med(turns.map((t) => t.answerMs)), 'ask over XMPP, median', askMs),
      row('owner: answer complete → action decided, median', 'ms', med(turns.map((t) => t.totalMs - t.answerMs)), 'ask over XMPP, median', askMs),
    );
    notes.push(
      "value = agent.owner.say(instruction) in the same process as the agent, until it returns with the proposal (the proposal is then rejected, so nothing runs and every turn does the same work); baseline = a friend node calls the agent's `ask` skill over XMPP (execute + submit, real Prosody on loopback) and the same loaded brain answers; ratio = owner / ask.",
      `model: tiny generated GGUF (${bytes} bytes) under node-llama-cpp, context 4096; instruction ${JSON.stringify(instruction.replace(friend.identity.jid, '<friend>'))}, owner seed ${SEED}; ask question ${JSON.stringify(question)} (the ask skill sets no seed and allows 256 tokens; its answers were ${asks.map((a) => a.chars).join(',')} characters).`,
      `an owner turn is two generations: the streamed answer (up to 200 tokens) and the action under the grammar narrowed by what the owner named (temperature 0). Turns that proposed an action: ${turns.filter((t) => t.proposed).length} of ${turns.length}.`,
      'one warm-up of each first (the first owner turn also loads src/agent/owner/turn.ts); then runs alternate owner, ask / ask, owner ...',
      'web-llm and wllama in the page are not measured here (bench brains compares wllama in Chromium with the server); no real model weights can be downloaded on these machines.',
    );
  });
}
