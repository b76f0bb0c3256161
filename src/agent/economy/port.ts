// The world and the market as the autonomy loop sees them: a view for deciding and one call per
// economic action. economy/compose.ts builds it (loop-economy.ts) from the world, the ledger and the market; the loop stays free
// of their protocols.
import type { Result } from '../../core/result.ts';
import type { EconomyView } from '../autonomy/situation.ts';
import type { ActionError } from '../../core/errors.ts';

export type Outcome = Promise<Result<string, ActionError>>;

export interface Economy {
  view(): EconomyView;
  enterWorld(room: string): Outcome;
  visit(owner: string, place: string, rating: number): Outcome;
  /** Explore a place until its treasure's secret comes out (bounded), then claim it. */
  hunt(owner: string, place: string): Outcome;
  buy(seller: string, skill: string, text: string): Outcome;
  bid(poster: string, id: string): Outcome;
  /** Do the bounty's work with our own skill and hand the result in. */
  deliver(poster: string, id: string): Outcome;
  award(id: string, bidder: string): Outcome;
  postBounty(room: string, task: string, skill: string, reward: number): Outcome;
}
