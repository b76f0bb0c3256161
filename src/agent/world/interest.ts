// Which places are worth a visit, from what we know: a pure ranking.
//
// score = 3.0 × (my rating − 3)                      my own taste first (only if I rated it)
//       + 2.0 × (friends' mean − 3) × n/(n+1)         friends I trust, damped when few rated
//       + 1.0 × (everyone's mean − 3) × n/(n+2)       the world's opinion, damped harder
//       + 0.5 × log2(1 + visits)                      where others go there is usually something
//       + 1.0 if I have never been there              curiosity
//       − 0.25 per visit of mine, at most −1.0        fatigue: somewhere new is better than the fifth time
// Ratings are centred on 3 (the middle of 1..5) so a bad rating pushes a place down rather than up.
// Our own places are left out: we do not visit ourselves.
import type { Place } from './types.ts';

export interface InterestInput {
  places: Array<Place & { raters: Record<string, number> }>;
  me: string;
  /** My own visits per place key (`${owner}/${id}`). */
  myVisits: Record<string, number>;
  isFriend: (jid: string) => boolean;
}

export interface Ranked {
  place: Place;
  score: number;
  /** Short reasons, for the person and the decider. */
  why: string[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);

export function rankPlaces(input: InterestInput, limit = 10): Ranked[] {
  const ranked: Ranked[] = [];
  for (const p of input.places) {
    if (p.owner === input.me) continue;
    const key = `${p.owner}/${p.id}`;
    const why: string[] = [];
    let score = 0;
    const mine = p.raters[input.me];
    const { [input.me]: _own, ...others } = p.raters;
    if (mine !== undefined) {
      score += 3 * (mine - 3);
      why.push(`I rated it ${mine}`);
    }
    const friendRatings = Object.entries(others)
      .filter(([j]) => input.isFriend(j))
      .map(([, r]) => r);
    const f = mean(friendRatings);
    if (f !== undefined) {
      score += 2 * (f - 3) * (friendRatings.length / (friendRatings.length + 1));
      why.push(`friends rate it ${f.toFixed(1)}`);
    }
    const all = Object.values(others);
    const w = mean(all);
    if (w !== undefined) {
      score += (w - 3) * (all.length / (all.length + 2));
      why.push(`${all.length} rated it ${w.toFixed(1)}`);
    }
    score += 0.5 * Math.log2(1 + p.visits);
    const been = input.myVisits[key] ?? 0;
    if (been === 0) {
      score += 1;
      why.push('new to me');
    } else score -= Math.min(1, 0.25 * been);
    const { raters: _r, ...place } = p;
    ranked.push({ place, score: Math.round(score * 1000) / 1000, why });
  }
  return ranked.sort((a, b) => b.score - a.score || a.place.name.localeCompare(b.place.name)).slice(0, Math.max(0, limit));
}
