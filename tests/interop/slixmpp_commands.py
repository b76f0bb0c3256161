#!/usr/bin/python3
"""XEP-0050 interop: slixmpp's own plugins (xep_0030, xep_0004, xep_0050) against a Tidepool node.

Run with Debian's interpreter (/usr/bin/python3; the pyenv `python3` on PATH does not see Debian packages):

    /usr/bin/python3 slixmpp_commands.py JID PASSWORD HOST C2S_PORT TIDEPOOL_FULL_JID TIMEOUT_SECONDS MODE

The account must exist already. The client logs in over plain c2s on a loopback port (no TLS) and prints
one JSON object per line on stdout. Nothing of Tidepool's runs on this side: forms are read and written
with xep_0004, commands are discovered with xep_0030 and run or served with xep_0050.

MODE "call": the client runs the Tidepool node's commands.
  - commands:  disco#items on 'http://jabber.org/protocol/commands' of TIDEPOOL_FULL_JID (xep_0030.get_items)
  - handshake: the two-stage 'handshake' skill through xep_0050's flow API (start_command, continue_command
               with 'next', 'prev' back to stage 1 and 'next' again, complete_command); stage forms are the
               received forms turned into submit forms, as slixmpp applications usually do. The final event
               carries the status, the result form's values and the <json xmlns='urn:xmpp:json:0'/> payload.
  - echo:      the single-stage 'echo' skill, submitted with a fresh xep_0004 submit form
  - cancel:    a second 'echo' session canceled with xep_0050.cancel_command
  - error:     executing a node that does not exist; prints the error condition (item-not-found)
  Exits 0 when every step gave what XEP-0050 says it should, 1 otherwise.

MODE "serve": the client offers an ad-hoc command with xep_0050.add_command: node 'weather' (name
  'Weather'), stage 1 asks 'city' (text-single, required), 'next' leads to stage 2 asking 'units'
  (list-single: metric/imperial), 'complete' returns a result form whose 'report' field is
  "{city}: 21 degrees ({units})"; an empty city is refused with bad-request (the session stays at stage 1),
  and a cancel is acknowledged. Prints {"event":"ready","jid":FULL_JID} once online with the command
  registered, an event per stage it receives, and exits 0 after one full run (1 on timeout).
"""

import asyncio
import json
import sys

import slixmpp
from slixmpp.plugins.xep_0004 import Form

from slix_run import emit, run

NS_COMMANDS = 'http://jabber.org/protocol/commands'
NS_JSON = 'urn:xmpp:json:0'


def form_of(iq):
    """The jabber:x:data form in a command answer, or None."""
    cmd = iq['command']
    if cmd.xml.find('{jabber:x:data}x') is None:
        return None
    return cmd['form']


def describe_form(form):
    if form is None:
        return None
    fields = []
    for var, f in form.get_fields().items():
        fields.append({'var': var, 'type': f['type'], 'required': f['required'],
                       'options': [o['value'] for o in f.get_options()],
                       'value': f.get_value(convert=False)})
    return {'type': form['type'], 'title': form['title'], 'fields': fields}


def json_payload(iq):
    el = iq['command'].xml.find('{%s}json' % NS_JSON)
    if el is None:
        return None
    try:
        return json.loads(el.text or '')
    except ValueError:
        return {'unparsable': el.text}


