// The signed ledger between two real nodes on the test Prosody: payments both ways over the
// `ledger-pay` command, then hand-made bad receipts sent through that same command, each refused with
// its XMPP condition and ledger application condition, with both sides' balances unchanged.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { loadOrCreateKey, type SigningKey } from '../../src/agent/ledger/keys.ts';
import { receiptHash, signReceipt } from '../../src/agent/ledger/receipt.ts';
import { verifyExport } from '../../src/agent/ledger/verify.ts';
import { NS_LEDGER } from '../../src/agent/ledger/errors.ts';
import { LEDGER_PAY_NODE } from '../../src/agent/ledger/pay.ts';
import type { ReceiptBody } from '../../src/agent/ledger/types.ts';
import { makeNode, startNode, until } from '../helpers/nodes.ts';
import { attachLedger, type AttachedLedger } from '../helpers/ledger.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);

let ann: AgentNode, ben: AgentNode;
let annL: AttachedLedger, benL: AttachedLedger;
let annJid: string, benJid: string;
let annKey: SigningKey;
const storeAnn = createMemoryStore();
const storeBen = createMemoryStore();
const full: Record<string, string> = {};
const bareOf = (n: AgentNode) => n.identity.jid.toLowerCase();

beforeAll(async () => {
  const limits = { rateLimit: { burst: 200, perSecond: 50 } };
  ann = await makeNode(service, domain, `ann-ledger-${stamp}`, { store: storeAnn, ...limits });
  ben = await makeNode(service, domain, `ben-ledger-${stamp}`, { store: storeBen, ...limits });
  const [a, b] = await Promise.all([startNode(ann), startNode(ben)]);
  annJid = bareOf(ann);
  benJid = bareOf(ben);
  full[annJid] = a;
  full[benJid] = b;
  // Strangers to each other: no roster. node.pay finds address and key on the peer's PEP card; the raw
  // caller used for hand-made receipts gets the address from here.
  const resolve = (jid: string) => full[jid.toLowerCase()];
  annL = attachLedger(ann, { limit: 50, resolve });
  benL = attachLedger(ben, { limit: 50, resolve });
  // Every payment counts against the payer's spending budget (market.test.ts tests that); here the
  // credit limits are under test, so the budgets are set out of their way.
  await Promise.all([ann, ben].map((n) => n.market.budget.setLimits({ perPayment: 1000, perDay: 10_000 })));
  // Each side's signing key is on its PEP card, published just after it came online.
  const keyed = (reader: AgentNode, jid: string) => async () => {
    const c = await reader.peers.card(jid);
    return c.ok && !!c.value?.key;
  };
  await until(keyed(ann, benJid), 10_000, "ben's card with his key");
  await until(keyed(ben, annJid), 10_000, "ann's card with her key");
  // Ann's own key, from her store: in these tests the attacker is a payer crafting receipts by hand.
  const k = await loadOrCreateKey(storeAnn);
  if (!k.ok) throw new Error(k.error.message);
  annKey = k.value;
});

afterAll(async () => {
  await Promise.all([ann, ben].map((n) => n?.stop()));
});

const state = async () => ({
  ann: annL.ledger.balance(benJid),
  ben: benL.ledger.balance(annJid),
  annLen: annL.ledger.chain(benJid).length,
  benLen: benL.ledger.chain(annJid).length,
  benHead: benL.ledger.head(annJid) ? await receiptHash(benL.ledger.head(annJid)!) : '',
});

