#!/usr/bin/python3
"""The owner of a headless Tidepool node (`npm run node -- --owner JID`), in an ordinary XMPP client
(Debian's python3-slixmpp): it instructs the node in chat and approves the proposed action by reply.

    /usr/bin/python3 slixmpp_owner.py JID PASSWORD HOST C2S_PORT NODE_BARE_JID INSTRUCTION TIMEOUT_SECONDS

It sends INSTRUCTION as a chat message, waits for the node's proposal (a line with 'Reply "yes'),
answers "yes", and waits for the line that reports the action done. It prints one JSON object per line
on stdout for each chat message from the node and for what it sent, and exits 0 once the result came,
1 on timeout or a failed login.
"""

import re
import sys

import slixmpp

from slix_run import emit, run_client


class Owner(slixmpp.ClientXMPP):
    def __init__(self, jid, password, node, instruction):
        super().__init__(jid, password)
        self.node = slixmpp.JID(node).bare
        self.instruction = instruction
        self.approved = None
        self.done = self.loop.create_future()
        self.add_event_handler('session_start', self.on_session_start)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('failed_auth', self.on_failed)
        self.add_event_handler('connection_failed', self.on_failed)

    async def on_session_start(self, _event):
        self.send_presence()
        self.send_message(mto=self.node, mbody=self.instruction, mtype='chat')
        emit('sent', body=self.instruction)

    def on_message(self, msg):
        if msg['from'].bare != self.node or msg['type'] not in ('chat', 'normal') or not msg['body']:
            return
        body = msg['body']
        emit('message', body=body)
        proposal = re.match(r'^#(\d+) .*Reply "yes', body)
        if proposal and self.approved is None:
            self.approved = proposal.group(1)
            self.send_message(mto=self.node, mbody='yes', mtype='chat')
            emit('sent', body='yes')
        elif self.approved and body.startswith('#%s ' % self.approved) and not self.done.done():
            self.done.set_result(True)

    def on_failed(self, event):
        emit('failed', reason=str(event))
        if not self.done.done():
            self.done.set_result(False)


def main(argv):
    if len(argv) != 8:
        print(__doc__, file=sys.stderr)
        return 2
    jid, password, host, port, node, instruction, timeout = argv[1:]
    owner = Owner(jid, password, node, instruction)
    ok = run_client(owner, host, port, timeout, lambda: emit('timeout', approved=owner.approved))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
