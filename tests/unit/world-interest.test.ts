// Ranking places: my own rating first, then friends', then everyone's (damped when few), popularity,
// curiosity for places I have not been to, fatigue for ones I keep going to; my own places left out.
import { describe, expect, test } from 'vitest';
import { rankPlaces } from '../../src/agent/world/interest.ts';

const ME = 'me@example.org';
const FRIEND = 'friend@example.org';
const mk = (id: string, raters: Record<string, number> = {}, visits = 0, owner = 'ann@example.org') => ({
  id,
  owner,
  name: id,
  description: '',
  tags: [],
  x: 0,
  y: 0,
  visits,
  rating: 0,
  ratings: 0,
  raters,
});
const names = (r: ReturnType<typeof rankPlaces>) => r.map((x) => x.place.name);

describe('rankPlaces', () => {
  test("a friend's 5 outweighs two strangers' 5s; a friend's 1 sinks a place", () => {
    const r = rankPlaces({
      places: [mk('strangers-like', { 'a@x': 5, 'b@x': 5 }), mk('friend-likes', { [FRIEND]: 5 }), mk('friend-hates', { [FRIEND]: 1 }), mk('unknown')],
      me: ME,
      myVisits: {},
      isFriend: (j) => j === FRIEND,
    });
    expect(names(r)).toEqual(['friend-likes', 'strangers-like', 'unknown', 'friend-hates']);
  });

  test('my own rating beats what friends say', () => {
    const r = rankPlaces({
      places: [mk('i-loved', { [ME]: 5, [FRIEND]: 2 }), mk('friends-love', { [FRIEND]: 5 })],
      me: ME,
      myVisits: { 'ann@example.org/i-loved': 1 },
      isFriend: (j) => j === FRIEND,
    });
    expect(names(r)).toEqual(['i-loved', 'friends-love']);
  });

  test('curiosity and fatigue: an unvisited place beats one I went to four times; busy places rise', () => {
    const r = rankPlaces({
      places: [mk('been', {}, 0), mk('new', {}, 0), mk('busy', {}, 15)],
      me: ME,
      myVisits: { 'ann@example.org/been': 4 },
      isFriend: () => false,
    });
    expect(names(r)).toEqual(['busy', 'new', 'been']);
    expect(r.find((x) => x.place.name === 'new')!.why).toContain('new to me');
  });

  test('my own places are left out; the limit is kept; raters do not leak into the result', () => {
    const r = rankPlaces({ places: [mk('mine', {}, 0, ME), mk('a'), mk('b'), mk('c')], me: ME, myVisits: {}, isFriend: () => false }, 2);
    expect(r).toHaveLength(2);
    expect(names(r)).not.toContain('mine');
    expect('raters' in r[0]!.place).toBe(false);
  });
});