class Commands(slixmpp.ClientXMPP):
    def __init__(self, jid, password, target, timeout, mode):
        super().__init__(jid, password)
        self.target = target
        self.timeout = timeout
        self.mode = mode
        self.done = self.loop.create_future()
        self.register_plugin('xep_0030')
        self.register_plugin('xep_0004')
        self.register_plugin('xep_0050')
        self.add_event_handler('session_start', self.on_session_start)
        self.add_event_handler('failed_auth', self.on_failed)
        self.add_event_handler('connection_failed', self.on_failed)

    def finish(self, ok):
        if not self.done.done():
            self.done.set_result(ok)

    def on_failed(self, event):
        emit('failed', reason=str(event))
        self.finish(False)

    async def on_session_start(self, _event):
        emit('session', jid=str(self.boundjid))
        self.send_presence()
        if self.mode == 'serve':
            self.serve()
            emit('ready', jid=str(self.boundjid))
            return
        try:
            ok = await self.call()
        except Exception as e:  # report, do not hang until the timeout
            emit('exception', error=repr(e))
            ok = False
        self.finish(ok)

    # ------------------------------------------------------------------ caller side

    def flow(self, session, send):
        """Runs one xep_0050 flow step; resolves with the answer iq (result or error)."""
        fut = self.loop.create_future()

        def answered(iq, _session):
            if not fut.done():
                fut.set_result(iq)

        session['next'] = answered
        session['error'] = answered
        send()
        return asyncio.wait_for(fut, self.timeout)

    async def call(self):
        adhoc = self['xep_0050']
        ok = True

        def check(cond, what):
            nonlocal ok
            if not cond:
                emit('check_failed', what=what)
                ok = False
            return cond

        # 1. The command list (XEP-0050 §2.1) through xep_0030.
        items = await self['xep_0030'].get_items(jid=self.target, node=NS_COMMANDS, timeout=self.timeout)
        listed = [{'jid': str(j), 'node': n, 'name': name} for (j, n, name) in items['disco_items']['items']]
        emit('commands', nodes=[i['node'] for i in listed], items=listed)
        check({'describe', 'echo', 'handshake'} <= {i['node'] for i in listed}, 'commands listed')

        # XEP-0050 §2.3 / §2.2: the entity announces the commands feature; a command node describes itself
        # with an automation/command-node identity (Tidepool adds an XEP-0128 form, read with xep_0004).
        info = await self['xep_0030'].get_info(jid=self.target, timeout=self.timeout)
        has_feature = NS_COMMANDS in info['disco_info']['features']
        node_info = await self['xep_0030'].get_info(jid=self.target, node='handshake', timeout=self.timeout)
        identities = [list(i) for i in node_info['disco_info']['identities']]
        ext = node_info['disco_info'].xml.find('{jabber:x:data}x')
        ext_values = Form(xml=ext).get_values() if ext is not None else None
        emit('disco', commands_feature=has_feature, node='handshake', identities=identities,
             features=sorted(node_info['disco_info']['features']), extension=ext_values)
        check(has_feature, 'commands feature announced')
        check(any(i[0] == 'automation' and i[1] == 'command-node' for i in identities), 'command-node identity')

        # 2. handshake: execute -> stage 1; next -> stage 2; prev -> stage 1; next -> stage 2; complete.
        session = {}
        iq = await self.flow(session, lambda: adhoc.start_command(self.target, 'handshake', session))
        form = form_of(iq)
        emit('handshake_stage', stage=1, status=iq['command']['status'], sessionid=iq['command']['sessionid'],
             actions=sorted(iq['command']['actions']), form=describe_form(form))
        if not check(iq['type'] == 'result' and form is not None and 'name' in form.get_fields(), 'handshake stage 1'):
            return False

        def fill_stage1(form):
            form.set_values({'name': 'Slix', 'purpose': 'prove XEP-0050 interop\nfrom slixmpp', 'offers': 'weather'})
            form['type'] = 'submit'  # xep_0004 strips types, labels, options and <required/> from the fields
            return form

        session['payload'] = fill_stage1(form)
        iq = await self.flow(session, lambda: adhoc.continue_command(session, direction='next'))
        form = form_of(iq)
        emit('handshake_stage', stage=2, status=iq['command']['status'], actions=sorted(iq['command']['actions']),
             form=describe_form(form))
        if not check(iq['type'] == 'result' and form is not None and 'wants' in form.get_fields(), 'handshake stage 2'):
            return False
        wants_options = [o['value'] for o in form.get_fields()['wants'].get_options()]
        check('echo' in wants_options, 'echo offered in wants')

        # prev goes back to stage 1 (the session keeps its id); then stage 1 again.
        session['payload'] = None
        iq = await self.flow(session, lambda: adhoc.continue_command(session, direction='prev'))
        form = form_of(iq)
        emit('handshake_prev', status=iq['command']['status'], actions=sorted(iq['command']['actions']),
             form=describe_form(form))
        check(iq['type'] == 'result' and form is not None and 'name' in form.get_fields(), 'prev to stage 1')
        session['payload'] = fill_stage1(form)
        iq = await self.flow(session, lambda: adhoc.continue_command(session, direction='next'))
        form = form_of(iq)
        if not check(iq['type'] == 'result' and form is not None and 'wants' in form.get_fields(), 'stage 2 again'):
            return False

        form.set_values({'wants': ['echo'], 'agree': True})
        form['type'] = 'submit'
        session['payload'] = form
        iq = await self.flow(session, lambda: adhoc.complete_command(session))
        result = form_of(iq)
        payload = json_payload(iq)
        emit('handshake_done', type=iq['type'], status=iq['command']['status'],
             values=result.get_values() if result is not None else None,
             form=describe_form(result), json=payload,
             error=iq['error']['condition'] if iq['type'] == 'error' else None)
        check(iq['type'] == 'result' and iq['command']['status'] == 'completed', 'handshake completed')
        check(isinstance(payload, dict) and payload.get('agreed') is True, 'handshake agreed')

        # 3. echo: one stage, a fresh submit form built with xep_0004.
        session = {}
        iq = await self.flow(session, lambda: adhoc.start_command(self.target, 'echo', session))
        emit('echo_stage', status=iq['command']['status'], actions=sorted(iq['command']['actions']),
             form=describe_form(form_of(iq)))
        check(iq['type'] == 'result' and iq['command']['status'] == 'executing', 'echo stage')
        submit = self['xep_0004'].make_form(ftype='submit')
        submit.add_field(var='text', value='hello from slixmpp')
        submit.add_field(var='repeat', value='2')
        session['payload'] = submit
        iq = await self.flow(session, lambda: adhoc.complete_command(session))
        result = form_of(iq)
        text = result.get_fields()['text'].get_value(convert=False) if result is not None and 'text' in result.get_fields() else None
        emit('echo_done', type=iq['type'], status=iq['command']['status'], text=text, json=json_payload(iq))
        check(iq['command']['status'] == 'completed' and text == ['hello from slixmpp', 'hello from slixmpp'], 'echo result')

        # 3b. describe: no input stage, so the first answer is already the completed result.
        session = {}
        iq = await self.flow(session, lambda: adhoc.start_command(self.target, 'describe', session))
        result = form_of(iq)
        card = result.get_values() if result is not None else {}
        emit('describe_done', type=iq['type'], status=iq['command']['status'], name=card.get('name'),
             framework=card.get('framework'), json=json_payload(iq))
        check(iq['type'] == 'result' and iq['command']['status'] == 'completed' and card.get('framework') == 'tidepool', 'describe result')

        # 4. cancel between stages (XEP-0050 §3.4.3).
        session = {}
        iq = await self.flow(session, lambda: adhoc.start_command(self.target, 'echo', session))
        iq = await self.flow(session, lambda: adhoc.cancel_command(session))
        emit('cancel', type=iq['type'], status=iq['command']['status'])
        check(iq['type'] == 'result' and iq['command']['status'] == 'canceled', 'cancel')

        # 5. An unknown node: an error answer, item-not-found (XEP-0050 §4.4).
        session = {}
        iq = await self.flow(session, lambda: adhoc.start_command(self.target, 'no-such-command', session))
        emit('error', node='no-such-command', type=iq['type'], condition=iq['error']['condition'],
             error_type=iq['error']['type'], text=iq['error']['text'])
        check(iq['type'] == 'error' and iq['error']['condition'] == 'item-not-found', 'item-not-found')
        return ok

    # ------------------------------------------------------------------ server side

    def serve(self):
        self['xep_0050'].add_command(node='weather', name='Weather', handler=self.weather_start)

    def weather_start(self, iq, session):
        emit('served_stage', stage=1, **{'from': str(iq['from'])})
        form = self['xep_0004'].make_form(ftype='form', title='Weather')
        form['instructions'] = 'Which city?'
        form.add_field(var='city', ftype='text-single', label='City', required=True)
        session['payload'] = form
        session['next'] = self.weather_units
        session['has_next'] = True
        session['cancel'] = self.weather_cancel
        return session

    def weather_cancel(self, iq, session):
        emit('served_cancel', sessionid=session['id'])

    def weather_units(self, payload, session):
        values = payload.get_values() if payload else {}
        city = values.get('city')
        emit('served_stage', stage=2, submitted=values)
        if not city:
            # slixmpp turns this into an error answer; the session stays at stage 1 for a correction.
            emit('served_refused', reason='city is required')
            raise slixmpp.exceptions.XMPPError('bad-request', text='city is required', etype='modify')
        session['city'] = city
        form = self['xep_0004'].make_form(ftype='form', title='Units')
        form.add_field(var='units', ftype='list-single', label='Units', required=True, value='metric',
                       options=[{'label': 'Metric', 'value': 'metric'}, {'label': 'Imperial', 'value': 'imperial'}])
        session['payload'] = form
        session['next'] = self.weather_report
        session['has_next'] = False
        session['allow_prev'] = True
        return session

    def weather_report(self, payload, session):
        values = payload.get_values() if payload else {}
        units = values.get('units')
        emit('served_stage', stage=3, submitted=values)
        result = self['xep_0004'].make_form(ftype='result', title='Weather report')
        result.add_field(var='report', ftype='text-single', label='Report',
                         value=f"{session['city']}: 21 degrees ({units})")
        session['payload'] = result
        session['next'] = None
        emit('served_done', report=f"{session['city']}: 21 degrees ({units})")
        # xep_0050 sends the completed answer right after this handler returns; finish after that.
        self.loop.call_later(0.3, self.finish, True)
        return session


def main(argv):
    if len(argv) != 8 or argv[7] not in ('call', 'serve'):
        print(__doc__, file=sys.stderr)
        return 2
    jid, password, host, port, target, timeout, mode = argv[1:]
    client = Commands(jid, password, target, float(timeout), mode)
    return run(client, host, port, timeout, quiet_iq_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
