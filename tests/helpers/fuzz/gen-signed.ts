// Garbage that looks like signatures: signed receipts do not exist yet, so the node must treat all
// of this as unknown payloads (ignored in messages and presence, service-unavailable for an IQ, no
// effect on a command's outcome): XEP-0027 and XEP-0373 OpenPGP elements, XML-DSig, JWS in XEP-0335
// JSON and in bodies, and signature-like children on XEP-0184 receipts and on commands that claim
// to come from the owner.
import xml, { type Element } from '@xmpp/xml';
import { NS } from './constants.ts';
import { iq, nextId, stanzaAttrs } from './build.ts';
import { commandIq } from './commands.ts';
import type { Rand } from './rand.ts';
import { text, word } from './strings.ts';
import type { Ctx, FuzzStanza, Generator } from './types.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const NS_SIGNED = 'jabber:x:signed'; // XEP-0027
const NS_OPENPGP = 'urn:xmpp:openpgp:0'; // XEP-0373
const NS_RECEIPTS = 'urn:xmpp:receipts'; // XEP-0184
const NS_DSIG = 'http://www.w3.org/2000/09/xmldsig#';
/** Namespaces a future Tidepool signature might use: unknown today. */
const MADE_UP = ['urn:xmpp:tidepool:signature:0', 'urn:xmpp:tidepool:receipt:0', 'urn:xmpp:tidepool:sig:1', 'urn:xmpp:signature:0'];

/** Something that looks like base64 (sometimes broken: bad characters, bad padding, empty, huge). */
function b64ish(r: Rand): string {
  const len = r.weighted<number>([
    [6, r.int(16, 120)],
    [2, r.int(0, 8)],
    [1, r.int(1000, 8000)],
    [1, r.int(40_000, 120_000)],
  ]);
  let s = '';
  for (let i = 0; i < len; i++) s += B64[r.int(0, B64.length - 1)]!;
  return (
    s +
    r.weighted<string>([
      [5, ''],
      [2, '='],
      [2, '=='],
      [1, '==='],
      [1, '!@#'],
      [1, ' \n'],
      [1, '\u00e9'],
    ])
  );
}

const b64url = (r: Rand) => b64ish(r).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A JWS-looking value: compact form or a JSON object, with a signature that verifies nothing. */
function jws(c: Ctx): string {
  const { r, target } = c;
  const header = Buffer.from(JSON.stringify({ alg: r.pick(['EdDSA', 'ES256', 'none', 'HS256', '']), kid: word(r) })).toString('base64url');
  const claims = {
    from: r.pick([`owner@${target.domain}`, target.bare, `${word(r)}@evil.example`]),
    skill: r.pick(['ask', 'echo']),
    grant: r.pick(['ask', 'owner', 'all']),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return r.weighted<() => string>([
    [3, () => `${header}.${payload}.${b64url(r)}`],
    [2, () => JSON.stringify({ protected: header, payload, signature: b64url(r) })],
    [1, () => `${header}..${b64url(r)}`],
    [1, () => `${r.pick(['', '.', '..', '...'])}${text(r, 20)}`],
    [1, () => `{"payload":${JSON.stringify(claims)},"signature":`],
  ])();
}

/** One signature-looking element. */
function signatureElement(c: Ctx): Element {
  const { r } = c;
  return r.weighted<() => Element>([
    [
      3,
      () =>
        xml(
          'signature',
          { xmlns: r.pick(MADE_UP), alg: r.pick(['ed25519', 'EdDSA', 'none', '', text(r, 8)]), key: r.chance(0.7) ? b64ish(r).slice(0, 200) : undefined },
          b64ish(r),
        ),
    ],
    [2, () => xml('x', { xmlns: NS_SIGNED }, b64ish(r))],
    [2, () => xml(r.pick(['signed', 'signcrypt', 'openpgp']), { xmlns: NS_OPENPGP }, b64ish(r))],
    [
      1,
      () =>
        xml(
          'Signature',
          { xmlns: NS_DSIG },
          xml('SignedInfo', {}, xml('Reference', { URI: r.pick(['', '#body', text(r, 10)]) }, xml('DigestValue', {}, b64ish(r).slice(0, 200)))),
          xml('SignatureValue', {}, b64ish(r)),
          r.chance(0.5) ? xml('KeyInfo', {}, xml('KeyName', {}, `owner@${c.target.domain}`)) : null,
        ),
    ],
    [2, () => xml('json', { xmlns: NS.json }, jws(c))],
  ])();
}

function signedMessage(c: Ctx): FuzzStanza {
  const { r, target } = c;
  const kids: Element[] = [];
  if (r.chance(0.6)) kids.push(xml('body', {}, r.chance(0.3) ? jws(c) : text(r, 80)));
  if (r.chance(0.3))
    kids.push(
      xml('received', { xmlns: NS_RECEIPTS, id: r.chance(0.7) ? `fz-${c.seed}-${r.int(0, c.n)}-0` : text(r, 20) }, r.chance(0.7) ? signatureElement(c) : null),
    );
  if (r.chance(0.15)) kids.push(xml('request', { xmlns: NS_RECEIPTS }));
  for (
    let i = r.weighted<number>([
      [6, 1],
      [2, 2],
      [1, 0],
    ]);
    i > 0;
    i--
  )
    kids.push(signatureElement(c));
  const stanza = xml(
    'message',
    stanzaAttrs(c, { to: r.chance(0.5) ? target.bare : target.full, type: r.pick([undefined, 'chat', 'normal', 'headline']), id: nextId(c) }),
    ...kids,
  );
  return {
    n: c.n,
    category: 'signed',
    stanza,
    expectsReply: false,
    what: `message with ${kids.map((k) => `${k.name}${k.attrs.xmlns ? `[${k.attrs.xmlns}]` : ''}`).join(',') || 'nothing'}`,
  };
}

export const signed: Generator = (c) => {
  const { r, target } = c;
  const kind = r.weighted<string>([
    [6, 'message'],
    [2, 'iq'],
    [2, 'command'],
    [1, 'presence'],
  ]);
  if (kind === 'message') return [signedMessage(c)];
  if (kind === 'iq') {
    const sig = signatureElement(c);
    // Even a JSON element or an OpenPGP one as the only payload of an IQ is a request nobody serves.
    return [
      iq(c, r.pick(['get', 'set']), sig, {
        category: 'signed',
        what: `iq carrying <${sig.name} xmlns='${sig.attrs.xmlns}'/>`,
        allowed: ['service-unavailable'],
      }),
    ];
  }
  if (kind === 'command') {
    // A "signed" claim inside a command changes nothing: the caller is who the server says it is.
    const node = r.pick(['ask', 'ask', 'describe', 'echo']);
    return [commandIq(c, 'signed', node, r.pick([undefined, 'execute']), undefined, [signatureElement(c)], `${node} with a signature-looking child`)];
  }
  const stanza = xml('presence', stanzaAttrs(c, { to: r.chance(0.5) ? target.bare : target.full }), xml('status', {}, text(r, 30)), signatureElement(c));
  return [{ n: c.n, category: 'signed', stanza, expectsReply: false, what: 'presence with a signature-looking child' }];
};
