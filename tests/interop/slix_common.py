"""What every slixmpp peer script in tests/interop shares: one JSON event per stdout line, and a run of a
client over plain c2s on loopback that ends cleanly (no hung interpreter, no stray task) within a time limit.

The scripts run with Debian's /usr/bin/python3 from this directory, so `import slix_common` finds this file.
"""

import asyncio
import json

import slixmpp


def emit(event, **fields):
    print(json.dumps({'event': event, **fields}, default=str), flush=True)


class FriendPeer(slixmpp.ClientXMPP):
    """A client that befriends one agent: subscriptions approved both ways, `friends` resolves once the
    roster says `both`, `done` with the script's outcome (`finish`)."""

    def __init__(self, jid, password, agent):
        super().__init__(jid, password)
        self.agent = slixmpp.JID(agent)
        self.done = self.loop.create_future()
        self.friends = self.loop.create_future()
        self.auto_authorize = True
        self.auto_subscribe = True
        self.add_event_handler('roster_update', self.on_roster)
        self.add_event_handler('failed_auth', lambda e: self.finish(False, 'auth failed'))
        self.add_event_handler('connection_failed', lambda e: self.finish(False, f'connection failed: {e}'))

    def finish(self, ok, why=''):
        if why:
            emit('failed', reason=why)
        if not self.done.done():
            self.done.set_result(ok)

    def on_roster(self, _iq):
        if self.client_roster[self.agent.bare]['subscription'] == 'both' and not self.friends.done():
            self.friends.set_result(True)


def run(client, host, port, limit_s, on_timeout=None, quiet_iq_errors=False, say_exit=True):
    """Connects `client` (which resolves its `done` future with True or False), waits at most `limit_s`,
    disconnects and returns the process exit code (0: done with True)."""
    loop = client.loop
    if quiet_iq_errors:
        # xep_0050's flow API sends with a callback and drops the future iq.send returns; for an error
        # answer that future holds an IqError nobody retrieves. The error reaches the session's 'error'
        # handler anyway: keep stderr quiet.
        def on_loop_exception(loop, context):
            if isinstance(context.get('exception'), slixmpp.exceptions.IqError):
                return
            loop.default_exception_handler(context)

        loop.set_exception_handler(on_loop_exception)
    # Loopback test server without TLS: slixmpp refuses PLAIN over a plain stream otherwise (FACTS.md).
    client['feature_mechanisms'].unencrypted_plain = True
    client.connect((host, int(port)), disable_starttls=True, force_starttls=False)
    try:
        ok = loop.run_until_complete(asyncio.wait_for(asyncio.shield(client.done), float(limit_s)))
    except asyncio.TimeoutError:
        (on_timeout or (lambda: emit('timeout')))()
        ok = False
    # Let the last stanzas leave before closing the stream.
    loop.run_until_complete(client.disconnect(wait=2.0))
    # slixmpp leaves its stanza-filter task running; end it so the interpreter exits quietly.
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in pending:
        t.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    if say_exit:
        emit('exit', ok=ok)
    return 0 if ok else 1