describe('the ledger over XMPP', () => {
  test('ledger-pay is offered to strangers in disco', async () => {
    const skills = await ann.peers.skills(full[benJid]!);
    expect(skills.ok && skills.value.map((s) => s.node)).toContain(LEDGER_PAY_NODE);
  });

  test('payments both ways: both sides agree, and the exports verify', async () => {
    const r1 = await annL.pay({ to: benJid, amount: 20, memo: 'for the map', ref: 'invoice:7' });
    expect(r1.ok ? r1.value.body.seq : r1.error.message).toBe(1);
    const r2 = await benL.pay({ to: annJid, amount: 5, memo: 'change', ref: 'gift' });
    expect(r2.ok ? r2.value.body.seq : r2.error.message).toBe(2);
    expect(annL.ledger.balance(benJid)).toBe(-15);
    expect(benL.ledger.balance(annJid)).toBe(15);
    expect(JSON.stringify(annL.ledger.chain(benJid))).toBe(JSON.stringify(benL.ledger.chain(annJid)));
    const ea = await verifyExport(JSON.parse(JSON.stringify(annL.ledger.export())));
    const eb = await verifyExport(JSON.parse(JSON.stringify(benL.ledger.export())));
    expect(ea.ok && ea.value.balances).toEqual({ [benJid]: -15 });
    expect(eb.ok && eb.value.balances).toEqual({ [annJid]: 15 });
  });

  test('action=head returns the latest receipt of the pair', async () => {
    const r = await annL.call(benJid, LEDGER_PAY_NODE, { action: 'head' });
    expect(r.ok && JSON.stringify(r.value.json)).toBe(JSON.stringify({ receipt: benL.ledger.head(annJid) }));
  });

  describe('hand-made bad receipts through the real command', () => {
    async function next(patch: Partial<ReceiptBody> = {}): Promise<ReceiptBody> {
      const head = benL.ledger.head(annJid)!;
      return {
        v: 1,
        pair: annJid < benJid ? [annJid, benJid] : [benJid, annJid],
        seq: head.body.seq + 1,
        prev: await receiptHash(head),
        payer: annJid,
        payee: benJid,
        amount: 1,
        memo: '',
        ref: 'gift',
        at: new Date().toISOString(),
        payerKey: annKey.publicKey,
        payeeKey: benL.ledger.publicKey(),
        ...patch,
      };
    }

    async function refused(receipt: unknown, condition: string, code: string) {
      const before = await state();
      const r = await annL.call(benJid, LEDGER_PAY_NODE, { action: 'pay', receipt: typeof receipt === 'string' ? receipt : JSON.stringify(receipt) });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.kind).toBe('stanza');
      if (r.error.kind !== 'stanza') return;
      expect(r.error.condition).toBe(condition);
      expect(r.error.app?.name).toBe(code);
      expect(r.error.app?.attrs.xmlns).toBe(NS_LEDGER);
      expect(r.error.text).toBeTruthy();
      expect(await state()).toEqual(before);
    }

    test('forged: signed by a key that is not the payer’s', async () => {
      const mallory = await loadOrCreateKey(createMemoryStore());
      if (!mallory.ok) throw new Error('key');
      await refused(await signReceipt(mallory.value, await next()), 'not-acceptable', 'bad-signature');
    });

    test('replayed', async () => {
      await refused(benL.ledger.chain(annJid)[0], 'conflict', 'replay');
    });

    test('altered amount', async () => {
      const honest = await signReceipt(annKey, await next({ amount: 1 }));
      await refused({ ...honest, body: { ...honest.body, amount: 30 } }, 'not-acceptable', 'bad-signature');
    });

    test('out of order: a skipped seq and a wrong prev', async () => {
      const body = await next();
      await refused(await signReceipt(annKey, { ...body, seq: body.seq + 1 }), 'unexpected-request', 'out-of-order');
      await refused(await signReceipt(annKey, { ...body, prev: await receiptHash(benL.ledger.chain(annJid)[0]!) }), 'unexpected-request', 'out-of-order');
    });

    test('over the credit limit', async () => {
      // Ann owes Ben 15 of 50.
      await refused(await signReceipt(annKey, await next({ amount: 36 })), 'policy-violation', 'over-limit');
    });

    test('wrong party and swapped key', async () => {
      await refused(await signReceipt(annKey, await next({ payer: benJid, payee: annJid })), 'forbidden', 'wrong-party');
      const other = await loadOrCreateKey(createMemoryStore());
      if (!other.ok) throw new Error('key');
      await refused(await signReceipt(other.value, await next({ payerKey: other.value.publicKey })), 'not-acceptable', 'key-mismatch');
    });

    test('malformed', async () => {
      await refused('{"body":', 'bad-request', 'malformed');
      await refused({ hello: 'world' }, 'bad-request', 'malformed');
    });

    test('after all that, an honest payment still goes through', async () => {
      const r = await annL.pay({ to: benJid, amount: 35, memo: '', ref: 'gift' });
      expect(r.ok ? r.value.body.amount : r.error.message).toBe(35);
      expect(benL.ledger.balance(annJid)).toBe(50);
      expect(annL.ledger.balance(benJid)).toBe(-50);
      const over = await annL.pay({ to: benJid, amount: 1, memo: '', ref: 'gift' });
      expect(!over.ok && over.error).toMatchObject({ code: 'over-limit', condition: 'policy-violation' });
      expect(annL.ledger.pending(benJid)).toBeUndefined();
    });
  });
});
