// disco#info <query/> building and parsing, and the caps <c/> element (XEP-0030, -0115, -0128).
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import {
  DISCO_LIMITS,
  NS_CAPS,
  NS_DISCO_INFO,
  capsDiscoNode,
  capsElement,
  capsHash,
  discoInfoElement,
  parseCaps,
  parseDiscoInfo,
  type DiscoInfo,
} from '../../src/xmpp/caps/index.ts';
import { parseXml } from '../helpers/xml.ts';

function value<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}
const reason = (r: { ok: boolean; error?: { reason: string } }) => (r.ok ? undefined : r.error?.reason);

const COMPLEX: DiscoInfo = {
  identities: [
    { category: 'client', type: 'pc', lang: 'en', name: 'Psi 0.11' },
    { category: 'client', type: 'pc', lang: 'el', name: 'Ψ 0.11' },
  ],
  features: [
    'http://jabber.org/protocol/caps',
    'http://jabber.org/protocol/disco#info',
    'http://jabber.org/protocol/disco#items',
    'http://jabber.org/protocol/muc',
  ],
  extensions: [
    {
      type: 'result',
      instructions: [],
      fields: [
        { var: 'FORM_TYPE', type: 'hidden', values: ['urn:xmpp:dataforms:softwareinfo'], options: [] },
        { var: 'ip_version', type: 'text-multi', values: ['ipv4', 'ipv6'], options: [] },
        { var: 'os', values: ['Mac'], options: [] },
        { var: 'software', values: ['Psi & <co>'], options: [] },
      ],
    },
  ],
};

// §5.3's response as it travels, Ψ as a character reference.
const XEP_COMPLEX_IQ = `<iq from='benvolio@capulet.lit/230193' id='disco1' to='juliet@capulet.lit/chamber' type='result'>
  <query xmlns='http://jabber.org/protocol/disco#info' node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>
    <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
    <identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>
    <feature var='http://jabber.org/protocol/caps'/>
    <feature var='http://jabber.org/protocol/disco#info'/>
    <feature var='http://jabber.org/protocol/disco#items'/>
    <feature var='http://jabber.org/protocol/muc'/>
    <x xmlns='jabber:x:data' type='result'>
      <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
      <field var='ip_version' type='text-multi' ><value>ipv4</value><value>ipv6</value></field>
      <field var='os'><value>Mac</value></field>
      <field var='os_version'><value>10.5.1</value></field>
      <field var='software'><value>Psi</value></field>
      <field var='software_version'><value>0.11</value></field>
    </x>
  </query>
</iq>`;

describe('parseDiscoInfo', () => {
  test('the §5.3 response off the wire hashes to q07IKJEyjvHSyhy//CH0CxmKi8w=', async () => {
    const query = parseXml(XEP_COMPLEX_IQ).getChild('query', NS_DISCO_INFO) as Element;
    const info = value(parseDiscoInfo(query));
    expect(info.identities[1]).toEqual({ category: 'client', type: 'pc', lang: 'el', name: 'Ψ 0.11' });
    expect(info.extensions).toHaveLength(1);
    expect(value(await capsHash(info))).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  test('round trip: parseDiscoInfo(discoInfoElement(x)) is x', () => {
    expect(value(parseDiscoInfo(discoInfoElement(COMPLEX)))).toStrictEqual(COMPLEX);
  });

  test('round trip through serialized XML text', () => {
    const text = discoInfoElement(COMPLEX, 'http://psi-im.org#ver').toString();
    expect(text).toContain('&amp; &lt;co&gt;');
    const query = parseXml(text);
    expect(query.attrs.node).toBe('http://psi-im.org#ver');
    expect(value(parseDiscoInfo(query))).toStrictEqual(COMPLEX);
  });

  test('discoInfoElement writes identities, features and result forms in the disco#info namespace', () => {
    const q = discoInfoElement(COMPLEX);
    expect(q.is('query', NS_DISCO_INFO)).toBe(true);
    expect(q.attrs.node).toBeUndefined();
    expect(q.toString()).not.toContain('node=');
    const ids = q.getChildren('identity');
    expect(ids.map((i) => i.attrs['xml:lang'])).toEqual(['en', 'el']);
    expect(q.getChildren('feature').map((f) => f.attrs.var)).toEqual(COMPLEX.features);
    const x = q.getChild('x', 'jabber:x:data');
    expect(x?.attrs.type).toBe('result');
    expect(
      x
        ?.getChildren('field')[1]
        ?.getChildren('value')
        .map((v) => v.text()),
    ).toEqual(['ipv4', 'ipv6']);
  });

  test('an identity without name or lang comes back without those keys', () => {
    const info: DiscoInfo = { identities: [{ category: 'client', type: 'bot' }], features: [], extensions: [] };
    expect(value(parseDiscoInfo(discoInfoElement(info)))).toStrictEqual(info);
  });

  test('duplicates are kept for verification to refuse', async () => {
    const query = xml(
      'query',
      { xmlns: NS_DISCO_INFO },
      xml('identity', { category: 'c', type: 't' }),
      xml('feature', { var: 'f' }),
      xml('feature', { var: 'f' }),
    );
    const info = value(parseDiscoInfo(query));
    expect(info.features).toEqual(['f', 'f']);
    expect(reason(await capsHash(info))).toBe('duplicate-feature');
  });

  test('children in other namespaces are ignored', () => {
    const query = xml(
      'query',
      { xmlns: NS_DISCO_INFO },
      xml('identity', { category: 'c', type: 't' }),
      xml('feature', { xmlns: 'urn:elsewhere', var: 'no' }),
      xml('x', { xmlns: 'urn:not-data', type: 'result' }),
      xml('feature', { var: 'yes' }),
    );
    expect(value(parseDiscoInfo(query))).toStrictEqual({ identities: [{ category: 'c', type: 't' }], features: ['yes'], extensions: [] });
  });

  test('malformed answers are refused', () => {
    const q = (...children: Element[]) => xml('query', { xmlns: NS_DISCO_INFO }, ...children);
    expect(reason(parseDiscoInfo(xml('query', { xmlns: 'jabber:iq:roster' })))).toBe('malformed');
    expect(reason(parseDiscoInfo(q(xml('identity', { category: 'client' }))))).toBe('malformed');
    expect(reason(parseDiscoInfo(q(xml('identity', { type: 'pc' }))))).toBe('malformed');
    expect(reason(parseDiscoInfo(q(xml('feature', {}))))).toBe('malformed');
    expect(reason(parseDiscoInfo(q(xml('x', { xmlns: 'jabber:x:data' }))))).toBe('malformed');
    expect(reason(parseDiscoInfo(q(xml('x', { xmlns: 'jabber:x:data', type: 'result' }, xml('field', { var: 'a', type: 'bogus' })))))).toBe('malformed');
    expect(parseDiscoInfo(q(xml('identity', { category: 'client', type: 'pc' }))).ok).toBe(true);
  });

  test.each([
    ['identities', DISCO_LIMITS.identities, (i: number) => xml('identity', { category: 'client', type: `t${i}` })],
    ['features', DISCO_LIMITS.features, (i: number) => xml('feature', { var: `urn:f:${i}` })],
    [
      'extensions',
      DISCO_LIMITS.extensions,
      (i: number) => xml('x', { xmlns: 'jabber:x:data', type: 'result' }, xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, `urn:t:${i}`))),
    ],
  ] as const)('%s: the limit (%i) is accepted, one more is refused', (_name, limit, make) => {
    const build = (n: number) =>
      xml(
        'query',
        { xmlns: NS_DISCO_INFO },
        Array.from({ length: n }, (_, i) => make(i)),
      );
    expect(parseDiscoInfo(build(limit)).ok).toBe(true);
    expect(reason(parseDiscoInfo(build(limit + 1)))).toBe('too-large');
  });

  test('the limits are the ones asked for', () => {
    expect(DISCO_LIMITS).toMatchObject({ identities: 100, features: 1000, extensions: 20 });
  });

  test('an over-long feature var is refused', () => {
    const query = xml('query', { xmlns: NS_DISCO_INFO }, xml('feature', { var: 'x'.repeat(DISCO_LIMITS.attrChars + 1) }));
    expect(reason(parseDiscoInfo(query))).toBe('too-large');
  });
});

