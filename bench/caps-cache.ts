// Caps cache effect: one observer discovers N agents that are its contacts: what each offers (its skill
// set, in disco#info) and who it is (its card, on PEP). With the XEP-0115 cache, agents of one build and
// skill set announce one ver, so one disco#info serves them all; without it (the observer forgets each
// agent's announced ver before asking) every agent costs a disco#info. The card is per agent: one PEP
// request each either way.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProsody } from '../scripts/lib/prosody.ts';
import { tempDir } from '../tests/helpers/nodes.ts';
import type { AgentNodeInternals as AgentNode } from '../src/agent/node.ts';
import { pool, startSwarmNode, type SwarmNode } from './fixtures/swarm.ts';
import { runSuite } from './scope.ts';
import { deadline, now, row, summarize, type SuiteResult } from './stats.ts';

// Quick mode cannot fit 200 subscriptions into its share of 2 minutes on 2 cores; the full run does 200.
const PLAN = { quick: { agents: 60 }, full: { agents: 200 } };
const START_WIDTH = 16;

interface Pass {
  discoQueries: number;
  pepQueries: number;
  /** Whole pass, and its two parts summed over agents. */
  ms: number;
  skillMs: number;
  cardMs: number;
  perAgentSkills: number[];
  skills: number;
}

/** Learns every agent's skill set, then its card, in turn; `cache: false` forgets the agent's announced caps first. */
async function discover(observer: AgentNode, agents: SwarmNode[], cache: boolean): Promise<Pass> {
  const s0 = observer.peers.stats();
  const perAgentSkills: number[] = [];
  let skills = 0;
  let cardMs = 0;
  const t0 = now();
  for (const a of agents) {
    if (!cache) observer.peers.cache.forget(a.jid);
    const t = now();
    const set = await observer.peers.skillSet(a.jid);
    if (!set.ok || !set.value) throw new Error(`skill set of ${a.jid}: ${set.ok ? 'none' : set.error.message}`);
    perAgentSkills.push(now() - t);
    skills += set.value.length;
    const t1 = now();
    const card = await observer.peers.card(a.jid);
    if (!card.ok || !card.value) throw new Error(`card of ${a.jid}: ${card.ok ? 'none' : card.error.message}`);
    cardMs += now() - t1;
  }
  const s1 = observer.peers.stats();
  const skillMs = perAgentSkills.reduce((x, y) => x + y, 0);
  return {
    discoQueries: s1.discoQueries - s0.discoQueries,
    pepQueries: s1.pepQueries - s0.pepQueries,
    ms: now() - t0,
    skillMs,
    cardMs,
    perAgentSkills,
    skills,
  };
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
    // The observer's society layer reads each new contact's card once on its own (learnCard): let that
    // finish, so the passes count and time only their own requests.
    const settled = deadline(Math.max(3_000, until.left() / 4));
    const traffic = () => JSON.stringify(observer.peers.stats());
    for (let last = traffic(), quietSince = now(); now() - quietSince < 1_000 && !settled.passed();) {
      await new Promise((r) => setTimeout(r, 100));
      if (traffic() !== last) [last, quietSince] = [traffic(), now()];
    }

    // Cached pass first: it includes learning the ver (the one disco#info), and any warm-up (JIT, Prosody's
    // routes) then favours the uncached pass, so the time ratio is conservative. The uncached pass forgets
    // each JID's announced ver, which the cached pass no longer needs.
    const withCache = await discover(observer, ready, true);
    // A second look at the same agents (a reload of a contact list, a new conversation): what a cache is for.
    const again = await discover(observer, ready, true);
    const without = await discover(observer, ready, false);
    const s = summarize(withCache.perAgentSkills);
    const b = summarize(without.perAgentSkills);
    const n = ready.length;
    rows.push(
      row(
        `distinct caps ver among ${n} agents`,
        'vers',
        vers.size,
        'agents',
        n,
        vers.size > 1 ? 'agents of one build and skill set should share one ver: see docs/PERFORMANCE.md (caps cache)' : undefined,
      ),
      row(`disco#info queries for ${n} agents' skill sets`, 'queries', withCache.discoQueries, 'without caps cache', without.discoQueries),
      row(`skill sets of ${n} agents`, 'ms', withCache.skillMs, 'without caps cache', without.skillMs),
      row('skill set of one agent, p50', 'ms', s.p50, 'without caps cache', b.p50),
      row('skill set of one agent, p99', 'ms', s.p99, 'without caps cache', b.p99),
      row(`PEP card requests for ${n} agents (per agent: caps cannot share it)`, 'queries', withCache.pepQueries, 'without caps cache', without.pepQueries),
      row(`cards of ${n} agents from PEP`, 'ms', withCache.cardMs, 'without caps cache', without.cardMs),
      row(`whole discovery of ${n} agents (skill set + card)`, 'ms', withCache.ms, 'without caps cache', without.ms),
      row(`second pass: disco#info queries`, 'queries', again.discoQueries, 'without caps cache', without.discoQueries),
      row(`second pass: skill sets`, 'ms', again.skillMs, 'without caps cache', without.skillMs),
    );
    notes.push(
      `${n} agents (all the same build and skills, each with its own name and persona; ${vers.size} distinct caps ver) are contacts of one observer; one pass = for each agent in turn, peers.skillSet(fullJid) (disco#info: ${withCache.skills / n} skill nodes each), then peers.card(fullJid) (its PEP card). Order: first pass with the cache, second pass with the cache (same agents), then the pass without.`,
      'with cache: the XEP-0115 ver each agent announced in presence is looked up in the cache; only an unknown ver costs a disco#info (verified against the hash before it is cached).',
      "without cache: the observer forgets the agent's announced ver right before asking, so every skill set costs a disco#info round trip, as a client without XEP-0115 would pay. The cached pass runs first (it pays the one disco#info that teaches the cache the shared ver); warm-up effects therefore favour the uncached pass.",
      'cards: one PEP items request per agent in every pass (the card is per agent); the card pass is not cached by us, so the second pass would pay it again and is not shown.',
    );
  });
}
