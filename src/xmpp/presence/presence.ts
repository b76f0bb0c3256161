// RFC 6121 presence: our own availability, peers' availability per resource, subscription requests.
import xml, { type Element } from '@xmpp/xml';
import type { XmppConnection } from '../connection/client.ts';
import { Emitter } from '../../core/emitter.ts';
import { bareOf, resourceOf, parseBareJid } from '../../core/jid.ts';
import type { Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';

export type Show = 'chat' | 'away' | 'xa' | 'dnd';

export interface PeerPresence {
  jid: string;
  available: boolean;
  show?: Show;
  status?: string;
  resources: number;
}

export type SubscriptionEvent = { type: 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed'; from: string; nick?: string };

export interface PresenceEvents extends Record<string, unknown> {
  peer: PeerPresence;
  subscription: SubscriptionEvent;
  /** Presence stanzas for others to inspect (caps, MUC); already validated as presence. */
  raw: Element;
  listenerError: unknown;
}

export interface Announcement {
  show?: Show;
  status?: string;
  nick?: string;
  children?: Element[];
}

interface ResourceState {
  show?: Show;
  status?: string;
  priority: number;
}

const SHOWS = new Set(['chat', 'away', 'xa', 'dnd']);
/** XEP-0172: the name we go by, in our presence and in our subscription requests. */
export const NS_NICK = 'http://jabber.org/protocol/nick';
const SUBSCRIPTION_TYPES = /^(un)?subscribed?$/;

/**
 * Presence is kept per JID for at most `jids` JIDs and `resources` resources each: directed presence from
 * many JIDs (or one JID with many resources) cannot grow memory. Past the bound the least recently heard
 * JID goes first, except those `keep` names (our roster), which are never pushed out by strangers.
 */
export const PRESENCE_LIMITS = { jids: 5000, resources: 16 } as const;

export function createPresence({ connection, keep }: { connection: XmppConnection; keep?: (bare: string) => boolean }): Presence {
  const events = new Emitter<PresenceEvents>();
  const peers = new Map<string, Map<string, ResourceState>>();

  /** The JID's resources, moved to the most recently heard end; room made for a new JID if needed. */
  function resourcesOf(bare: string): Map<string, ResourceState> {
    const res = peers.get(bare) ?? new Map<string, ResourceState>();
    peers.delete(bare);
    peers.set(bare, res);
    if (peers.size > PRESENCE_LIMITS.jids) {
      for (const jid of peers.keys()) {
        if (jid === bare || keep?.(jid)) continue;
        peers.delete(jid);
        break;
      }
    }
    return res;
  }

  function summary(bare: string): PeerPresence {
    const res = peers.get(bare);
    if (!res || res.size === 0) return { jid: bare, available: false, resources: 0 };
    const best = [...res.values()].sort((a, b) => b.priority - a.priority)[0]!;
    return { jid: bare, available: true, show: best.show, status: best.status, resources: res.size };
  }

  connection.events.on('stanza', (s) => {
    if (s.name !== 'presence' || !s.attrs.from) return;
    const from = s.attrs.from;
    const bare = parseBareJid(from);
    if (!bare) return;
    const type = s.attrs.type;
    if (type === 'subscribe' || type === 'subscribed' || type === 'unsubscribe' || type === 'unsubscribed') {
      const nick = s.getChild('nick', NS_NICK)?.text().slice(0, 128);
      events.emit('subscription', { type, from: bare, nick });
      return;
    }
    events.emit('raw', s);
    if (type === 'error' || type === 'probe') return;
    let res = peers.get(bare);
    if (type === 'unavailable') {
      res?.delete(resourceOf(from));
      if (res && res.size === 0) peers.delete(bare);
    } else if (!type) {
      res = resourcesOf(bare);
      const show = s.getChildText('show') ?? undefined;
      const priority = Number.parseInt(s.getChildText('priority') ?? '0', 10);
      const resource = resourceOf(from);
      res.delete(resource);
      if (res.size >= PRESENCE_LIMITS.resources) res.delete(res.keys().next().value!);
      res.set(resource, {
        show: show && SHOWS.has(show) ? (show as Show) : undefined,
        status: s.getChildText('status')?.slice(0, 1024) ?? undefined,
        priority: Number.isFinite(priority) ? priority : 0,
      });
    } else return;
    events.emit('peer', summary(bare));
  });

  // After a connection loss nobody's presence is known until the server re-sends it.
  connection.events.on('session', () => {
    const known = [...peers.keys()];
    peers.clear();
    for (const jid of known) events.emit('peer', summary(jid));
  });

  const send = (el: Element): Promise<Result<void, TidepoolError>> => connection.send(el);

  // Subscription changes the server never acknowledged, on a stream that could not be resumed, may not
  // have arrived (XEP-0198 §4): kept here and sent again once the next session is up (resendLost).
  let lost: Element[] = [];
  connection.events.on('unacked', (el) => {
    if (el.name === 'presence' && el.attrs.to && SUBSCRIPTION_TYPES.test(el.attrs.type ?? '')) lost.push(el);
  });

  return {
    events,
    of: (jid: string) => summary(bareOf(jid)),
    /** The full JID of a peer's highest-priority available resource. */
    bestResource(jid: string): string | undefined {
      const bare = bareOf(jid);
      const res = peers.get(bare);
      if (!res || res.size === 0) return undefined;
      const [resource] = [...res.entries()].sort((a, b) => b[1].priority - a[1].priority)[0]!;
      return resource ? `${bare}/${resource}` : bare;
    },
    size: () => peers.size,
    /** Initial/updated presence, with our nick (XEP-0172); extra children carry caps and the like. */
    announce(opts: Announcement = {}) {
      return send(
        xml(
          'presence',
          {},
          opts.show ? xml('show', {}, opts.show) : null,
          opts.status ? xml('status', {}, opts.status) : null,
          opts.nick ? xml('nick', { xmlns: NS_NICK }, opts.nick) : null,
          ...(opts.children ?? []),
        ),
      );
    },
    async resendLost() {
      const resend = lost;
      lost = [];
      for (const p of resend) await send(xml('presence', { to: p.attrs.to, type: p.attrs.type }, ...p.getChildElements()));
    },
    unavailable: () => send(xml('presence', { type: 'unavailable' })),
    subscribe: (to: string, nick?: string) => send(xml('presence', { to, type: 'subscribe' }, nick ? xml('nick', { xmlns: NS_NICK }, nick) : null)),
    approve: (to: string) => send(xml('presence', { to, type: 'subscribed' })),
    deny: (to: string) => send(xml('presence', { to, type: 'unsubscribed' })),
    unsubscribe: (to: string) => send(xml('presence', { to, type: 'unsubscribe' })),
  };
}

export interface Presence {
  readonly events: Emitter<PresenceEvents>;
  of(jid: string): PeerPresence;
  /** The full JID of a peer's highest-priority available resource. */
  bestResource(jid: string): string | undefined;
  /** How many JIDs' presence is held (at most PRESENCE_LIMITS.jids plus the kept ones). */
  size(): number;
  /** Initial/updated presence, with our nick (XEP-0172); extra children carry caps and the like. */
  announce(opts?: Announcement): Promise<Result<void, TidepoolError>>;
  /** Sends again the subscription changes an unresumable stream lost; call once the new session is up. */
  resendLost(): Promise<void>;
  unavailable(): Promise<Result<void, TidepoolError>>;
  subscribe(to: string, nick?: string): Promise<Result<void, TidepoolError>>;
  approve(to: string): Promise<Result<void, TidepoolError>>;
  deny(to: string): Promise<Result<void, TidepoolError>>;
  unsubscribe(to: string): Promise<Result<void, TidepoolError>>;
}
