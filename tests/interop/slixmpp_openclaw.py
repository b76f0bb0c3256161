#!/usr/bin/python3
"""A third-party XMPP client (slixmpp, nothing of Tidepool's) and an OpenClaw agent on XMPP (our channel plugin).

    /usr/bin/python3 slixmpp_openclaw.py JID PASSWORD HOST C2S_PORT AGENT_FULL_JID TIMEOUT_SECONDS

The account must exist and be in the agent's allowFrom. The client logs in over plain c2s on loopback, asks
the agent for a mutual subscription (RFC 6121; it approves the agent's request back), then:
  - chat: sends a chat message to the agent's bare JID and waits for its reply (real inference);
  - ask:  runs the agent's 'ask' command (XEP-0050 through xep_0050's flow API, the form filled with
          xep_0004) and waits for the answer form and its <json xmlns='urn:xmpp:json:0'/> payload.
Prints one JSON object per line on stdout; exits 0 when both came back, 1 otherwise.
"""

import asyncio
import json
import sys


from slix_run import FriendPeer, emit, run

NS_JSON = 'urn:xmpp:json:0'


class Peer(FriendPeer):
    def __init__(self, jid, password, agent, timeout):
        super().__init__(jid, password, agent)
        self.timeout = timeout
        self.replies = asyncio.Queue()
        self.register_plugin('xep_0030')
        self.register_plugin('xep_0004')
        self.register_plugin('xep_0050')
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('message', self.on_message)

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal') and msg['from'].bare == self.agent.bare and msg['body']:
            self.replies.put_nowait(msg['body'])

    async def on_start(self, _event):
        try:
            self.send_presence()
            await self.get_roster()
            self.send_presence(pto=self.agent.bare, ptype='subscribe')
            await asyncio.wait_for(self.friends, self.timeout)
            emit('friends', agent=self.agent.bare)
            self.send_message(mto=self.agent.bare, mbody='Hello from slixmpp. What is the tide doing?', mtype='chat')
            body = await asyncio.wait_for(self.replies.get(), self.timeout)
            emit('chat_reply', body=body)
            answer = await self.ask('What lives in a tide pool?')
            emit('ask_answer', **answer)
            self.finish(answer.get('status') == 'completed' and bool(body.strip()))
        except Exception as e:  # report, do not hang until the timeout
            self.finish(False, repr(e))

    async def ask(self, question):
        adhoc = self['xep_0050']
        fut = self.loop.create_future()

        def answered(iq, _session):
            if not fut.done():
                fut.set_result(iq)

        session = {'next': answered, 'error': answered}
        adhoc.start_command(self.agent, 'ask', session)
        iq = await asyncio.wait_for(fut, self.timeout)
        if iq['type'] == 'error':
            return {'status': 'error', 'condition': iq['error']['condition'], 'text': iq['error']['text']}
        form = iq['command']['form']
        fields = list(form.get_fields().keys())
        submit = self['xep_0004'].make_form(ftype='submit')
        submit.add_field(var='question', ftype='text-multi', value=question.split('\n'))
        session['payload'] = submit
        fut = self.loop.create_future()
        session['next'] = answered
        session['error'] = answered
        adhoc.complete_command(session)
        iq = await asyncio.wait_for(fut, self.timeout)
        if iq['type'] == 'error':
            return {'status': 'error', 'condition': iq['error']['condition'], 'text': iq['error']['text']}
        result = iq['command']['form'].get_values() if iq['command'].xml.find('{jabber:x:data}x') is not None else {}
        el = iq['command'].xml.find('{%s}json' % NS_JSON)
        return {'status': iq['command']['status'], 'asked': fields, 'result': result, 'json': json.loads(el.text) if el is not None else None}


def main(argv):
    if len(argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    jid, password, host, port, agent, timeout = argv[1:]
    peer = Peer(jid, password, agent, float(timeout))
    return run(peer, host, port, float(timeout) * 3, quiet_iq_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
