// The MCP tools a Tidepool node offers: what each takes (JSON Schema) and what it does with the node.
// XMPP errors come back as tool results with isError, never as protocol errors: the model reads them.
import { bareOf, parseBareJid, type AgentNode, type CommandResponse, type TidepoolError } from '../../agent/index.ts';
import { callSkill } from './call-skill.ts';
import { describeAgent } from './describe.ts';
import { errorMessage } from '../../agent/index.ts';

export interface ToolResult {
  content: Array<{ type: 'text'; text: string }>;
  isError?: boolean;
  [k: string]: unknown;
}

export interface ToolContext {
  signal: AbortSignal;
  /** Present when the client asked for progress (it sent a progressToken). */
  progress?: (message: string, progress: number, total?: number) => void;
}

const jidProp = { type: 'string', description: "The agent's XMPP address, name@domain (or a full JID with /resource)" };

export const TOOLS = [
  {
    name: 'find_agents',
    description:
      'Find agents on the Tidepool network: your friends (mutual presence subscription), public rooms of your MUC service, and agents you have heard of through friends (world).',
    inputSchema: {
      type: 'object',
      properties: {
        scope: { type: 'string', enum: ['friends', 'rooms', 'world', 'all'], default: 'all' },
        query: { type: 'string', description: 'Only results whose address or name contains this text' },
      },
    },
  },
  {
    name: 'describe_agent',
    description: "An agent's card (name, persona, model) and the skills it lets you use, each with the JSON Schema of its first input stage.",
    inputSchema: {
      type: 'object',
      properties: {
        jid: jidProp,
        skills: { type: 'array', items: { type: 'string' }, description: 'Only these skill nodes (default: all; schemas for at most 8 per call)' },
      },
      required: ['jid'],
    },
  },
  {
    name: 'call_skill',
    description:
      "Run one of an agent's skills (an XEP-0050 command) to completion. `values` fills every input stage by field name; progress is reported as MCP progress notifications; cancelling the request cancels the command.",
    inputSchema: {
      type: 'object',
      properties: {
        jid: jidProp,
        skill: { type: 'string', description: 'The skill node, as describe_agent lists it' },
        values: { type: 'object', description: 'Field values for all stages', additionalProperties: true },
      },
      required: ['jid', 'skill'],
    },
  },
  {
    name: 'send_message',
    description: 'Send a chat message to an agent or person. Only friends are sure to receive it.',
    inputSchema: { type: 'object', properties: { jid: jidProp, text: { type: 'string' } }, required: ['jid', 'text'] },
  },
  {
    name: 'read_messages',
    description: 'The most recent chat messages exchanged with one peer, oldest first.',
    inputSchema: { type: 'object', properties: { jid: jidProp, limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } }, required: ['jid'] },
  },
  {
    name: 'presence',
    description: 'This node itself: its own JID, connection state, card, friends online and pending friend requests.',
    inputSchema: { type: 'object', properties: {} },
  },
] as const;

const text = (value: unknown): ToolResult => ({ content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }] });
const error = (message: string): ToolResult => ({ content: [{ type: 'text', text: message }], isError: true });
const xmppError = (e: TidepoolError, what: string): ToolResult =>
  error(`${what}: ${e.message}${e.kind === 'stanza' ? ` (XMPP error ${e.condition}${e.text && !e.message.includes(e.text) ? `: ${e.text}` : ''})` : ''}`);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** A friend's online resource from presence; anyone else's from the address on their PEP card. */
export async function resolveAgent(node: AgentNode, jid: string): Promise<string | undefined> {
  if (jid.includes('/')) return jid;
  const online = node.contacts.onlineResource(jid);
  if (online) return online;
  const card = await node.peers.card(bareOf(jid));
  return card.ok && card.value?.address && bareOf(card.value.address) === jid.toLowerCase() ? card.value.address : undefined;
}

function checkJid(v: unknown): { jid: string } | { problem: ToolResult } {
  const raw = str(v);
  if (!raw) return { problem: error('"jid" is required: an address such as name@domain') };
  const bare = parseBareJid(bareOf(raw));
  if (!bare) return { problem: error(`"${raw.slice(0, 80)}" is not a valid JID (expected name@domain)`) };
  return { jid: raw.includes('/') ? raw : bare };
}

function commandResult(r: CommandResponse): ToolResult {
  const out: Record<string, unknown> = { status: r.status };
  if (r.notes.length) out.notes = r.notes;
  if (r.form) out.result = Object.fromEntries(r.form.fields.filter((f) => f.var).map((f) => [f.var!, f.values.length === 1 ? f.values[0] : f.values]));
  if (r.json !== undefined) out.json = r.json;
  return text(out);
}

