// Payments on the wire: the payee's `ledger-pay` skill (an XEP-0050 command any XMPP client can see in
// disco and run) and the payer's side, which prepares a receipt, has the payee countersign it through
// that command, and confirms it. A lost answer is recovered from the payee's head of the chain.
import xml from '@xmpp/xml';
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type StanzaError, type TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import type { Skill } from '../skills/types.ts';
import { field, first, form } from '../skills/form-builders.ts';
import type { SkillCaller } from '../society/call.ts';
import { isLedgerCode, ledgerError, NS_LEDGER } from './errors.ts';
import { createKeyedMutex } from './mutex.ts';
import { parseReceipt, sameSigned } from './receipt.ts';
import type { LedgerApi, LedgerError, Pay, Receipt } from './types.ts';

export const LEDGER_PAY_NODE = 'ledger-pay';
/** A receipt is well under 1 KB; anything much longer is not one. */
const MAX_RECEIPT_CHARS = 4096;
const BUSY_RETRIES = 3;
const CALL_TIMEOUT_MS = 15_000;
/** Receipts handed back to a peer that lost track of them, per sync. */
const MAX_PUSH = 8;
/** Receipts a `receipts` answer carries, and rounds of them one sync asks for. */
export const RECEIPTS_PER_ANSWER = 16;
const MAX_FETCH_ROUNDS = 8;

export function ledgerStanzaError(e: LedgerError): StanzaError {
  return { ...stanzaError(e.condition, e.message), app: xml(e.code, { xmlns: NS_LEDGER }) };
}

/** The ledger refusal a peer's error stanza carries, if it carries one. */
export function ledgerErrorOf(e: TidepoolError): LedgerError | undefined {
  if (e.kind !== 'stanza' || e.app?.attrs.xmlns !== NS_LEDGER || !isLedgerCode(e.app.name)) return undefined;
  return { ...ledgerError(e.app.name, e.text ?? e.app.name), condition: e.condition };
}

export function ledgerPaySkill(ledger: LedgerApi): Skill {
  const result = (text: string, r: Receipt | undefined) =>
    ok({
      form: form('result', 'Payment', [field('receipt', 'text-multi', { label: 'Receipt (JSON)', values: r ? [JSON.stringify(r)] : [] })], [text]),
      json: { receipt: r ?? null },
    });
  return {
    node: LEDGER_PAY_NODE,
    name: 'Pay (ledger)',
    description:
      'Send a signed receipt paying this agent; it countersigns and returns it. action=head returns the latest receipt between us; action=receipts returns the receipts between us after seq `after` (16 at most); action=recover hands back a receipt both of us signed that this agent lost track of.',
    // A stranger may try: what it can owe us is bounded by its credit limit, decided by our owner.
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Pay', [
          field('action', 'list-single', {
            label: 'Action',
            values: ['pay'],
            options: ['pay', 'head', 'receipts', 'recover'].map((v) => ({ value: v, label: v })),
          }),
          field('receipt', 'text-multi', { label: 'Receipt signed by you (JSON)' }),
          field('after', 'text-single', { label: 'After receipt (seq), for action=receipts' }),
        ]),
    ],
    async run(input, ctx) {
      const from = bareOf(ctx.from);
      const action = first(input, 'action') ?? 'pay';
      if (action === 'head') return result('The latest receipt between us.', ledger.head(from));
      if (action === 'receipts') {
        const after = Number(first(input, 'after') ?? '0');
        if (!Number.isSafeInteger(after) || after < 0) return fail(stanzaError('bad-request', 'after must be a receipt number, 0 or more'));
        const receipts = ledger.chain(from).slice(after, after + RECEIPTS_PER_ANSWER);
        return ok({
          form: form(
            'result',
            'Receipts',
            [field('receipts', 'text-multi', { label: 'Receipts (JSON, one per line)', values: receipts.map((x) => JSON.stringify(x)) })],
            [`${receipts.length} receipts after ${after}.`],
          ),
          json: { receipts },
        });
      }
      if (action !== 'pay' && action !== 'recover') return fail(stanzaError('bad-request', 'action must be pay, head, receipts or recover'));
      const text = (input.receipt ?? []).join('\n');
      const refuse = (e: LedgerError) => fail(ledgerStanzaError(e));
      if (!text.trim()) return refuse(ledgerError('malformed', 'the receipt field is empty'));
      if (text.length > MAX_RECEIPT_CHARS) return refuse(ledgerError('malformed', `a receipt is at most ${MAX_RECEIPT_CHARS} characters`));
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return refuse(ledgerError('malformed', 'the receipt is not JSON'));
      }
      // recover: the caller hands back a receipt both of us signed that we lost track of (a lost answer,
      // or one another copy of us signed elsewhere).
      const r = action === 'pay' ? await ledger.accept(from, parsed) : await ledger.recover(from, parsed);
      return r.ok ? result(`Accepted: receipt ${r.value.body.seq}, ${r.value.body.amount} credits.`, r.value) : refuse(r.error);
    },
  };
}

type PayError = LedgerError | TidepoolError;

