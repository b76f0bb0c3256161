// Routes in the URL fragment: every place round-trips, a contact's conversation carries its JID, and
// anything else (a share link, garbage) is home.
import { describe, expect, test } from 'vitest';
import { PLACES, parseRoute, routeHash } from '../../src/ui/nav/routes.ts';

describe('routes', () => {
  test('every place round-trips through the fragment', () => {
    for (const place of PLACES) expect(parseRoute(routeHash({ place }))).toEqual({ place });
    expect(routeHash({ place: 'home' })).toBe('#/');
  });

  test("a contact's conversation: the JID normalised, encoded; a bad one is just home", () => {
    expect(routeHash({ place: 'home', peer: 'ann@x.org' })).toBe('#/chat/ann%40x.org');
    expect(parseRoute('#/chat/Ann%40X.org')).toEqual({ place: 'home', peer: 'ann@x.org' });
    expect(parseRoute('#/chat/not a jid')).toEqual({ place: 'home' });
    expect(parseRoute('#/chat/%E0%A4%A')).toEqual({ place: 'home' });
  });

  test('share links, unknown places, nested paths and the empty fragment are home', () => {
    for (const h of ['', '#', '#/', '#/agent/ann%40x', '#/nowhere', '#/world/extra', '#/__proto__', '#/constructor'])
      expect(parseRoute(h)).toEqual({ place: 'home' });
  });
});
