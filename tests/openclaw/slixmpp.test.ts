// A third-party XMPP client (Debian's python3-slixmpp: RFC 6121, XEP-0030/0004/0050, none of our code on
// its side) befriends the real OpenClaw agent on XMPP, chats with it and runs its `ask` command; the
// answers are the OpenClaw agent's, from real inference on the tiny model.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { DEBIAN_PYTHON } from '../helpers/nodes.ts';

const domain = inject('domain');
const c2sPort = inject('c2sPort');
const oc = inject('oc');
const SCRIPT = fileURLToPath(new URL('../interop/slixmpp_openclaw.py', import.meta.url));
const STEP_S = 60;

interface Event {
  event: string;
  [k: string]: unknown;
}

function runPeer(): Promise<{ code: number | null; events: Event[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(DEBIAN_PYTHON, [SCRIPT, `${oc.slix.user}@${domain}`, oc.slix.password, '127.0.0.1', String(c2sPort), oc.jid, String(STEP_S)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // The script bounds itself (STEP_S per step); this is the last resort against a hung interpreter.
    const kill = setTimeout(() => child.kill('SIGKILL'), STEP_S * 4 * 1000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Event);
      resolve({ code, events, stderr: err });
    });
  });
}

describe('slixmpp and the OpenClaw agent', () => {
  test('befriends it, chats with it and runs its ask command', async () => {
    const r = await runPeer();
    const detail = JSON.stringify(r.events) + r.stderr.slice(-2000);
    expect(
      r.events.find((e) => e.event === 'friends'),
      detail,
    ).toBeDefined();
    const chat = r.events.find((e) => e.event === 'chat_reply');
    expect(String(chat?.body ?? '').trim().length, detail).toBeGreaterThan(0);
    const ask = r.events.find((e) => e.event === 'ask_answer') as
      { status?: string; asked?: string[]; json?: { question: string; answer: string } } | undefined;
    expect(ask?.status, detail).toBe('completed');
    expect(ask?.asked).toEqual(['question']);
    expect(ask?.json?.question).toBe('What lives in a tide pool?');
    expect(ask?.json?.answer.trim().length).toBeGreaterThan(0);
    expect(r.code, detail).toBe(0);
  });
});
