// XEP-0163 PEP: publish one item to a node on our own account, read a peer's latest item.
import xml, { type Element } from '@xmpp/xml';
import type { XmppConnection } from '../connection/client.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';

export interface PublishOptions {
  /** 'open' lets anyone read it (XEP-0060 §4.5); the default model needs a presence subscription. */
  accessModel?: 'open' | 'presence' | 'roster' | 'whitelist';
  /**
   * Sent only when given. XEP-0060 §7.1.5 allows any node_config field as a precondition, but servers
   * may know fewer: ejabberd 23.01 accepts only pubsub#persist_items and pubsub#access_model (the
   * XEP-0223 pair) and refuses the whole publish for any other field. A fixed item id keeps one item anyway.
   */
  maxItems?: number;
}

/**
 * PEP auto-creates a node on its first publish (XEP-0163 §3, XEP-0060 §7.1.4), so item-not-found to
 * our own publish is not a final answer: ejabberd 23.01 (Mnesia) returns it to some of several first
 * publishes that arrive together from different accounts (agents starting at once; its node-creation
 * transaction aborts on a lock cycle and is not retried), and accepts the same publish a moment later.
 * A server without auto-create keeps answering item-not-found, after a few seconds of retries.
 */
const AUTO_CREATE_RETRIES = 4;

export function createPep({ connection }: { connection: XmppConnection }): Pep {
  return {
    async publish(node: string, itemId: string, payload: Element, opts: PublishOptions = {}): Promise<Result<void, TidepoolError>> {
      const options = xml(
        'x',
        { xmlns: 'jabber:x:data', type: 'submit' },
        xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, `${NS_PUBSUB}#publish-options`)),
        xml('field', { var: 'pubsub#persist_items' }, xml('value', {}, 'true')),
        opts.maxItems !== undefined ? xml('field', { var: 'pubsub#max_items' }, xml('value', {}, String(opts.maxItems))) : null,
        opts.accessModel ? xml('field', { var: 'pubsub#access_model' }, xml('value', {}, opts.accessModel)) : null,
      );
      const request = xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node }, xml('item', { id: itemId }, payload)), xml('publish-options', {}, options));
      for (let attempt = 0; ; attempt++) {
        const r = await connection.iq.request('set', request);
        if (r.ok) return ok(undefined);
        if (attempt >= AUTO_CREATE_RETRIES || !(r.error.kind === 'stanza' && r.error.condition === 'item-not-found')) return r;
        // Exponential with jitter, so publishes that collided once do not collide again.
        await new Promise((wake) => setTimeout(wake, 150 * 2 ** attempt * (0.5 + Math.random())));
      }
    },
    /** The latest item's payload on a peer's node, or undefined if there is none. */
    async latest(jid: string, node: string, timeoutMs?: number): Promise<Result<Element | undefined, TidepoolError>> {
      const r = await connection.iq.request('get', xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node, max_items: '1' })), { to: jid, timeoutMs });
      if (!r.ok) return r.error.kind === 'stanza' && r.error.condition === 'item-not-found' ? ok(undefined) : r;
      const item = r.value.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item').at(-1);
      const payload = item?.getChildElements()[0];
      return payload ? ok(payload) : item ? fail({ kind: 'invalid', message: 'empty PEP item' }) : ok(undefined);
    },
  };
}

export interface Pep {
  publish(node: string, itemId: string, payload: Element, opts?: PublishOptions): Promise<Result<void, TidepoolError>>;
  /** The latest item's payload on a peer's node, or undefined if there is none. */
  latest(jid: string, node: string, timeoutMs?: number): Promise<Result<Element | undefined, TidepoolError>>;
}
