// Presence of every type, subscription floods, and request floods from one JID (bursts that ignore
// the runner's window, so the node's rate limiter and session caps are what meets them).
import xml, { type Element } from '@xmpp/xml';
import { NS_STANZAS } from '../../../src/xmpp/errors.ts';
import { NS } from './constants.ts';
import { iq, nest, nextId, randomElement, randomNs, stanzaAttrs } from './build.ts';
import { commandIq } from './commands.ts';
import { huge, hugeBytes, text } from './strings.ts';
import type { FuzzCategory, FuzzStanza, Generator } from './types.ts';

export const PRESENCE_AND_FLOOD_GENERATORS = {
  presence: (c) => {
    const { r, target } = c;
    const type = r.pick([
      undefined,
      undefined,
      'unavailable',
      'subscribe',
      'subscribed',
      'unsubscribe',
      'unsubscribed',
      'probe',
      'error',
      'bogus',
      'AVAILABLE',
    ]);
    const kids: Element[] = [];
    if (r.chance(0.3)) kids.push(xml('show', {}, r.pick(['chat', 'away', 'xa', 'dnd', 'online', '', text(r, 10)])));
    if (r.chance(0.3)) kids.push(xml('status', {}, r.chance(0.1) ? huge(r, hugeBytes(r)) : text(r, 100)));
    if (r.chance(0.3)) kids.push(xml('priority', {}, r.pick(['0', '5', '-1', '-129', '128', '99999999999999999999', 'NaN', '1.5', ''])));
    if (r.chance(0.3)) kids.push(xml('nick', { xmlns: NS.nick }, r.chance(0.1) ? huge(r, r.int(1000, 50_000)) : text(r, 40)));
    if (r.chance(0.3))
      kids.push(
        xml('c', {
          xmlns: NS.caps,
          hash: r.pick(['sha-1', 'sha-256', 'md5', '', text(r, 5)]),
          node: r.pick(['urn:xmpp:tidepool', 'http://example.org', text(r, 30)]),
          ver: r.pick(['', 'AAAA', '////', text(r, 40)]),
        }),
      );
    if (r.chance(0.1)) kids.push(randomElement(c, 3, randomNs(c)));
    if (r.chance(0.05)) kids.push(nest(c, r.int(20, 60), text(r, 10), randomNs(c)));
    if (type === 'error') kids.push(xml('error', { type: 'cancel' }, xml('remote-server-not-found', { xmlns: NS_STANZAS })));
    const to = type === 'subscribe' || type === 'subscribed' || type === 'unsubscribe' || type === 'unsubscribed' || r.chance(0.5) ? target.bare : target.full;
    const stanza = xml('presence', stanzaAttrs(c, { to, type, id: r.chance(0.3) ? nextId(c) : undefined }), ...kids);
    return [
      {
        n: c.n,
        category: 'presence',
        stanza,
        expectsReply: false,
        what: `presence type=${type ?? '(none)'} to ${to === target.bare ? 'bare' : 'full'} with ${kids.map((k) => k.name).join(',') || 'nothing'}`,
      },
    ];
  },

  'subscribe-flood': (c) => {
    const { r, target } = c;
    const out: FuzzStanza[] = [];
    for (let i = r.int(10, 30); i > 0; i--) {
      const type = r.weighted<string>([
        [8, 'subscribe'],
        [1, 'subscribed'],
        [1, 'unsubscribe'],
      ]);
      const stanza = xml(
        'presence',
        { to: target.bare, type, id: r.chance(0.5) ? nextId(c) : undefined },
        r.chance(0.7) ? xml('nick', { xmlns: NS.nick }, text(r, 30)) : null,
      );
      out.push({ n: c.n, category: 'subscribe-flood', stanza, expectsReply: false, burst: true, what: `${type} flood` });
    }
    return out;
  },

  flood: (c) => {
    const { r, target } = c;
    const kind = r.pick(['ping', 'describe', 'echo', 'ask', 'disco', 'message', 'mixed']);
    const out: FuzzStanza[] = [];
    for (let i = r.int(10, 30); i > 0; i--) {
      const k = kind === 'mixed' ? r.pick(['ping', 'describe', 'echo', 'ask', 'disco', 'message']) : kind;
      let s: FuzzStanza;
      if (k === 'ping') s = iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'flood', what: 'ping flood', allowed: ['result'] });
      else if (k === 'disco') s = iq(c, 'get', xml('query', { xmlns: NS.discoInfo }), { category: 'flood', what: 'disco#info flood', allowed: ['result'] });
      else if (k === 'message')
        s = {
          n: c.n,
          category: 'flood',
          stanza: xml('message', { to: target.full, type: 'chat', id: nextId(c) }, xml('body', {}, `flood ${i}`)),
          expectsReply: false,
          what: 'message flood',
        };
      else s = commandIq(c, 'flood', k, 'execute', undefined, [], `${k} flood`);
      s.burst = true;
      out.push(s);
    }
    return out;
  },
} satisfies Partial<Record<FuzzCategory, Generator>>;
