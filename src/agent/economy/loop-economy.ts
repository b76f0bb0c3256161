// The world, the market and bounties as the autonomy loop uses them: a view to decide on and one call
// per economic action (the port in economy/port.ts). Amounts stay bounded by the market's budget and the
// ledger's credit limits whatever a decider asks for; the work a bounty asks for is done with one of
// our own skills, run here as its owner would run it.
import { fail, ok, type Result } from '../../core/result.ts';
import { bareOf } from '../../core/jid.ts';
import type { AgentStore } from '../../store/types.ts';
import type { EconomyView } from '../autonomy/situation.ts';
import type { Economy, Outcome } from './port.ts';
import { persisted } from '../memory/persisted.ts';
import type { World } from '../world/world.ts';
import type { Bounties } from '../market/bounties.ts';
import type { Market } from '../market/market.ts';
import type { SkillRegistry } from '../skills/registry.ts';
import type { ProblemReporter } from '../../core/errors.ts';
import type { ActionError } from '../../core/errors.ts';

const MAX_HUNT_STEPS = 20;
const MAX_REMEMBERED = 500;
const MAX_BOUNTY_REWARD = 1_000_000;

interface Done {
  visited: string[];
  hunted: string[];
  /** `seller|node` of what we bought. */
  bought: string[];
}

const said = <T>(r: Result<T, ActionError>, text: (v: T) => string) => (r.ok ? ok(text(r.value)) : fail(r.error));
const remember = (list: string[], key: string) => (list.includes(key) ? list : [...list, key].slice(-MAX_REMEMBERED));

