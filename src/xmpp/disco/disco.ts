// XEP-0030 service discovery: we answer disco#info/#items for our entity and its nodes (answers may
// depend on who asks, e.g. the commands a caller may use), and we query peers.
import xml from '@xmpp/xml';
import type { XmppConnection } from '../connection/client.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type TidepoolError } from '../../core/errors.ts';
import type { DiscoInfo } from '../caps/types.ts';
import { discoInfoElement, parseDiscoInfo } from '../caps/disco-info.ts';

import { NS_DISCO_INFO, NS_DISCO_ITEMS } from '../ns.ts';
export { NS_DISCO_INFO, NS_DISCO_ITEMS };
const MAX_ITEMS = 1000;

export interface DiscoItem {
  jid: string;
  node?: string;
  name?: string;
}

export interface NodeProvider {
  /** undefined: this asker may not know the node exists (item-not-found). */
  info?(from: string): DiscoInfo | undefined;
  items?(from: string): DiscoItem[] | undefined;
}

export interface DiscoDeps {
  connection: XmppConnection;
  /** Our own disco#info (no node); the same for every asker, so XEP-0115 can hash it. */
  info(): DiscoInfo;
  /** XEP-0115 §6.2: disco#info on node "capsNode#ver" must answer with our info too. */
  capsNode?: () => { node: string; ver: string } | undefined;
}

export function createDisco(deps: DiscoDeps): Disco {
  const { connection } = deps;
  const nodes = new Map<string, NodeProvider>();

  connection.router.get(NS_DISCO_INFO, 'query', (req) => {
    const node = req.payload.attrs.node;
    const from = req.from ?? '';
    if (!node) return ok(discoInfoElement(deps.info()));
    const caps = deps.capsNode?.();
    if (caps && node === `${caps.node}#${caps.ver}`) return ok(discoInfoElement(deps.info(), node));
    const info = nodes.get(node)?.info?.(from);
    return info ? ok(discoInfoElement(info, node)) : fail(stanzaError('item-not-found'));
  });

  connection.router.get(NS_DISCO_ITEMS, 'query', (req) => {
    const node = req.payload.attrs.node;
    const from = req.from ?? '';
    const items = node ? nodes.get(node)?.items?.(from) : [];
    if (!items) return fail(stanzaError('item-not-found'));
    return ok(xml('query', { xmlns: NS_DISCO_ITEMS, node }, ...items.map((i) => xml('item', { jid: i.jid, node: i.node, name: i.name }))));
  });

  return {
    setNode(node: string, provider: NodeProvider) {
      nodes.set(node, provider);
      return () => nodes.delete(node);
    },
    async info(jid: string, node?: string, timeoutMs?: number): Promise<Result<DiscoInfo, TidepoolError>> {
      const r = await connection.iq.request('get', xml('query', { xmlns: NS_DISCO_INFO, node }), { to: jid, timeoutMs });
      if (!r.ok) return r;
      const q = r.value.getChild('query', NS_DISCO_INFO);
      if (!q) return fail({ kind: 'invalid', message: 'disco#info answer without a query' });
      return parseDiscoInfo(q);
    },
    async items(jid: string, node?: string, timeoutMs?: number): Promise<Result<DiscoItem[], TidepoolError>> {
      const r = await connection.iq.request('get', xml('query', { xmlns: NS_DISCO_ITEMS, node }), { to: jid, timeoutMs });
      if (!r.ok) return r;
      const q = r.value.getChild('query', NS_DISCO_ITEMS);
      if (!q) return fail({ kind: 'invalid', message: 'disco#items answer without a query' });
      const items = q.getChildren('item');
      if (items.length > MAX_ITEMS) return fail({ kind: 'invalid', message: `more than ${MAX_ITEMS} disco items` });
      return ok(items.filter((i) => i.attrs.jid).map((i) => ({ jid: i.attrs.jid!, node: i.attrs.node, name: i.attrs.name?.slice(0, 256) })));
    },
  };
}

export interface Disco {
  setNode(node: string, provider: NodeProvider): () => boolean;
  info(jid: string, node?: string, timeoutMs?: number): Promise<Result<DiscoInfo, TidepoolError>>;
  items(jid: string, node?: string, timeoutMs?: number): Promise<Result<DiscoItem[], TidepoolError>>;
}
