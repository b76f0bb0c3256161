// The poster's two bounty skills. Public: anyone may knock, and who may do what (bid, deliver) is
// decided by the bounty's state from the server-stamped caller, never from the form.
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type StanzaError } from '../../core/errors.ts';
import type { Skill } from '../skills/types.ts';
import { field, first, form, integerRange } from '../skills/form-builders.ts';
import { BOUNTY_LIMITS, type Refusal } from './bounty-state.ts';
import { BOUNTY_BID_NODE, BOUNTY_DELIVER_NODE } from './bounty-wire.ts';
import { bareOf } from '../../core/jid.ts';

export interface BountySkillHandlers {
  /** `from` is the caller's bare JID as the server stamped it. */
  bid(from: string, id: string, bid: { price?: number; pitch: string }): Promise<Result<unknown, Refusal>>;
  deliver(from: string, id: string, result: string): Promise<Result<unknown, Refusal>>;
}

const CONDITION = {
  invalid: 'bad-request',
  forbidden: 'forbidden',
  closed: 'not-allowed',
  conflict: 'conflict',
  full: 'resource-constraint',
  missing: 'item-not-found',
} as const;

export function refusalError(r: Refusal): StanzaError {
  return stanzaError(CONDITION[r.kind], r.message);
}

const lines = (input: Record<string, string[]>, v: string) => (input[v] ?? []).join('\n');
const bare = bareOf;

export function bountySkills(h: BountySkillHandlers): Skill[] {
  const bid: Skill = {
    node: BOUNTY_BID_NODE,
    name: 'Bid on a bounty',
    description: 'Offer to do one of the bounties this agent posted. One bid per bidder, until the deadline or the award.',
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Bid', [
          field('bounty', 'text-single', {
            label: 'Bounty id',
            required: true,
            validate: { datatype: 'xs:string', method: 'regex', regex: '^[A-Za-z0-9_-]{1,64}$' },
          }),
          field('price', 'text-single', { label: 'Your price in credits (optional)', validate: integerRange(0, BOUNTY_LIMITS.reward) }),
          field('pitch', 'text-multi', { label: 'Why you', required: true }),
        ]),
    ],
    async run(input, ctx) {
      const pitch = lines(input, 'pitch');
      const priceText = first(input, 'price');
      const r = await h.bid(bare(ctx.from), first(input, 'bounty') ?? '', { pitch, ...(priceText ? { price: Number(priceText) } : {}) });
      if (!r.ok) return fail(refusalError(r.error));
      return ok({
        form: form('result', 'Bid', [field('state', 'text-single', { values: ['recorded'] })], ['Your bid is recorded.']),
        json: { state: 'recorded', bounty: first(input, 'bounty') },
      });
    },
  };
  const deliver: Skill = {
    node: BOUNTY_DELIVER_NODE,
    name: 'Deliver a bounty',
    description: `Hand in the result of a bounty you were awarded (or, in a competition, bid on). At most ${BOUNTY_LIMITS.resultBytes} bytes.`,
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Delivery', [
          field('bounty', 'text-single', {
            label: 'Bounty id',
            required: true,
            validate: { datatype: 'xs:string', method: 'regex', regex: '^[A-Za-z0-9_-]{1,64}$' },
          }),
          field('result', 'text-multi', { label: 'Result', required: true }),
        ]),
    ],
    async run(input, ctx) {
      const r = await h.deliver(bare(ctx.from), first(input, 'bounty') ?? '', lines(input, 'result'));
      if (!r.ok) return fail(refusalError(r.error));
      return ok({
        form: form('result', 'Delivery', [field('state', 'text-single', { values: ['received'] })], ['Your delivery is received; payment follows acceptance.']),
        json: { state: 'received', bounty: first(input, 'bounty') },
      });
    },
  };
  return [bid, deliver];
}
