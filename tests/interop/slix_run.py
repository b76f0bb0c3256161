"""What every slixmpp script here does around its own logic: print events as JSON lines, log in over plain
c2s on a loopback port, run until the client's `done` future resolves or the timeout passes, log off."""

import asyncio
import json


def emit(event, **fields):
    print(json.dumps({'event': event, **fields}), flush=True)


def run_client(client, host, port, timeout, on_timeout):
    """Connects `client` (a ClientXMPP with a `done` future), waits for it; on timeout calls on_timeout()."""
    loop = client.loop
    # The project-local Prosody allows PLAIN without TLS on loopback only.
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
