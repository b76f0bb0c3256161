// The agent's side of every pair's chain: it countersigns what peers pay it, signs what it pays, and
// keeps both sides' balances. Every change is written to the store before it is answered, and a
// refused receipt changes nothing. One operation per pair at a time, so a chain never forks.
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf, parseBareJid } from '../../core/jid.ts';
import { Emitter } from '../../core/emitter.ts';
import type { AgentStore } from '../../store/types.ts';
import { isBase64urlOf } from './canonical.ts';
import { loadKeyring, rotateKeyring } from './keyring.ts';
import { followRotations, parseRotations, type KeyRotation } from './rotation.ts';
import { ledgerError } from './errors.ts';
import { createKeyedMutex } from './mutex.ts';
import {
  amountProblem,
  countersign,
  pairOf,
  parseReceipt,
  parseReceiptShape,
  receiptHash,
  RECEIPT_LIMITS,
  sameSigned,
  signReceipt,
  verifyPayee,
  verifyPayer,
} from './receipt.ts';
import type { LedgerApi, LedgerError, LedgerErrorCode, LedgerEvents, LedgerExport, Receipt, ReceiptBody } from './types.ts';

export const PEERS_SETTING = 'ledger:peers';
/** The rotations of peers' keys we followed (peer -> statements), kept so exports verify. */
export const PEER_ROTATIONS_SETTING = 'ledger:peer-rotations';
export const chainSetting = (peer: string) => `ledger:chain:${peer}`;

/** Bounds on what peers can grow: chains are rewritten whole on each receipt. */
export const LEDGER_LIMITS = { maxChain: 10_000, maxPeers: 5_000 };
/** Rotations followed per peer that are kept (times 4): more than any honest peer makes. */
const RECOVER_ROTATIONS = 8;

export interface LedgerDeps {
  store: AgentStore;
  /** Our bare JID. */
  self: () => string;
  /** How far `peer` may go into debt with us (0: it cannot pay us on credit at all). */
  limitFor: (peer: string) => number;
  now?: () => number;
  limits?: Partial<typeof LEDGER_LIMITS>;
  /** A peer's published key rotations (from its card), asked when it signs with a key we did not pin. */
  rotationsOf?: (peer: string) => Promise<unknown[]>;
}

interface PairState {
  chain: Receipt[];
  head: string;
  balance: number;
}

const norm = (jid: string) => bareOf(jid);

function freeze(r: Receipt): Receipt {
  Object.freeze(r.body.pair);
  Object.freeze(r.body);
  return Object.freeze(r);
}

