// Key rotation between real nodes: Ann replaces her ledger key and announces it on her PEP card with a
// statement her old key signed; Ben, who pinned the old key, follows it instead of answering key-mismatch,
// both ways. Someone with Ann's password but not her key (a thief logged in as her, with a key of its own
// and a rotation of its own on the card) is refused, and nothing changes on Ben's side.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { receiptHash } from '../../src/agent/ledger/receipt.ts';
import { verifyExport } from '../../src/agent/ledger/verify.ts';
import { makeNode, startNode, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const storeAnn = createMemoryStore();
let ann: AgentNode;
let ben: AgentNode;
let annJid: string;
let benJid: string;
const started: AgentNode[] = [];

/** Ben reads Ann's card until it shows `key`. */
const cardShows = (key: string) => async () => {
  const c = await ben.peers.card(annJid);
  return c.ok && c.value?.key === key;
};
const benSide = async () => ({
  balance: ben.ledger.balance(annJid),
  length: ben.ledger.chain(annJid).length,
  head: await receiptHash(ben.ledger.head(annJid)!),
  pin: ben.ledger.peerKey(annJid),
});

beforeAll(async () => {
  ann = await makeNode(service, domain, `ann-rot-${stamp}`, { store: storeAnn });
  ben = await makeNode(service, domain, `ben-rot-${stamp}`, { store: createMemoryStore() });
  started.push(ann, ben);
  await Promise.all([startNode(ann), startNode(ben)]);
  annJid = ann.identity.jid;
  benJid = ben.identity.jid;
  await until(cardShows(ann.ledger.publicKey()), 10_000, "Ann's card");
  await until(
    async () => {
      const c = await ann.peers.card(benJid);
      return c.ok && !!c.value?.key;
    },
    10_000,
    "Ben's card",
  );
  const r = await ann.pay({ to: benJid, amount: 5, memo: 'before', ref: 'gift' });
  if (!r.ok) throw new Error(r.error.message);
  expect(ben.ledger.peerKey(annJid)).toBe(ann.ledger.publicKey());
});

afterAll(async () => {
  for (const n of started) await n.stop();
});

describe('ledger key rotation over XMPP', () => {
  test('a thief with the password but not the key: its own rotation is refused, nothing changes', async () => {
    const pinned = ben.ledger.peerKey(annJid)!;
    const before = await benSide();
    await ann.stop();
    const thiefStore = createMemoryStore();
    await thiefStore.putIdentity({ ...(await storeAnn.getIdentity())!, id: 'thief' });
    const thief = await makeNode(service, domain, 'ignored', { store: thiefStore });
    started.push(thief);
    await startNode(thief);
    expect(thief.ledger.publicKey()).not.toBe(pinned);
    const rotation = await thief.ledger.rotateKey();
    expect(rotation.ok).toBe(true);
    await until(cardShows(thief.ledger.publicKey()), 10_000, "the thief's card");
    const paid = await thief.pay({ to: benJid, amount: 1, memo: 'it is me, really', ref: 'gift' });
    expect(!paid.ok && paid.error).toMatchObject({ code: 'key-mismatch', message: expect.stringMatching(/no key rotation signed by the pinned key/) });
    expect(await benSide()).toEqual(before);
    expect(ben.ledger.peerKey(annJid)).toBe(pinned);
    await thief.stop();
  });

  test('Ann rotates: Ben follows her statement both ways, and both exports verify', async () => {
    ann = await makeNode(service, domain, 'ignored', { store: storeAnn });
    started.push(ann);
    await startNode(ann);
    const old = ann.ledger.publicKey();
    expect(ben.ledger.peerKey(annJid)).toBe(old);
    const rotation = await ann.ledger.rotateKey();
    if (!rotation.ok) throw new Error(rotation.error.message);
    expect(rotation.value).toMatchObject({ jid: annJid, old, new: ann.ledger.publicKey() });
    await until(cardShows(ann.ledger.publicKey()), 10_000, "Ann's card with the new key");

    const paid = await ann.pay({ to: benJid, amount: 2, memo: 'after', ref: 'gift' });
    if (!paid.ok) throw new Error(paid.error.message);
    expect(paid.value.body.payerKey).toBe(ann.ledger.publicKey());
    expect(ben.ledger.peerKey(annJid)).toBe(ann.ledger.publicKey());
    // Ben still signs towards Ann's former key first; her refusal sends him to her card, and he pays.
    const back = await ben.pay({ to: annJid, amount: 3, memo: 'back', ref: 'gift' });
    if (!back.ok) throw new Error(back.error.message);
    expect(back.value.body.payeeKey).toBe(ann.ledger.publicKey());
    expect(ann.ledger.balance(benJid)).toBe(-4);
    expect(ben.ledger.balance(annJid)).toBe(4);
    for (const side of [ann, ben]) expect(await verifyExport(side.ledger.export())).toMatchObject({ ok: true, value: { receipts: 3 } });
    expect(await receiptHash(ann.ledger.head(benJid)!)).toBe(await receiptHash(ben.ledger.head(annJid)!));
  });
});
