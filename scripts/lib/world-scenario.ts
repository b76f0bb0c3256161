// The world-and-economy scenario, shared by `npm run demo:world` (a person watches) and its test. Five
// headless agents with the rules brain (deterministic code, no model) on one XMPP server:
//   Ann owns a place, the Tide Pool, and hides a treasure there (what a person does in the page);
//   Ben explores the world: visits places, digs up the treasure, claims it and is paid by Ann;
//   Cat sells a Haiku skill at 5 credits, paid before the call; Dan buys one;
//   Eve posts a bounty (say hello to the tide, with echo, 6 credits); Ben and Dan earn a living and bid;
//   Eve awards the first bidder, who does the work with its own echo and is paid on delivery.
// Every payment is a receipt signed by the payer and countersigned by the payee, kept by both.
import { join } from 'node:path';
import { createAgentNode, type AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import type { Skill } from '../../src/agent/skills/types.ts';
import { field, first, form } from '../../src/agent/skills/form-builders.ts';
import { ok } from '../../src/core/result.ts';
import { verifyExport } from '../../src/agent/ledger/verify.ts';
import { bareOf } from '../../src/core/jid.ts';

export const HAIKU_PRICE = 5;
export const TREASURE_REWARD = 7;
export const BOUNTY_REWARD = 6;
export const BOUNTY_TASK = 'Say hello to the tide';

/** A rules skill (no model): a three-line poem built from the topic. */
export const haikuSkill: Skill = {
  node: 'haiku',
  name: 'Haiku',
  description: 'A three-line poem on a topic (rules, no model).',
  defaultAccess: { kind: 'public' },
  defaultPrice: { amount: HAIKU_PRICE, when: 'before' },
  stages: [() => form('form', 'Haiku', [field('text', 'text-single', { label: 'Topic', required: true })])],
  run: async (input) => {
    const topic = (first(input, 'text') ?? 'the sea').slice(0, 60);
    return ok({ json: { haiku: [`${topic}, slowly`, 'the tide writes and then erases', `${topic} again`] } });
  },
};

export interface WorldScenario {
  agents: Record<'ann' | 'ben' | 'cat' | 'dan' | 'eve', AgentNode>;
  bare(n: AgentNode): string;
  milestones: Array<[string, () => boolean]>;
  treasureId: string;
  placeId: string;
  stop(): Promise<void>;
}

export async function startWorldScenario(o: {
  service: string;
  domain: string;
  dir: string;
  log?: (line: string) => void;
  tickSeconds?: number;
}): Promise<WorldScenario> {
  const made: AgentNode[] = [];
  const make = async (name: string) => {
    const store = await createFileStore(join(o.dir, name));
    const r = await createAgentNode({ store, service: o.service, domain: o.domain, name, persona: `${name}, a demo agent`, subscriptionPolicy: 'ask' });
    if (!r.ok) throw new Error(r.error.message);
    const n = r.value;
    if (o.log) n.society.log.events.on('entry', (e) => o.log!(`[${name.padEnd(3)}] ${e.kind.padEnd(8)} ${e.text}${e.reason ? `  — ${e.reason}` : ''}`));
    const on = await n.start();
    if (!on.ok) throw new Error(on.error.message);
    made.push(n);
    return n;
  };
  const stop = () => Promise.all(made.map((a) => a.stop().catch(() => {}))).then(() => {});
  try {
    const [ann, ben, cat, dan, eve] = (await Promise.all(['Ann', 'Ben', 'Cat', 'Dan', 'Eve'].map(make))) as [
      AgentNode,
      AgentNode,
      AgentNode,
      AgentNode,
      AgentNode,
    ];
    const bare = (n: AgentNode) => bareOf(n.identity.jid);
    cat.skills.add(haikuSkill);

    // What people do in the page: everyone steps into the world; Ann makes a place and hides a treasure.
    for (const n of [ann, ben, cat, dan, eve]) {
      const e = await n.world.enter();
      if (!e.ok) throw new Error(`${n.identity.name} could not enter the world: ${e.error.message}`);
    }
    const place = await ann.world.createPlace({ name: 'Tide Pool', description: 'A quiet pool among the rocks.', tags: ['water', 'quiet'], x: 5, y: 6 });
    if (!place.ok) throw new Error(place.error.message);
    const treasure = await ann.world.hideTreasure({ place: place.value.id, reward: TREASURE_REWARD, hint: 'under the flat rock', depth: 2 });
    if (!treasure.ok) throw new Error(treasure.error.message);
    await ben.world.moveTo(2, 3);

    const policy = { mode: 'on' as const, tickSeconds: o.tickSeconds ?? 1, actionsPerMinute: 30, firstContact: 'anyone' as const, allowedSkills: ['*'] };
    ben.society.setGoals([{ kind: 'explore-world', room: '' }, { kind: 'earn' }]);
    dan.society.setGoals([{ kind: 'buy', target: bare(cat), skill: 'haiku', text: 'the tide' }, { kind: 'earn' }]);
    eve.society.setGoals([{ kind: 'post-bounty', room: '', task: BOUNTY_TASK, skill: 'echo', reward: BOUNTY_REWARD }]);
    await Promise.all([
      ben.society.autonomy.setPolicy(policy),
      dan.society.autonomy.setPolicy({ ...policy, maySpend: true }),
      eve.society.autonomy.setPolicy({ ...policy, maySpend: true }),
    ]);

    const receiptFor = (n: AgentNode, peer: AgentNode, ref: (r: string) => boolean) => n.ledger.chain(bare(peer)).some((r) => ref(r.body.ref) && !!r.payeeSig);
    const bounty = () => eve.bounties.list().find((b) => b.poster === bare(eve) && b.task === BOUNTY_TASK);
    const winner = () => {
      const w = bounty()?.awards[0]?.bidder;
      return [ben, dan].find((n) => bare(n) === w);
    };
    const milestones: Array<[string, () => boolean]> = [
      ["Ben visited Ann's Tide Pool", () => (ann.world.snapshot().places.find((p) => p.id === place.value.id)?.visits ?? 0) > 0],
      [
        'Ben found the treasure and Ann paid him the reward',
        () =>
          receiptFor(ben, ann, (r) => r === `treasure:${treasure.value.id}`) &&
          ann.world.snapshot().treasures.some((t) => t.id === treasure.value.id && t.claimedBy === bare(ben)),
      ],
      ["Dan bought Cat's Haiku", () => receiptFor(cat, dan, (r) => r === 'prepay:haiku') && cat.market.sales.prepaid(bare(dan)).length === 0],
      ['Eve awarded her bounty', () => !!bounty()?.awards.length],
      [
        'The bounty was delivered and paid',
        () => {
          const w = winner();
          return !!w && receiptFor(w, eve, (r) => r === `bounty:${bounty()!.id}`);
        },
      ],
    ];
    return { agents: { ann, ben, cat, dan, eve }, bare, milestones, treasureId: treasure.value.id, placeId: place.value.id, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Both sides of every pair hold the same chain (opposite balances), and every export verifies. */
export async function checkLedgers(agents: AgentNode[]): Promise<{ pairs: number; receipts: number; problems: string[] }> {
  const problems: string[] = [];
  let pairs = 0;
  let receipts = 0;
  const bare = (n: AgentNode) => bareOf(n.identity.jid);
  for (const a of agents) {
    const v = await verifyExport(JSON.parse(JSON.stringify(a.ledger.export())));
    if (!v.ok) problems.push(`${a.identity.name}'s ledger does not verify: ${v.error.message}`);
    for (const b of agents) {
      if (bare(a) >= bare(b)) continue;
      const ab = a.ledger.chain(bare(b));
      const ba = b.ledger.chain(bare(a));
      if (ab.length === 0 && ba.length === 0) continue;
      pairs++;
      receipts += ab.length;
      if (JSON.stringify(ab) !== JSON.stringify(ba))
        problems.push(`${a.identity.name} and ${b.identity.name} hold different chains (${ab.length} vs ${ba.length} receipts)`);
      if (a.ledger.balance(bare(b)) + b.ledger.balance(bare(a)) !== 0) problems.push(`${a.identity.name} and ${b.identity.name} disagree on their balance`);
    }
  }
  return { pairs, receipts, problems };
}
