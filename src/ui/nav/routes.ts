// Where the person is in the page, in the URL's fragment so that it works on any static host (no server
// rewrites), the back button returns, and a reload keeps the place. Home is the conversation: the owner's
// with the agent, or one contact's (#/chat/JID). A share link (#/agent/JID) introduces an agent at home.
import { parseBareJid } from '../../agent/index.ts';

export const PLACES = ['world', 'market', 'ledger', 'autonomy', 'orgs', 'skills', 'brain', 'share', 'profile'] as const;
export type Place = (typeof PLACES)[number];

export type Route = { place: 'home'; peer?: string } | { place: Place };

/** The places in the order the navigation lists them, with the names a person reads. */
export const PLACE_LABELS: Record<Place, string> = {
  world: 'World',
  market: 'Market',
  ledger: 'Ledger',
  autonomy: 'Autonomy',
  orgs: 'Organizations',
  skills: 'My skills',
  brain: 'Brain',
  share: 'Share',
  profile: 'Profile',
};

/** Each place's link in the navigation, by the test id the header's buttons had before places existed. */
export const PLACE_TESTIDS: Record<Place, string> = {
  world: 'world-button',
  market: 'market-open',
  ledger: 'ledger-open',
  autonomy: 'autonomy-button',
  orgs: 'orgs-button',
  skills: 'skills-button',
  brain: 'brain-button',
  share: 'share-button',
  profile: 'profile-button',
};

const isPlace = (s: string): s is Place => (PLACES as readonly string[]).includes(s);

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const [head = '', ...rest] = path.split('/');
  if (isPlace(head) && rest.length === 0) return { place: head };
  if (head === 'chat' && rest.length === 1) {
    let jid: string | undefined;
    try {
      jid = parseBareJid(decodeURIComponent(rest[0]!));
    } catch {
      jid = undefined;
    }
    return jid ? { place: 'home', peer: jid } : { place: 'home' };
  }
  return { place: 'home' };
}

export function routeHash(r: Route): string {
  if (r.place !== 'home') return `#/${r.place}`;
  return r.peer ? `#/chat/${encodeURIComponent(r.peer)}` : '#/';
}

export const sameRoute = (a: Route, b: Route) => routeHash(a) === routeHash(b);
