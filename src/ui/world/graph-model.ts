// The world view's model: who and what the page knows (ourselves, contacts, organizations, the shared
// world) as nodes and links. Pure: the renderers draw it, the tests check it. Ids are stable (derived
// from JIDs and world keys) so an update keeps every node where the layout put it.
import { bareOf, type WorldSnapshot } from '../../agent/index.ts';
import { avatarId, type AvatarId } from '../avatar/avatar-art.ts';

export type NodeKind = 'self' | 'agent' | 'org' | 'place' | 'treasure';
export type LinkKind = 'friend' | 'member' | 'ally' | 'owns' | 'talk';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** Peer-controlled for agents, orgs and places: render as text only. */
  label: string;
  /** A shipped drawing the agent chose (avatar-art.ts); none: a pattern from its JID. Agents only. */
  avatar?: AvatarId;
  color: string;
  /** Named in the scene at all times (ourselves, friends, whoever is talking); others on pointing. */
  labelled: boolean;
  online: boolean;
  /** Bare JID (agents, self) or room JID (orgs). */
  jid?: string;
  /** World position when the world knows one (0..1000 in world units). */
  x?: number;
  y?: number;
}

export interface GraphLink {
  id: string;
  source: string;
  target: string;
  kind: LinkKind;
}

export interface GraphModel {
  nodes: GraphNode[];
  links: GraphLink[];
  /** Nodes left out to stay within the bound. */
  omitted: number;
}

export interface GraphInput {
  self: { jid: string; name: string; avatar?: string; color?: string };
  contacts: ReadonlyArray<{ jid: string; name?: string; mutual: boolean; presence: { available: boolean } }>;
  orgs: ReadonlyArray<{ room: string; name: string; members: readonly string[]; alliances?: ReadonlyArray<{ theirs: string }> }>;
  world?: WorldSnapshot;
  /** Names agents give themselves (their cards), by bare JID: preferred over our roster's name. */
  names?: Readonly<Record<string, string>>;
  /** Pairs of bare JIDs that talked recently: drawn as links so a pulse has a path. */
  talks?: ReadonlyArray<{ from: string; to: string }>;
  max?: number;
}

export const MAX_NODES = 500;
export const LINK_COLORS: Record<LinkKind, string> = {
  friend: '#0e7490',
  member: '#7c3aed',
  ally: '#c2410c',
  owns: '#65a30d',
  talk: '#e11d48',
};
const KIND_COLORS: Record<NodeKind, string> = { self: '#f59e0b', agent: '#0891b2', org: '#7c3aed', place: '#65a30d', treasure: '#eab308' };
const LABEL_MAX = 48;

export const agentId = (jid: string) => `agent:${bareLower(jid)}`;
export const orgId = (room: string) => `org:${room.toLowerCase()}`;
export const placeId = (owner: string, id: string) => `place:${bareLower(owner)}/${id}`;
export const treasureId = (owner: string, id: string) => `treasure:${bareLower(owner)}/${id}`;

export function bareLower(jid: string): string {
  return bareOf(jid);
}

