// What the agent knows, for the owner conversation: itself, its friends and the agents it remembers,
// its organizations, the world it is in, its balances and its recent activity, as one bounded JSON
// document the model reads as data (names and notes in it are peers' words, not instructions), plus the
// entities an instruction may address (narrow.ts).
import type { AgentNode } from '../api.ts';
import type { Entities } from './narrow.ts';

export type KnowledgeSource = Pick<AgentNode, 'identity' | 'contacts' | 'society' | 'ledger' | 'world' | 'skills' | 'brain'>;

// Room for the instruction and a whole action in a 4096-token context, even at a character per token.
const MAX_CHARS = 2500;

export interface Knowledge {
  /** The document as the model reads it (truncated to a bounded size). */
  document(): string;
  entities(): Entities;
}

export function createKnowledge(src: () => KnowledgeSource): Knowledge {
  const ownSkills = (n: KnowledgeSource) =>
    n.skills
      .list()
      .filter((s) => s.settings.enabled)
      .map((s) => s.node);
  const friends = (n: KnowledgeSource) => n.contacts.list().filter((c) => c.mutual);
  return {
    document() {
      const n = src();
      const memory = n.society.memory;
      const b = n.brain.state();
      const world = n.world.snapshot();
      const doc = {
        me: {
          jid: n.identity.jid, // the identity's JID is bare
          name: n.identity.name,
          persona: n.identity.persona,
          skills: ownSkills(n),
          brain: b.status === 'ready' ? `${b.model} (${b.backend})` : b.status,
        },
        friends: friends(n)
          .slice(0, 20)
          .map((c) => ({
            jid: c.jid,
            name: memory.get(c.jid)?.name ?? c.name,
            online: c.presence.available,
            level: n.society.bonds.levelOf(c.jid),
            skills: memory.get(c.jid)?.skills?.slice(0, 12),
          })),
        friendRequests: n.contacts
          .requests()
          .slice(0, 10)
          .map((r) => r.from),
        knownAgents: memory
          .list()
          .filter((r) => !friends(n).some((c) => c.jid === r.jid))
          .slice(0, 15)
          .map((r) => ({ jid: r.jid, name: r.name, trust: r.trust, skills: r.skills?.slice(0, 8) })),
        organizations: n.society.orgs
          .views()
          .slice(0, 10)
          .map((o) => ({ room: o.room, name: o.name, purpose: o.purpose, role: o.affiliation, members: o.members.length })),
        world: world.room
          ? {
              room: world.room,
              agents: world.agents.length,
              places: world.places.slice(0, 10).map((p) => ({ owner: p.owner, id: p.id, name: p.name })),
              treasures: world.treasures.filter((t) => !t.claimedBy).length,
            }
          : 'not in a world',
        balances: n.ledger
          .balances()
          .slice(0, 20)
          .map((v) => ({ peer: v.peer, balance: v.balance, limit: v.limit })),
        goals: n.society.goals(),
        recentActivity: n.society.log
          .list()
          .slice(-10)
          .map((e) => `${e.kind}: ${e.text}`.slice(0, 160)),
      };
      const text = JSON.stringify(doc);
      return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…(truncated)` : text;
    },
    entities() {
      const n = src();
      const memory = n.society.memory;
      const mine = friends(n);
      const names = new Map<string, string>();
      for (const c of mine) {
        const name = (memory.get(c.jid)?.name ?? c.name ?? '').trim().toLowerCase();
        if (name && !names.has(name)) names.set(name, c.jid);
      }
      const peers = [...new Set([...mine.map((c) => c.jid), ...memory.list().map((r) => r.jid)])].slice(0, 40);
      const rooms = [...new Set([...n.society.orgs.views().map((o) => o.room), ...n.world.rooms().all])];
      return { peers, rooms, names, skillsOf: (jid) => memory.get(jid)?.skills ?? [], ownSkills: ownSkills(n) };
    },
  };
}
