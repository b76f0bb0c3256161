// The payer's protocol over the payee's `ledger-pay` skill, wired in process through a SkillCaller that
// runs the peer's skill (the wire itself is covered by tests/integration/ledger.test.ts): busy retries,
// concurrent payments both ways, lost answers recovered from the payee's head, definite refusals.
import { describe, expect, test } from 'vitest';
import { fail, ok } from '../../src/core/result.ts';
import type { StanzaError } from '../../src/core/errors.ts';
import { createLedger } from '../../src/agent/ledger/ledger.ts';
import { createPay, LEDGER_PAY_NODE, ledgerErrorOf, ledgerPaySkill } from '../../src/agent/ledger/pay.ts';
import { verifyExport } from '../../src/agent/ledger/verify.ts';
import { NS_LEDGER } from '../../src/agent/ledger/errors.ts';
import type { LedgerApi } from '../../src/agent/ledger/types.ts';
import type { SkillCaller } from '../../src/agent/society/call.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { AgentStore } from '../../src/store/types.ts';

const A = 'alice@x.test';
const B = 'bob@x.test';

interface Agent {
  jid: string;
  store: AgentStore;
  ledger: LedgerApi;
}

async function agent(jid: string, store: AgentStore = createMemoryStore(), limit = 1000): Promise<Agent> {
  const r = await createLedger({ store, self: () => jid, limitFor: () => limit });
  if (!r.ok) throw new Error(r.error.message);
  return { jid, store, ledger: r.value };
}

/** Runs the peer's skill as the command server would, after a network hop; `drop` loses answers. */
function callerFor(self: string, peers: () => Agent[], opts: { delayMs?: number; drop?: (node: string, action: string) => boolean } = {}): SkillCaller {
  return async (jid, node, values = {}) => {
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 2));
    const peer = peers().find((p) => p.jid === jid);
    if (!peer || node !== LEDGER_PAY_NODE) return fail({ kind: 'network', message: `${jid} is not online` });
    const skill = ledgerPaySkill(peer.ledger);
    const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v : [String(v)]]));
    const out = await skill.run(input, { from: `${self}/tab`, sessionid: 's', signal: new AbortController().signal, progress: () => {} });
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 2));
    if (opts.drop?.(node, String(values.action))) return fail({ kind: 'timeout', message: 'no answer', ms: 15_000 });
    if (!out.ok) return out;
    return ok({ node, status: 'completed' as const, notes: [], form: out.value.form, json: JSON.parse(JSON.stringify(out.value.json)) });
  };
}

function payFor(me: Agent, peers: () => Agent[], opts?: Parameters<typeof callerFor>[2]) {
  return createPay({
    ledger: me.ledger,
    call: callerFor(me.jid, peers, opts),
    keyOf: async (jid) =>
      peers()
        .find((p) => p.jid === jid)
        ?.ledger.publicKey(),
  });
}

const agree = (x: Agent, y: Agent) => expect(JSON.stringify(x.ledger.chain(y.jid))).toBe(JSON.stringify(y.ledger.chain(x.jid)));

