// The three skills an agent serves for its own places: visit (with an optional rating), explore
// (clues, and after `depth` explorations by the same explorer the treasure's secret and salt) and
// claim (the reveal is checked against the commitment, the reward paid, then the claim announced).
// Who is asking is the IQ `from` the server stamped, never a field of the form.
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type StanzaError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import type { Skill } from '../skills/types.ts';
import { field, first, form } from '../skills/form-builders.ts';
import { createRateLimiter, type RateLimitOptions } from '../skills/rate-limit.ts';
import type { Pay } from '../ledger/types.ts';
import { clue, OWN_LIMITS, trim, type OwnPlace, type OwnTreasure, type WorldOwnData } from './places.ts';
import { treasureCommitment } from './treasure.ts';
import type { WorldEvent } from './events.ts';
import { asProblem, type ActionError, type ProblemReporter } from '../../core/errors.ts';

export const PLACE_VISIT_NODE = 'place-visit';
export const PLACE_EXPLORE_NODE = 'place-explore';
export const TREASURE_CLAIM_NODE = 'treasure-claim';

export interface WorldSkillDeps {
  own: { value(): WorldOwnData; change(fn: (d: WorldOwnData) => void): WorldOwnData };
  pay: Pay;
  /** Posts an event in `room` as us; resolves once the room has it (or says why not). */
  announce(room: string, event: WorldEvent, body: string): Promise<Result<unknown, ActionError>>;
  note?(jid: string, kind: string, text: string): void;
  problem?: ProblemReporter;
  exploreLimit?: RateLimitOptions;
}

const placeField = () => field('place', 'text-single', { required: true, label: 'Place id' });
const ratingOptions = ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }));
const who = (from: string) => bareOf(from);