export async function createEconomy(d: {
  store: AgentStore;
  world: World;
  bounties: Bounties;
  market: Market;
  skills: SkillRegistry;
  self: () => string;
  problem?: ProblemReporter;
}): Promise<Economy & { flush(): Promise<void> }> {
  const done = await persisted<Done>(d.store, 'economy:done', { visited: [], hunted: [], bought: [] }, 250, d.problem);
  const lc = (j: string) => bareOf(j);
  const key = (owner: string, id: string) => `${lc(owner)}/${id}`;

  /** Our own skill with the task as its text input, as our owner would run it; the result as text. */
  async function work(node: string | undefined, task: string): Promise<Result<string, ActionError>> {
    const skill = node ? d.skills.lookup(node) : undefined;
    if (!node || !skill) return fail({ kind: 'invalid', message: node ? `we do not offer ${node}` : 'the bounty names no skill we could do it with' });
    let form;
    try {
      form = skill.stages[0]?.({}, d.self());
    } catch {
      return fail({ kind: 'invalid', message: `${node} cannot be run unattended` });
    }
    const textField = form?.fields.find((f) => f.var && (f.type === 'text-single' || f.type === 'text-multi' || f.type === undefined));
    if (skill.stages.length > 1) return fail({ kind: 'invalid', message: `${node} has several stages; it cannot be run unattended` });
    const input = textField?.var ? { [textField.var]: [task] } : {};
    const r = await skill.run(input, { from: d.self(), sessionid: `bounty-${Date.now()}`, signal: new AbortController().signal, progress: () => {} });
    if (!r.ok) return fail({ kind: 'invalid', message: `${node} failed: ${r.error.message}` });
    const out = r.value.json !== undefined ? JSON.stringify(r.value.json) : (r.value.form?.fields.flatMap((f) => f.values).join('\n') ?? '');
    return ok(out.slice(0, 8000) || 'done');
  }

  const view = (): EconomyView => {
    const me = d.self();
    const snap = d.world.snapshot();
    const bids = d.bounties.myBids() as Record<string, { delivered?: boolean }>;
    const { visited, hunted, bought = [] } = done.value();
    return {
      mySkills: d.skills
        .list()
        .filter((s) => s.settings.enabled)
        .map((s) => s.node),
      ...(snap.room && {
        world: {
          room: snap.room,
          places: snap.places
            .slice(0, 50)
            .map((p) => ({ owner: p.owner, id: p.id, name: p.name, rating: p.rating, visited: visited.includes(key(p.owner, p.id)) })),
          treasures: snap.treasures
            .filter((t) => !t.claimedBy)
            .slice(0, 20)
            .map((t) => ({ owner: t.owner, place: t.place, id: t.id, reward: t.reward, hunted: hunted.includes(key(t.owner, t.id)) })),
        },
      }),
      bounties: d.bounties
        .list()
        .slice(-30)
        .map((b) => {
          const myBid = bids[key(b.poster, b.id)];
          return {
            id: b.id,
            poster: b.poster,
            room: b.room,
            task: b.task,
            skill: b.skill ?? '',
            reward: b.reward,
            state: b.status === 'open' && Date.now() > b.deadline ? 'closed' : b.status,
            mine: b.poster === me,
            bids: b.bids.map((x) => x.bidder),
            bid: !!myBid,
            awardedToUs: b.awards.some((a) => a.bidder === me),
            delivered: !!myBid?.delivered,
          };
        }),
      purchases: bought.map((b) => ({ seller: b.split('|')[0]!, node: b.split('|')[1] ?? '' })),
    };
  };

  return {
    view,
    async enterWorld(room: string): Outcome {
      return said(await d.world.enter(room || undefined), (s) => `entered ${s.room} (${s.agents.length} there, ${s.places.length} places)`);
    },
    async visit(owner, place, rating) {
      const r = await d.world.visit(owner, place, rating >= 1 && rating <= 5 ? Math.round(rating) : undefined);
      if (r.ok) done.set({ ...done.value(), visited: remember(done.value().visited, key(owner, place)) });
      return said(r, (j) => `visited ${String(j.name ?? place)}`);
    },
    async hunt(owner, place) {
      const t = d.world.snapshot().treasures.find((x) => x.owner === lc(owner) && x.place === place && !x.claimedBy);
      if (!t) return fail({ kind: 'invalid', message: `no unclaimed treasure at ${place}` });
      // Marked first: a hunt that fails is not retried on every tick.
      done.set({ ...done.value(), hunted: remember(done.value().hunted, key(owner, t.id)) });
      for (let i = 0; i < MAX_HUNT_STEPS; i++) {
        const e = await d.world.explore(owner, place);
        if (!e.ok) return fail({ kind: 'invalid', message: `exploring ${place}: ${e.error.message}` });
        if (typeof e.value.secret === 'string') {
          const c = await d.world.claim(owner, String(e.value.treasure ?? t.id));
          return said(c, () => `found and claimed the treasure at ${place} (${t.reward} credits)`);
        }
      }
      return fail({ kind: 'invalid', message: `explored ${place} ${MAX_HUNT_STEPS} times without finding the treasure` });
    },
    async buy(seller, skill, text) {
      const r = await d.market.buy(seller, skill, text ? { text } : {});
      if (r.ok) done.set({ ...done.value(), bought: remember(done.value().bought ?? [], `${lc(seller)}|${skill}`) });
      return said(r, (p) => `bought ${skill} from ${seller}${p.price ? ` for ${p.price.amount}` : ''}`);
    },
    async bid(poster, id) {
      const b = d.bounties.get(lc(poster), id);
      if (!b) return fail({ kind: 'invalid', message: `no bounty ${id} from ${poster}` });
      return said(await d.bounties.bid({ poster: lc(poster), id }, { pitch: b.skill ? `I offer ${b.skill}` : 'I can do it' }), () => `bid on bounty ${id}`);
    },
    async deliver(poster, id) {
      const b = d.bounties.get(lc(poster), id);
      if (!b) return fail({ kind: 'invalid', message: `no bounty ${id} from ${poster}` });
      const result = await work(b.skill, b.task);
      if (!result.ok) return result;
      return said(await d.bounties.deliver({ poster: lc(poster), id }, result.value), () => `delivered bounty ${id}`);
    },
    async award(id, bidder) {
      return said(await d.bounties.award(id, [bidder]), () => `awarded bounty ${id} to ${bidder}`);
    },
    async postBounty(room, task, skill, reward) {
      if (!Number.isSafeInteger(reward) || reward < 1 || reward > MAX_BOUNTY_REWARD)
        return fail({ kind: 'invalid', message: `a reward is 1 to ${MAX_BOUNTY_REWARD} credits` });
      const target = room || d.world.rooms().current;
      if (!target) return fail({ kind: 'invalid', message: 'not in a world or room to post the bounty in' });
      const r = await d.bounties.post({ room: target, task, reward, mode: 'single', deadlineMs: 10 * 60_000, skill });
      return said(r, (b) => `posted bounty ${b.id}: ${reward} credits`);
    },
    flush: () => done.flush(),
  };
}
