// Caps cache effect: one observer learns the cards (and so the skill lists) of N agents that are its
// contacts, with the XEP-0115 cache (agents of one build announce one ver: one disco#info serves them all)
// and without it (the same observer's JID -> ver entries forgotten before each lookup: one disco#info each).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProsody } from '../scripts/lib/prosody.ts';
import { tempDir } from '../tests/helpers/nodes.ts';
import type { AgentNode } from '../src/agent/node.ts';
import { pool, startSwarmNode, type SwarmNode } from './fixtures/swarm.ts';
import { runSuite } from './scope.ts';
import { deadline, now, row, summarize, type Row, type SuiteResult } from './stats.ts';

// Quick mode cannot fit 200 subscriptions into its share of 2 minutes on 2 cores; the full run does 200.
const PLAN = { quick: { agents: 60 }, full: { agents: 200 } };
const START_WIDTH = 16;

interface Pass {
  queries: number;
  ms: number;
  perAgent: number[];
  skills: number;
}

/** Discovers every agent's card in turn; `cache: false` forgets the agent's announced caps first. */
async function discover(observer: AgentNode, agents: SwarmNode[], cache: boolean): Promise<Pass> {
  const q0 = observer.peers.stats().discoQueries;
  const perAgent: number[] = [];
  let skills = 0;
  const t0 = now();
  for (const a of agents) {
    const t = now();
    if (!cache) observer.peers.cache.forget(a.jid);
    const card = await observer.peers.card(a.jid);
    if (!card.ok || !card.value) throw new Error(`card of ${a.jid}: ${card.ok ? 'none' : card.error.message}`);
    skills += card.value.skills.length;
    perAgent.push(now() - t);
  }
  return { queries: observer.peers.stats().discoQueries - q0, ms: now() - t0, perAgent, skills };
}

export async function capsCache(o: { quick: boolean; budgetMs: number; log: (line: string) => void }): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('caps-cache', `Caps cache (XEP-0115): discovering ${plan.agents} agents`, async ({ scope, rows, notes, started }) => {
    const dir = scope.add(tempDir('tidepool-bench-caps-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody') }), 'prosody', (p) => p.stop());
    const start = (name: string) =>
      startSwarmNode(prosody.service, prosody.domain, name, { subscriptionPolicy: 'accept' }, (n) => scope.add(n, name, (x) => x.stop()));
    const observer = (await start('caps-observer')).node;
    // Leave half the budget for subscriptions, the two passes and closing.
    const names = Array.from({ length: plan.agents }, (_, i) => `caps-agent-${i}`);
    const agents = await pool(names, START_WIDTH, deadline(until.left() / 2), start);
    o.log(`${agents.length} agents online (${((now() - started) / 1000).toFixed(1)} s)`);
    // Contacts both ways ('accept' on both sides), so each agent's presence, with its caps, reaches the observer.
    await pool(agents, START_WIDTH, deadline(until.left() / 2), async (a) => {
      const r = await observer.contacts.add(a.node.identity.jid);
      if (!r.ok) throw new Error(`adding ${a.node.identity.jid}: ${r.error.message}`);
    });
    const heard = deadline(Math.max(5_000, until.left() / 3));
    const known = () => agents.filter((a) => observer.peers.cache.verFor(a.jid)).length;
    while (known() < agents.length && !heard.passed()) await new Promise((r) => setTimeout(r, 50));
    const ready = agents.filter((a) => observer.peers.cache.verFor(a.jid));
    o.log(`caps heard from ${ready.length} of ${agents.length} agents (${((now() - started) / 1000).toFixed(1)} s)`);
    if (ready.length === 0) throw new Error('no agent presence with caps reached the observer');
    const vers = new Set(ready.map((a) => observer.peers.cache.verFor(a.jid)!.ver));

    // Cached pass first: it includes learning the ver (the one disco#info), and any warm-up (JIT, Prosody's
    // routes) then favours the uncached pass, so the time ratio is conservative. The uncached pass forgets
    // each JID's announced ver, which the cached pass no longer needs.
    const withCache = await discover(observer, ready, true);
    // A second look at the same agents (a reload of a contact list, a new conversation): what a cache is for.
    const again = await discover(observer, ready, true);
    const without = await discover(observer, ready, false);
    const s = summarize(withCache.perAgent);
    const b = summarize(without.perAgent);
    rows.push(
      row(`distinct caps ver among ${ready.length} agents`, 'vers', vers.size, 'agents', ready.length, vers.size > 1 ? 'each agent announces its own ver: see docs/PERFORMANCE.md (caps cache)' : undefined),
      row(`disco#info queries for ${ready.length} agents`, 'queries', withCache.queries, 'without caps cache', without.queries),
      row(`discovery of ${ready.length} agents' cards and skills`, 'ms', withCache.ms, 'without caps cache', without.ms),
      row('one agent, p50', 'ms', s.p50, 'without caps cache', b.p50),
      row('one agent, p99', 'ms', s.p99, 'without caps cache', b.p99),
      row(`second pass over the same agents: disco#info queries`, 'queries', again.queries, 'without caps cache', without.queries),
      row(`second pass over the same agents`, 'ms', again.ms, 'without caps cache', without.ms),
    );
    notes.push(
      `${ready.length} agents (all the same build, ${vers.size} distinct caps ver) are contacts of one observer; one pass = the observer asks peers.card(fullJid) of each agent in turn (the card carries the skill list: ${withCache.skills / ready.length} skills each). Order: first pass with the cache, second pass with the cache (same agents), then the pass without.`,
      'with cache: the XEP-0115 ver each agent announced in presence is looked up in the cache; only an unknown ver costs a disco#info (verified against the hash before it is cached).',
      'without cache: the observer forgets the agent\'s announced ver right before asking, so every card costs a disco#info round trip, as a client without XEP-0115 would pay. The cached pass runs first (it pays the one disco#info that teaches the cache the shared ver); warm-up effects therefore favour the uncached pass.',
    );
  });
}