describe('caps element', () => {
  test('capsElement builds <c/> with hash, node, ver; sha-1 by default', () => {
    const c = capsElement('http://code.google.com/p/exodus', 'QgayPKawpkPSDYmwT/WM94uAlu0=');
    expect(c.is('c', NS_CAPS)).toBe(true);
    expect(NS_CAPS).toBe('http://jabber.org/protocol/caps');
    expect(c.attrs).toMatchObject({ hash: 'sha-1', node: 'http://code.google.com/p/exodus', ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=' });
    expect(capsElement('n', 'v', 'sha-256').attrs.hash).toBe('sha-256');
  });

  test('parseCaps reads the §1.2 presence', () => {
    const presence = parseXml(
      `<presence from='romeo@montague.lit/orchard'><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='http://code.google.com/p/exodus' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>`,
    );
    expect(parseCaps(presence)).toStrictEqual({ node: 'http://code.google.com/p/exodus', ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=', hash: 'sha-1' });
  });

  test('round trip through capsElement', () => {
    expect(parseCaps(xml('presence', {}, capsElement('n', 'v=', 'sha-256')))).toStrictEqual({ node: 'n', ver: 'v=', hash: 'sha-256' });
  });

  test('no caps: missing element, other namespace, legacy (no hash), missing or empty attributes, over-long ver', () => {
    expect(parseCaps(xml('presence'))).toBeUndefined();
    expect(parseCaps(xml('presence', {}, xml('c', { xmlns: 'urn:other', hash: 'sha-1', node: 'n', ver: 'v' })))).toBeUndefined();
    expect(parseCaps(xml('presence', {}, xml('c', { xmlns: NS_CAPS, node: 'n', ver: '0.9' })))).toBeUndefined();
    expect(parseCaps(xml('presence', {}, xml('c', { xmlns: NS_CAPS, hash: 'sha-1', ver: 'v' })))).toBeUndefined();
    expect(parseCaps(xml('presence', {}, xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: 'n', ver: '' })))).toBeUndefined();
    expect(parseCaps(xml('presence', {}, xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: 'n', ver: 'v'.repeat(257) })))).toBeUndefined();
    expect(parseCaps(xml('presence', {}, xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: 'n', ver: 'v'.repeat(256) })))).toBeDefined();
  });

  test('capsDiscoNode is node#ver (§6.2)', () => {
    expect(capsDiscoNode({ node: 'http://code.google.com/p/exodus', ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=' })).toBe(
      'http://code.google.com/p/exodus#QgayPKawpkPSDYmwT/WM94uAlu0=',
    );
  });
});