/** Peer text made fit for a label: one line, bounded, never empty. Still text: never HTML. */
export function cleanLabel(text: string | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const t = (text ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  const s = t || fallback;
  return s.length > LABEL_MAX ? `${s.slice(0, LABEL_MAX - 1)}…` : s;
}

/** What the avatars and the 2D canvas draw for a node: the seed of its generated pattern. */
export const seedOf = (n: Pick<GraphNode, 'jid' | 'id'>) => n.jid ?? n.id;

function cleanColor(c: string | undefined, kind: NodeKind): string {
  return c && /^#[0-9a-fA-F]{6}$/.test(c) ? c : KIND_COLORS[kind];
}

export function buildGraph(input: GraphInput): GraphModel {
  const max = Math.max(1, input.max ?? MAX_NODES);
  const nodes = new Map<string, GraphNode>();
  let omitted = 0;
  const add = (n: GraphNode): boolean => {
    const prev = nodes.get(n.id);
    if (prev) {
      // The same agent seen twice (contact and world): the world adds position and look.
      nodes.set(n.id, {
        ...prev,
        online: prev.online || n.online,
        labelled: prev.labelled || n.labelled,
        x: n.x ?? prev.x,
        y: n.y ?? prev.y,
        avatar: n.avatar ?? prev.avatar,
        color: prev.kind === 'self' ? prev.color : n.color,
      });
      return true;
    }
    if (nodes.size >= max) {
      omitted++;
      return false;
    }
    nodes.set(n.id, n);
    return true;
  };

  const selfJid = bareLower(input.self.jid);
  const selfName = cleanLabel(input.self.name, selfJid.split('@')[0]!);
  add({
    id: agentId(selfJid),
    kind: 'self',
    label: selfName,
    avatar: avatarId(input.self.avatar),
    color: cleanColor(input.self.color, 'self'),
    online: true,
    labelled: true,
    jid: selfJid,
  });
  const talking = new Set((input.talks ?? []).flatMap((t) => [bareLower(t.from), bareLower(t.to)]));

  // Online friends first: they are what the person came to see when the bound cuts.
  const contacts = [...input.contacts].sort((a, b) => Number(b.presence.available) - Number(a.presence.available));
  for (const c of contacts) {
    const jid = bareLower(c.jid);
    const label = cleanLabel(input.names?.[jid] || c.name, jid.split('@')[0]!);
    add({ id: agentId(jid), kind: 'agent', label, color: KIND_COLORS.agent, online: c.presence.available, labelled: c.mutual || talking.has(jid), jid });
  }
  const world = input.world;
  for (const a of world?.agents ?? []) {
    if (!a.present) continue;
    const label = cleanLabel(a.nick, bareLower(a.jid).split('@')[0]!);
    add({
      id: agentId(a.jid),
      kind: 'agent',
      label,
      avatar: avatarId(a.look?.avatar),
      color: cleanColor(a.look?.color, 'agent'),
      online: true,
      labelled: talking.has(bareLower(a.jid)),
      jid: bareLower(a.jid),
      x: finite(a.x),
      y: finite(a.y),
    });
  }
  for (const o of input.orgs) {
    add({
      id: orgId(o.room),
      kind: 'org',
      label: cleanLabel(o.name, o.room.split('@')[0]!),
      color: KIND_COLORS.org,
      online: true,
      labelled: true,
      jid: o.room.toLowerCase(),
    });
  }
  for (const p of world?.places ?? []) {
    add({
      id: placeId(p.owner, p.id),
      kind: 'place',
      label: cleanLabel(p.name, p.id),
      color: KIND_COLORS.place,
      online: true,
      labelled: false,
      x: finite(p.x),
      y: finite(p.y),
    });
  }
  for (const t of world?.treasures ?? []) {
    if (t.claimedBy) continue;
    add({ id: treasureId(t.owner, t.id), kind: 'treasure', label: cleanLabel(t.hint, 'treasure'), color: KIND_COLORS.treasure, online: true, labelled: false });
  }

  const links = new Map<string, GraphLink>();
  const link = (kind: LinkKind, a: string, b: string) => {
    if (a === b || !nodes.has(a) || !nodes.has(b)) return;
    // Undirected kinds get one id whichever way round they are seen.
    const [s, t] = kind === 'owns' || kind === 'member' || a < b ? [a, b] : [b, a];
    const id = `${kind}:${s}|${t}`;
    if (!links.has(id)) links.set(id, { id, source: s, target: t, kind });
  };
  const self = agentId(selfJid);
  for (const c of input.contacts) if (c.mutual) link('friend', self, agentId(c.jid));
  for (const o of input.orgs) {
    for (const m of o.members) link('member', agentId(m), orgId(o.room));
    for (const al of o.alliances ?? []) link('ally', orgId(o.room), orgId(al.theirs));
  }
  for (const p of world?.places ?? []) link('owns', agentId(p.owner), placeId(p.owner, p.id));
  for (const t of world?.treasures ?? []) if (!t.claimedBy) link('owns', placeId(t.owner, t.place), treasureId(t.owner, t.id));
  for (const t of input.talks ?? []) {
    const [a, b] = [agentId(t.from), agentId(t.to)];
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    // A pair already joined by friendship carries its pulses on that link.
    if (!links.has(`friend:${key}`)) link('talk', a, b);
  }
  return { nodes: [...nodes.values()], links: [...links.values()], omitted };
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

/** The link a pulse between two agents travels on, if the model has one. */
export function linkBetween(model: GraphModel, a: string, b: string): GraphLink | undefined {
  const [x, y] = [agentId(a), agentId(b)];
  return model.links.find((l) => (l.source === x && l.target === y) || (l.source === y && l.target === x));
}

/** For renderers whose labels take HTML (3d-force-graph's nodeLabel): peer text escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
