// The current route as state. Moving writes the fragment (a history entry, so back returns); the
// browser's own back and forward come in as hashchange.
import { getContext, setContext } from 'svelte';
import { parseRoute, routeHash, sameRoute, type Route } from './routes.ts';

export class Router {
  route = $state<Route>({ place: 'home' });
  /** Where home was last (the open conversation), so leaving a place returns to it. */
  private lastHome: Route = { place: 'home' };
  private readonly onHash = () => this.set(parseRoute(location.hash));

  constructor() {
    this.set(parseRoute(location.hash));
    addEventListener('hashchange', this.onHash);
  }

  go(r: Route) {
    if (sameRoute(r, this.route) && location.hash === routeHash(r)) return;
    this.set(r);
    location.hash = routeHash(r);
  }

  /**
   * Where a link leads from here: a place's link to the place, or back to the conversation when already
   * there (so it toggles, as the old panels did); home's link to the conversation last open, or from it
   * to the list of contacts.
   */
  toggle(r: Route): Route {
    if (r.place === 'home') return this.route.place === 'home' ? { place: 'home' } : this.lastHome;
    return sameRoute(r, this.route) ? this.lastHome : r;
  }

  private set(r: Route) {
    this.route = r;
    if (r.place === 'home') this.lastHome = r;
  }

  dispose() {
    removeEventListener('hashchange', this.onHash);
  }
}

const KEY = Symbol('router');
export const setRouter = (r: Router) => setContext(KEY, r);
export const getRouter = () => getContext<Router>(KEY);
