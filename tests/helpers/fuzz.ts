// A deterministic stanza fuzzer for a Tidepool node, sent from a real second client through the real
// server. Case `n` of seed `s` is always the same stanza(s): `fuzzCase(s, n, target)` rebuilds it alone,
// so a failure reproduces from the (seed, n) printed with it. The only thing that is not a function of
// (seed, n) is a XEP-0050 sessionid the runner learned from the node's replies, which some cases reuse.
//
// Mix: random/unknown namespaces, misuse of the namespaces the node serves, disco on random nodes,
// roster pushes from a stranger, malformed XEP-0050 commands (nodes, actions, sessionids) and data
// forms (types, limits, shapes), deeply nested payloads, 100-200 KiB attribute values and payloads,
// messages with huge bodies, odd chat states and invalid XEP-0335 JSON, presences of every type,
// subscription floods, and request floods from one JID. Every stanza stays under Prosody's default
// c2s_stanza_size_limit (256 KiB), so the server never drops the fuzzing client for size.
import xml, { type Element } from '@xmpp/xml';
import type { XmppConnection } from '../../src/xmpp/connection/client.ts';
import { NS_STANZAS } from '../../src/xmpp/errors.ts';
import { mulberry32 } from '../../scripts/lib/prng.ts';

// ---------------------------------------------------------------------------------------------
// Namespaces and limits

export const NS = {
  ping: 'urn:xmpp:ping',
  discoInfo: 'http://jabber.org/protocol/disco#info',
  discoItems: 'http://jabber.org/protocol/disco#items',
  commands: 'http://jabber.org/protocol/commands',
  data: 'jabber:x:data',
  validate: 'http://jabber.org/protocol/xdata-validate',
  roster: 'jabber:iq:roster',
  json: 'urn:xmpp:json:0',
  chatstates: 'http://jabber.org/protocol/chatstates',
  nick: 'http://jabber.org/protocol/nick',
  caps: 'http://jabber.org/protocol/caps',
  delay: 'urn:xmpp:delay',
  hints: 'urn:xmpp:hints',
  progress: 'urn:xmpp:tidepool:progress:0',
  generated: 'urn:xmpp:tidepool:generated:0',
  skill: 'urn:xmpp:tidepool:skill:0',
  card: 'urn:xmpp:tidepool:card:0',
} as const;

/** Prosody's default c2s_stanza_size_limit: a bigger stanza closes the sender's stream. */
export const PROSODY_STANZA_LIMIT = 256 * 1024;
/** What the generator keeps every stanza under (UTF-8 bytes as serialised), with room to spare. */
export const MAX_FUZZ_STANZA_BYTES = 240 * 1024;
/** The node refuses command requests over this many characters (COMMAND_LIMITS.maxRequestChars). */
const COMMAND_REQUEST_CHARS = 64 * 1024;
/** The node refuses message bodies over this many characters (MAX_BODY_CHARS). */
const BODY_CHARS = 64 * 1024;

/** RFC 6120 §8.3.3 defined conditions. */
export const RFC6120_CONDITIONS: ReadonlySet<string> = new Set([
  'bad-request', 'conflict', 'feature-not-implemented', 'forbidden', 'gone', 'internal-server-error',
  'item-not-found', 'jid-malformed', 'not-acceptable', 'not-allowed', 'not-authorized', 'policy-violation',
  'recipient-unavailable', 'redirect', 'registration-required', 'remote-server-not-found',
  'remote-server-timeout', 'resource-constraint', 'service-unavailable', 'subscription-required',
  'undefined-condition', 'unexpected-request',
]);
const ERROR_TYPES: ReadonlySet<string> = new Set(['auth', 'cancel', 'continue', 'modify', 'wait']);

/** The node's built-in skills; `ask` is configured owner-only by the fuzz test. */
const SKILLS = ['describe', 'echo', 'handshake', 'ask'] as const;
const VALID_ACTIONS: ReadonlySet<string> = new Set(['execute', 'next', 'prev', 'complete', 'cancel']);

// ---------------------------------------------------------------------------------------------
// Seeded randomness: mulberry32 per case, seeded from (seed, n).


function caseSeed(seed: number, n: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ n, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

class Rand {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let x = this.next() * total;
    for (const [w, v] of items) {
      if ((x -= w) < 0) return v;
    }
    return items[items.length - 1]![1];
  }
}

// ---------------------------------------------------------------------------------------------
// Strings

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = LOWER + '0123456789';
const ODD_PIECES = [
  '<', '>', '&', "'", '"', ']]>', '&amp;', '<!--', '-->', '\t', '\n', '\r\n', ' ', '  ',
  'é', 'ß', '中文', 'Ω', '🦀', '👩‍👩‍👧', '\u202e', '\u200b', '\u00ad', 'e\u0301', '\uFEFF', '\uFFFD',
  '\u0000', '\u0001', '\u001b', '\uFFFE', '\uD800', // forbidden in XML: the client's sendSafe replaces them
  '%s', '%n', '${x}', '{{x}}', '__proto__', 'constructor', 'null', 'undefined', 'NaN', '-0', '1e999',
  '../../etc/passwd', 'ask', 'echo', '@', '/', 'x@y/z',
];

function word(r: Rand, max = 12): string {
  let s = LOWER[r.int(0, LOWER.length - 1)]!;
  const len = r.int(0, max - 1);
  for (let i = 0; i < len; i++) s += r.chance(0.15) ? '-' : ALNUM[r.int(0, ALNUM.length - 1)]!;
  return s;
}

function text(r: Rand, max = 40): string {
  const len = r.int(0, max);
  let s = '';
  while (s.length < len) s += r.chance(0.25) ? r.pick(ODD_PIECES) : word(r, 8) + (r.chance(0.5) ? ' ' : '');
  return s;
}

/** A string of about `bytes` UTF-8 bytes: mostly ASCII, a few multi-byte characters. */
function huge(r: Rand, bytes: number): string {
  const chunk = word(r, 20) + ' ' + r.pick(['é', '中', '🦀', '&', '<', 'x']) + ' ';
  // Sized as it goes on the wire, escaped.
  const chunkBytes = Buffer.byteLength(chunk.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
  return chunk.repeat(Math.max(1, Math.floor(bytes / chunkBytes)));
}

/** 100-200 KiB, the brief's "huge". */
const hugeBytes = (r: Rand) => r.int(100 * 1024, 200 * 1024);

function jidish(r: Rand, domain: string): string {
  return r.weighted<() => string>([
    [4, () => `${word(r)}@${domain}`],
    [2, () => `${word(r)}@${word(r)}.example`],
    [1, () => `${word(r)}@${domain}/${text(r, 12)}`],
    [1, () => text(r, 20)],
    [1, () => '@@' + word(r)],
    [1, () => ''],
    [1, () => `${word(r)}@`],
    [1, () => `${'a'.repeat(r.int(1024, 3100))}@${domain}`],
    [1, () => ` ${word(r)}@${domain} `],
  ])();
}

function sessionLike(r: Rand): string {
  return r.weighted<() => string>([
    [4, () => word(r, 10)],
    [1, () => ''],
    [1, () => ' '],
    [1, () => text(r, 30)],
    [1, () => 'x'.repeat(r.int(1000, 20_000))],
    [1, () => r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '-1', 'null'])],
  ])();
}

// ---------------------------------------------------------------------------------------------
// Cases

export type FuzzCategory =
  | 'iq-unknown' | 'iq-misuse' | 'iq-ping' | 'iq-disco' | 'iq-roster' | 'iq-command' | 'iq-command-form'
  | 'iq-deep' | 'iq-huge' | 'iq-odd' | 'message' | 'message-huge' | 'message-json' | 'message-chatstate'
  | 'presence' | 'subscribe-flood' | 'flood';

export interface FuzzTarget {
  /** The node's full JID: every IQ goes here. */
  full: string;
  /** The node's bare JID (subscriptions, some messages). */
  bare: string;
  domain: string;
}

/** What the runner learned from replies and lends to later cases (only sessionids). */
export interface FuzzState {
  sessions: Array<{ node: string; sessionid: string }>;
}

