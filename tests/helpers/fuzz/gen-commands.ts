// XEP-0050 command generators: bare commands, command forms, deeply nested payloads, and huge
// (100-200 KiB) attributes, ids, node names and payloads on the node's own namespaces.
import xml, { type Element } from '@xmpp/xml';
import { NS } from './constants.ts';
import { iq, nest, randomElement, randomNs } from './build.ts';
import { commandAction, commandIq, commandNode, commandSession } from './commands.ts';
import { plausibleForm, randomForm } from './forms.ts';
import { huge, hugeBytes, sessionLike, text, word } from './strings.ts';
import type { FuzzCategory, FuzzStanza, Generator } from './types.ts';

export const COMMAND_GENERATORS = {
  'iq-command': (c) => {
    const { r, state } = c;
    // With many sessions open the node refuses new ones; cancelling is what a real caller does.
    if (state.sessions.length >= 6 && r.chance(0.5)) {
      const s = r.pick(state.sessions);
      return [commandIq(c, 'iq-command', s.node, 'cancel', s.sessionid, [], `cancel ${s.node} session`)];
    }
    const node = commandNode(c);
    const action = commandAction(c);
    const sess = commandSession(c, node);
    const useNode = sess.real && r.chance(0.7) ? sess.node : node;
    const extra = r.chance(0.2) ? [randomElement(c, 1, r.pick([NS.commands, NS.data, NS.json, randomNs(c)]))] : [];
    if (r.chance(0.1)) extra.push(xml('json', { xmlns: NS.json }, r.pick(['{', '{"node":"ask"}', 'NaN', '[1,', '\u0000'])));
    return [
      commandIq(
        c,
        'iq-command',
        useNode,
        action,
        sess.sessionid,
        extra,
        `command node=${JSON.stringify((useNode ?? '(none)').slice(0, 30))} action=${JSON.stringify((action ?? '(none)').slice(0, 20))} sessionid=${sess.sessionid === undefined ? '(none)' : sess.real ? '(real)' : JSON.stringify(sess.sessionid.slice(0, 20))}`,
      ),
    ];
  },

  'iq-command-form': (c) => {
    const { r } = c;
    const node = r.chance(0.85) ? r.pick(['echo', 'handshake', 'ask', 'echo', 'handshake']) : commandNode(c);
    const sess = commandSession(c, node);
    const useNode = sess.real ? sess.node : node;
    const action = r.weighted<() => string | undefined>([
      [3, () => undefined],
      [3, () => 'execute'],
      [2, () => 'next'],
      [2, () => 'complete'],
      [1, () => commandAction(c)],
    ])();
    const forms: Element[] = [];
    const plausible = sess.real && r.chance(0.5);
    forms.push(plausible ? plausibleForm(c, useNode) : randomForm(c));
    if (r.chance(0.1)) forms.push(randomForm(c));
    if (r.chance(0.05)) forms.unshift(xml('x', { xmlns: 'jabber:x:data:fake', type: 'submit' }, xml('field', { var: 'text' }, xml('value', {}, 'decoy'))));
    if (r.chance(0.05)) forms.push(xml('json', { xmlns: NS.json }, r.pick(['{"text":', '[', '"\\ud800"', '{"__proto__":{"admin":true}}'])));
    return [
      commandIq(
        c,
        'iq-command-form',
        useNode,
        action,
        sess.sessionid,
        forms,
        `${plausible ? 'plausible' : 'malformed'} form to node=${JSON.stringify((useNode ?? '(none)').slice(0, 30))} action=${action ?? '(none)'} sessionid=${sess.real ? '(real)' : JSON.stringify((sess.sessionid ?? '(none)').slice(0, 20))}`,
      ),
    ];
  },

  'iq-deep': (c) => {
    const { r } = c;
    const depth = r.int(20, 60);
    const where = r.pick(['unknown', 'ping', 'command', 'form', 'disco']);
    const inner = r.chance(0.5) ? text(r, 20) : randomElement(c, 1);
    if (where === 'unknown')
      return [
        iq(c, r.pick(['get', 'set']), nest(c, depth, inner, randomNs(c)), {
          category: 'iq-deep',
          what: `unknown payload nested ${depth} deep`,
          allowed: ['service-unavailable'],
        }),
      ];
    if (where === 'ping')
      return [
        iq(c, 'get', xml('ping', { xmlns: NS.ping }, nest(c, depth, inner)), {
          category: 'iq-deep',
          what: `ping holding ${depth} nested elements`,
          allowed: ['result'],
        }),
      ];
    if (where === 'disco')
      return [
        iq(c, 'get', xml('query', { xmlns: NS.discoInfo }, nest(c, depth, inner)), {
          category: 'iq-deep',
          what: `disco#info holding ${depth} nested elements`,
          allowed: ['result'],
        }),
      ];
    const node = r.pick(['echo', 'handshake', 'ask', 'describe']);
    const sess = commandSession(c, node);
    const deep =
      where === 'form'
        ? xml('x', { xmlns: NS.data, type: 'submit' }, xml('field', { var: 'text' }, xml('value', {}, nest(c, depth, inner))))
        : nest(c, depth, inner);
    return [
      commandIq(
        c,
        'iq-deep',
        sess.real ? sess.node : node,
        r.pick([undefined, 'execute', 'complete', 'next']),
        sess.sessionid,
        [deep],
        `command with ${depth} nested elements (${where})`,
      ),
    ];
  },

  'iq-huge': (c) => {
    const { r } = c;
    const size = hugeBytes(r);
    const blob = huge(r, size);
    const kb = Math.round(size / 1024);
    const cases: Array<() => FuzzStanza> = [
      () =>
        iq(c, r.pick(['get', 'set']), xml(word(r), { xmlns: randomNs(c), [word(r)]: blob }), {
          category: 'iq-huge',
          what: `unknown payload with a ${kb} KiB attribute`,
          allowed: ['service-unavailable'],
        }),
      () => iq(c, 'get', xml('ping', { xmlns: NS.ping }, blob), { category: 'iq-huge', what: `ping with ${kb} KiB of text`, allowed: ['result'] }),
      () =>
        iq(c, 'get', xml('ping', { xmlns: NS.ping, [word(r)]: blob }), { category: 'iq-huge', what: `ping with a ${kb} KiB attribute`, allowed: ['result'] }),
      () =>
        iq(c, 'get', xml('query', { xmlns: NS.discoInfo, node: blob }), {
          category: 'iq-huge',
          what: `disco#info on a ${kb} KiB node name`,
          allowed: ['item-not-found'],
        }),
      () => commandIq(c, 'iq-huge', 'n'.repeat(size), 'execute', undefined, [], `command with a ${kb} KiB node name`),
      () =>
        commandIq(
          c,
          'iq-huge',
          r.pick(['echo', 'ask', 'handshake']),
          r.pick(['execute', 'complete']),
          r.chance(0.5) ? sessionLike(r) : undefined,
          [xml('x', { xmlns: NS.data, type: 'submit' }, xml('field', { var: 'text' }, xml('value', {}, blob)))],
          `command with a ${kb} KiB form value`,
        ),
      () => {
        // Many small elements rather than one big one.
        const kids: Element[] = [];
        for (let i = 0, bytes = 0; bytes < size; i++, bytes += 12) kids.push(xml('e', {}, String(i % 10)));
        return iq(c, 'set', xml('bulk', { xmlns: randomNs(c) }, ...kids), {
          category: 'iq-huge',
          what: `unknown payload with ${kids.length} children`,
          allowed: ['service-unavailable'],
        });
      },
      () => {
        const s = iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'iq-huge', what: `ping with a ${kb} KiB id`, allowed: ['result'] });
        s.stanza.attrs.id = `${s.stanza.attrs.id}-${'d'.repeat(size)}`;
        return s;
      },
    ];
    return [r.pick(cases)()];
  },
} satisfies Partial<Record<FuzzCategory, Generator>>;
