// XEP-0163 PEP: publish one item to a node on our own account, read a peer's latest item.
import xml, { type Element } from '@xmpp/xml';
import type { XmppConnection } from '../connection/client.ts';
import { fail, ok, type Result } from '../result.ts';
import type { TidepoolError } from '../errors.ts';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';

export interface PublishOptions {
  /** 'open' lets anyone read it (XEP-0060 §4.5); the default model needs a presence subscription. */
  accessModel?: 'open' | 'presence' | 'roster' | 'whitelist';
  maxItems?: number;
}

export function createPep({ connection }: { connection: XmppConnection }) {
  return {
    async publish(node: string, itemId: string, payload: Element, opts: PublishOptions = {}): Promise<Result<void, TidepoolError>> {
      const options = xml(
        'x',
        { xmlns: 'jabber:x:data', type: 'submit' },
        xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, `${NS_PUBSUB}#publish-options`)),
        xml('field', { var: 'pubsub#persist_items' }, xml('value', {}, 'true')),
        xml('field', { var: 'pubsub#max_items' }, xml('value', {}, String(opts.maxItems ?? 1))),
        opts.accessModel ? xml('field', { var: 'pubsub#access_model' }, xml('value', {}, opts.accessModel)) : null,
      );
      const r = await connection.iq.request(
        'set',
        xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node }, xml('item', { id: itemId }, payload)), xml('publish-options', {}, options)),
      );
      return r.ok ? ok(undefined) : r;
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

export type Pep = ReturnType<typeof createPep>;
