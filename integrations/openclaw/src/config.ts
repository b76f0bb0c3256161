// `channels.xmpp` in openclaw.json, checked into one resolved account. OpenClaw validates the shape against
// the manifest's schema before the plugin runs; this checks what a schema cannot (a JID that parses, a
// name or a jid + password, ws:// only to loopback) and fills the defaults, so the rest of the plugin
// reads one typed value. Problems are values (TidepoolError), reported on the channel's status.
import { fail, ok, type Result } from '../../../src/core/result.ts';
import type { TidepoolError } from '../../../src/core/errors.ts';
import { bareOf, parseBareJid } from '../../../src/core/jid.ts';
import { SUBSCRIPTION_POLICIES, type AutonomyPolicy, type SubscriptionPolicy } from '../../../src/agent/index.ts';

/** OpenClaw's DM policies; how each maps onto Tidepool friends is in dm-policy.ts. */
export const DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];
export const GROUP_POLICIES = ['open', 'allowlist', 'disabled'] as const;
export type GroupPolicy = (typeof GROUP_POLICIES)[number];

export interface XmppAccount {
  accountId: string;
  enabled: boolean;
  service: string;
  domain: string;
  /** Register this name in-band (XEP-0077) on first start; or log in with jid + password. */
  login: { kind: 'register'; name: string } | { kind: 'account'; jid: string; password: string };
  /** The agent's name on its card and its nick in rooms (with jid + password: `name`, else the JID's local part). */
  name: string;
  persona: string;
  /** Friend requests (the node's subscription policy); `ask` holds them for the owner (pairing). */
  accept: SubscriptionPolicy;
  /** Tidepool owners: may use every enabled skill of the node. */
  owners: string[];
  dmPolicy: DmPolicy;
  allowFrom: string[];
  groupPolicy: GroupPolicy;
  groupAllowFrom: string[];
  /** Rooms to join at start (room@service). */
  rooms: string[];
  /** Per room (or "*"): answer only when addressed (OpenClaw's requireMention, default true). */
  groups: Record<string, { requireMention?: boolean; enabled?: boolean }>;
  /** Where the node keeps its identity, friends and history; default under OpenClaw's state directory. */
  state?: string;
  /** Longest an `ask` waits for the OpenClaw agent's answer. */
  askTimeoutMs: number;
  /** The node's policy for what its agent may do on the network (the `tidepool` tool; see tool-policy.ts). */
  policy?: Partial<Pick<AutonomyPolicy, 'allowedSkills' | 'firstContact' | 'actionsPerMinute'>>;
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : []);
const bad = (message: string): Result<never, TidepoolError> => fail({ kind: 'invalid', message: `channels.xmpp: ${message}` });

/** A sender entry of allowFrom: a bare JID (an `xmpp:` prefix is accepted) or "*". */
function allowEntries(v: unknown, key: string): Result<string[], TidepoolError> {
  const out: string[] = [];
  for (const e of list(v)) {
    if (e === '*') {
      out.push(e);
      continue;
    }
    const jid = parseBareJid(bareOf(e.replace(/^xmpp:/i, '')));
    if (!jid) return bad(`${key} entry "${e.slice(0, 80)}" is not a JID`);
    out.push(jid);
  }
  return ok(out);
}

/** ws:// sends the password in the clear: only to this machine (the same rule as src/xmpp/connection/sasl-policy.ts). */
function serviceProblem(service: string): string | undefined {
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    return `service "${service.slice(0, 120)}" is not a URL`;
  }
  if (url.protocol === 'wss:') return undefined;
  if (url.protocol !== 'ws:') return 'service must be a ws:// or wss:// URL (RFC 7395 XMPP over WebSocket)';
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) ? undefined : 'ws:// (unencrypted) is only allowed to a loopback host; use wss://';
}

