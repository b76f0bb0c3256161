// XEP-0313 answers as servers send them: result messages (XEP-0297 forwarded, XEP-0203 stamps) matched
// to our query and archive, the <fin/> with its RSM set, the query we send, and a room's archived
// message with the author's real JID as the room recorded it.
import { describe, expect, test } from 'vitest';
import { parseFin, parseResult } from '../../src/xmpp/mam/parse.ts';
import { queryElement } from '../../src/xmpp/mam/query.ts';
import { mucArchived } from '../../src/xmpp/mam/muc.ts';
import { parseXml } from '../helpers/xml.ts';

const ROOM = 'world@muc.example.org';

// As Prosody 0.12 muc_mam sends it for a non-anonymous room (the <x/> item is the room's record).
const result = (opts: { from?: string; queryid?: string; id?: string; stamp?: string; inner?: string } = {}) =>
  parseXml(`<message xmlns='jabber:client' to='ben@example.org/web' ${opts.from === undefined ? `from='${ROOM}'` : opts.from ? `from='${opts.from}'` : ''}>
  <result xmlns='urn:xmpp:mam:2' queryid='${opts.queryid ?? 'q1'}' id='${opts.id ?? '28482-98726-73623'}'>
    <forwarded xmlns='urn:xmpp:forward:0'>
      <delay xmlns='urn:xmpp:delay' stamp='${opts.stamp ?? '2026-11-25T10:00:00Z'}'/>
      ${
        opts.inner ??
        `<message xmlns='jabber:client' from='${ROOM}/ann' type='groupchat' id='m1'>
        <body>Ann made a place: Tide Pool</body>
        <origin-id xmlns='urn:xmpp:sid:0' id='m1'/>
        <json xmlns='urn:xmpp:json:0'>{"tidepool":"world","type":"place","id":"p1"}</json>
        <x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant' jid='ann@example.org'/></x>
      </message>`
      }
    </forwarded>
  </result>
</message>`);

describe('parseResult', () => {
  test('a room archive result: id, stamp and the forwarded message', () => {
    const a = parseResult(result(), 'q1', ROOM, 'ben@example.org');
    expect(a).toMatchObject({ id: '28482-98726-73623', stamp: '2026-11-25T10:00:00Z', at: Date.parse('2026-11-25T10:00:00Z') });
    expect(a?.message.getChildText('body')).toBe('Ann made a place: Tide Pool');
  });

  test('another query, another sender, or a full JID sender: not ours', () => {
    expect(parseResult(result({ queryid: 'q2' }), 'q1', ROOM, 'ben@example.org')).toBeUndefined();
    expect(parseResult(result({ from: 'mallory@example.org' }), 'q1', ROOM, 'ben@example.org')).toBeUndefined();
    expect(parseResult(result({ from: `${ROOM}/ann` }), 'q1', ROOM, 'ben@example.org')).toBeUndefined();
    // A room result with no sender at all would be our own server speaking for the room: refused.
    expect(parseResult(result({ from: '' }), 'q1', ROOM, 'ben@example.org')).toBeUndefined();
  });

  test('our own archive: from our bare JID or no from; not from a peer', () => {
    expect(parseResult(result({ from: '' }), 'q1', undefined, 'ben@example.org')).toBeDefined();
    expect(parseResult(result({ from: 'ben@example.org' }), 'q1', undefined, 'ben@example.org')).toBeDefined();
    expect(parseResult(result({ from: 'ann@example.org' }), 'q1', undefined, 'ben@example.org')).toBeUndefined();
  });

  test('malformed results are dropped: no stamp, bad stamp, no forwarded message, oversized id', () => {
    expect(parseResult(result({ stamp: 'yesterday' }), 'q1', ROOM, undefined)).toBeUndefined();
    expect(parseResult(result({ inner: '' }), 'q1', ROOM, undefined)).toBeUndefined();
    expect(parseResult(result({ id: 'x'.repeat(300) }), 'q1', ROOM, undefined)).toBeUndefined();
    const noDelay = parseXml(
      `<message from='${ROOM}'><result xmlns='urn:xmpp:mam:2' queryid='q1' id='a'><forwarded xmlns='urn:xmpp:forward:0'><message type='groupchat'/></forwarded></result></message>`,
    );
    expect(parseResult(noDelay, 'q1', ROOM, undefined)).toBeUndefined();
  });
});