export function createTools(node: AgentNode) {
  const handlers: Record<string, (args: Record<string, unknown>, ctx: ToolContext) => Promise<ToolResult>> = {
    async find_agents(args) {
      const scope = str(args.scope) ?? 'all';
      if (!['friends', 'rooms', 'world', 'all'].includes(scope)) return error('"scope" must be friends, rooms, world or all');
      const q = (str(args.query) ?? '').toLowerCase();
      const match = (...s: Array<string | undefined>) => !q || s.some((x) => x?.toLowerCase().includes(q));
      const out: Record<string, unknown> = {};
      if (scope === 'friends' || scope === 'all') {
        out.friends = node.contacts
          .list()
          .filter((c) => c.mutual && match(c.jid, c.name))
          .map((c) => ({ jid: c.jid, name: c.name, online: c.presence.available }));
      }
      if (scope === 'rooms' || scope === 'all') {
        const rooms = await node.society.orgs.publicRooms();
        out.rooms = rooms.ok ? rooms.value.filter((r) => match(r.jid, r.name)) : `could not list rooms: ${rooms.error.message}`;
      }
      if (scope === 'world' || scope === 'all') {
        out.world = node.society.memory
          .list()
          .filter((p) => match(p.jid, p.name))
          .slice(0, 100)
          .map((p) => ({ jid: p.jid, name: p.name, introducedBy: p.introducedBy, trust: p.trust }));
      }
      return text(out);
    },
    async describe_agent(args) {
      const j = checkJid(args.jid);
      if ('problem' in j) return j.problem;
      const only = Array.isArray(args.skills) ? args.skills.filter((x): x is string => typeof x === 'string') : undefined;
      const r = await describeAgent(node, j.jid, await resolveAgent(node, j.jid), only);
      return r.ok ? text(r.value) : xmppError(r.error, `cannot describe ${j.jid}`);
    },
    async call_skill(args, ctx) {
      const j = checkJid(args.jid);
      if ('problem' in j) return j.problem;
      const skill = str(args.skill);
      if (!skill) return error('"skill" is required: a skill node as describe_agent lists it');
      const values = typeof args.values === 'object' && args.values !== null && !Array.isArray(args.values) ? (args.values as Record<string, unknown>) : {};
      const to = await resolveAgent(node, j.jid);
      if (!to) return error(`${j.jid} is not online (or not an agent we can find): no resource to call`);
      let step = 0;
      const r = await callSkill(node.calls, to, skill, values, {
        signal: ctx.signal,
        onProgress: (message, percent) => ctx.progress?.(message, percent ?? ++step, percent === undefined ? undefined : 100),
      });
      return r.ok ? commandResult(r.value) : xmppError(r.error, `${skill} on ${j.jid} failed`);
    },
    async send_message(args) {
      const j = checkJid(args.jid);
      if ('problem' in j) return j.problem;
      const body = typeof args.text === 'string' ? args.text : '';
      if (!body.trim()) return error('"text" must not be empty');
      const r = await node.conversations.send(bareOf(j.jid), body);
      return r.ok ? text({ id: r.value.id, to: r.value.peer, status: r.value.status ?? 'sent' }) : xmppError(r.error, `cannot send to ${j.jid}`);
    },
    async read_messages(args) {
      const j = checkJid(args.jid);
      if ('problem' in j) return j.problem;
      const limit = typeof args.limit === 'number' && Number.isInteger(args.limit) ? Math.min(200, Math.max(1, args.limit)) : 20;
      const list = await node.conversations.history(bareOf(j.jid), limit);
      return text(
        list.map((m) => ({
          from: m.direction === 'in' ? m.peer : 'me',
          body: m.body,
          at: new Date(m.at).toISOString(),
          ...(m.status && m.status !== 'sent' ? { status: m.status } : {}),
        })),
      );
    },
    async presence() {
      const s = node.status();
      return text({
        jid: node.ownJid() ?? node.identity.jid,
        state: s.state,
        card: node.card(),
        friendsOnline: node.contacts
          .list()
          .filter((c) => c.mutual && c.presence.available)
          .map((c) => c.jid),
        friendRequests: node.contacts.requests().map((r) => r.from),
      });
    },
  };
  return {
    list: () => TOOLS,
    async call(name: string, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
      const h = handlers[name];
      if (!h) return error(`unknown tool "${name}"; the tools are ${TOOLS.map((t) => t.name).join(', ')}`);
      try {
        return await h(args, ctx);
      } catch (e) {
        return error(`${name} failed: ${errorMessage(e)}`);
      }
    },
  };
}
