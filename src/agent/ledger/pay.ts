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
import { parseReceipt } from './receipt.ts';
import type { LedgerApi, LedgerError, Pay, Receipt } from './types.ts';

export const LEDGER_PAY_NODE = 'ledger-pay';
/** A receipt is well under 1 KB; anything much longer is not one. */
const MAX_RECEIPT_CHARS = 4096;
const BUSY_RETRIES = 3;
const CALL_TIMEOUT_MS = 15_000;
/** Receipts handed back to a peer that lost track of them, per sync. */
const MAX_PUSH = 8;

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
      'Send a signed receipt paying this agent; it countersigns and returns it. action=head returns the latest receipt between us; action=recover hands back a receipt this agent signed that you countersigned.',
    // A stranger may try: what it can owe us is bounded by its credit limit, decided by our owner.
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Pay', [
          field('action', 'list-single', { label: 'Action', values: ['pay'], options: ['pay', 'head', 'recover'].map((v) => ({ value: v, label: v })) }),
          field('receipt', 'text-multi', { label: 'Receipt signed by you (JSON)' }),
        ]),
    ],
    async run(input, ctx) {
      const from = bareOf(ctx.from);
      const action = first(input, 'action') ?? 'pay';
      if (action === 'head') return result('The latest receipt between us.', ledger.head(from));
      if (action !== 'pay' && action !== 'recover') return fail(stanzaError('bad-request', 'action must be pay, head or recover'));
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
      // recover: the caller hands back a receipt we signed and it countersigned, whose answer we lost.
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

  /**
   * Bring both ends of the chain together after a lost answer. The peer's head ahead of ours: it is our
   * payment it countersigned, which we commit. Behind ours: we hand it the receipts it signed and lost
   * track of (its `recover`). Either way a pending payment the peer never got is dropped.
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
        const rec = await ledger.recover(peer, head.value);
        return rec.ok ? ok('recovered') : rec;
      }
    }
    ledger.abandon(peer);
    let pushed = 0;
    for (const missing of ours.slice(theirSeq, theirSeq + MAX_PUSH)) {
      if (missing.body.payer !== peer) break;
      const p = await call(peer, LEDGER_PAY_NODE, { action: 'recover', receipt: JSON.stringify(missing) }, timeoutMs);
      if (!p.ok) return p;
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
      const payeeKey = ledger.peerKey(peer) ?? (await deps.keyOf(peer));
      if (!payeeKey) return fail({ kind: 'invalid', message: `no ledger key is known for ${peer}` });
      let busy = 0;
      let resynced = false;
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
        const s = await sync(peer);
        if (s.ok && s.value === 'recovered') return ok(ledger.head(peer)!);
        return fail(r.error);
      }
    });
  };
}
