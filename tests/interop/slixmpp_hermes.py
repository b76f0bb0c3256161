#!/usr/bin/python3
"""The side of Hermes Agent's XMPP platform plugin, as far as its documented XEPs go, played with slixmpp.

Hermes Agent is in no registry these machines reach, so its adapter cannot run here. Its documentation
(the xmpp-platform plugin: slixmpp, direct messages, XEP-0045 rooms with mention gating, allowlists by
verified address) describes what it does on the wire; this client does the same with slixmpp's plugins
(xep_0030 service discovery, xep_0045 rooms, xep_0085 chat states) against a Tidepool agent:

    /usr/bin/python3 slixmpp_hermes.py JID PASSWORD HOST C2S_PORT AGENT_JID ROOM NICK TIMEOUT_SECONDS

  - presence and a mutual subscription with the agent (the agent's own subscription approved: an allowlisted,
    verified address, as the adapter's allowlist would be configured);
  - xep_0030: disco#info on the agent's full JID (identity and features, the way a client learns what it is);
  - a direct message with an <active/> chat state (XEP-0085); the agent's chat states and its reply;
  - xep_0045: joins ROOM as NICK; a room message that addresses NICK gets an answer in the room, one that
    does not is ignored (mention gating); a nick is never taken as an identity, the sender's real JID is
    reported only when the room reveals it.
Prints one JSON object per line; exits 0 when the reply came back and one addressed room message was answered.
"""

import asyncio
import re
import sys


from slix_run import FriendPeer, emit, run


class HermesSide(FriendPeer):
    def __init__(self, jid, password, agent, room, nick, timeout):
        super().__init__(jid, password, agent)
        self.room = room
        self.nick = nick
        self.timeout = timeout
        self.reply = self.loop.create_future()
        self.answered = self.loop.create_future()
        self.states = []
        for p in ('xep_0030', 'xep_0045', 'xep_0085'):
            self.register_plugin(p)
        # (run() allows PLAIN on the loopback test server without TLS; the real adapter insists on TLS.)
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('groupchat_message', self.on_groupchat)
        for state in ('active', 'composing', 'paused', 'inactive', 'gone'):
            self.add_event_handler(f'chatstate_{state}', self.on_state)

    def on_state(self, msg):
        if msg['from'].bare == self.agent.bare:
            self.states.append(msg['chat_state'])
            emit('chat_state', state=msg['chat_state'])

    def on_message(self, msg):
        if msg['type'] == 'chat' and msg['from'].bare == self.agent.bare and msg['body'] and not self.reply.done():
            self.reply.set_result(msg['body'])

    def on_groupchat(self, msg):
        if msg['mucroom'] != self.room or msg['mucnick'] in ('', self.nick) or msg.xml.find('{urn:xmpp:delay}delay') is not None:
            return
        body = msg['body']
        real = self['xep_0045'].get_jid_property(self.room, msg['mucnick'], 'jid')
        addressed = re.search(r'(^|[^\w])@?%s([^\w]|$)' % re.escape(self.nick), body, re.IGNORECASE) is not None
        emit('room_message', nick=msg['mucnick'], real_jid=str(real) if real else None, body=body, addressed=addressed)
        if not addressed:
            return
        self.send_message(mto=self.room, mbody=f"{msg['mucnick']}: Hermes here, I read you.", mtype='groupchat')
        if not self.answered.done():
            self.answered.set_result(body)

    async def on_start(self, _event):
        try:
            self.send_presence()
            await self.get_roster()
            self.send_presence(pto=self.agent.bare, ptype='subscribe')
            await asyncio.wait_for(self.friends, self.timeout)
            full = self.client_roster.presence(self.agent.bare)
            target = f'{self.agent.bare}/{next(iter(full))}' if full else self.agent.bare
            info = await self['xep_0030'].get_info(jid=target, timeout=self.timeout)
            emit('disco', jid=target, identities=[list(i) for i in info['disco_info']['identities']], features=sorted(info['disco_info']['features']))
            msg = self.make_message(mto=self.agent.bare, mbody='Hello from the Hermes side. What do you do?', mtype='chat')
            msg['chat_state'] = 'active'
            msg.send()
            emit('reply', body=await asyncio.wait_for(self.reply, self.timeout), states=self.states)
            self['xep_0045'].join_muc(self.room, self.nick)
            emit('joined', room=self.room, nick=self.nick)
            emit('answered', body=await asyncio.wait_for(self.answered, self.timeout))
            self.finish(True)
        except Exception as e:  # report, do not hang until the timeout
            self.finish(False, repr(e))


def main(argv):
    if len(argv) != 9:
        print(__doc__, file=sys.stderr)
        return 2
    jid, password, host, port, agent, room, nick, timeout = argv[1:]
    client = HermesSide(jid, password, agent, room, nick, float(timeout))
    return run(client, host, port, float(timeout) * 3)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