export function resolveXmppAccount(raw: unknown, accountId = 'default'): Result<XmppAccount, TidepoolError> {
  const c = isRecord(raw) ? raw : {};
  const service = str(c.service);
  if (!service) return bad('"service" is required: the server\'s WebSocket endpoint, e.g. ws://127.0.0.1:5280/xmpp-websocket');
  const problem = serviceProblem(service);
  if (problem) return bad(problem);
  const jid = str(c.jid);
  const password = typeof c.password === 'string' ? c.password : undefined;
  const name = str(c.name);
  let login: XmppAccount['login'];
  let domain = str(c.domain);
  if (jid) {
    const bare = parseBareJid(bareOf(jid));
    if (!bare || !bare.includes('@')) return bad(`jid "${jid.slice(0, 80)}" is not an account JID (name@domain)`);
    if (!password) return bad('"jid" needs "password"');
    login = { kind: 'account', jid: bare, password };
    domain ??= bare.split('@')[1];
  } else if (name) {
    login = { kind: 'register', name };
  } else return bad('give "name" (to register an account in-band) or "jid" and "password"');
  if (!domain) return bad('"domain" is required with "name"');
  const accept = str(c.accept) ?? 'ask';
  if (!SUBSCRIPTION_POLICIES.includes(accept as SubscriptionPolicy)) return bad(`accept must be one of ${SUBSCRIPTION_POLICIES.join(', ')}`);
  const dmPolicy = str(c.dmPolicy) ?? 'pairing';
  if (!(DM_POLICIES as readonly string[]).includes(dmPolicy)) return bad(`dmPolicy must be one of ${DM_POLICIES.join(', ')}`);
  const groupPolicy = str(c.groupPolicy) ?? 'open';
  if (!(GROUP_POLICIES as readonly string[]).includes(groupPolicy)) return bad(`groupPolicy must be one of ${GROUP_POLICIES.join(', ')}`);
  const allowFrom = allowEntries(c.allowFrom, 'allowFrom');
  if (!allowFrom.ok) return allowFrom;
  const groupAllowFrom = allowEntries(c.groupAllowFrom, 'groupAllowFrom');
  if (!groupAllowFrom.ok) return groupAllowFrom;
  const owners = allowEntries(c.owner, 'owner');
  if (!owners.ok) return owners;
  const rooms: string[] = [];
  for (const r of list(c.rooms)) {
    const room = parseBareJid(r);
    if (!room || !room.includes('@')) return bad(`room "${r.slice(0, 80)}" is not a room address (room@service)`);
    rooms.push(room);
  }
  const groups: XmppAccount['groups'] = {};
  if (isRecord(c.groups)) {
    for (const [k, v] of Object.entries(c.groups)) {
      if (!isRecord(v)) continue;
      groups[k === '*' ? k : bareOf(k)] = {
        ...(typeof v.requireMention === 'boolean' ? { requireMention: v.requireMention } : {}),
        ...(typeof v.enabled === 'boolean' ? { enabled: v.enabled } : {}),
      };
    }
  }
  let policy: XmppAccount['policy'];
  if (isRecord(c.policy)) {
    const p = c.policy;
    const firstContact = str(p.firstContact);
    if (firstContact && !['anyone', 'introduced', 'nobody'].includes(firstContact)) return bad('policy.firstContact must be anyone, introduced or nobody');
    policy = {
      ...(Array.isArray(p.allowedSkills) ? { allowedSkills: list(p.allowedSkills) } : {}),
      ...(firstContact ? { firstContact: firstContact as AutonomyPolicy['firstContact'] } : {}),
      ...(typeof p.actionsPerMinute === 'number' ? { actionsPerMinute: p.actionsPerMinute } : {}),
    };
  }
  const askTimeout = typeof c.askTimeoutSeconds === 'number' && c.askTimeoutSeconds > 0 ? Math.min(c.askTimeoutSeconds, 600) : 180;
  return ok({
    accountId,
    enabled: c.enabled !== false,
    service,
    domain,
    login,
    name: name ?? (login.kind === 'account' ? login.jid.split('@')[0]! : 'agent'),
    persona: typeof c.persona === 'string' ? c.persona.slice(0, 4000) : '',
    accept: accept as SubscriptionPolicy,
    owners: owners.value,
    dmPolicy: dmPolicy as DmPolicy,
    allowFrom: allowFrom.value,
    groupPolicy: groupPolicy as GroupPolicy,
    groupAllowFrom: groupAllowFrom.value,
    rooms,
    groups,
    ...(str(c.state) ? { state: str(c.state) } : {}),
    askTimeoutMs: Math.round(askTimeout * 1000),
    ...(policy ? { policy } : {}),
  });
}

/** The room's mention rule: its own entry, else "*", else OpenClaw's default (answer only when addressed). */
export function requireMentionIn(a: XmppAccount, room: string): boolean {
  return (a.groups[room] ?? a.groups['*'])?.requireMention !== false;
}
