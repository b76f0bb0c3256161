// The page's first steps, before the rest of the agent has loaded: open the store, claim an identity,
// and for a new agent open its login stream and register on it. Part of the public API (index.ts
// re-exports all of it); a page's entry imports this file alone, so that its first download carries the
// connection and the store and nothing else of the agent (docs/PERFORMANCE.md, finding 12).
export { startNewAccount, type NewAccount, type NewAccountOptions } from './new-account.ts';
export { createIdbStore, listIdentities, openIdb, type IdbOpening } from '../store/idb-store.ts';
export { discoverWebSocket } from '../xmpp/hostmeta/host-meta.ts';

/** Starts loading the node's code without building one (a page does this first thing). */
export function loadAgentNode(): Promise<void> {
  return import('./node.ts').then(() => undefined);
}