export async function createLedger(deps: LedgerDeps): Promise<Result<LedgerApi, TidepoolError>> {
  const limits = { ...LEDGER_LIMITS, ...deps.limits };
  const now = deps.now ?? Date.now;
  const events = new Emitter<LedgerEvents>();
  const ringR = await loadKeyring(deps.store);
  if (!ringR.ok) return ringR;
  let ring = ringR.value;
  /** Every key that was ours: receipts an earlier key signed are still ours. */
  const ownKeys = () => new Set([ring.key.publicKey, ...ring.rotations.map((r) => r.old)]);

  let pins: Record<string, string> = {};
  let peerRotations: Record<string, KeyRotation[]> = {};
  const pairs = new Map<string, PairState>();
  const inflight = new Map<string, Receipt>();
  try {
    pins = (await deps.store.getSetting<Record<string, string>>(PEERS_SETTING)) ?? {};
    const savedRotations = (await deps.store.getSetting<Record<string, unknown[]>>(PEER_ROTATIONS_SETTING)) ?? {};
    for (const [peer, list] of Object.entries(savedRotations)) peerRotations[peer] = parseRotations(list);
    for (const peer of Object.keys(pins)) {
      const chain = ((await deps.store.getSetting<Receipt[]>(chainSetting(peer))) ?? []).map(freeze);
      const me = deps.self().toLowerCase();
      const balance = chain.reduce((sum, r) => sum + (r.body.payee === me ? r.body.amount : -r.body.amount), 0);
      pairs.set(peer, { chain, head: chain.length ? await receiptHash(chain[chain.length - 1]!) : '', balance });
    }
  } catch (err) {
    return fail({ kind: 'storage', message: `ledger: ${err instanceof Error ? err.message : String(err)}` });
  }

  const state = (peer: string): PairState => pairs.get(peer) ?? { chain: [], head: '', balance: 0 };

  // Checks and the commit they justify happen as one step per pair.
  const withLock = createKeyedMutex();

  const refuse = (code: LedgerErrorCode, message: string) => fail(ledgerError(code, message));

  /** Write-through: the store has the receipt before anyone hears of it. */
  async function commit(peer: string, r: Receipt, peerKey: string, direction: 'in' | 'out'): Promise<Result<Receipt, LedgerError>> {
    const s = state(peer);
    const head = await receiptHash(r);
    const newPin = pins[peer] === undefined;
    const nextPins = newPin ? { ...pins, [peer]: peerKey } : pins;
    try {
      if (newPin) await deps.store.putSetting(PEERS_SETTING, nextPins);
      try {
        await deps.store.putSetting(chainSetting(peer), [...s.chain, r]);
      } catch (err) {
        if (newPin) await deps.store.putSetting(PEERS_SETTING, pins).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      return refuse('storage', `could not save the receipt: ${err instanceof Error ? err.message : String(err)}`);
    }
    pins = nextPins;
    const signed = freeze(r);
    pairs.set(peer, { chain: [...s.chain, signed], head, balance: s.balance + (direction === 'in' ? r.body.amount : -r.body.amount) });
    events.emit('receipt', { receipt: signed, direction });
    return ok(signed);
  }

  /** Keys `peer` has held as far as we know: the pinned one and those its rotations we followed name. */
  const peerKeys = (peer: string) => new Set([pins[peer], ...(peerRotations[peer] ?? []).flatMap((r) => [r.old, r.new])].filter(Boolean));

  /**
   * `peer` signs with a key we did not pin: follow its published rotations from the pinned key (to
   * `target`, or as far as they go) and pin where they lead. False when none signed by the pinned key does.
   */
  async function movePin(peer: string, target?: string): Promise<boolean> {
    const pinned = pins[peer];
    if (pinned === undefined || !deps.rotationsOf) return false;
    const statements = parseRotations(await deps.rotationsOf(peer).catch(() => []));
    const path = await followRotations(peer, pinned, statements, target);
    if (!path?.length) return false;
    const key = path.at(-1)!.new;
    const nextPins = { ...pins, [peer]: key };
    const nextRotations = { ...peerRotations, [peer]: [...(peerRotations[peer] ?? []), ...path].slice(-4 * RECOVER_ROTATIONS) };
    try {
      await deps.store.putSetting(PEER_ROTATIONS_SETTING, nextRotations);
      await deps.store.putSetting(PEERS_SETTING, nextPins);
    } catch {
      return false;
    }
    pins = nextPins;
    peerRotations = nextRotations;
    events.emit('rotated', { jid: peer, key, rotation: path.at(-1)! });
    return true;
  }

  /** Room for one more receipt with `peer`, within the bounds on what peers can grow. */
  function roomFor(peer: string): LedgerError | undefined {
    if (state(peer).chain.length >= limits.maxChain) return ledgerError('refused', `the chain with ${peer} is full (${limits.maxChain} receipts)`);
    if (pins[peer] === undefined && Object.keys(pins).length >= limits.maxPeers) return ledgerError('refused', `too many ledger peers (${limits.maxPeers})`);
    return undefined;
  }

  async function checkAccept(peer: string, x: unknown): Promise<Result<Receipt, LedgerError>> {
    const me = deps.self().toLowerCase();
    const parsed = parseReceiptShape(x);
    if (!parsed.ok) return parsed;
    const r = parsed.value;
    const b = r.body;
    if (b.payer !== peer) return refuse('wrong-party', `the payer must be the sender (${peer})`);
    if (b.payee !== me) return refuse('wrong-party', 'the payee must be us');
    return withLock(peer, async () => {
      // The key we check against is the one we countersign with, even if a rotation happens meanwhile.
      const key = ring.key;
      const pinned = pins[peer];
      if (pinned !== undefined && b.payerKey !== pinned && !(await movePin(peer, b.payerKey)))
        return refuse('key-mismatch', `payerKey is not the key pinned for ${peer}, and no key rotation signed by the pinned key leads to it`);
      if (b.payeeKey !== key.publicKey)
        return refuse(
          'key-mismatch',
          ownKeys().has(b.payeeKey) ? 'payeeKey is a former key of ours: our key rotated (see our card)' : 'payeeKey is not our key',
        );
      if (!(await verifyPayer(r))) return refuse('bad-signature', "the payer's signature does not verify");
      const s = state(peer);
      if (b.seq <= s.chain.length) {
        return sameSigned(s.chain[b.seq - 1]!, r)
          ? refuse('replay', `receipt ${b.seq} was already accepted`)
          : refuse('tampered', `receipt ${b.seq} differs from the one we hold`);
      }
      if (b.seq !== s.chain.length + 1) return refuse('out-of-order', `expected seq ${s.chain.length + 1}, got ${b.seq}`);
      if (b.prev !== s.head) return refuse('out-of-order', `prev does not name our receipt ${s.chain.length}`);
      const why = amountProblem(b.amount);
      if (why) return refuse('bad-amount', why);
      const limit = deps.limitFor(peer);
      if (s.balance + b.amount > limit) return refuse('over-limit', `this would bring ${peer}'s debt to ${s.balance + b.amount}, over the limit of ${limit}`);
      if (inflight.has(peer)) return refuse('busy', 'a payment of ours to you is in flight; try again shortly');
      const room = roomFor(peer);
      if (room) return fail(room);
      return commit(peer, await countersign(key, r), b.payerKey, 'in');
    });
  }

  const api: LedgerApi = {
    events,
    publicKey: () => ring.key.publicKey,
    rotations: () => [...ring.rotations],
    async rotateKey() {
      const r = await rotateKeyring(deps.store, ring, deps.self().toLowerCase(), new Date(now()).toISOString());
      if (!r.ok) return r;
      ring = r.value;
      const rotation = ring.rotations.at(-1)!;
      events.emit('rotated', { jid: deps.self().toLowerCase(), key: ring.key.publicKey, rotation });
      return ok(rotation);
    },
    refreshPeerKey: (peer) => withLock(norm(peer), () => movePin(norm(peer))),
    balance: (peer) => state(norm(peer)).balance,
    balances: () => [...pairs].map(([peer, s]) => ({ peer, balance: s.balance, receipts: s.chain.length, limit: deps.limitFor(peer) })),
    chain: (peer) => [...state(norm(peer)).chain],
    head: (peer) => state(norm(peer)).chain.at(-1),
    peerKey: (peer) => pins[norm(peer)],
    pending: (peer) => inflight.get(norm(peer)),
    abandon: (peer) => void inflight.delete(norm(peer)),

    async prepare(p) {
      const me = deps.self().toLowerCase();
      const peer = parseBareJid(p.payee);
      if (!peer || peer === me) return refuse('wrong-party', 'the payee must be another agent');
      const why = amountProblem(p.amount);
      if (why) return refuse('bad-amount', why);
      if (p.memo.length > RECEIPT_LIMITS.memoChars || p.ref.length > RECEIPT_LIMITS.refChars)
        return refuse('malformed', 'memo and ref are at most 200 characters each');
      if (!isBase64urlOf(p.payeeKey, 32)) return refuse('malformed', "the payee's key is not a 43-character base64url key");
      return withLock(peer, async () => {
        const key = ring.key;
        if (pins[peer] !== undefined && pins[peer] !== p.payeeKey) return refuse('key-mismatch', `that is not the key pinned for ${peer}`);
        if (inflight.has(peer)) return refuse('busy', `a payment to ${peer} is already in flight`);
        const room = roomFor(peer);
        if (room) return fail(room);
        const s = state(peer);
        const body: ReceiptBody = {
          v: 1,
          pair: pairOf(me, peer),
          seq: s.chain.length + 1,
          prev: s.head,
          payer: me,
          payee: peer,
          amount: p.amount,
          memo: p.memo,
          ref: p.ref,
          at: new Date(now()).toISOString(),
          payerKey: key.publicKey,
          payeeKey: p.payeeKey,
        };
        // What we send must pass the checks the payee will make (our own JID included).
        const checked = parseReceipt(await signReceipt(key, body));
        if (!checked.ok) return checked;
        inflight.set(peer, freeze(checked.value));
        return checked;
      });
    },

    async accept(from, x) {
      const peer = norm(from);
      const r = await checkAccept(peer, x);
      if (!r.ok) events.emit('refused', { from: peer, error: r.error });
      return r;
    },

    async confirm(x) {
      const me = deps.self().toLowerCase();
      const parsed = parseReceiptShape(x);
      if (!parsed.ok) return parsed;
      const r = parsed.value;
      if (r.body.payer !== me) return refuse('wrong-party', 'we are not the payer of this receipt');
      const peer = r.body.payee;
      return withLock(peer, async () => {
        const mine = inflight.get(peer);
        if (!mine) return refuse('refused', `no payment to ${peer} is waiting for confirmation`);
        if (!sameSigned(mine, r)) return refuse('tampered', 'the countersigned receipt is not the one we sent');
        if (!(await verifyPayer(r)) || !(await verifyPayee(r))) return refuse('bad-signature', "the payee's signature does not verify");
        const done = await commit(peer, r, r.body.payeeKey, 'out');
        if (done.ok) inflight.delete(peer);
        return done;
      });
    },

    async recover(peerJid, x) {
      const me = deps.self().toLowerCase();
      const peer = norm(peerJid);
      const parsed = parseReceipt(x);
      if (!parsed.ok) return parsed;
      const r = parsed.value;
      const b = r.body;
      // A receipt of the pair, signed by both sides, that our side (this copy, an earlier key, or another
      // copy of this agent that ran elsewhere) signed: we take it whichever of us paid.
      const direction = b.payer === me && b.payee === peer ? 'out' : b.payee === me && b.payer === peer ? 'in' : undefined;
      if (!direction) return refuse('wrong-party', `not a receipt between us and ${peer}`);
      const [ourKey, theirKey] = direction === 'out' ? [b.payerKey, b.payeeKey] : [b.payeeKey, b.payerKey];
      if (!ownKeys().has(ourKey)) return refuse('key-mismatch', `${direction === 'out' ? 'payerKey' : 'payeeKey'} is not a key of ours`);
      if (!r.payeeSig) return refuse('bad-signature', "the payee's signature is missing: only a countersigned receipt is recovered");
      return withLock(peer, async () => {
        if (pins[peer] !== undefined && !peerKeys(peer).has(theirKey) && !(await movePin(peer, theirKey)))
          return refuse('key-mismatch', `${direction === 'out' ? 'payeeKey' : 'payerKey'} is not a key pinned for ${peer}`);
        const s = state(peer);
        if (b.seq <= s.chain.length)
          return sameSigned(s.chain[b.seq - 1]!, r)
            ? refuse('replay', `we already hold receipt ${b.seq}`)
            : refuse('tampered', `receipt ${b.seq} differs from the one we hold`);
        if (b.seq !== s.chain.length + 1 || b.prev !== s.head) return refuse('out-of-order', `receipt ${b.seq} does not follow our receipt ${s.chain.length}`);
        if (!(await verifyPayer(r)) || !(await verifyPayee(r))) return refuse('bad-signature', 'a signature does not verify');
        const room = roomFor(peer);
        if (room) return fail(room);
        const done = await commit(peer, r, theirKey, direction);
        // Whatever we had prepared for this seq is void now: the peer holds this one.
        if (done.ok && (inflight.get(peer)?.body.seq ?? Infinity) <= b.seq) inflight.delete(peer);
        return done;
      });
    },

    export(): LedgerExport {
      const chains: Record<string, Receipt[]> = {};
      for (const [peer, s] of pairs) chains[peer] = JSON.parse(JSON.stringify(s.chain)) as Receipt[];
      const me = deps.self().toLowerCase();
      const rotations: Record<string, KeyRotation[]> = {};
      if (ring.rotations.length) rotations[me] = [...ring.rotations];
      for (const [peer, list] of Object.entries(peerRotations)) if (pairs.has(peer) && list.length) rotations[peer] = [...list];
      return {
        format: 'tidepool-ledger/1',
        owner: me,
        ownerKey: ring.key.publicKey,
        chains,
        ...(Object.keys(rotations).length ? { rotations: JSON.parse(JSON.stringify(rotations)) as Record<string, KeyRotation[]> } : {}),
      };
    },
  };
  return ok(api);
}
