// XEP-0050 commands as a stranger sends them: odd nodes, actions and sessionids (junk, real ones the
// runner learned, real ones for another node, mutated ones), what the node must answer to the clear
// cases (docs/PROTOCOL.md), and the policies every command reply is checked against.
import xml, { type Element } from '@xmpp/xml';
import { COMMAND_REQUEST_CHARS, NS, SKILLS, VALID_ACTIONS } from './constants.ts';
import { iq } from './build.ts';
import { sessionLike, text, word } from './strings.ts';
import type { Ctx, FuzzCategory, FuzzStanza, Policy } from './types.ts';

export function commandNode(c: Ctx): string | undefined {
  const { r } = c;
  return r.weighted<() => string | undefined>([
    [6, () => r.pick(['echo', 'describe', 'handshake'])],
    [4, () => 'ask'],
    [1, () => undefined],
    [1, () => ''],
    [1, () => r.pick(['ASK', 'Ask', ' ask', 'ask ', 'ask\u200b', '\u0430sk', 'echo/', 'ask#x'])],
    [1, () => r.pick(['__proto__', 'constructor', 'hasOwnProperty', 'toString', NS.commands])],
    [2, () => word(r)],
    [1, () => text(r, 60)],
    [1, () => 'n'.repeat(r.int(1000, 30_000))],
  ])();
}

export function commandAction(c: Ctx): string | undefined {
  const { r } = c;
  return r.weighted<() => string | undefined>([
    [6, () => r.pick(['execute', 'next', 'prev', 'complete', 'cancel'])],
    [3, () => undefined],
    [1, () => ''],
    [1, () => r.pick(['EXECUTE', 'Execute', 'next ', 'explode', 'run', 'submit', 'cancel\u0000', '__proto__', 'toString'])],
    [1, () => text(r, 30)],
    [1, () => 'a'.repeat(r.int(500, 5000))],
  ])();
}

export type SessionRef = { sessionid?: string; node?: string; real: boolean };

/** A sessionid: none, junk, a real one (maybe for another node), or a mutation of a real one. */
export function commandSession(c: Ctx, node: string | undefined): SessionRef {
  const { r, state } = c;
  // Draw everything up front so the stream of draws does not depend on what the runner learned.
  const mode = r.weighted<string>([
    [3, 'none'],
    [3, 'junk'],
    [4, 'real'],
    [1, 'real-other-node'],
    [2, 'mutated'],
  ]);
  const pickAt = r.next();
  const junk = sessionLike(r);
  const mutation = r.int(0, 5);
  const mine = state.sessions.filter((s) => s.node === node);
  const pool = mode === 'real-other-node' ? state.sessions.filter((s) => s.node !== node) : mine.length ? mine : state.sessions;
  const real = pool.length ? pool[Math.floor(pickAt * pool.length)] : undefined;
  if (mode === 'none') return { real: false };
  if (mode === 'junk' || !real) return { sessionid: junk, real: false };
  if (mode === 'mutated') {
    const s = real.sessionid;
    const m = [s.toUpperCase(), s + 'x', s.slice(1), ` ${s}`, s + '\u200b', s.replace(/.$/, (ch) => (ch === 'a' ? 'b' : 'a'))][mutation]!;
    return { sessionid: m === s ? m + '_' : m, node: real.node, real: false };
  }
  return { sessionid: real.sessionid, node: real.node, real: true };
}

/** What the node must answer a command with when its checks that precede any session state apply. */
function commandExpectation(node: string | undefined, action: string | undefined, payloadChars: number): readonly string[] | undefined {
  const allowed = new Set<string>();
  if (payloadChars > COMMAND_REQUEST_CHARS) allowed.add('policy-violation');
  if (!node) allowed.add('bad-request');
  if (action !== undefined && !VALID_ACTIONS.has(action)) allowed.add('bad-request');
  if (node && !(SKILLS as readonly string[]).includes(node)) allowed.add('item-not-found');
  if (node === 'ask') allowed.add('forbidden');
  return allowed.size ? [...allowed] : undefined;
}

/** `ask` is owner-only: nothing the fuzzer sends may make it run or open a session for it. */
function askPolicy(node: string | undefined): Policy | undefined {
  if (node !== 'ask') return undefined;
  return (reply) => (reply.attrs.type === 'result' ? 'the owner-only skill "ask" answered the fuzzer with a result' : undefined);
}

/** A handshake agreement may only grant skills the caller may use. */
function handshakePolicy(reply: Element): string | undefined {
  const cmd = reply.getChild('command', NS.commands);
  if (!cmd || cmd.attrs.status !== 'completed' || cmd.attrs.node !== 'handshake') return undefined;
  const json = cmd.getChild('json', NS.json)?.text();
  try {
    const v = JSON.parse(json ?? '{}') as { wants?: unknown };
    if (Array.isArray(v.wants) && v.wants.includes('ask')) return 'a handshake granted the owner-only skill "ask" to the fuzzer';
  } catch {
    return 'a completed handshake carried invalid JSON';
  }
  return undefined;
}

function bothPolicies(...ps: Array<Policy | undefined>): Policy | undefined {
  const list = ps.filter((p): p is Policy => p !== undefined);
  return list.length ? (reply) => list.map((p) => p(reply)).find((x) => x !== undefined) : undefined;
}

export function commandIq(
  c: Ctx,
  category: FuzzCategory,
  node: string | undefined,
  action: string | undefined,
  sessionid: string | undefined,
  children: Element[],
  what: string,
): FuzzStanza {
  const cmd = xml('command', { xmlns: NS.commands, node, action, sessionid }, ...children);
  // The node measures the request as it re-serialises it; our serialisation is close enough to
  // decide clear cases, and borderline sizes (within 2 KiB of the limit) are left open.
  const chars = cmd.toString().length;
  const clear = Math.abs(chars - COMMAND_REQUEST_CHARS) > 2048;
  const allowed = clear ? commandExpectation(node, action, chars) : undefined;
  return iq(c, 'set', cmd, { category, what, allowed, policy: bothPolicies(askPolicy(node), handshakePolicy) });
}