describe('createPay', () => {
  test('pays both ways; both sides agree and the exports verify', async () => {
    const a = await agent(A);
    const b = await agent(B);
    const all = () => [a, b];
    const payA = payFor(a, all);
    const payB = payFor(b, all);
    const r1 = await payA({ to: B, amount: 40, memo: 'for the map', ref: 'invoice:1' });
    expect(r1.ok && r1.value.payeeSig).toBeTruthy();
    expect((await payB({ to: `${A}/tab`, amount: 15, memo: '', ref: 'gift' })).ok).toBe(true);
    expect(a.ledger.balance(B)).toBe(-25);
    expect(b.ledger.balance(A)).toBe(25);
    agree(a, b);
    expect((await verifyExport(a.ledger.export())).ok).toBe(true);
    expect((await verifyExport(b.ledger.export())).ok).toBe(true);
  });

  test('concurrent payments A->B and B->A do not fork the chain', async () => {
    const a = await agent(A);
    const b = await agent(B);
    const all = () => [a, b];
    const payA = payFor(a, all, { delayMs: 5 });
    const payB = payFor(b, all, { delayMs: 5 });
    const busy: string[] = [];
    for (const x of [a, b]) x.ledger.events.on('refused', (e) => e.error.code === 'busy' && busy.push(x.jid));
    const results = await Promise.all([
      payA({ to: B, amount: 1, memo: '', ref: 'gift' }),
      payB({ to: A, amount: 10, memo: '', ref: 'gift' }),
      payA({ to: B, amount: 2, memo: '', ref: 'gift' }),
      payB({ to: A, amount: 20, memo: '', ref: 'gift' }),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual(['ok', 'ok', 'ok', 'ok']);
    // Both started at once, so at least one side was told to wait.
    expect(busy.length).toBeGreaterThan(0);
    agree(a, b);
    expect(a.ledger.chain(B).map((r) => r.body.seq)).toEqual([1, 2, 3, 4]);
    expect(a.ledger.balance(B)).toBe(27);
    expect(b.ledger.balance(A)).toBe(-27);
    expect((await verifyExport(a.ledger.export())).ok).toBe(true);
  });

  test('a definite refusal abandons the payment and says why', async () => {
    const a = await agent(A);
    const b = await agent(B, createMemoryStore(), 10);
    const payA = payFor(a, () => [a, b]);
    const r = await payA({ to: B, amount: 11, memo: '', ref: 'gift' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'ledger', code: 'over-limit', condition: 'policy-violation' });
    expect(a.ledger.pending(B)).toBeUndefined();
    expect(a.ledger.chain(B)).toEqual([]);
    expect((await payA({ to: B, amount: 10, memo: '', ref: 'gift' })).ok).toBe(true);
  });

  test('an unknown key or an offline peer is an error, not a payment', async () => {
    const a = await agent(A);
    const payA = payFor(a, () => [a]);
    const r = await payA({ to: B, amount: 1, memo: '', ref: 'gift' });
    expect(!r.ok && r.error.message).toMatch(/no ledger key/);
  });

  test('a lost answer is recovered at once from the payee head', async () => {
    const a = await agent(A);
    const b = await agent(B);
    let dropped = 0;
    const payA = payFor(a, () => [a, b], { drop: (_, action) => action === 'pay' && dropped++ === 0 });
    const r = await payA({ to: B, amount: 5, memo: '', ref: 'gift' });
    expect(r.ok).toBe(true);
    expect(dropped).toBe(1);
    agree(a, b);
    expect(a.ledger.balance(B)).toBe(-5);
  });

  test('when the head cannot be asked either, the next payment settles the pending one first', async () => {
    const a = await agent(A);
    const b = await agent(B);
    let offline = true;
    const payA = payFor(a, () => [a, b], { drop: () => offline });
    const lost = await payA({ to: B, amount: 5, memo: '', ref: 'gift' });
    expect(!lost.ok && lost.error.kind).toBe('timeout');
    expect(a.ledger.pending(B)).toBeDefined();
    expect(b.ledger.balance(A)).toBe(5);
    expect(a.ledger.balance(B)).toBe(0);
    offline = false;
    expect((await payA({ to: B, amount: 7, memo: '', ref: 'gift' })).ok).toBe(true);
    agree(a, b);
    expect(a.ledger.chain(B).map((r) => r.body.amount)).toEqual([5, 7]);
  });

  test("or the peer's next payment hands the lost receipt back", async () => {
    const a = await agent(A);
    const b = await agent(B);
    const lost = await payFor(a, () => [a, b], { drop: () => true })({ to: B, amount: 5, memo: '', ref: 'gift' });
    expect(lost.ok).toBe(false);
    // Alice is one receipt behind Bob and still waiting: Bob's payment is out of order for her, so Bob
    // gives her the receipt she signed (action=recover) and pays again.
    expect((await payFor(b, () => [a, b])({ to: A, amount: 1, memo: '', ref: 'gift' })).ok).toBe(true);
    expect(a.ledger.pending(B)).toBeUndefined();
    agree(a, b);
    expect(a.ledger.chain(B).map((r) => [r.body.payer, r.body.amount])).toEqual([
      [A, 5],
      [B, 1],
    ]);
    expect(a.ledger.balance(B)).toBe(-4);
  });

  test('after a restart that forgot the pending payment, the chain is repaired from the head', async () => {
    const storeA = createMemoryStore();
    let a = await agent(A, storeA);
    const b = await agent(B);
    const lost = await payFor(a, () => [a, b], { drop: () => true })({ to: B, amount: 5, memo: '', ref: 'gift' });
    expect(lost.ok).toBe(false);
    a = await agent(A, storeA);
    expect(a.ledger.pending(B)).toBeUndefined();
    // Alice's seq 1 now differs from the one Bob holds: Bob says tampered, Alice learns his head.
    const r = await payFor(a, () => [a, b])({ to: B, amount: 3, memo: '', ref: 'gift' });
    expect(r.ok).toBe(true);
    agree(a, b);
    expect(a.ledger.chain(B).map((x) => x.body.amount)).toEqual([5, 3]);
  });
});

describe('the ledger-pay skill', () => {
  test('head, and errors with the ledger application condition', async () => {
    const a = await agent(A);
    const b = await agent(B);
    const skill = ledgerPaySkill(b.ledger);
    const ctx = { from: `${A}/tab`, sessionid: 's', signal: new AbortController().signal, progress: () => {} };
    const empty = await skill.run({ action: ['head'] }, ctx);
    expect(empty.ok && empty.value.json).toEqual({ receipt: null });
    expect((await payFor(a, () => [a, b])({ to: B, amount: 2, memo: '', ref: 'gift' })).ok).toBe(true);
    const head = await skill.run({ action: ['head'] }, ctx);
    expect(head.ok && JSON.stringify(head.value.json)).toBe(JSON.stringify({ receipt: b.ledger.head(A) }));
    for (const [receipt, code, condition] of [
      ['{not json', 'malformed', 'bad-request'],
      ['', 'malformed', 'bad-request'],
      [JSON.stringify(b.ledger.head(A)), 'replay', 'conflict'],
    ] as const) {
      const r = await skill.run({ action: ['pay'], receipt: [receipt] }, ctx);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      const e: StanzaError = r.error;
      expect(e.condition).toBe(condition);
      expect(e.app?.name).toBe(code);
      expect(e.app?.attrs.xmlns).toBe(NS_LEDGER);
      expect(ledgerErrorOf(e)?.code).toBe(code);
    }
    const bad = await skill.run({ action: ['steal'] }, ctx);
    expect(!bad.ok && bad.error.condition).toBe('bad-request');
  });
});