export interface FuzzStanza {
  /** The case this stanza came from: `fuzzCase(seed, n, target)` rebuilds it. */
  n: number;
  category: FuzzCategory;
  stanza: Element;
  /** An IQ with an id that must get exactly one reply (result or typed error). */
  expectsReply: boolean;
  /** If set, the reply must be one of these ('result' or RFC 6120 conditions). */
  allowed?: readonly string[];
  /** Policy this stanza probes: returns what went wrong when the reply shows it was broken. */
  policy?: (reply: Element) => string | undefined;
  /** A message the node must refuse with a message error of this condition (same id). */
  expectsMessageError?: string;
  /** Sent back to back with the previous stanza, ignoring the runner's window (floods). */
  burst?: boolean;
  /** Human description for reports. */
  what: string;
}

interface Ctx {
  r: Rand;
  n: number;
  seed: number;
  target: FuzzTarget;
  state: FuzzState;
  k: number;
}

const WEIGHTS: ReadonlyArray<readonly [number, FuzzCategory]> = [
  [10, 'iq-unknown'],
  [5, 'iq-misuse'],
  [3, 'iq-ping'],
  [8, 'iq-disco'],
  [5, 'iq-roster'],
  [14, 'iq-command'],
  [12, 'iq-command-form'],
  [4, 'iq-deep'],
  [3, 'iq-huge'],
  [3, 'iq-odd'],
  [8, 'message'],
  [2, 'message-huge'],
  [4, 'message-json'],
  [4, 'message-chatstate'],
  [6, 'presence'],
  [0.4, 'subscribe-flood'],
  [0.8, 'flood'],
];

/** The stanza(s) of case `n`. Pure in (seed, n, target) except for sessionids borrowed from `state`. */
export function fuzzCase(seed: number, n: number, target: FuzzTarget, state: FuzzState = { sessions: [] }): FuzzStanza[] {
  const r = new Rand(mulberry32(caseSeed(seed, n)));
  const ctx: Ctx = { r, n, seed, target, state, k: 0 };
  const category = r.weighted(WEIGHTS);
  const out = GENERATORS[category](ctx);
  for (const s of out) {
    const bytes = Buffer.byteLength(s.stanza.toString());
    if (bytes > MAX_FUZZ_STANZA_BYTES) throw new Error(`fuzz generator bug: case ${n} (${s.category}) is ${bytes} bytes`);
  }
  return out;
}

function nextId(c: Ctx): string {
  const base = `fz-${c.seed}-${c.n}-${c.k++}`;
  // Odd but legal ids: the reply must carry them back unchanged.
  return c.r.weighted<() => string>([
    [8, () => base],
    [1, () => `${base} ${text(c.r, 20).replace(/[\u0000-\u001f\ud800-\udfff\ufffe\uffff]/g, '')}`],
    [1, () => `${base}-${'i'.repeat(c.r.int(500, 4000))}`],
  ])();
}

/** Random extra attributes on a stanza: a spoofed from (the server must overwrite it), xml:lang. */
function stanzaAttrs(c: Ctx, attrs: Record<string, string | undefined>): Record<string, string | undefined> {
  const { r, target } = c;
  // (Only addresses xmpp.js itself can parse: its outgoing middleware refuses to send anything else.)
  if (r.chance(0.1)) attrs.from = r.pick([target.bare, target.full, `owner@${target.domain}`, target.domain, `${word(r)}@evil.example/${word(r)}`]);
  if (r.chance(0.05)) attrs['xml:lang'] = r.pick(['en', 'de-CH', '', 'x-klingon', text(r, 10)]);
  return attrs;
}

function iq(c: Ctx, type: string, payload: Element | Element[] | null, opts: Partial<FuzzStanza> & { what: string; category: FuzzCategory }): FuzzStanza {
  const id = nextId(c);
  const children = payload === null ? [] : Array.isArray(payload) ? payload : [payload];
  const stanza = xml('iq', stanzaAttrs(c, { type, id, to: c.target.full }), ...children);
  return { n: c.n, expectsReply: type === 'get' || type === 'set', ...opts, stanza };
}

function randomElement(c: Ctx, depth: number, ns?: string): Element {
  const { r } = c;
  const attrs: Record<string, string> = {};
  if (ns) attrs.xmlns = ns;
  for (let i = r.int(0, 3); i > 0; i--) attrs[word(r, 8)] = text(r, 30);
  const el = xml(word(r, 10), attrs);
  if (depth > 0) for (let i = r.int(0, 3); i > 0; i--) el.append(r.chance(0.3) ? text(r, 30) : randomElement(c, depth - 1, r.chance(0.2) ? randomNs(c) : undefined));
  else if (r.chance(0.5)) el.append(text(r, 40));
  return el;
}

function randomNs(c: Ctx): string {
  const { r } = c;
  return r.weighted<() => string>([
    [4, () => `urn:fuzz:${word(r)}:${r.int(0, 9)}`],
    [2, () => `http://${word(r)}.example/${word(r)}`],
    [1, () => `${NS.commands}#${word(r)}`],
    [1, () => `${NS.ping}:${word(r)}`],
    [1, () => 'jabber:iq:' + word(r)],
    [1, () => 'urn:xmpp:' + text(r, 20).replace(/\s/g, '')],
  ])();
}

/** A chain of `depth` nested elements, innermost `inner`. */
function nest(c: Ctx, depth: number, inner: Element | string, ns?: string): Element {
  let el: Element | string = inner;
  for (let i = 0; i < depth; i++) el = xml(c.r.chance(0.7) ? 'n' : word(c.r, 6), i === depth - 1 && ns ? { xmlns: ns } : {}, el);
  return el as Element;
}

// --- commands ---------------------------------------------------------------------------------

