// The rules brain's economic goals (earn, explore the world, buy, post a bounty) and the owner's
// spending gate: deterministic answers from the situation, and spending only with the owner's leave.
import { describe, expect, test } from 'vitest';
import { decideByRules } from '../../src/agent/autonomy/rules-brain.ts';
import { action, validateAction } from '../../src/agent/autonomy/actions.ts';
import { judge, normalizePolicy, DEFAULT_POLICY, type PolicyFacts } from '../../src/agent/autonomy/policy.ts';
import type { EconomyView } from '../../src/agent/autonomy/situation.ts';
import { baseSituation } from '../helpers/situation.ts';
import { parseGoal } from '../../src/agent/society/goals.ts';

const economy = (over: Partial<EconomyView> = {}): EconomyView => ({ mySkills: ['echo'], bounties: [], purchases: [], ...over });
const base = baseSituation;
const bounty = (over: Partial<EconomyView['bounties'][number]> = {}): EconomyView['bounties'][number] => ({
  id: 'b1',
  poster: 'p@x.test',
  room: 'world@muc.x.test',
  task: 'say hi',
  skill: 'echo',
  reward: 10,
  state: 'open',
  mine: false,
  bids: [],
  bid: false,
  awardedToUs: false,
  delivered: false,
  ...over,
});

describe('rules brain: economy', () => {
  test('earn: bids on a bounty for a skill it offers, not on others, then delivers when awarded', () => {
    const s = base({ goals: [{ kind: 'earn' }], economy: economy({ bounties: [bounty({ id: 'x', skill: 'paint' }), bounty()] }) });
    expect(decideByRules(s)).toMatchObject({ action: 'bid', target: 'p@x.test', text: 'b1' });
    expect(decideByRules(base({ ...s, economy: economy({ bounties: [bounty({ bid: true })] }) })).action).toBe('wait');
    const awarded = base({ ...s, economy: economy({ bounties: [bounty({ bid: true, awardedToUs: true, state: 'awarded' })] }) });
    expect(decideByRules(awarded)).toMatchObject({ action: 'deliver', text: 'b1' });
    expect(decideByRules({ ...awarded, observation: { kind: 'bounty-awarded', from: 'p@x.test', id: 'b1' } })).toMatchObject({ action: 'deliver' });
  });

  test('without the earn goal a seen bounty is ignored', () => {
    const s = base({ observation: { kind: 'bounty', from: 'p@x.test', id: 'b1', room: 'r', task: 't', skill: 'echo', reward: 5 }, economy: economy() });
    expect(decideByRules(s).action).toBe('wait');
    expect(decideByRules({ ...s, goals: [{ kind: 'earn' }] })).toMatchObject({ action: 'bid', text: 'b1' });
  });

  test('explore-world: enters, hunts an unhunted treasure before visiting new places, never its own', () => {
    const g = [{ kind: 'explore-world' as const, room: '' }];
    expect(decideByRules(base({ goals: g, economy: economy() }))).toMatchObject({ action: 'enter-world' });
    const world = {
      room: 'world@muc.x.test',
      places: [
        { owner: 'me@x.test', id: 'home', name: 'Home', rating: 0, visited: false },
        { owner: 'o@x.test', id: 'cave', name: 'Cave', rating: 0, visited: false },
      ],
      treasures: [{ owner: 'o@x.test', place: 'cave', id: 't1', reward: 7, hunted: false }],
    };
    expect(decideByRules(base({ goals: g, economy: economy({ world }) }))).toMatchObject({ action: 'hunt', target: 'o@x.test', text: 'cave' });
    const hunted = { ...world, treasures: [{ ...world.treasures[0]!, hunted: true }] };
    expect(decideByRules(base({ goals: g, economy: economy({ world: hunted }) }))).toMatchObject({
      action: 'visit',
      target: 'o@x.test',
      text: 'cave',
      amount: 4,
    });
  });

  test('post-bounty: posts once, then awards the first bidder it does not distrust', () => {
    const g = [{ kind: 'post-bounty' as const, room: '', task: 'say hi', skill: 'echo', reward: 10 }];
    expect(decideByRules(base({ goals: g, economy: economy() }))).toMatchObject({ action: 'post-bounty', text: 'say hi', amount: 10 });
    const mine = bounty({ mine: true, poster: 'me@x.test', bids: ['bad@x.test', 'good@x.test'] });
    const s = base({ goals: g, economy: economy({ bounties: [mine] }), known: [{ jid: 'bad@x.test', introducedBy: [], trust: -2 }] });
    expect(decideByRules(s)).toMatchObject({ action: 'award', target: 'good@x.test', text: 'b1' });
    expect(decideByRules(base({ ...s, economy: economy({ bounties: [{ ...mine, state: 'awarded' }] }) })).action).toBe('wait');
  });

  test('buy: once per seller and skill', () => {
    const g = [{ kind: 'buy' as const, target: 's@x.test', skill: 'poem', text: 'the sea' }];
    expect(decideByRules(base({ goals: g, economy: economy() }))).toMatchObject({ action: 'buy', target: 's@x.test', skill: 'poem', text: 'the sea' });
    expect(decideByRules(base({ goals: g, economy: economy({ purchases: [{ seller: 's@x.test', node: 'poem' }] }) })).action).toBe('wait');
  });

  test('every economic decision validates against the schema', () => {
    for (const a of [
      action('bid', { target: 'p@x', text: 'b' }),
      action('post-bounty', { text: 't', skill: 'echo', amount: 3 }),
      action('visit', { target: 'o@x', text: 'cave', amount: 5 }),
    ])
      expect(validateAction(a)).toMatchObject({ ok: true });
    expect(validateAction(action('post-bounty', { text: 't', skill: 'echo' })).ok).toBe(false); // no reward
    expect(validateAction({ ...action('bid', { target: 'p', text: 'b' }), amount: -1 }).ok).toBe(false);
    expect(validateAction({ ...action('bid', { target: 'p', text: 'b' }), amount: 1.5 }).ok).toBe(false);
  });

  test('goals parse, and bad ones are refused with a reason', () => {
    expect(parseGoal({ kind: 'post-bounty', task: 'x', skill: 'echo', reward: 5 })).toMatchObject({ kind: 'post-bounty', reward: 5, room: '' });
    expect(typeof parseGoal({ kind: 'post-bounty', task: 'x', skill: 'echo', reward: -5 })).toBe('string');
    expect(typeof parseGoal({ kind: 'buy', target: 'a@b' })).toBe('string');
    expect(parseGoal({ kind: 'earn' })).toEqual({ kind: 'earn' });
  });
});

