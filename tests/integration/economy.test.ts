// The world and economy scenario with the rules brain (deterministic), five agents on the test Prosody:
// a place visited, a treasure found, claimed and paid (a second claim refused), a paid skill bought, a
// bounty posted, bid, awarded, delivered and paid; afterwards both sides of every pair hold the same
// signed chain and every agent's exported ledger verifies.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startWorldScenario, checkLedgers, type WorldScenario, TREASURE_REWARD, HAIKU_PRICE, BOUNTY_REWARD } from '../../scripts/lib/world-scenario.ts';
import { tempDir, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let s: WorldScenario;

beforeAll(async () => {
  s = await startWorldScenario({ service, domain, dir: tempDir('tidepool-economy-') });
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

describe('world and economy, rules brain', () => {
  test('every milestone is reached by the agents themselves', async () => {
    for (const [name, reached] of s.milestones) await until(reached, 45_000, name);
  }, 120_000);

  test('the agents decided it: their activity logs show each economic action done', () => {
    const { ben, dan, eve } = s.agents;
    const did = (n: typeof ben) =>
      n.society.log
        .list()
        .filter((e) => e.kind === 'act')
        .map((e) => e.text.split(' ')[0]);
    const ok = (n: typeof ben) =>
      n.society.log
        .list()
        .filter((e) => e.kind === 'result')
        .map((e) => e.text);
    expect(did(ben)).toEqual(expect.arrayContaining(['hunt', 'visit']));
    expect(did(dan)).toContain('buy');
    expect(did(eve)).toEqual(expect.arrayContaining(['post-bounty', 'award']));
    const bounty = eve.bounties.list().find((b) => b.poster === s.bare(eve))!;
    const winner = [ben, dan].find((n) => s.bare(n) === bounty.awards[0]!.bidder)!;
    expect(did(winner)).toEqual(expect.arrayContaining(['bid', 'deliver']));
    expect(ok(ben).join('\n')).toMatch(/claimed the treasure/);
    expect(ok(dan).join('\n')).toMatch(/bought haiku/);
  });

  test('the reward, the haiku and the bounty were paid by countersigned receipts', () => {
    const { ann, ben, cat, dan, eve } = s.agents;
    const refs = (a: typeof ann, b: typeof ann) => a.ledger.chain(s.bare(b)).map((r) => [r.body.payer, r.body.payee, r.body.amount, r.body.ref.split(':')[0]]);
    expect(refs(ben, ann)).toEqual([[s.bare(ann), s.bare(ben), TREASURE_REWARD, 'treasure']]);
    expect(refs(dan, cat)).toEqual([[s.bare(dan), s.bare(cat), HAIKU_PRICE, 'prepay']]);
    const bounty = eve.bounties.list().find((b) => b.poster === s.bare(eve))!;
    const winner = [ben, dan].find((n) => s.bare(n) === bounty.awards[0]!.bidder)!;
    expect(refs(winner, eve)).toEqual([[s.bare(eve), s.bare(winner), BOUNTY_REWARD, 'bounty']]);
    // Mutual credit, from each side: a payer owes what it paid (positive: the peer owes us).
    expect(ben.ledger.balance(s.bare(ann))).toBe(TREASURE_REWARD);
    expect(ann.ledger.balance(s.bare(ben))).toBe(-TREASURE_REWARD);
    expect(cat.ledger.balance(s.bare(dan))).toBe(HAIKU_PRICE);
    expect(dan.ledger.balance(s.bare(cat))).toBe(-HAIKU_PRICE);
  });

  test('a second claim of the same treasure is refused and pays nothing', async () => {
    const { ann, dan } = s.agents;
    const seen = dan.world.snapshot().treasures.find((t) => t.id === s.treasureId);
    await until(() => !!dan.world.snapshot().treasures.find((t) => t.id === s.treasureId)?.secret, 10_000, 'the reveal reaches Dan');
    const t = dan.world.snapshot().treasures.find((x) => x.id === s.treasureId)!;
    expect(seen?.claimedBy ?? t.claimedBy).toBe(s.bare(s.agents.ben));
    expect(await dan.world.verifyClaim(t)).toBe(true);
    const before = ann.ledger.chain(s.bare(dan)).length;
    const again = await dan.world.claim(s.bare(ann), t.id, t.secret, t.salt);
    expect(!again.ok && again.error.kind === 'stanza' && again.error.condition).toBe('conflict');
    expect(ann.ledger.chain(s.bare(dan))).toHaveLength(before);
  });

  test('both sides of every pair agree, and every receipt verifies', async () => {
    const r = await checkLedgers(Object.values(s.agents));
    expect(r.problems).toEqual([]);
    expect(r.pairs).toBeGreaterThanOrEqual(3);
    expect(r.receipts).toBeGreaterThanOrEqual(3);
  });
});
