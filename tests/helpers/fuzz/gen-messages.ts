// Message generators: random messages of every type, huge bodies (refused with policy-violation),
// invalid XEP-0335 JSON payloads, and odd XEP-0085 chat states.
import xml, { type Element } from '@xmpp/xml';
import { NS_STANZAS } from '../../../src/xmpp/errors.ts';
import { BODY_CHARS, NS } from './constants.ts';
import { nest, nextId, randomElement, randomNs, stanzaAttrs } from './build.ts';
import { huge, hugeBytes, sessionLike, text, word } from './strings.ts';
import type { FuzzCategory, Generator } from './types.ts';

export const MESSAGE_GENERATORS = {
  message: (c) => {
    const { r, target } = c;
    const type = r.pick([undefined, 'chat', 'normal', 'headline', 'groupchat', 'error', 'bogus', 'CHAT']);
    const kids: Element[] = [];
    if (r.chance(0.7)) kids.push(xml('body', r.chance(0.1) ? { 'xml:lang': text(r, 5) } : {}, text(r, 200)));
    if (r.chance(0.05)) kids.push(xml('body', {}, 'second body'));
    if (r.chance(0.2)) kids.push(xml('subject', {}, text(r, 30)));
    if (r.chance(0.2)) kids.push(xml('thread', { parent: r.chance(0.3) ? text(r, 10) : undefined }, text(r, 20)));
    if (r.chance(0.15))
      kids.push(
        xml('delay', { xmlns: NS.delay, stamp: r.pick(['2020-01-01T00:00:00Z', 'yesterday', '9999-99-99T99:99:99Z', '', '1e999', '-271821-04-20T00:00:00Z']) }),
      );
    if (r.chance(0.1)) kids.push(xml('generated', { xmlns: NS.generated }));
    if (r.chance(0.1))
      kids.push(
        xml(
          'progress',
          { xmlns: NS.progress, node: r.pick(['echo', 'ask', text(r, 10)]), sessionid: sessionLike(r), percent: r.pick(['50', 'NaN', '-1', '1e999', '']) },
          text(r, 30),
        ),
      );
    if (r.chance(0.1)) kids.push(xml('no-store', { xmlns: NS.hints }));
    if (r.chance(0.15)) kids.push(randomElement(c, r.int(0, 3), randomNs(c)));
    if (r.chance(0.05)) kids.push(nest(c, r.int(20, 60), text(r, 10), randomNs(c)));
    if (type === 'error' && r.chance(0.7)) kids.push(xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: NS_STANZAS })));
    const stanza = xml('message', stanzaAttrs(c, { to: r.chance(0.5) ? target.bare : target.full, type, id: r.chance(0.8) ? nextId(c) : undefined }), ...kids);
    return [
      {
        n: c.n,
        category: 'message',
        stanza,
        expectsReply: false,
        what: `message type=${type ?? '(none)'} with ${kids.map((k) => k.name).join(',') || 'nothing'}`,
      },
    ];
  },

  'message-huge': (c) => {
    const { r, target } = c;
    const id = nextId(c);
    const type = r.pick([undefined, 'chat', 'normal']);
    const to = r.chance(0.5) ? target.bare : target.full;
    const mode = r.weighted<string>([
      [6, 'body'],
      [1, 'boundary'],
      [1, 'attr'],
      [1, 'other-child'],
    ]);
    if (mode === 'body') {
      const size = hugeBytes(r);
      const body = huge(r, size);
      const stanza = xml('message', { to, type, id }, xml('body', {}, body), xml('active', { xmlns: NS.chatstates }));
      // Over MAX_BODY_CHARS (64 Ki UTF-16 units, as the node counts) it is refused with policy-violation.
      // `huge` sizes in escaped UTF-8 bytes, so a body of '&' or '中' runs can be big yet under the limit.
      const over = body.length > BODY_CHARS;
      return [
        {
          n: c.n,
          category: 'message-huge',
          stanza,
          expectsReply: false,
          expectsMessageError: over ? 'policy-violation' : undefined,
          what: `chat with a ${Math.round(size / 1024)} KiB body of ${body.length} characters`,
        },
      ];
    }
    if (mode === 'boundary') {
      const over = r.chance(0.5);
      const stanza = xml('message', { to, type, id }, xml('body', {}, 'b'.repeat(BODY_CHARS + (over ? 1 : 0))));
      return [
        {
          n: c.n,
          category: 'message-huge',
          stanza,
          expectsReply: false,
          expectsMessageError: over ? 'policy-violation' : undefined,
          what: `chat with a body of ${BODY_CHARS + (over ? 1 : 0)} characters`,
        },
      ];
    }
    if (mode === 'attr') {
      const stanza = xml('message', { to, type, id, [word(r)]: huge(r, hugeBytes(r)) }, xml('body', {}, 'small body'));
      return [{ n: c.n, category: 'message-huge', stanza, expectsReply: false, what: 'message with a huge attribute' }];
    }
    const stanza = xml('message', { to, type, id }, xml(word(r), { xmlns: randomNs(c) }, huge(r, hugeBytes(r))));
    return [{ n: c.n, category: 'message-huge', stanza, expectsReply: false, what: 'message with a huge unknown payload' }];
  },

  'message-json': (c) => {
    const { r, target } = c;
    const json = r.weighted<() => string>([
      [
        3,
        () =>
          r.pick([
            '{',
            '}',
            '[1,2',
            '{"a":}',
            'NaN',
            'Infinity',
            'undefined',
            "{'a':1}",
            '{"a":1}}',
            '\u0000',
            '1e999',
            '"\\ud800"',
            '{"__proto__":{"polluted":true}}',
            '{"constructor":{"prototype":{"x":1}}}',
          ]),
      ],
      [1, () => '['.repeat(r.int(1000, 20_000))],
      [1, () => '{"a":'.repeat(r.int(100, 3000))],
      [1, () => text(r, 100)],
      [1, () => JSON.stringify({ node: 'ask', action: 'execute', owner: true, text: text(r, 30) })],
    ])();
    const stanza = xml(
      'message',
      stanzaAttrs(c, { to: r.chance(0.5) ? target.bare : target.full, type: r.pick([undefined, 'chat', 'normal', 'headline']), id: nextId(c) }),
      r.chance(0.6) ? xml('body', {}, text(r, 50)) : null,
      xml('json', { xmlns: NS.json, [r.chance(0.2) ? word(r) : 'x-none']: r.chance(0.2) ? text(r, 10) : undefined }, json),
      r.chance(0.2) ? xml('json', { xmlns: NS.json }, '{"second":true}') : null,
    );
    return [{ n: c.n, category: 'message-json', stanza, expectsReply: false, what: `message with invalid JSON ${JSON.stringify(json.slice(0, 30))}` }];
  },

  'message-chatstate': (c) => {
    const { r, target } = c;
    const states: Element[] = [];
    for (
      let i = r.weighted<number>([
        [5, 1],
        [2, r.int(2, 6)],
        [1, 0],
      ]);
      i > 0;
      i--
    ) {
      const name = r.pick(['active', 'composing', 'paused', 'inactive', 'gone', 'typing', 'Composing', 'thinking', word(r)]);
      states.push(
        xml(
          name,
          { xmlns: r.chance(0.9) ? NS.chatstates : randomNs(c), [r.chance(0.2) ? word(r) : 'x-none']: r.chance(0.2) ? text(r, 20) : undefined },
          r.chance(0.2) ? text(r, 20) : null,
          r.chance(0.1) ? randomElement(c, 2) : null,
        ),
      );
    }
    const stanza = xml(
      'message',
      stanzaAttrs(c, {
        to: r.chance(0.5) ? target.bare : target.full,
        type: r.pick([undefined, 'chat', 'normal', 'headline', 'groupchat', 'error']),
        id: r.chance(0.5) ? nextId(c) : undefined,
      }),
      r.chance(0.3) ? xml('body', {}, text(r, 50)) : null,
      ...states,
      r.chance(0.3) ? xml('no-store', { xmlns: NS.hints }) : null,
    );
    return [{ n: c.n, category: 'message-chatstate', stanza, expectsReply: false, what: `chat states ${states.map((s) => s.name).join(',') || '(none)'}` }];
  },
} satisfies Partial<Record<FuzzCategory, Generator>>;