function commandNode(c: Ctx): string | undefined {
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

function commandAction(c: Ctx): string | undefined {
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

type SessionRef = { sessionid?: string; node?: string; real: boolean };

/** A sessionid: none, junk, a real one (maybe for another node), or a mutation of a real one. */
function commandSession(c: Ctx, node: string | undefined): SessionRef {
  const { r, state } = c;
  // Draw everything up front so the stream of draws does not depend on what the runner learned.
  const mode = r.weighted<string>([[3, 'none'], [3, 'junk'], [4, 'real'], [1, 'real-other-node'], [2, 'mutated']]);
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
function askPolicy(node: string | undefined): ((reply: Element) => string | undefined) | undefined {
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

function bothPolicies(...ps: Array<((reply: Element) => string | undefined) | undefined>) {
  const list = ps.filter((p): p is (reply: Element) => string | undefined => p !== undefined);
  return list.length ? (reply: Element) => list.map((p) => p(reply)).find((x) => x !== undefined) : undefined;
}

function commandIq(c: Ctx, category: FuzzCategory, node: string | undefined, action: string | undefined, sessionid: string | undefined, children: Element[], what: string): FuzzStanza {
  const cmd = xml('command', { xmlns: NS.commands, node, action, sessionid }, ...children);
  // The node measures the request as it re-serialises it; our serialisation is close enough to
  // decide clear cases, and borderline sizes (within 2 KiB of the limit) are left open.
  const chars = cmd.toString().length;
  const clear = Math.abs(chars - COMMAND_REQUEST_CHARS) > 2048;
  const allowed = clear ? commandExpectation(node, action, chars) : undefined;
  return iq(c, 'set', cmd, { category, what, allowed, policy: bothPolicies(askPolicy(node), handshakePolicy) });
}

// --- data forms -------------------------------------------------------------------------------

const FIELD_TYPES = ['boolean', 'fixed', 'hidden', 'jid-multi', 'jid-single', 'list-multi', 'list-single', 'text-multi', 'text-private', 'text-single'];
const KNOWN_VARS = ['text', 'repeat', 'name', 'purpose', 'offers', 'wants', 'agree', 'question', 'FORM_TYPE', '__proto__', 'constructor', 'toString'];

function fieldValue(c: Ctx, v: string | undefined): string {
  const { r } = c;
  return r.weighted<() => string>([
    [3, () => text(r, 30)],
    [2, () => r.pick(['1', '10', '11', '0', '-1', '1e1', ' 5', '5.0', 'ten', '99999999999999999999', 'true', 'false', 'yes', ''])],
    [v === 'wants' ? 4 : 1, () => r.pick(['ask', 'echo', 'describe', 'handshake', 'ASK', ''])],
    [1, () => jidish(r, c.target.domain)],
    [1, () => 'v'.repeat(r.int(2000, 12_000))],
  ])();
}

function randomField(c: Ctx, i: number): Element {
  const { r } = c;
  const v = r.weighted<() => string | undefined>([
    [4, () => r.pick(KNOWN_VARS)],
    [2, () => `f${i}`],
    [1, () => undefined],
    [1, () => text(r, 20)],
  ])();
  const type = r.weighted<() => string | undefined>([
    [4, () => undefined],
    [3, () => r.pick(FIELD_TYPES)],
    [1, () => r.pick(['TEXT-SINGLE', 'list', 'number', '', 'x'])],
  ])();
  const f = xml('field', { var: v, type, label: r.chance(0.2) ? text(r, 20) : undefined });
  const values = r.weighted<number>([[6, r.int(0, 3)], [1, r.int(100, 102)], [1, r.int(4, 20)]]);
  for (let j = 0; j < values; j++) f.append(xml('value', {}, values > 50 ? `${j}` : fieldValue(c, v)));
  if (r.chance(0.1)) f.append(xml('required', {}, r.chance(0.5) ? text(r, 5) : null));
  if (r.chance(0.05)) f.append(xml('required'), xml('required'));
  if (r.chance(0.08)) f.append(xml('desc', {}, text(r, 30)), ...(r.chance(0.5) ? [xml('desc', {}, 'again')] : []));
  if (r.chance(0.1)) {
    for (let k = r.int(1, 4); k > 0; k--) {
      const opt = xml('option', { label: r.chance(0.5) ? r.pick(['a', 'b', text(r, 10)]) : undefined });
      for (let m = r.weighted<number>([[5, 1], [1, 0], [1, 2]]); m > 0; m--) opt.append(xml('value', {}, r.pick(['a', 'b', 'echo', text(r, 10)])));
      f.append(opt);
    }
  }
  if (r.chance(0.08)) {
    const prefixed = r.chance(0.5);
    const name = prefixed ? 'xdv:validate' : 'validate';
    const attrs: Record<string, string | undefined> = prefixed ? { 'xmlns:xdv': NS.validate } : { xmlns: NS.validate };
    attrs.datatype = r.pick(['xs:integer', 'xs:string', 'xs:dateTime', 'xs:bogus', 'x:y', '', text(r, 10)]);
    const method = r.pick(['basic', 'open', 'range', 'regex', 'bogus']);
    const p = prefixed ? 'xdv:' : '';
    const child =
      method === 'range' ? xml(`${p}range`, { min: r.pick(['1', 'a', '-1e9']), max: r.pick(['10', 'z', '']) })
      : method === 'regex' ? xml(`${p}regex`, {}, r.pick(['(a+)+$', '[', '.*', '^x{1,99999}$', text(r, 10)]))
      : xml(`${p}${method}`);
    f.append(xml(name, attrs, child, r.chance(0.3) ? xml(`${p}list-range`, { min: r.pick(['1', '-1', 'x']), max: r.pick(['2', '0', '']) }) : null));
  }
  if (r.chance(0.05)) f.append(randomElement(c, 2));
  return f;
}

/** A malformed or odd <x xmlns='jabber:x:data'/>. */
function randomForm(c: Ctx): Element {
  const { r } = c;
  const type = r.weighted<() => string | undefined>([
    [6, () => 'submit'],
    [1, () => r.pick(['form', 'result', 'cancel'])],
    [1, () => r.pick(['SUBMIT', '', 'submitted', text(r, 8)])],
    [1, () => undefined],
  ])();
  const x = xml('x', { xmlns: NS.data, type });
  const shape = r.weighted<string>([[6, 'few'], [1, 'too-many-fields'], [1, 'limit-fields'], [1, 'duplicates'], [1, 'table'], [1, 'titles']]);
  const fields = shape === 'too-many-fields' ? r.int(201, 260) : shape === 'limit-fields' ? 200 : r.int(0, 6);
  for (let i = 0; i < fields; i++) x.append(fields > 20 ? xml('field', { var: `f${i}` }, xml('value', {}, String(i))) : randomField(c, i));
  if (shape === 'duplicates') x.append(xml('field', { var: 'text' }, xml('value', {}, 'a')), xml('field', { var: 'text' }, xml('value', {}, 'b')));
  if (shape === 'table') x.append(xml('reported', {}, randomField(c, 99)), xml('item', {}, randomField(c, 98)), xml('item'));
  if (shape === 'titles') {
    x.append(xml('title', {}, text(r, 20)), xml('title', {}, text(r, 20)));
    for (let i = r.weighted<number>([[3, 1], [1, 101]]); i > 0; i--) x.append(xml('instructions', {}, 'i'));
  }
  return x;
}

/** A submission that is close to what the skill asks for, so some fuzz reaches run(). */
function plausibleForm(c: Ctx, node: string | undefined): Element {
  const { r } = c;
  const f = (v: string, ...values: string[]) => xml('field', { var: v }, ...values.map((x) => xml('value', {}, x)));
  const echoText = () =>
    r.weighted<() => string>([
      [6, () => text(r, 60)],
      [2, () => huge(r, r.int(200, 5000))],
      [2, () => huge(r, r.int(10_000, 58_000))],
      [1, () => ''],
    ])();
  const fields: Element[] =
    node === 'echo' ? [f('text', echoText()), ...(r.chance(0.8) ? [f('repeat', r.weighted<string>([[6, String(r.int(1, 10))], [1, r.pick(['0', '11', '-1', '1.5', 'x', ''])]]))] : [])]
    : node === 'handshake' && r.chance(0.5) ? [f('name', r.chance(0.9) ? text(r, 30) : ''), f('purpose', text(r, 60)), f('offers', `${word(r)} ${word(r)}`)]
    : node === 'handshake' ? [f('wants', ...[r.pick(['echo', 'describe', 'ask'])].concat(r.chance(0.3) ? ['ask'] : [])), f('agree', r.pick(['true', '1', 'false', '0', 'yes', '']))]
    : [f('question', text(r, 50))];
  return xml('x', { xmlns: NS.data, type: 'submit' }, ...fields);
}

// --- generators per category ------------------------------------------------------------------

const GENERATORS: Record<FuzzCategory, (c: Ctx) => FuzzStanza[]> = {
  'iq-unknown': (c) => {
    const { r } = c;
    const type = r.pick(['get', 'set']);
    const payload = randomElement(c, r.int(0, 3), randomNs(c));
    return [iq(c, type, payload, { category: 'iq-unknown', what: `${type} <${payload.name} xmlns='${payload.attrs.xmlns}'/>`, allowed: ['service-unavailable'] })];
  },

  'iq-misuse': (c) => {
    const { r } = c;
    const junk = () => (r.chance(0.5) ? randomElement(c, 1) : null);
    const cases: Array<() => FuzzStanza> = [
      () => iq(c, 'set', xml('ping', { xmlns: NS.ping }), { category: 'iq-misuse', what: 'ping as set', allowed: ['service-unavailable'] }),
      () => iq(c, 'get', xml('ping', { xmlns: NS.ping, [word(r)]: text(r, 20) }, junk(), text(r, 20)), { category: 'iq-misuse', what: 'ping with junk inside', allowed: ['result'] }),
      () => iq(c, 'get', xml('pong', { xmlns: NS.ping }), { category: 'iq-misuse', what: 'unknown element in the ping namespace', allowed: ['service-unavailable'] }),
      () => iq(c, 'get', xml('ping'), { category: 'iq-misuse', what: 'ping without namespace', allowed: ['service-unavailable'] }),
      () => iq(c, 'set', xml('query', { xmlns: r.pick([NS.discoInfo, NS.discoItems]) }), { category: 'iq-misuse', what: 'disco as set', allowed: ['service-unavailable'] }),
      () => iq(c, 'get', xml('command', { xmlns: NS.commands, node: 'describe', action: 'execute' }), { category: 'iq-misuse', what: 'command as get', allowed: ['service-unavailable'] }),
      () => iq(c, 'get', xml('query', { xmlns: NS.roster }), { category: 'iq-misuse', what: "roster get to a peer's client", allowed: ['service-unavailable'] }),
      () => iq(c, r.pick(['get', 'set']), xml(r.pick(['x', 'json', 'body', 'error']), { xmlns: r.pick([NS.data, NS.json, 'jabber:client', NS_STANZAS]) }, text(r, 20)), { category: 'iq-misuse', what: 'a non-request element as payload', allowed: ['service-unavailable'] }),
      () => iq(c, 'get', xml('query', { xmlns: NS.discoInfo + ' ' }), { category: 'iq-misuse', what: 'namespace with trailing space', allowed: ['service-unavailable'] }),
      () => iq(c, 'get', xml('QUERY', { xmlns: NS.discoInfo }), { category: 'iq-misuse', what: 'element name in the wrong case', allowed: ['service-unavailable'] }),
    ];
    return [r.pick(cases)()];
  },

  'iq-ping': (c) => [iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'iq-ping', what: 'XEP-0199 ping', allowed: ['result'] })],

  'iq-disco': (c) => {
    const { r } = c;
    const items = r.chance(0.4);
    const nodeAttr = r.weighted<() => string | undefined>([
      [3, () => undefined],
      [3, () => NS.commands],
      [3, () => r.pick(['echo', 'describe', 'handshake'])],
      [3, () => 'ask'],
      [2, () => `urn:xmpp:tidepool#${r.pick(['', 'AAAA', text(r, 28)])}`],
      [3, () => word(r)],
      [1, () => text(r, 60)],
      [1, () => r.pick(['__proto__', 'constructor', 'ASK', ''])],
      [1, () => 'q'.repeat(r.int(1000, 40_000))],
    ])();
    const children = r.chance(0.1) ? [randomElement(c, 2)] : [];
    const q = xml('query', { xmlns: items ? NS.discoItems : NS.discoInfo, node: nodeAttr }, ...children);
    const what = `disco#${items ? 'items' : 'info'} node=${JSON.stringify((nodeAttr ?? '(none)').slice(0, 40))}`;
    let allowed: readonly string[] | undefined;
    let policy: ((reply: Element) => string | undefined) | undefined;
    if (!items) {
      if (nodeAttr === undefined || nodeAttr === '' || nodeAttr === NS.commands || nodeAttr === 'echo' || nodeAttr === 'describe' || nodeAttr === 'handshake') allowed = ['result'];
      else allowed = ['item-not-found']; // unknown nodes, random caps vers, and `ask`, which a stranger may not know of
      if (nodeAttr === 'ask') policy = (reply) => (reply.attrs.type === 'result' ? 'disco#info revealed the owner-only skill "ask" to the fuzzer' : undefined);
    } else {
      if (nodeAttr === undefined || nodeAttr === '' || nodeAttr === NS.commands) allowed = ['result'];
      else allowed = ['item-not-found'];
      if (nodeAttr === NS.commands) {
        policy = (reply) => {
          const listed = reply.getChild('query', NS.discoItems)?.getChildren('item').map((i) => i.attrs.node) ?? [];
          return listed.includes('ask') ? 'disco#items listed the owner-only skill "ask" for the fuzzer' : undefined;
        };
      }
    }
    return [iq(c, 'get', q, { category: 'iq-disco', what, allowed, policy })];
  },

  'iq-roster': (c) => {
    const { r, target } = c;
    const items: Element[] = [];
    for (let i = r.weighted<number>([[6, 1], [2, r.int(2, 10)], [1, r.int(200, 1000)], [1, 0]]); i > 0; i--) {
      items.push(
        xml(
          'item',
          { jid: r.chance(0.8) ? `${word(r)}@${r.pick([target.domain, 'evil.example'])}` : jidish(r, target.domain), subscription: r.pick([undefined, 'both', 'from', 'to', 'none', 'remove', 'bogus']), ask: r.chance(0.2) ? 'subscribe' : undefined, name: r.chance(0.3) ? text(r, 30) : undefined },
          ...(r.chance(0.3) ? [xml('group', {}, text(r, 20))] : []),
        ),
      );
    }
    const type = r.chance(0.85) ? 'set' : 'get';
    return [
      iq(c, type, xml('query', { xmlns: NS.roster, ver: r.chance(0.2) ? text(r, 10) : undefined }, ...items), {
        category: 'iq-roster',
        what: `roster ${type} from a stranger with ${items.length} items`,
        allowed: ['service-unavailable'],
        policy: (reply) => (reply.attrs.type === 'result' ? 'a roster push from a stranger was accepted' : undefined),
      }),
    ];
  },

  'iq-command': (c) => {
    const { r, state } = c;
    // With many sessions open the node refuses new ones; cancelling is what a real caller does.
    if (state.sessions.length >= 6 && r.chance(0.5)) {
      const s = r.pick(state.sessions);
      return [commandIq(c, 'iq-command', s.node, 'cancel', s.sessionid, [], `cancel ${s.node} session`)];
    }
    const node = commandNode(c);
    const action = commandAction(c);
    const sess = commandSession(c, node);
    const useNode = sess.real && r.chance(0.7) ? sess.node : node;
    const extra = r.chance(0.2) ? [randomElement(c, 1, r.pick([NS.commands, NS.data, NS.json, randomNs(c)]))] : [];
    if (r.chance(0.1)) extra.push(xml('json', { xmlns: NS.json }, r.pick(['{', '{"node":"ask"}', 'NaN', '[1,', '\u0000'])));
    return [commandIq(c, 'iq-command', useNode, action, sess.sessionid, extra, `command node=${JSON.stringify((useNode ?? '(none)').slice(0, 30))} action=${JSON.stringify((action ?? '(none)').slice(0, 20))} sessionid=${sess.sessionid === undefined ? '(none)' : sess.real ? '(real)' : JSON.stringify(sess.sessionid.slice(0, 20))}`)];
  },

  'iq-command-form': (c) => {
    const { r } = c;
    const node = r.chance(0.85) ? r.pick(['echo', 'handshake', 'ask', 'echo', 'handshake']) : commandNode(c);
    const sess = commandSession(c, node);
    const useNode = sess.real ? sess.node : node;
    const action = r.weighted<() => string | undefined>([[3, () => undefined], [3, () => 'execute'], [2, () => 'next'], [2, () => 'complete'], [1, () => commandAction(c)]])();
    const forms: Element[] = [];
    const plausible = sess.real && r.chance(0.5);
    forms.push(plausible ? plausibleForm(c, useNode) : randomForm(c));
    if (r.chance(0.1)) forms.push(randomForm(c));
    if (r.chance(0.05)) forms.unshift(xml('x', { xmlns: 'jabber:x:data:fake', type: 'submit' }, xml('field', { var: 'text' }, xml('value', {}, 'decoy'))));
    if (r.chance(0.05)) forms.push(xml('json', { xmlns: NS.json }, r.pick(['{"text":', '[', '"\\ud800"', '{"__proto__":{"admin":true}}'])));
    return [commandIq(c, 'iq-command-form', useNode, action, sess.sessionid, forms, `${plausible ? 'plausible' : 'malformed'} form to node=${JSON.stringify((useNode ?? '(none)').slice(0, 30))} action=${action ?? '(none)'} sessionid=${sess.real ? '(real)' : JSON.stringify((sess.sessionid ?? '(none)').slice(0, 20))}`)];
  },

  'iq-deep': (c) => {
    const { r } = c;
    const depth = r.int(20, 60);
    const where = r.pick(['unknown', 'ping', 'command', 'form', 'disco']);
    const inner = r.chance(0.5) ? text(r, 20) : randomElement(c, 1);
    if (where === 'unknown') return [iq(c, r.pick(['get', 'set']), nest(c, depth, inner, randomNs(c)), { category: 'iq-deep', what: `unknown payload nested ${depth} deep`, allowed: ['service-unavailable'] })];
    if (where === 'ping') return [iq(c, 'get', xml('ping', { xmlns: NS.ping }, nest(c, depth, inner)), { category: 'iq-deep', what: `ping holding ${depth} nested elements`, allowed: ['result'] })];
    if (where === 'disco') return [iq(c, 'get', xml('query', { xmlns: NS.discoInfo }, nest(c, depth, inner)), { category: 'iq-deep', what: `disco#info holding ${depth} nested elements`, allowed: ['result'] })];
    const node = r.pick(['echo', 'handshake', 'ask', 'describe']);
    const sess = commandSession(c, node);
    const deep = where === 'form'
      ? xml('x', { xmlns: NS.data, type: 'submit' }, xml('field', { var: 'text' }, xml('value', {}, nest(c, depth, inner))))
      : nest(c, depth, inner);
    return [commandIq(c, 'iq-deep', sess.real ? sess.node : node, r.pick([undefined, 'execute', 'complete', 'next']), sess.sessionid, [deep], `command with ${depth} nested elements (${where})`)];
  },

  'iq-huge': (c) => {
    const { r } = c;
    const size = hugeBytes(r);
    const blob = huge(r, size);
    const kb = Math.round(size / 1024);
    const cases: Array<() => FuzzStanza> = [
      () => iq(c, r.pick(['get', 'set']), xml(word(r), { xmlns: randomNs(c), [word(r)]: blob }), { category: 'iq-huge', what: `unknown payload with a ${kb} KiB attribute`, allowed: ['service-unavailable'] }),
      () => iq(c, 'get', xml('ping', { xmlns: NS.ping }, blob), { category: 'iq-huge', what: `ping with ${kb} KiB of text`, allowed: ['result'] }),
      () => iq(c, 'get', xml('ping', { xmlns: NS.ping, [word(r)]: blob }), { category: 'iq-huge', what: `ping with a ${kb} KiB attribute`, allowed: ['result'] }),
      () => iq(c, 'get', xml('query', { xmlns: NS.discoInfo, node: blob }), { category: 'iq-huge', what: `disco#info on a ${kb} KiB node name`, allowed: ['item-not-found'] }),
      () => commandIq(c, 'iq-huge', 'n'.repeat(size), 'execute', undefined, [], `command with a ${kb} KiB node name`),
      () => commandIq(c, 'iq-huge', r.pick(['echo', 'ask', 'handshake']), r.pick(['execute', 'complete']), r.chance(0.5) ? sessionLike(r) : undefined, [xml('x', { xmlns: NS.data, type: 'submit' }, xml('field', { var: 'text' }, xml('value', {}, blob)))], `command with a ${kb} KiB form value`),
      () => {
        // Many small elements rather than one big one.
        const kids: Element[] = [];
        for (let i = 0, bytes = 0; bytes < size; i++, bytes += 12) kids.push(xml('e', {}, String(i % 10)));
        return iq(c, 'set', xml('bulk', { xmlns: randomNs(c) }, ...kids), { category: 'iq-huge', what: `unknown payload with ${kids.length} children`, allowed: ['service-unavailable'] });
      },
      () => {
        const s = iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'iq-huge', what: `ping with a ${kb} KiB id`, allowed: ['result'] });
        s.stanza.attrs.id = `${s.stanza.attrs.id}-${'d'.repeat(size)}`;
        return s;
      },
    ];
    return [r.pick(cases)()];
  },

  'iq-odd': (c) => {
    const { r } = c;
    const cases: Array<() => FuzzStanza> = [
      // The server answers these itself (RFC 6120 §8.2.3); they never reach the node.
      () => iq(c, r.pick(['GET', 'fetch', '', 'get ']), xml('ping', { xmlns: NS.ping }), { category: 'iq-odd', what: 'iq with an invalid type', expectsReply: true, allowed: ['bad-request'] }),
      () => iq(c, r.pick(['get', 'set']), null, { category: 'iq-odd', what: 'iq without payload', allowed: ['bad-request'] }),
      () => iq(c, r.pick(['get', 'set']), [xml('ping', { xmlns: NS.ping }), randomElement(c, 1, randomNs(c))], { category: 'iq-odd', what: 'iq with two payloads', allowed: ['bad-request'] }),
      // Replies nobody asked for: the node must ignore them (and the server drops what it cannot route).
      () => iq(c, 'result', r.chance(0.5) ? randomElement(c, 2, randomNs(c)) : null, { category: 'iq-odd', what: 'unsolicited iq result', expectsReply: false }),
      () => iq(c, 'error', xml('error', { type: r.pick(['cancel', 'bogus']) }, xml(r.pick(['item-not-found', 'made-up']), { xmlns: NS_STANZAS })), { category: 'iq-odd', what: 'unsolicited iq error', expectsReply: false }),
      () => {
        const s = iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'iq-odd', what: 'ping without id', expectsReply: false });
        delete s.stanza.attrs.id;
        return s;
      },
    ];
    return [r.pick(cases)()];
  },

  message: (c) => {
    const { r, target } = c;
    const type = r.pick([undefined, 'chat', 'normal', 'headline', 'groupchat', 'error', 'bogus', 'CHAT']);
    const kids: Element[] = [];
    if (r.chance(0.7)) kids.push(xml('body', r.chance(0.1) ? { 'xml:lang': text(r, 5) } : {}, text(r, 200)));
    if (r.chance(0.05)) kids.push(xml('body', {}, 'second body'));
    if (r.chance(0.2)) kids.push(xml('subject', {}, text(r, 30)));
    if (r.chance(0.2)) kids.push(xml('thread', { parent: r.chance(0.3) ? text(r, 10) : undefined }, text(r, 20)));
    if (r.chance(0.15)) kids.push(xml('delay', { xmlns: NS.delay, stamp: r.pick(['2020-01-01T00:00:00Z', 'yesterday', '9999-99-99T99:99:99Z', '', '1e999', '-271821-04-20T00:00:00Z']) }));
    if (r.chance(0.1)) kids.push(xml('generated', { xmlns: NS.generated }));
    if (r.chance(0.1)) kids.push(xml('progress', { xmlns: NS.progress, node: r.pick(['echo', 'ask', text(r, 10)]), sessionid: sessionLike(r), percent: r.pick(['50', 'NaN', '-1', '1e999', '']) }, text(r, 30)));
    if (r.chance(0.1)) kids.push(xml('no-store', { xmlns: NS.hints }));
    if (r.chance(0.15)) kids.push(randomElement(c, r.int(0, 3), randomNs(c)));
    if (r.chance(0.05)) kids.push(nest(c, r.int(20, 60), text(r, 10), randomNs(c)));
    if (type === 'error' && r.chance(0.7)) kids.push(xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: NS_STANZAS })));
    const stanza = xml('message', stanzaAttrs(c, { to: r.chance(0.5) ? target.bare : target.full, type, id: r.chance(0.8) ? nextId(c) : undefined }), ...kids);
    return [{ n: c.n, category: 'message', stanza, expectsReply: false, what: `message type=${type ?? '(none)'} with ${kids.map((k) => k.name).join(',') || 'nothing'}` }];
  },

  'message-huge': (c) => {
    const { r, target } = c;
    const id = nextId(c);
    const type = r.pick([undefined, 'chat', 'normal']);
    const to = r.chance(0.5) ? target.bare : target.full;
    const mode = r.weighted<string>([[6, 'body'], [1, 'boundary'], [1, 'attr'], [1, 'other-child']]);
    if (mode === 'body') {
      const size = hugeBytes(r);
      const stanza = xml('message', { to, type, id }, xml('body', {}, huge(r, size)), xml('active', { xmlns: NS.chatstates }));
      // Any body this big is over MAX_BODY_CHARS (64 Ki characters): refused with policy-violation.
      return [{ n: c.n, category: 'message-huge', stanza, expectsReply: false, expectsMessageError: 'policy-violation', what: `chat with a ${Math.round(size / 1024)} KiB body` }];
    }
    if (mode === 'boundary') {
      const over = r.chance(0.5);
      const stanza = xml('message', { to, type, id }, xml('body', {}, 'b'.repeat(BODY_CHARS + (over ? 1 : 0))));
      return [{ n: c.n, category: 'message-huge', stanza, expectsReply: false, expectsMessageError: over ? 'policy-violation' : undefined, what: `chat with a body of ${BODY_CHARS + (over ? 1 : 0)} characters` }];
    }
    if (mode === 'attr') {
      const stanza = xml('message', { to, type, id, [word(r)]: huge(r, hugeBytes(r)) }, xml('body', {}, 'small body'));
      return [{ n: c.n, category: 'message-huge', stanza, expectsReply: false, what: 'message with a huge attribute' }];
    }
    const stanza = xml('message', { to, type, id }, xml(word(r), { xmlns: randomNs(c) }, huge(r, hugeBytes(r))));
    return [{ n: c.n, category: 'message-huge', stanza, expectsReply: false, what: 'message with a huge unknown payload' }];
  },

  'message-json': (c) => {
    const { r, target } = c;
    const json = r.weighted<() => string>([
      [3, () => r.pick(['{', '}', '[1,2', '{"a":}', 'NaN', 'Infinity', 'undefined', "{'a':1}", '{"a":1}}', '\u0000', '1e999', '"\\ud800"', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"x":1}}}'])],
      [1, () => '['.repeat(r.int(1000, 20_000))],
      [1, () => '{"a":'.repeat(r.int(100, 3000))],
      [1, () => text(r, 100)],
      [1, () => JSON.stringify({ node: 'ask', action: 'execute', owner: true, text: text(r, 30) })],
    ])();
    const stanza = xml(
      'message',
      stanzaAttrs(c, { to: r.chance(0.5) ? target.bare : target.full, type: r.pick([undefined, 'chat', 'normal', 'headline']), id: nextId(c) }),
      r.chance(0.6) ? xml('body', {}, text(r, 50)) : null,
      xml('json', { xmlns: NS.json, [r.chance(0.2) ? word(r) : 'x-none']: r.chance(0.2) ? text(r, 10) : undefined }, json),
      r.chance(0.2) ? xml('json', { xmlns: NS.json }, '{"second":true}') : null,
    );
    return [{ n: c.n, category: 'message-json', stanza, expectsReply: false, what: `message with invalid JSON ${JSON.stringify(json.slice(0, 30))}` }];
  },

  'message-chatstate': (c) => {
    const { r, target } = c;
    const states: Element[] = [];
    for (let i = r.weighted<number>([[5, 1], [2, r.int(2, 6)], [1, 0]]); i > 0; i--) {
      const name = r.pick(['active', 'composing', 'paused', 'inactive', 'gone', 'typing', 'Composing', 'thinking', word(r)]);
      states.push(xml(name, { xmlns: r.chance(0.9) ? NS.chatstates : randomNs(c), [r.chance(0.2) ? word(r) : 'x-none']: r.chance(0.2) ? text(r, 20) : undefined }, r.chance(0.2) ? text(r, 20) : null, r.chance(0.1) ? randomElement(c, 2) : null));
    }
    const stanza = xml(
      'message',
      stanzaAttrs(c, { to: r.chance(0.5) ? target.bare : target.full, type: r.pick([undefined, 'chat', 'normal', 'headline', 'groupchat', 'error']), id: r.chance(0.5) ? nextId(c) : undefined }),
      r.chance(0.3) ? xml('body', {}, text(r, 50)) : null,
      ...states,
      r.chance(0.3) ? xml('no-store', { xmlns: NS.hints }) : null,
    );
    return [{ n: c.n, category: 'message-chatstate', stanza, expectsReply: false, what: `chat states ${states.map((s) => s.name).join(',') || '(none)'}` }];
  },

  presence: (c) => {
    const { r, target } = c;
    const type = r.pick([undefined, undefined, 'unavailable', 'subscribe', 'subscribed', 'unsubscribe', 'unsubscribed', 'probe', 'error', 'bogus', 'AVAILABLE']);
    const kids: Element[] = [];
    if (r.chance(0.3)) kids.push(xml('show', {}, r.pick(['chat', 'away', 'xa', 'dnd', 'online', '', text(r, 10)])));
    if (r.chance(0.3)) kids.push(xml('status', {}, r.chance(0.1) ? huge(r, hugeBytes(r)) : text(r, 100)));
    if (r.chance(0.3)) kids.push(xml('priority', {}, r.pick(['0', '5', '-1', '-129', '128', '99999999999999999999', 'NaN', '1.5', ''])));
    if (r.chance(0.3)) kids.push(xml('nick', { xmlns: NS.nick }, r.chance(0.1) ? huge(r, r.int(1000, 50_000)) : text(r, 40)));
    if (r.chance(0.3)) kids.push(xml('c', { xmlns: NS.caps, hash: r.pick(['sha-1', 'sha-256', 'md5', '', text(r, 5)]), node: r.pick(['urn:xmpp:tidepool', 'http://example.org', text(r, 30)]), ver: r.pick(['', 'AAAA', '////', text(r, 40)]) }));
    if (r.chance(0.1)) kids.push(randomElement(c, 3, randomNs(c)));
    if (r.chance(0.05)) kids.push(nest(c, r.int(20, 60), text(r, 10), randomNs(c)));
    if (type === 'error') kids.push(xml('error', { type: 'cancel' }, xml('remote-server-not-found', { xmlns: NS_STANZAS })));
    const to = type === 'subscribe' || type === 'subscribed' || type === 'unsubscribe' || type === 'unsubscribed' || r.chance(0.5) ? target.bare : target.full;
    const stanza = xml('presence', stanzaAttrs(c, { to, type, id: r.chance(0.3) ? nextId(c) : undefined }), ...kids);
    return [{ n: c.n, category: 'presence', stanza, expectsReply: false, what: `presence type=${type ?? '(none)'} to ${to === target.bare ? 'bare' : 'full'} with ${kids.map((k) => k.name).join(',') || 'nothing'}` }];
  },

  'subscribe-flood': (c) => {
    const { r, target } = c;
    const out: FuzzStanza[] = [];
    for (let i = r.int(10, 30); i > 0; i--) {
      const type = r.weighted<string>([[8, 'subscribe'], [1, 'subscribed'], [1, 'unsubscribe']]);
      const stanza = xml('presence', { to: target.bare, type, id: r.chance(0.5) ? nextId(c) : undefined }, r.chance(0.7) ? xml('nick', { xmlns: NS.nick }, text(r, 30)) : null);
      out.push({ n: c.n, category: 'subscribe-flood', stanza, expectsReply: false, burst: true, what: `${type} flood` });
    }
    return out;
  },

  flood: (c) => {
    const { r, target } = c;
    const kind = r.pick(['ping', 'describe', 'echo', 'ask', 'disco', 'message', 'mixed']);
    const out: FuzzStanza[] = [];
    for (let i = r.int(10, 30); i > 0; i--) {
      const k = kind === 'mixed' ? r.pick(['ping', 'describe', 'echo', 'ask', 'disco', 'message']) : kind;
      let s: FuzzStanza;
      if (k === 'ping') s = iq(c, 'get', xml('ping', { xmlns: NS.ping }), { category: 'flood', what: 'ping flood', allowed: ['result'] });
      else if (k === 'disco') s = iq(c, 'get', xml('query', { xmlns: NS.discoInfo }), { category: 'flood', what: 'disco#info flood', allowed: ['result'] });
      else if (k === 'message') s = { n: c.n, category: 'flood', stanza: xml('message', { to: target.full, type: 'chat', id: nextId(c) }, xml('body', {}, `flood ${i}`)), expectsReply: false, what: 'message flood' };
      else s = commandIq(c, 'flood', k, 'execute', undefined, [], `${k} flood`);
      s.burst = true;
      out.push(s);
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// Judging replies

export type Outcome = { ok: true; outcome: string } | { ok: false; problem: string };

/** 'result', or the RFC 6120 condition of a well-formed error reply, or what is wrong with the reply. */
export function judgeIqReply(reply: Element): Outcome {
  const type = reply.attrs.type;
  if (type === 'result') return { ok: true, outcome: 'result' };
  if (type !== 'error') return { ok: false, problem: `reply of type ${JSON.stringify(type)}` };
  return judgeError(reply);
}

function judgeError(reply: Element): Outcome {
  const error = reply.getChild('error');
  if (!error) return { ok: false, problem: 'error reply without <error/>' };
  if (!ERROR_TYPES.has(error.attrs.type ?? '')) return { ok: false, problem: `error type ${JSON.stringify(error.attrs.type)} is not one of RFC 6120's` };
  const conditions = error.getChildElements().filter((e) => e.attrs.xmlns === NS_STANZAS && e.name !== 'text');
  if (conditions.length !== 1) return { ok: false, problem: `${conditions.length} defined conditions in <error/> (RFC 6120 §8.3.2 wants exactly one)` };
  const name = conditions[0]!.name;
  if (!RFC6120_CONDITIONS.has(name)) return { ok: false, problem: `unknown condition <${name}/>` };
  return { ok: true, outcome: name };
}

// ---------------------------------------------------------------------------------------------
// Running a batch through a real connection

export interface FuzzFailure {
  seed: number;
  n: number;
  category: FuzzCategory;
  what: string;
  problem: string;
  /** The stanza as sent (long text shortened). */
  stanza: string;
  reply?: string;
  /** When it was sent and when the problem was seen (ms since the epoch), to line it up with other events. */
  sentAt: number;
  at: number;
}

export interface FuzzStats {
  seed: number;
  cases: number;
  /** Fuzz stanzas sent (not counting barrier pings). */
  sent: number;
  byCategory: Record<string, number>;
  bytesSent: number;
  largestStanzaBytes: number;
  iqsExpectingReply: number;
  iqsAnswered: number;
  results: number;
  errorsByCondition: Record<string, number>;
  /** Per category, what came back ('result' or a condition). */
  outcomesByCategory: Record<string, Record<string, number>>;
  /** IQs without a reply within the timeout (the fuzzer's own connection stayed up). */
  timeouts: FuzzFailure[];
  /** Replies that are not a result or a well-formed RFC 6120 error, and duplicate replies. */
  badReplies: FuzzFailure[];
  /** Well-formed replies other than what the protocol (docs/PROTOCOL.md) says for that request. */
  unexpected: FuzzFailure[];
  /** Replies showing that something policy forbids happened. */
  violations: FuzzFailure[];
  messageErrorsExpected: number;
  messageErrorsReceived: number;
  messageErrorsMissing: FuzzFailure[];
  /** Message errors from the node, by condition (expected or not). */
  messageErrorsByCondition: Record<string, number>;
  /** Other stanzas the fuzzer got (progress messages, presence errors, server bounces...). */
  otherInbound: Record<string, number>;
  /** Stanzas the fuzzing client's own library refused to send (a generator bug if any). */
  clientRefused: FuzzFailure[];
  /** The fuzzing client lost its stream (e.g. the server's limits); it reconnects and goes on. */
  fuzzerDisconnects: Array<{ afterSent: number; lastStanza: string }>;
  /** IQs in flight when the fuzzer's own stream dropped (not counted as timeouts). */
  lostToFuzzerDisconnect: number;
  barrierPings: number;
  sessionsLearned: number;
  batches: number;
  aborted?: string;
  durationMs: number;
}

export interface RunFuzzOptions {
  /** Stanzas to send (a flood case may overshoot by a few). */
  count: number;
  seed: number;
  /** The fuzzing client, already online. */
  connection: XmppConnection;
  target: FuzzTarget;
  /** Stanzas per batch; `afterBatch` runs between batches. */
  batchSize?: number;
  /** IQs in flight at most (floods ignore it). */
  window?: number;
  /** Silence longer than this is a failure. */
  replyTimeoutMs?: number;
  /** Send a ping as a barrier after this many stanzas without an awaited IQ, so the node keeps up. */
  barrierEvery?: number;
  /** Give up after this many timeouts (the node is clearly gone; the rest would only wait). */
  maxTimeouts?: number;
  afterBatch?: (batch: number, stats: FuzzStats) => Promise<void> | void;
}

const shorten = (s: string, max = 700) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);

interface Pending {
  s: FuzzStanza;
  text: string;
  timer: ReturnType<typeof setTimeout>;
  resolve: () => void;
  acrossDisconnect: boolean;
}

/** Sends `count` generated stanzas to `target` in batches and judges every reply. Never throws for the node's faults. */
export async function runFuzz(o: RunFuzzOptions): Promise<FuzzStats> {
  const started = Date.now();
  const { connection, target, seed } = o;
  const batchSize = o.batchSize ?? 250;
  const window = o.window ?? 16;
  const replyTimeoutMs = o.replyTimeoutMs ?? 5000;
  const barrierEvery = o.barrierEvery ?? 24;
  const maxTimeouts = o.maxTimeouts ?? 25;
  const stats: FuzzStats = {
    seed, cases: 0, sent: 0, byCategory: {}, bytesSent: 0, largestStanzaBytes: 0, iqsExpectingReply: 0, iqsAnswered: 0, results: 0,
    errorsByCondition: {}, outcomesByCategory: {}, timeouts: [], badReplies: [], unexpected: [], violations: [], messageErrorsExpected: 0,
    messageErrorsReceived: 0, messageErrorsMissing: [], messageErrorsByCondition: {}, otherInbound: {}, clientRefused: [], fuzzerDisconnects: [],
    lostToFuzzerDisconnect: 0, barrierPings: 0, sessionsLearned: 0, batches: 0, durationMs: 0,
  };
  const state: FuzzState = { sessions: [] };
  const pending = new Map<string, Pending>(); // iq id -> request
  const pendingMessages = new Map<string, Pending>(); // message id -> request expecting an error
  const answered = new Map<string, FuzzStanza>(); // recent ids, to catch second replies
  const noReply = new Map<string, FuzzStanza>(); // ids of iq results/errors we sent: nobody may answer them
  const bump = (rec: Record<string, number>, k: string) => (rec[k] = (rec[k] ?? 0) + 1);
  const sentAt = new WeakMap<FuzzStanza, number>();
  const failure = (s: FuzzStanza, textOf: string, problem: string, reply?: Element): FuzzFailure => ({
    seed, n: s.n, category: s.category, what: s.what, problem, stanza: shorten(textOf), ...(reply ? { reply: shorten(reply.toString()) } : {}),
    sentAt: sentAt.get(s) ?? Date.now(), at: Date.now(),
  });
  let lastSent = '';
  let online = connection.status.state === 'online';

  const offStatus = connection.events.on('status', (st) => {
    const now = st.state === 'online';
    if (online && !now) {
      stats.fuzzerDisconnects.push({ afterSent: stats.sent, lastStanza: shorten(lastSent, 300) });
      for (const p of [...pending.values(), ...pendingMessages.values()]) p.acrossDisconnect = true;
    }
    online = now;
  });

  function learn(s: FuzzStanza, reply: Element) {
    const sentCmd = s.stanza.getChild('command', NS.commands);
    if (!sentCmd) return;
    const cmd = reply.getChild('command', NS.commands);
    const sid = cmd?.attrs.sessionid ?? sentCmd.attrs.sessionid;
    if (!sid) return;
    const forget = () => (state.sessions = state.sessions.filter((x) => x.sessionid !== sid));
    if (reply.attrs.type === 'result' && cmd) {
      if (cmd.attrs.status === 'executing') {
        if (!state.sessions.some((x) => x.sessionid === sid)) {
          state.sessions.push({ node: cmd.attrs.node ?? '', sessionid: sid });
          stats.sessionsLearned++;
          if (state.sessions.length > 16) state.sessions.shift();
        }
      } else forget();
    } else if (reply.attrs.type === 'error') {
      const app = reply.getChild('error')?.getChildElements().find((e) => e.attrs.xmlns === NS.commands)?.name;
      if ((app === 'bad-sessionid' || app === 'session-expired') && sentCmd.attrs.sessionid === sid) forget();
    }
  }

  const offStanza = connection.events.on('stanza', (reply) => {
    const id = reply.attrs.id ?? '';
    if (reply.name === 'iq' && (reply.attrs.type === 'result' || reply.attrs.type === 'error')) {
      const p = pending.get(id);
      if (!p) {
        const earlier = answered.get(id);
        const notRequest = noReply.get(id);
        if (earlier) stats.badReplies.push(failure(earlier, earlier.stanza.toString(), 'a second reply to the same IQ', reply));
        else if (notRequest) stats.badReplies.push(failure(notRequest, notRequest.stanza.toString(), `a reply to an iq of type ${notRequest.stanza.attrs.type} (RFC 6120 §8.2.3: never answered)`, reply));
        else bump(stats.otherInbound, `iq-${reply.attrs.type}-unmatched${id ? '' : '-without-id'}`);
        return;
      }
      pending.delete(id);
      clearTimeout(p.timer);
      answered.set(id, p.s);
      if (answered.size > 2000) answered.delete(answered.keys().next().value!);
      stats.iqsAnswered++;
      const judged = judgeIqReply(reply);
      if (!judged.ok) {
        stats.badReplies.push(failure(p.s, p.text, judged.problem, reply));
      } else {
        if (judged.outcome === 'result') stats.results++;
        else bump(stats.errorsByCondition, judged.outcome);
        bump((stats.outcomesByCategory[p.s.category] ??= {}), judged.outcome);
        if (reply.attrs.from !== undefined && reply.attrs.from !== target.full) stats.badReplies.push(failure(p.s, p.text, `reply from ${reply.attrs.from}, not ${target.full}`, reply));
        if (p.s.allowed && !p.s.allowed.includes(judged.outcome)) stats.unexpected.push(failure(p.s, p.text, `got ${judged.outcome}, expected ${p.s.allowed.join(' or ')}`, reply));
      }
      const violated = p.s.policy?.(reply);
      if (violated) stats.violations.push(failure(p.s, p.text, violated, reply));
      learn(p.s, reply);
      p.resolve();
      return;
    }
    if (reply.name === 'message' && reply.attrs.type === 'error') {
      const judged = judgeError(reply);
      const cond = judged.ok ? judged.outcome : 'malformed';
      bump(stats.messageErrorsByCondition, cond);
      const p = pendingMessages.get(id);
      if (p) {
        pendingMessages.delete(id);
        clearTimeout(p.timer);
        stats.messageErrorsReceived++;
        if (cond !== p.s.expectsMessageError) stats.unexpected.push(failure(p.s, p.text, `message error ${cond}, expected ${p.s.expectsMessageError}`, reply));
        p.resolve();
      }
      return;
    }
    bump(stats.otherInbound, `${reply.name}${reply.attrs.type ? `-${reply.attrs.type}` : ''}${reply.getChild('progress', NS.progress) ? '-progress' : ''}`);
  });

  async function waitOnline(): Promise<boolean> {
    const deadline = Date.now() + 30_000;
    while (connection.status.state !== 'online') {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  /** Sends one stanza and returns a promise settled by its reply, its timeout, or at once. */
  async function send(s: FuzzStanza, counted: boolean): Promise<{ settled: Promise<void> }> {
    const textOf = s.stanza.toString();
    const bytes = Buffer.byteLength(textOf);
    for (let attempt = 0; ; attempt++) {
      if (!(await waitOnline())) throw new Error('the fuzzing client could not get back online within 30 s');
      let settled: Promise<void> = Promise.resolve();
      const id = s.stanza.attrs.id;
      if (s.expectsReply && id) {
        stats.iqsExpectingReply++;
        settled = new Promise<void>((resolve) => {
          const p: Pending = {
            s, text: textOf, resolve, acrossDisconnect: false,
            timer: setTimeout(() => {
              pending.delete(id);
              if (p.acrossDisconnect) stats.lostToFuzzerDisconnect++;
              else stats.timeouts.push(failure(s, textOf, `no reply within ${replyTimeoutMs} ms`));
              resolve();
            }, replyTimeoutMs),
          };
          pending.set(id, p);
        });
      } else if (s.expectsMessageError && id) {
        stats.messageErrorsExpected++;
        settled = new Promise<void>((resolve) => {
          const p: Pending = {
            s, text: textOf, resolve, acrossDisconnect: false,
            timer: setTimeout(() => {
              pendingMessages.delete(id);
              if (p.acrossDisconnect) stats.lostToFuzzerDisconnect++;
              else stats.messageErrorsMissing.push(failure(s, textOf, `no ${s.expectsMessageError} message error within ${replyTimeoutMs} ms`));
              resolve();
            }, replyTimeoutMs),
          };
          pendingMessages.set(id, p);
        });
      }
      if (s.stanza.name === 'iq' && (s.stanza.attrs.type === 'result' || s.stanza.attrs.type === 'error') && id) noReply.set(id, s);
      lastSent = textOf;
      sentAt.set(s, Date.now());
      // (The client replaces characters XML forbids in place; `textOf` keeps the stanza as generated.)
      const r = await connection.send(s.stanza);
      if (r.ok) {
        if (counted) {
          stats.sent++;
          stats.bytesSent += bytes;
          stats.largestStanzaBytes = Math.max(stats.largestStanzaBytes, bytes);
          bump(stats.byCategory, s.category);
        }
        return { settled };
      }
      // Not sent (our stream is down): forget the expectation and try again once back online.
      if (id) {
        for (const map of [pending, pendingMessages]) {
          const p = map.get(id);
          if (p) {
            clearTimeout(p.timer);
            map.delete(id);
            if (s.expectsReply) stats.iqsExpectingReply--;
            else stats.messageErrorsExpected--;
          }
        }
      }
      if (connection.status.state === 'online') {
        // Still online, so the client library refused this stanza itself: a generator bug, not the node's.
        stats.clientRefused.push(failure(s, textOf, `the fuzzing client would not send it: ${r.error.message}`));
        return { settled: Promise.resolve() };
      }
      if (attempt >= 3) throw new Error(`the fuzzing client could not send: ${r.error.message}`);
    }
  }

  let n = 0;
  let sinceIq = 0;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };
  try {
    outer: while (stats.sent < o.count) {
      const batchEnd = Math.min(o.count, stats.sent + batchSize);
      while (stats.sent < batchEnd) {
        const stanzas = fuzzCase(seed, n++, target, state);
        stats.cases++;
        for (const [i, s] of stanzas.entries()) {
          if (!(s.burst && i > 0)) while (pending.size >= window) await Promise.race(inFlight);
          const { settled } = await send(s, true);
          if (s.expectsReply || s.expectsMessageError) {
            track(settled);
            sinceIq = 0;
          } else if (++sinceIq >= barrierEvery) {
            // A ping behind the non-IQ stanzas: its answer means the node has read them all.
            sinceIq = 0;
            stats.barrierPings++;
            const barrier: FuzzStanza = { n: -1, category: 'iq-ping', stanza: xml('iq', { type: 'get', id: `fz-${seed}-barrier-${stats.barrierPings}`, to: target.full }, xml('ping', { xmlns: NS.ping })), expectsReply: true, allowed: ['result'], what: 'barrier ping' };
            track((await send(barrier, false)).settled);
            while (pending.size > 0) await Promise.race(inFlight);
          }
          if (stats.timeouts.length >= maxTimeouts) {
            stats.aborted = `${stats.timeouts.length} IQs went unanswered; stopped after ${stats.sent} stanzas`;
            break outer;
          }
        }
      }
      await Promise.all([...inFlight]);
      stats.batches++;
      await o.afterBatch?.(stats.batches, stats);
    }
    await Promise.all([...inFlight]);
  } finally {
    offStanza();
    offStatus();
    for (const p of [...pending.values(), ...pendingMessages.values()]) clearTimeout(p.timer);
    stats.durationMs = Date.now() - started;
  }
  return stats;
}

/** The counts a person wants to read, without the failure details. */
export function fuzzSummary(s: FuzzStats) {
  return {
    seed: s.seed,
    cases: s.cases,
    sent: s.sent,
    batches: s.batches,
    MiB: +(s.bytesSent / 1048576).toFixed(1),
    largestStanzaKiB: +(s.largestStanzaBytes / 1024).toFixed(1),
    byCategory: s.byCategory,
    iqs: { expectingReply: s.iqsExpectingReply, answered: s.iqsAnswered, results: s.results, errors: s.iqsAnswered - s.results, timeouts: s.timeouts.length },
    errorsByCondition: s.errorsByCondition,
    messageErrors: { expected: s.messageErrorsExpected, received: s.messageErrorsReceived, byCondition: s.messageErrorsByCondition },
    badReplies: s.badReplies.length,
    unexpected: s.unexpected.length,
    violations: s.violations.length,
    clientRefused: s.clientRefused.length,
    fuzzerDisconnects: s.fuzzerDisconnects.length,
    lostToFuzzerDisconnect: s.lostToFuzzerDisconnect,
    barrierPings: s.barrierPings,
    sessionsLearned: s.sessionsLearned,
    otherInbound: s.otherInbound,
    ...(s.aborted ? { aborted: s.aborted } : {}),
    seconds: +(s.durationMs / 1000).toFixed(1),
  };
}
