// Adapts the XEP-0045 client to the narrow interface organizations use: group messages become
// OrgRoomMessages (our generated marker and JSON payload picked out of the peer's extra children).
import type { Element } from '@xmpp/xml';
import { ok } from '../../core/result.ts';
import { bareOf } from '../../core/jid.ts';
import { Emitter } from '../../core/emitter.ts';
import { NS_GENERATED } from '../../xmpp/chat/chat.ts';
import { NS_JSON } from '../../xmpp/commands/types.ts';
import type { Muc } from '../../xmpp/muc/muc.ts';
import type { OrgMuc, OrgMucEvents } from './org-muc.ts';

export function orgMucFrom(muc: Muc): OrgMuc {
  const events = new Emitter<OrgMucEvents>();
  muc.events.on('message', (m) => {
    const has = (name: string, ns: string) => m.extras.find((e: Element) => e.name === name && e.attrs.xmlns === ns);
    events.emit('message', {
      room: m.room,
      nick: m.nick,
      body: m.body,
      delayed: !!m.delayed,
      self: m.fromSelf,
      generated: !!has('generated', NS_GENERATED),
      json: has('json', NS_JSON),
      at: m.at,
    });
  });
  muc.events.on('occupants', ({ room, occupants }) => {
    const jids = [...occupants.values()].flatMap((o) => (o.jid ? [bareOf(o.jid)] : []));
    events.emit('occupants', { room, jids });
  });
  muc.events.on('invitation', (i) => events.emit('invitation', { room: i.room, from: i.from, reason: i.reason }));
  return {
    events,
    async join(room, nick) {
      const r = await muc.join(room, nick, { history: { maxstanzas: 50 } });
      return r.ok ? ok({ subject: r.value.subject }) : r;
    },
    async create(room, nick, config) {
      const r = await muc.create(room, nick, config);
      return r.ok ? ok({ created: r.value.created, affiliation: r.value.self.affiliation }) : r;
    },
    leave: (room) => muc.leave(room),
    send: (room, body, extra) => muc.send(room, body, extra),
    setSubject: (room, text) => muc.setSubject(room, text),
    setAffiliation: (room, jid, affiliation) => muc.setAffiliation(room, jid, affiliation),
    invite: (room, jid, reason) => muc.invite(room, jid, reason),
    destroy: (room, reason) => muc.destroy(room, reason),
    async roomInfo(room) {
      const r = await muc.roomInfo(room);
      return r.ok ? ok({ name: r.value.name, description: r.value.description }) : r;
    },
    async rooms(service) {
      const r = await muc.rooms(service);
      return r.ok ? ok(r.value.map((x) => ({ jid: x.jid, name: x.name }))) : r;
    },
    joined: () =>
      muc
        .joined()
        .filter((j) => j.phase === 'joined')
        .map((j) => j.room),
  };
}