describe('policy: spending', () => {
  const facts: PolicyFacts = {
    isFriend: () => false,
    isIntroduced: () => false,
    actionsLastMinute: 0,
    postsLastMinute: () => 0,
    hour: 12,
    decidesFriendRequests: false,
    roomInLoop: () => false,
  };
  const on = normalizePolicy({ ...DEFAULT_POLICY, mode: 'on', firstContact: 'anyone', allowedSkills: ['*'] });
  test('buying, posting and awarding bounties need the owner to allow spending', () => {
    for (const a of [
      action('buy', { target: 's@x', skill: 'poem' }),
      action('post-bounty', { text: 't', skill: 'echo', amount: 3 }),
      action('award', { target: 'b@x', text: 'b1' }),
    ]) {
      expect(judge(a, on, facts)).toMatch(/spend/);
      expect(judge(a, { ...on, maySpend: true }, facts)).toBeUndefined();
    }
    // Earning does not spend.
    expect(judge(action('bid', { target: 'p@x', text: 'b1' }), on, facts)).toBeUndefined();
  });
  test('buy obeys the skill allow-list and first-contact rules like call', () => {
    const strict = { ...on, maySpend: true, allowedSkills: ['echo'], firstContact: 'introduced' as const };
    expect(judge(action('buy', { target: 's@x', skill: 'poem' }), strict, { ...facts, isIntroduced: () => true })).toMatch(/not allowed/);
    expect(judge(action('buy', { target: 's@x', skill: 'echo' }), strict, facts)).toMatch(/introduced/);
    expect(normalizePolicy({ maySpend: 'yes' as never }).maySpend).toBe(false);
  });
});
