// IQ generators: unknown namespaces, misuse of the namespaces the node serves, pings, disco on
// random nodes, roster pushes from a stranger, and IQs the server itself must answer or drop.
import xml, { type Element } from '@xmpp/xml';
import { NS_STANZAS } from '../../../src/xmpp/errors.ts';
import { NS } from './constants.ts';
import { iq, randomElement, randomNs } from './build.ts';
import { jidish, text, word } from './strings.ts';
import type { FuzzCategory, FuzzStanza, Generator, Policy } from './types.ts';

export const IQ_GENERATORS = {
  'iq-unknown': (c) => {
    const { r } = c;
    const type = r.pick(['get', 'set']);
    const payload = randomElement(c, r.int(0, 3), randomNs(c));
    return [
      iq(c, type, payload, { category: 'iq-unknown', what: `${type} <${payload.name} xmlns='${payload.attrs.xmlns}'/>`, allowed: ['service-unavailable'] }),
    ];
  },

  'iq-misuse': (c) => {
    const { r } = c;
    const junk = () => (r.chance(0.5) ? randomElement(c, 1) : null);
    const cases: Array<() => FuzzStanza> = [
      () => iq(c, 'set', xml('ping', { xmlns: NS.ping }), { category: 'iq-misuse', what: 'ping as set', allowed: ['service-unavailable'] }),
      () =>
        iq(c, 'get', xml('ping', { xmlns: NS.ping, [word(r)]: text(r, 20) }, junk(), text(r, 20)), {
          category: 'iq-misuse',
          what: 'ping with junk inside',
          allowed: ['result'],
        }),
      () =>
        iq(c, 'get', xml('pong', { xmlns: NS.ping }), {
          category: 'iq-misuse',
          what: 'unknown element in the ping namespace',
          allowed: ['service-unavailable'],
        }),
      () => iq(c, 'get', xml('ping'), { category: 'iq-misuse', what: 'ping without namespace', allowed: ['service-unavailable'] }),
      () =>
        iq(c, 'set', xml('query', { xmlns: r.pick([NS.discoInfo, NS.discoItems]) }), {
          category: 'iq-misuse',
          what: 'disco as set',
          allowed: ['service-unavailable'],
        }),
      () =>
        iq(c, 'get', xml('command', { xmlns: NS.commands, node: 'describe', action: 'execute' }), {
          category: 'iq-misuse',
          what: 'command as get',
          allowed: ['service-unavailable'],
        }),
      () =>
        iq(c, 'get', xml('query', { xmlns: NS.roster }), { category: 'iq-misuse', what: "roster get to a peer's client", allowed: ['service-unavailable'] }),
      () =>
        iq(
          c,
          r.pick(['get', 'set']),
          xml(r.pick(['x', 'json', 'body', 'error']), { xmlns: r.pick([NS.data, NS.json, 'jabber:client', NS_STANZAS]) }, text(r, 20)),
          { category: 'iq-misuse', what: 'a non-request element as payload', allowed: ['service-unavailable'] },
        ),
      () =>
        iq(c, 'get', xml('query', { xmlns: NS.discoInfo + ' ' }), {
          category: 'iq-misuse',
          what: 'namespace with trailing space',
          allowed: ['service-unavailable'],
        }),
      () =>
        iq(c, 'get', xml('QUERY', { xmlns: NS.discoInfo }), {
          category: 'iq-misuse',
          what: 'element name in the wrong case',
          allowed: ['service-unavailable'],
        }),
    ];
    return [r.pick(cases)()];
  },

  'iq-ping': (c) => [iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'iq-ping', what: 'XEP-0199 ping', allowed: ['result'] })],

  'iq-disco': (c) => {
    const { r } = c;
    const items = r.chance(0.4);
    const nodeAttr = r.weighted<() => string | undefined>([
      [3, () => undefined],
      [3, () => NS.commands],
      [3, () => r.pick(['echo', 'describe', 'handshake'])],
      [3, () => 'ask'],
      [2, () => `urn:xmpp:tidepool#${r.pick(['', 'AAAA', text(r, 28)])}`],
      [3, () => word(r)],
      [1, () => text(r, 60)],
      [1, () => r.pick(['__proto__', 'constructor', 'ASK', ''])],
      [1, () => 'q'.repeat(r.int(1000, 40_000))],
    ])();
    const children = r.chance(0.1) ? [randomElement(c, 2)] : [];
    const q = xml('query', { xmlns: items ? NS.discoItems : NS.discoInfo, node: nodeAttr }, ...children);
    const what = `disco#${items ? 'items' : 'info'} node=${JSON.stringify((nodeAttr ?? '(none)').slice(0, 40))}`;
    let allowed: readonly string[] | undefined;
    let policy: Policy | undefined;
    if (!items) {
      if (nodeAttr === undefined || nodeAttr === '' || nodeAttr === NS.commands || nodeAttr === 'echo' || nodeAttr === 'describe' || nodeAttr === 'handshake')
        allowed = ['result'];
      else allowed = ['item-not-found']; // unknown nodes, random caps vers, and `ask`, which a stranger may not know of
      if (nodeAttr === 'ask') policy = (reply) => (reply.attrs.type === 'result' ? 'disco#info revealed the owner-only skill "ask" to the fuzzer' : undefined);
    } else {
      if (nodeAttr === undefined || nodeAttr === '' || nodeAttr === NS.commands) allowed = ['result'];
      else allowed = ['item-not-found'];
      if (nodeAttr === NS.commands) {
        policy = (reply) => {
          const listed =
            reply
              .getChild('query', NS.discoItems)
              ?.getChildren('item')
              .map((i) => i.attrs.node) ?? [];
          return listed.includes('ask') ? 'disco#items listed the owner-only skill "ask" for the fuzzer' : undefined;
        };
      }
    }
    return [iq(c, 'get', q, { category: 'iq-disco', what, allowed, policy })];
  },

  'iq-roster': (c) => {
    const { r, target } = c;
    const items: Element[] = [];
    for (
      let i = r.weighted<number>([
        [6, 1],
        [2, r.int(2, 10)],
        [1, r.int(200, 1000)],
        [1, 0],
      ]);
      i > 0;
      i--
    ) {
      items.push(
        xml(
          'item',
          {
            jid: r.chance(0.8) ? `${word(r)}@${r.pick([target.domain, 'evil.example'])}` : jidish(r, target.domain),
            subscription: r.pick([undefined, 'both', 'from', 'to', 'none', 'remove', 'bogus']),
            ask: r.chance(0.2) ? 'subscribe' : undefined,
            name: r.chance(0.3) ? text(r, 30) : undefined,
          },
          ...(r.chance(0.3) ? [xml('group', {}, text(r, 20))] : []),
        ),
      );
    }
    const type = r.chance(0.85) ? 'set' : 'get';
    return [
      iq(c, type, xml('query', { xmlns: NS.roster, ver: r.chance(0.2) ? text(r, 10) : undefined }, ...items), {
        category: 'iq-roster',
        what: `roster ${type} from a stranger with ${items.length} items`,
        allowed: ['service-unavailable'],
        policy: (reply) => (reply.attrs.type === 'result' ? 'a roster push from a stranger was accepted' : undefined),
      }),
    ];
  },

  'iq-odd': (c) => {
    const { r } = c;
    const cases: Array<() => FuzzStanza> = [
      // The server answers these itself (RFC 6120 §8.2.3); they never reach the node.
      () =>
        iq(c, r.pick(['GET', 'fetch', '', 'get ']), xml('ping', { xmlns: NS.ping }), {
          category: 'iq-odd',
          what: 'iq with an invalid type',
          expectsReply: true,
          allowed: ['bad-request'],
        }),
      () => iq(c, r.pick(['get', 'set']), null, { category: 'iq-odd', what: 'iq without payload', allowed: ['bad-request'] }),
      () =>
        iq(c, r.pick(['get', 'set']), [xml('ping', { xmlns: NS.ping }), randomElement(c, 1, randomNs(c))], {
          category: 'iq-odd',
          what: 'iq with two payloads',
          allowed: ['bad-request'],
        }),
      // Replies nobody asked for: the node must ignore them (and the server drops what it cannot route).
      () =>
        iq(c, 'result', r.chance(0.5) ? randomElement(c, 2, randomNs(c)) : null, { category: 'iq-odd', what: 'unsolicited iq result', expectsReply: false }),
      () =>
        iq(c, 'error', xml('error', { type: r.pick(['cancel', 'bogus']) }, xml(r.pick(['item-not-found', 'made-up']), { xmlns: NS_STANZAS })), {
          category: 'iq-odd',
          what: 'unsolicited iq error',
          expectsReply: false,
        }),
      () => {
        const s = iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'iq-odd', what: 'ping without id', expectsReply: false });
        delete s.stanza.attrs.id;
        return s;
      },
    ];
    return [r.pick(cases)()];
  },
} satisfies Partial<Record<FuzzCategory, Generator>>;
