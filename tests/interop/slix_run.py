"""What every slixmpp script here does around its own logic: print events as JSON lines, log in over plain
c2s on a loopback port, run until the client's `done` future resolves or the timeout passes, log off; and
the peer that befriends one agent, which several scripts are.

The scripts run with Debian's /usr/bin/python3 from this directory, so `import slix_run` finds this file.
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


def run_client(client, host, port, timeout, on_timeout):
    """Connects `client` (a ClientXMPP with a `done` future), waits for it; on timeout calls on_timeout()."""
    loop = client.loop
    # The project-local Prosody allows PLAIN without TLS on loopback only (FACTS.md).
    client['feature_mechanisms'].unencrypted_plain = True
    client.connect((host, int(port)), disable_starttls=True, force_starttls=False)
    try:
        ok = loop.run_until_complete(asyncio.wait_for(asyncio.shield(client.done), float(timeout)))
    except asyncio.TimeoutError:
        on_timeout()
        ok = False
    # Let the last stanzas leave before closing the stream.
    loop.run_until_complete(client.disconnect(wait=2.0))
    # slixmpp leaves its stanza-filter task running; end it so the interpreter exits quietly.
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in pending:
        t.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    return ok


def run(client, host, port, limit_s, on_timeout=None, quiet_iq_errors=False, say_exit=True):
    """run_client for a script's main: the process exit code (0: done with True), an `exit` event unless
    told otherwise, and optionally quiet about IqErrors nobody awaits."""
    if quiet_iq_errors:
        # xep_0050's flow API sends with a callback and drops the future iq.send returns; for an error
        # answer that future holds an IqError nobody retrieves. The error reaches the session's 'error'
        # handler anyway: keep stderr quiet.
        def on_loop_exception(loop, context):
            if isinstance(context.get('exception'), slixmpp.exceptions.IqError):
                return
            loop.default_exception_handler(context)

        client.loop.set_exception_handler(on_loop_exception)
    ok = run_client(client, host, port, limit_s, on_timeout or (lambda: emit('timeout')))
    if say_exit:
        emit('exit', ok=ok)
    return 0 if ok else 1