export function createPay(deps: { ledger: LedgerApi; call: SkillCaller; keyOf: (jid: string) => Promise<string | undefined>; timeoutMs?: number }): Pay {
  const { ledger, call } = deps;
  const timeoutMs = deps.timeoutMs ?? CALL_TIMEOUT_MS;
  // Our own payments to one peer go one after another; the ledger's busy mark covers the peer's.
  const serial = createKeyedMutex();
  const backoff = () => new Promise((r) => setTimeout(r, 50 + Math.random() * 250));
  const receiptOf = (json: unknown): unknown => (typeof json === 'object' && json !== null ? (json as { receipt?: unknown }).receipt : undefined);

  /** Commits, in order, the receipts the peer holds after ours (learnt from its `receipts`), up to `seq`. */
  async function catchUp(peer: string, seq: number): Promise<Result<void, PayError>> {
    for (let round = 0; round < MAX_FETCH_ROUNDS && ledger.chain(peer).length < seq; round++) {
      const after = ledger.chain(peer).length;
      const r = await call(peer, LEDGER_PAY_NODE, { action: 'receipts', after: String(after) }, timeoutMs);
      if (!r.ok) return r;
      const list = (r.value.json as { receipts?: unknown } | undefined)?.receipts;
      if (!Array.isArray(list) || list.length === 0) break;
      for (const x of list.slice(0, RECEIPTS_PER_ANSWER)) {
        const rec = await ledger.recover(peer, x);
        if (!rec.ok) return rec;
      }
    }
    return ledger.chain(peer).length >= seq ? ok(undefined) : fail(ledgerError('out-of-order', `could not catch up with ${peer}'s receipt ${seq}`));
  }

  /**
   * Bring both ends of the chain together. The peer's head ahead of ours: receipts we signed and lost
   * track of (our payment whose answer was lost, or what another copy of this agent signed elsewhere
   * after an export), which we take from its chain. Behind ours: we hand it the receipts it lost track
   * of (its `recover`). Either way a pending payment the peer never got is dropped. So whichever side
   * holds the newest head, the chain resumes from it and never forks.
   */
  async function sync(peer: string): Promise<Result<'recovered' | 'repaired' | 'absent', PayError>> {
    const r = await call(peer, LEDGER_PAY_NODE, { action: 'head' }, timeoutMs);
    if (!r.ok) return r;
    const theirs = receiptOf(r.value.json);
    const ours = ledger.chain(peer);
    let theirSeq = 0;
    if (theirs !== null && theirs !== undefined) {
      const head = parseReceipt(theirs);
      if (!head.ok) return head;
      theirSeq = head.value.body.seq;
      if (theirSeq > ours.length) {
        if (theirSeq === ours.length + 1) {
          const rec = await ledger.recover(peer, head.value);
          return rec.ok ? ok('recovered') : rec;
        }
        const caught = await catchUp(peer, theirSeq);
        return caught.ok ? ok('recovered') : caught;
      }
    }
    ledger.abandon(peer);
    let pushed = 0;
    for (const missing of ours.slice(theirSeq, theirSeq + MAX_PUSH)) {
      const p = await call(peer, LEDGER_PAY_NODE, { action: 'recover', receipt: JSON.stringify(missing) }, timeoutMs);
      if (!p.ok) {
        if (pushed) break;
        return p;
      }
      pushed++;
    }
    return ok(pushed ? 'repaired' : 'absent');
  }

  return ({ to, amount, memo, ref }) => {
    const peer = bareOf(to);
    return serial(peer, async (): Promise<Result<Receipt, PayError>> => {
      if (ledger.pending(peer)) {
        // An earlier payment's answer was lost: learn its fate before building on top of it.
        const s = await sync(peer);
        if (!s.ok) return s;
      }
      let payeeKey = ledger.peerKey(peer) ?? (await deps.keyOf(peer));
      if (!payeeKey) return fail({ kind: 'invalid', message: `no ledger key is known for ${peer}` });
      let busy = 0;
      let resynced = false;
      let rekeyed = false;
      for (;;) {
        const prepared = await ledger.prepare({ payee: peer, amount, memo, ref, payeeKey });
        if (!prepared.ok) return prepared;
        const r = await call(peer, LEDGER_PAY_NODE, { action: 'pay', receipt: JSON.stringify(prepared.value) }, timeoutMs);
        if (r.ok) {
          const done = await ledger.confirm(receiptOf(r.value.json));
          if (!done.ok) ledger.abandon(peer);
          return done;
        }
        const refusal = ledgerErrorOf(r.error);
        if (refusal?.code === 'busy' && busy < BUSY_RETRIES) {
          // Step aside so the peer's own payment to us can pass, then try again.
          busy++;
          ledger.abandon(peer);
          await backoff();
          continue;
        }
        if (refusal?.code === 'key-mismatch' && !rekeyed) {
          // The payee may have rotated its key: follow its published rotation from the key we pinned.
          rekeyed = true;
          ledger.abandon(peer);
          if (await ledger.refreshPeerKey(peer)) {
            payeeKey = ledger.peerKey(peer)!;
            continue;
          }
          return fail(refusal);
        }
        if ((refusal?.code === 'out-of-order' || refusal?.code === 'tampered') && !resynced) {
          // The two ends differ: a payment whose answer was lost, on one side or the other.
          resynced = true;
          const s = await sync(peer);
          if (s.ok && s.value !== 'absent') continue;
          ledger.abandon(peer);
          return fail(refusal);
        }
        if (refusal || r.error.kind === 'stanza') {
          ledger.abandon(peer);
          return fail(refusal ?? r.error);
        }
        // No answer (timeout, offline): the peer may hold it. Ask now; if that fails too, the receipt
        // stays pending and the next payment to this peer asks first.
        const mine = prepared.value;
        const s = await sync(peer);
        const head = ledger.head(peer);
        if (s.ok && s.value === 'recovered' && head && sameSigned(head, mine)) return ok(head);
        return fail(r.error);
      }
    });
  };
}