export function createWorldSkills(d: WorldSkillDeps): Skill[] {
  const limiter = createRateLimiter(d.exploreLimit ?? { burst: 5, perSecond: 0.5 });
  const placeOf = (id: string | undefined): OwnPlace | undefined => (id ? d.own.value().places[id] : undefined);
  const announced = async (room: string, event: WorldEvent, body: string) => {
    const r = await d.announce(room, event, body);
    if (!r.ok) d.problem?.(asProblem({ ...r.error, message: `could not announce ${event.type} in ${room}: ${r.error.message}` }));
  };

  const visit: Skill = {
    node: PLACE_VISIT_NODE,
    name: 'Visit a place',
    description: "Visit one of this agent's places in the world (optionally rate it 1-5); returns its description and tags.",
    defaultAccess: { kind: 'public' },
    stages: [() => form('form', 'Visit', [placeField(), field('rating', 'list-single', { label: 'Rating (1-5)', options: ratingOptions })])],
    async run(input, ctx) {
      const visitor = who(ctx.from);
      const p = placeOf(first(input, 'place'));
      if (!p) return fail(stanzaError('item-not-found', 'no such place here'));
      const raw = first(input, 'rating');
      const rating = raw ? Number(raw) : undefined;
      if (rating !== undefined && !(Number.isInteger(rating) && rating >= 1 && rating <= 5)) return fail(stanzaError('bad-request', 'rating must be 1 to 5'));
      await announced(
        p.room,
        { type: 'visit', place: p.id, visitor, ...(rating !== undefined && { rating }) },
        `${visitor} visited ${p.name}${rating ? ` and rated it ${rating}/5` : ''}`,
      );
      d.note?.(visitor, 'visit', `visited my place ${p.name}${rating ? ` (${rating}/5)` : ''}`);
      const json = { place: p.id, room: p.room, name: p.name, description: p.description, tags: p.tags, x: p.x, y: p.y };
      return ok({
        form: form('result', p.name, [
          field('description', 'text-multi', { values: p.description.split('\n') }),
          field('tags', 'text-multi', { values: p.tags }),
        ]),
        json,
      });
    },
  };

  const explore: Skill = {
    node: PLACE_EXPLORE_NODE,
    name: 'Explore a place',
    description: "Look around one of this agent's places: each exploration gives a clue; explore deep enough and a hidden treasure's secret is yours to claim.",
    defaultAccess: { kind: 'public' },
    stages: [() => form('form', 'Explore', [placeField()])],
    async run(input, ctx) {
      const explorer = who(ctx.from);
      const p = placeOf(first(input, 'place'));
      if (!p) return fail(stanzaError('item-not-found', 'no such place here'));
      const wait = limiter.take(explorer);
      if (wait > 0) return fail(stanzaError('resource-constraint', `exploring too fast; try again in ${wait} s`));
      const t = Object.values(d.own.value().treasures).find((x) => x.place === p.id && x.room === p.room && !x.claimedBy);
      if (!t) return ok({ json: { place: p.id, clue: `You look around ${p.name} and find nothing hidden.` } });
      let n = 0;
      d.own.change((o) => {
        const per = (o.explored[t.id] ??= {});
        n = per[explorer] = Math.min(t.depth, (per[explorer] ?? 0) + 1);
        trim(per, OWN_LIMITS.explorers);
      });
      const json = {
        place: p.id,
        treasure: t.id,
        clue: clue(t.hint, n, t.depth),
        progress: n,
        depth: t.depth,
        ...(n >= t.depth && { secret: t.secret, salt: t.salt }),
      };
      return ok({ json });
    },
  };

  const claim: Skill = {
    node: TREASURE_CLAIM_NODE,
    name: 'Claim a treasure',
    description: "Claim one of this agent's treasures with its secret and salt; the first right claim is paid the reward.",
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Claim', [
          field('treasure', 'text-single', { required: true }),
          field('secret', 'text-single', { required: true }),
          field('salt', 'text-single', { required: true }),
        ]),
    ],
    async run(input, ctx) {
      const finder = who(ctx.from);
      const id = first(input, 'treasure');
      const t: OwnTreasure | undefined = id ? d.own.value().treasures[id] : undefined;
      if (!t) return fail(stanzaError('item-not-found', 'no such treasure here'));
      if (t.claimedBy) return fail(stanzaError('conflict', 'this treasure has already been claimed'));
      const secret = first(input, 'secret') ?? '';
      const salt = first(input, 'salt') ?? '';
      if ((await treasureCommitment(secret, t.place, salt)) !== t.commitment)
        return fail(stanzaError('not-acceptable', 'that secret and salt do not open this treasure'));
      // Taken before paying (the digest above yielded), so two right claims at once pay once.
      if (d.own.value().treasures[t.id]?.claimedBy) return fail(stanzaError('conflict', 'this treasure has already been claimed'));
      d.own.change((o) => void (o.treasures[t.id]!.claimedBy = finder));
      const paid = await d.pay({ to: finder, amount: t.reward, memo: `treasure ${t.id} found`, ref: `treasure:${t.id}` });
      if (!paid.ok) {
        d.own.change((o) => void delete o.treasures[t.id]!.claimedBy);
        return fail(payError(paid.error));
      }
      d.own.change((o) => void (o.treasures[t.id]!.paid = true));
      d.note?.(finder, 'claim', `found my treasure ${t.id} and was paid ${t.reward}`);
      await announced(t.room, { type: 'claim', treasure: t.id, finder, secret, salt, reward: t.reward }, `${finder} found a treasure and was paid ${t.reward}`);
      return ok({ json: { treasure: t.id, reward: t.reward, paid: true } });
    },
  };

  return [visit, explore, claim];
}

function payError(e: { message: string; condition?: unknown }): StanzaError {
  const condition = typeof e.condition === 'string' ? e.condition : undefined;
  // A ledger refusal carries the XMPP condition it maps to; anything else is our own failure.
  return condition === 'resource-constraint' || condition === 'not-allowed' || condition === 'policy-violation'
    ? stanzaError(condition, `payment failed: ${e.message}`)
    : stanzaError('internal-server-error', `payment failed: ${e.message}`);
}
