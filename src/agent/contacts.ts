// Friends: roster items merged with presence and pending requests. Who may subscribe to us is
// decided here by the owner's policy, never by a peer and never by default acceptance.
import type { Roster, RosterItem } from '../xmpp/roster/roster.ts';
import type { Presence, PeerPresence } from '../xmpp/presence/presence.ts';
import { Emitter } from '../core/emitter.ts';
import { parseBareJid } from '../core/jid.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';

/**
 * ask: keep the request for the owner; accept: approve everyone; reject: refuse everyone;
 * friends-of-friends: approve when a friend of ours lists them as a friend, else ask the owner;
 * brain: the autonomy loop decides within the owner's bounds (the owner, while autonomy is off).
 */
export type SubscriptionPolicy = 'ask' | 'accept' | 'reject' | 'friends-of-friends' | 'brain';
export const SUBSCRIPTION_POLICIES: SubscriptionPolicy[] = ['ask', 'accept', 'reject', 'friends-of-friends', 'brain'];

export interface Contact {
  jid: string;
  name?: string;
  /** They see our presence and we see theirs. */
  mutual: boolean;
  subscription: RosterItem['subscription'];
  pendingOut: boolean;
  presence: PeerPresence;
}

export interface FriendRequest {
  from: string;
  nick?: string;
  at: number;
}

/**
 * Friend requests kept for the owner: a flood from many JIDs cannot grow memory or bury the owner's list.
 * Past the bound the oldest request is dropped (it stays pending on the server; a resent one comes back)
 * and counted, so the owner sees how many, not a wall.
 */
export const CONTACT_LIMITS = { requests: 100 } as const;

export interface ContactsEvents extends Record<string, unknown> {
  changed: Contact[];
  requests: FriendRequest[];
  listenerError: unknown;
}

export function createContacts(deps: {
  roster: Roster;
  presence: Presence;
  policy: () => SubscriptionPolicy;
  ownNick: () => string;
  /** friends-of-friends: which friend of ours knows them (asked over the network), if any. */
  vouch?: (jid: string) => Promise<string | undefined>;
  /** brain: a request for the autonomy loop to decide. */
  onRequest?: (r: FriendRequest) => void;
}): Contacts {
  const { roster, presence } = deps;
  const events = new Emitter<ContactsEvents>();
  const requests = new Map<string, FriendRequest>();
  let dropped = 0;
  /** Newest last; beyond the bound the oldest goes and is counted. */
  function keep(r: FriendRequest) {
    requests.delete(r.from);
    requests.set(r.from, r);
    while (requests.size > CONTACT_LIMITS.requests) {
      requests.delete(requests.keys().next().value!);
      dropped++;
    }
  }

  const view = (item: RosterItem): Contact => ({
    jid: item.jid,
    name: item.name,
    mutual: item.subscription === 'both',
    subscription: item.subscription,
    pendingOut: item.pendingOut,
    presence: presence.of(item.jid),
  });
  const list = () => roster.list().map(view);
  const emitChanged = () => events.emit('changed', list());
  const emitRequests = () => events.emit('requests', [...requests.values()]);

  roster.events.on('changed', emitChanged);
  presence.events.on('peer', (p) => {
    if (roster.get(p.jid)) emitChanged();
  });

  presence.events.on('subscription', async (ev) => {
    if (ev.type !== 'subscribe') {
      if (ev.type === 'unsubscribe' || ev.type === 'unsubscribed') requests.delete(ev.from) && emitRequests();
      return;
    }
    const item = roster.get(ev.from);
    // Already approved (a resent request), or we asked them first: that is our owner's intent already.
    if (item && (item.subscription === 'from' || item.subscription === 'both' || item.pendingOut || item.subscription === 'to')) {
      await presence.approve(ev.from);
      return;
    }
    const policy = deps.policy();
    if (policy === 'accept') return void (await accept(ev.from));
    if (policy === 'reject') return void (await presence.deny(ev.from));
    const request = { from: ev.from, nick: ev.nick, at: Date.now() };
    keep(request);
    emitRequests();
    if (policy === 'friends-of-friends' && deps.vouch) {
      // Still pending (not withdrawn, not decided by the owner meanwhile) when the answer comes back.
      if ((await deps.vouch(ev.from)) && requests.get(ev.from) === request) await accept(ev.from);
    } else if (policy === 'brain') deps.onRequest?.(request);
  });

  async function accept(jid: string): Promise<Result<void, TidepoolError>> {
    requests.delete(jid);
    emitRequests();
    const a = await presence.approve(jid);
    if (!a.ok) return a;
    // Friendship is mutual: ask to see their presence too unless we already do.
    const item = roster.get(jid);
    if (!item || (item.subscription !== 'to' && item.subscription !== 'both' && !item.pendingOut)) {
      return presence.subscribe(jid, deps.ownNick());
    }
    return ok(undefined);
  }

  return {
    events,
    list,
    requests: () => [...requests.values()],
    droppedRequests: () => dropped,
    onlineResource: (jid: string) => presence.bestResource(jid),
    async add(text: string, name?: string): Promise<Result<string, TidepoolError>> {
      const jid = parseBareJid(text);
      if (!jid) return fail({ kind: 'invalid', message: `"${text.slice(0, 80)}" is not a valid JID (expected name@domain)` });
      const set = await roster.set(jid, name);
      if (!set.ok) return set;
      const sub = await presence.subscribe(jid, deps.ownNick());
      if (!sub.ok) return sub;
      // Pre-approve (RFC 6121 §3.4) so their request back is answered at once.
      if (requests.has(jid)) return (await accept(jid)).ok ? ok(jid) : fail({ kind: 'network', message: 'could not approve' });
      return ok(jid);
    },
    accept,
    async decline(jid: string): Promise<Result<void, TidepoolError>> {
      requests.delete(jid);
      emitRequests();
      return presence.deny(jid);
    },
    remove: (jid: string) => roster.remove(jid),
  };
}

export interface Contacts {
  readonly events: Emitter<ContactsEvents>;
  list(): Contact[];
  /** Pending friend requests, oldest first, at most CONTACT_LIMITS.requests. */
  requests(): FriendRequest[];
  /** How many older requests were dropped to keep that bound (since this node started). */
  droppedRequests(): number;
  onlineResource(jid: string): string | undefined;
  add(text: string, name?: string): Promise<Result<string, TidepoolError>>;
  accept(jid: string): Promise<Result<void, TidepoolError>>;
  decline(jid: string): Promise<Result<void, TidepoolError>>;
  remove(jid: string): Promise<Result<void, TidepoolError>>;
}
