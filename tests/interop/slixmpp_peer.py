#!/usr/bin/python3
"""A third-party XMPP client (Debian's python3-slixmpp) that befriends and chats with a Tidepool node.

Run with Debian's interpreter (/usr/bin/python3; the pyenv `python3` on PATH does not see Debian packages):

    /usr/bin/python3 slixmpp_peer.py JID PASSWORD HOST C2S_PORT TIDEPOOL_BARE_JID TIMEOUT_SECONDS

It logs in over plain c2s on a loopback port (no TLS: the project-local Prosody allows unencrypted PLAIN
there), sends initial presence, asks the Tidepool node for a presence subscription, sends it the chat
message "hello from slixmpp", and approves the node's own subscription request when it comes. It prints
one JSON object per line on stdout for every event concerning the node, and exits 0 once it has seen
  - subscribed: the node approved our subscription,
  - subscribe:  the node asked to see our presence (answered with subscribed),
  - available:  the node's available presence,
  - message:    a chat message with a body from the node,
or 1 when the timeout passes first (or login fails).
"""

import sys

import slixmpp

from slix_run import emit, run

REQUIRED = ('subscribed', 'subscribe', 'available', 'message')


class Peer(slixmpp.ClientXMPP):
    def __init__(self, jid, password, tidepool):
        super().__init__(jid, password)
        self.tidepool = slixmpp.JID(tidepool).bare
        self.seen = set()
        self.done = self.loop.create_future()
        # Subscription requests are answered explicitly below, not by slixmpp's roster defaults.
        self.auto_authorize = None
        self.auto_subscribe = False
        self.add_event_handler('session_start', self.on_session_start)
        self.add_event_handler('presence_subscribed', self.on_subscribed)
        self.add_event_handler('presence_subscribe', self.on_subscribe)
        self.add_event_handler('presence_available', self.on_available)
        self.add_event_handler('presence_unavailable', self.on_unavailable)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('failed_auth', self.on_failed)
        self.add_event_handler('connection_failed', self.on_failed)

    def from_tidepool(self, stanza):
        return stanza['from'].bare == self.tidepool

    def saw(self, event):
        self.seen.add(event)
        if all(e in self.seen for e in REQUIRED) and not self.done.done():
            self.done.set_result(True)

    async def on_session_start(self, _event):
        emit('session', jid=str(self.boundjid))
        await self.get_roster()
        self.send_presence()
        self.send_presence(pto=self.tidepool, ptype='subscribe')
        self.send_message(mto=self.tidepool, mbody='hello from slixmpp', mtype='chat')
        emit('sent', to=self.tidepool, body='hello from slixmpp')

    def on_subscribed(self, pres):
        if not self.from_tidepool(pres):
            return
        emit('subscribed', **{'from': str(pres['from'])})
        self.saw('subscribed')

    def on_subscribe(self, pres):
        if not self.from_tidepool(pres):
            return
        self.send_presence(pto=pres['from'].bare, ptype='subscribed')
        emit('subscribe', **{'from': str(pres['from']), 'approved': True})
        self.saw('subscribe')

    def on_available(self, pres):
        if not self.from_tidepool(pres):
            return
        emit('available', **{'from': str(pres['from'])})
        self.saw('available')

    def on_unavailable(self, pres):
        if self.from_tidepool(pres):
            emit('unavailable', **{'from': str(pres['from'])})

    def on_message(self, msg):
        if not self.from_tidepool(msg) or msg['type'] not in ('chat', 'normal') or not msg['body']:
            return
        emit('message', **{'from': str(msg['from']), 'body': msg['body']})
        self.saw('message')

    def on_failed(self, event):
        emit('failed', reason=str(event))
        if not self.done.done():
            self.done.set_result(False)


def main(argv):
    if len(argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    jid, password, host, port, tidepool, timeout = argv[1:]
    peer = Peer(jid, password, tidepool)
    return run(peer, host, port, timeout, on_timeout=lambda: emit('timeout', missing=[e for e in REQUIRED if e not in peer.seen]), say_exit=False)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
