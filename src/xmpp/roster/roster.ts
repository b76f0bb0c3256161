// RFC 6121 roster: fetch, pushes, add/remove. Subscriptions themselves are presence (presence/presence.ts).
import xml, { type Element } from '@xmpp/xml';
import type { XmppConnection } from '../connection/client.ts';
import { Emitter } from '../../core/emitter.ts';
import { ok, fail, type Result } from '../../core/result.ts';
import { stanzaError, type TidepoolError } from '../../core/errors.ts';
import { bareOf, parseBareJid } from '../../core/jid.ts';

export const NS_ROSTER = 'jabber:iq:roster';

export type Subscription = 'none' | 'to' | 'from' | 'both';

export interface RosterItem {
  jid: string;
  name?: string;
  subscription: Subscription;
  /** We asked to see their presence and they have not answered. */
  pendingOut: boolean;
  groups: string[];
}

export interface RosterEvents extends Record<string, unknown> {
  changed: RosterItem[];
  listenerError: unknown;
}

export function parseItem(el: Element): RosterItem | 'remove' | undefined {
  const jid = parseBareJid(el.attrs.jid ?? '');
  if (!jid) return undefined;
  const sub = el.attrs.subscription;
  if (sub === 'remove') return 'remove';
  const subscription: Subscription = sub === 'to' || sub === 'from' || sub === 'both' ? sub : 'none';
  return {
    jid,
    name: el.attrs.name?.slice(0, 256),
    subscription,
    pendingOut: el.attrs.ask === 'subscribe',
    groups: el
      .getChildren('group')
      .map((g) => g.text().slice(0, 256))
      .slice(0, 32),
  };
}

export function createRoster({ connection }: { connection: XmppConnection }): Roster {
  const events = new Emitter<RosterEvents>();
  const items = new Map<string, RosterItem>();
  const list = () => [...items.values()].sort((a, b) => a.jid.localeCompare(b.jid));

  function apply(el: Element) {
    const jid = parseBareJid(el.attrs.jid ?? '');
    const item = parseItem(el);
    if (!jid || !item) return;
    if (item === 'remove') items.delete(jid);
    else items.set(jid, item);
  }

  // RFC 6121 §2.1.6: pushes only from our own account; anything else is ignored (and refused).
  connection.router.set(NS_ROSTER, 'query', (req) => {
    const own = connection.jid();
    if (req.from && own && bareOf(req.from) !== bareOf(own)) return fail(stanzaError('service-unavailable'));
    for (const el of req.payload.getChildren('item')) apply(el);
    events.emit('changed', list());
    return ok(undefined);
  });

  return {
    events,
    list,
    get: (jid: string) => items.get(bareOf(jid)),
    async fetch(): Promise<Result<RosterItem[], TidepoolError>> {
      const r = await connection.iq.request('get', xml('query', { xmlns: NS_ROSTER }));
      if (!r.ok) return r;
      items.clear();
      for (const el of r.value.getChild('query', NS_ROSTER)?.getChildren('item') ?? []) apply(el);
      events.emit('changed', list());
      return ok(list());
    },
    async set(jid: string, name?: string): Promise<Result<void, TidepoolError>> {
      const r = await connection.iq.request('set', xml('query', { xmlns: NS_ROSTER }, xml('item', { jid, name })));
      return r.ok ? ok(undefined) : r;
    },
    async remove(jid: string): Promise<Result<void, TidepoolError>> {
      const r = await connection.iq.request('set', xml('query', { xmlns: NS_ROSTER }, xml('item', { jid, subscription: 'remove' })));
      return r.ok ? ok(undefined) : r;
    },
  };
}

export interface Roster {
  readonly events: Emitter<RosterEvents>;
  list(): RosterItem[];
  get(jid: string): RosterItem | undefined;
  fetch(): Promise<Result<RosterItem[], TidepoolError>>;
  set(jid: string, name?: string): Promise<Result<void, TidepoolError>>;
  remove(jid: string): Promise<Result<void, TidepoolError>>;
}
