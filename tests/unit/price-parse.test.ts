// Prices: the disco `price` field's text both ways, the owner's setting, and the registry's charges hook
// (consulted for priced skills only, never for the owner).
import { describe, expect, test } from 'vitest';
import { describePrice, isPrice, parsePrice, type Charges, type Skill } from '../../src/agent/skills/types.ts';
import { createSkillRegistry } from '../../src/agent/skills/registry.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { ok, fail } from '../../src/core/result.ts';
import { stanzaError } from '../../src/core/errors.ts';

describe('price text', () => {
  test('round trip', () => {
    for (const p of [
      { amount: 5, when: 'before' as const },
      { amount: 1, when: 'after' as const },
      { amount: 1_000_000_000, when: 'before' as const },
    ]) {
      expect(parsePrice(describePrice(p))).toEqual(p);
    }
    expect(describePrice(undefined)).toBe('');
    expect(describePrice(null)).toBe('');
  });
  test('empty is free, garbage is unreadable', () => {
    expect(parsePrice('')).toBeNull();
    expect(parsePrice(undefined)).toBeNull();
    expect(parsePrice('  ')).toBeNull();
    for (const bad of ['5', 'before', '5 later', '0 before', '-1 after', '1.5 before', '5  before', '99999999999 after', '1000000001 before', 'five before']) {
      expect(parsePrice(bad), bad).toBeUndefined();
    }
  });
  test('isPrice', () => {
    expect(isPrice({ amount: 3, when: 'after' })).toBe(true);
    for (const bad of [null, 3, { amount: 0, when: 'after' }, { amount: 2.5, when: 'after' }, { amount: 3, when: 'now' }, { amount: '3', when: 'before' }])
      expect(isPrice(bad)).toBe(false);
  });
});

const skill = (node: string, extra: Partial<Skill> = {}): Skill => ({
  node,
  name: node,
  description: node,
  defaultAccess: { kind: 'public' },
  stages: [],
  run: async () => ok({ json: { ran: node } }),
  ...extra,
});

describe('registry prices', () => {
  async function setup() {
    const store = createMemoryStore();
    const calls: string[] = [];
    const charges: Charges = {
      authorize: (c) => (
        calls.push(`auth ${c.caller.bare} ${c.node} ${c.price.amount}`),
        c.caller.bare === 'poor@x.test' ? fail(stanzaError('policy-violation', 'pay')) : ok(undefined)
      ),
      run: async (c, _ctx, run) => {
        calls.push(`run ${c.caller.bare} ${c.node}`);
        const r = await run();
        return r.ok ? ok({ ...r.value, json: { wrapped: r.value.json } }) : r;
      },
    };
    const reg = await createSkillRegistry({
      store,
      facts: (from) => ({ bare: from.split('/')[0]!, isOwner: from.startsWith('owner@'), isFriend: false, level: 'stranger' }),
    });
    reg.add(skill('free'));
    reg.add(skill('paid', { defaultPrice: { amount: 5, when: 'before' } }));
    return { reg, calls, charges, store };
  }
  const ctx = (from: string) => ({ from, sessionid: 's', signal: new AbortController().signal, progress() {} });

  test('default price, owner override, free by null; persisted', async () => {
    const { reg, store } = await setup();
    expect(reg.priceOf('paid')).toEqual({ amount: 5, when: 'before' });
    expect(reg.priceOf('free')).toBeUndefined();
    expect((await reg.configure('free', { price: { amount: 2, when: 'after' } })).ok).toBe(true);
    expect(reg.priceOf('free')).toEqual({ amount: 2, when: 'after' });
    expect((await reg.configure('paid', { price: null })).ok).toBe(true);
    expect(reg.priceOf('paid')).toBeUndefined();
    const bad = await reg.configure('free', { price: { amount: 0, when: 'after' } });
    expect(bad.ok).toBe(false);
    expect(reg.priceOf('free')).toEqual({ amount: 2, when: 'after' });
    // A new registry on the same store reads the owner's prices back.
    const again = await createSkillRegistry({ store, facts: () => ({ bare: 'a@x', isOwner: false, isFriend: false, level: 'stranger' }) });
    again.add(skill('free'));
    again.add(skill('paid', { defaultPrice: { amount: 5, when: 'before' } }));
    expect(again.priceOf('free')).toEqual({ amount: 2, when: 'after' });
    expect(again.priceOf('paid')).toBeUndefined();
    expect(again.list().find((v) => v.node === 'free')?.price).toEqual({ amount: 2, when: 'after' });
  });

  test('charges are consulted for priced skills and strangers only', async () => {
    const { reg, calls, charges } = await setup();
    // No market plugged in: nothing is charged.
    expect(reg.authorize('a@x.test/r', 'paid').ok).toBe(true);
    reg.setCharges(charges);
    expect(reg.authorize('a@x.test/r', 'free').ok).toBe(true);
    expect(reg.authorize('a@x.test/r', 'paid').ok).toBe(true);
    const refused = reg.authorize('poor@x.test/r', 'paid');
    expect(refused.ok || refused.error.condition).toBe('policy-violation');
    expect(reg.authorize('owner@x.test/r', 'paid').ok).toBe(true);
    const paidRun = await reg.lookup('paid')!.run({}, ctx('a@x.test/r'));
    expect(paidRun.ok && paidRun.value.json).toEqual({ wrapped: { ran: 'paid' } });
    const ownerRun = await reg.lookup('paid')!.run({}, ctx('owner@x.test/r'));
    expect(ownerRun.ok && ownerRun.value.json).toEqual({ ran: 'paid' });
    const freeRun = await reg.lookup('free')!.run({}, ctx('a@x.test/r'));
    expect(freeRun.ok && freeRun.value.json).toEqual({ ran: 'free' });
    expect(calls).toEqual(['auth a@x.test paid 5', 'auth poor@x.test paid 5', 'run a@x.test paid']);
  });
});