describe('parseFin', () => {
  test('complete with an RSM set', () => {
    const iq = parseXml(
      `<iq type='result' id='x'><fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'><first index='0'>a1</first><last>a9</last><count>9</count></set></fin></iq>`,
    );
    expect(parseFin(iq)).toEqual({ complete: true, first: 'a1', last: 'a9', count: 9 });
  });
  test('incomplete page; no fin at all', () => {
    const iq = parseXml(`<iq type='result' id='x'><fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><last>a5</last></set></fin></iq>`);
    expect(parseFin(iq)).toEqual({ complete: false, last: 'a5' });
    expect(parseFin(parseXml(`<iq type='result' id='x'/>`))).toBeUndefined();
  });
});

describe('queryElement', () => {
  test('form, filters and RSM paging', () => {
    const q = queryElement('q7', { start: '2026-11-01T00:00:00Z' }, 50, 'a5');
    expect(q.attrs).toMatchObject({ xmlns: 'urn:xmpp:mam:2', queryid: 'q7' });
    const fields = q.getChild('x', 'jabber:x:data')!.getChildren('field');
    expect(fields.map((f) => [f.attrs.var, f.getChildText('value')])).toEqual([
      ['FORM_TYPE', 'urn:xmpp:mam:2'],
      ['start', '2026-11-01T00:00:00Z'],
    ]);
    const set = q.getChild('set', 'http://jabber.org/protocol/rsm')!;
    expect(set.getChildText('max')).toBe('50');
    expect(set.getChildText('after')).toBe('a5');
    expect(queryElement('q8', {}, 10).getChild('set', 'http://jabber.org/protocol/rsm')!.getChild('after')).toBeUndefined();
  });
});

describe('mucArchived', () => {
  test("a groupchat message: nick, the room's record of the real JID, origin-id, JSON payload", () => {
    const m = mucArchived(parseResult(result(), 'q1', ROOM, undefined)!, ROOM);
    expect(m).toMatchObject({
      room: ROOM,
      nick: 'ann',
      jid: 'ann@example.org',
      stanzaId: '28482-98726-73623',
      originId: 'm1',
      body: 'Ann made a place: Tide Pool',
    });
    expect(m!.extras.map((e) => e.name)).toEqual(['json']);
  });

  test("a sender-forged <x/> next to the room's own: two items, so no author at all", () => {
    const inner = `<message from='${ROOM}/mallory' type='groupchat'><body>hi</body>
      <x xmlns='http://jabber.org/protocol/muc#user'><item jid='ann@example.org'/></x>
      <x xmlns='http://jabber.org/protocol/muc#user'><item jid='mallory@example.org'/></x></message>`;
    const m = mucArchived(parseResult(result({ inner }), 'q1', ROOM, undefined)!, ROOM);
    expect(m?.nick).toBe('mallory');
    expect(m?.jid).toBeUndefined();
  });

  test('a semi-anonymous room records no JID; non-groupchat and other rooms are skipped', () => {
    const anon = mucArchived(
      parseResult(result({ inner: `<message from='${ROOM}/ann' type='groupchat'><body>x</body></message>` }), 'q1', ROOM, undefined)!,
      ROOM,
    );
    expect(anon?.jid).toBeUndefined();
    expect(
      mucArchived(parseResult(result({ inner: `<message from='${ROOM}/ann' type='chat'><body>x</body></message>` }), 'q1', ROOM, undefined)!, ROOM),
    ).toBeUndefined();
    expect(
      mucArchived(
        parseResult(result({ inner: `<message from='other@muc.example.org/ann' type='groupchat'><body>x</body></message>` }), 'q1', ROOM, undefined)!,
        ROOM,
      ),
    ).toBeUndefined();
  });
});
