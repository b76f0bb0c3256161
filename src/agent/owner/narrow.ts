// The grammar for one owner instruction: the autonomy loop's ACTION_SCHEMA, narrowed by what the owner
// named. An instruction that starts with an action's name ("call echo on ann@example.org: “hi”") holds
// the model to that action, the peers and skills it names and the quoted text; otherwise the model may
// choose any action, but may address only agents and rooms the agent knows or the owner named. So even a
// small model fills exactly what it was told when told precisely, and never invents an address. Every
// answer is still a plain ACTION_SCHEMA action (enums only narrow its strings) and is validated as one.
import { ACTION_KINDS, ACTION_SCHEMA, type ActionKind } from '../autonomy/actions.ts';
import type { JsonSchema } from '../../llm/types.ts';

export interface Entities {
  /** Bare JIDs of agents the agent knows (friends, remembered peers). */
  peers: string[];
  /** Rooms it is in or knows (organizations, the world). */
  rooms: string[];
  /**
   * Friends' display names, lower-cased, to their JIDs ("ann" -> ann@example.org). A name is the peer's
   * own choice, so it counts only when the instruction names no address at all.
   */
  names: Map<string, string>;
  /** The skills a known agent offers (from its card). */
  skillsOf(jid: string): string[];
  /** Our own enabled skills (a bounty names one). */
  ownSkills: string[];
}

export interface Mentions {
  kind?: ActionKind;
  jids: string[];
  skills: string[];
  quoted?: string;
}

const USES_TEXT: ReadonlySet<ActionKind> = new Set(['talk', 'call', 'post', 'create-org', 'buy', 'visit', 'hunt', 'bid', 'deliver', 'award', 'post-bounty']);
const USES_LEVEL: ReadonlySet<ActionKind> = new Set(['propose', 'accept-bond', 'decline-bond']);
const USES_AMOUNT: ReadonlySet<ActionKind> = new Set(['visit', 'post-bounty']);
const USES_SKILL: ReadonlySet<ActionKind> = new Set(['call', 'buy', 'post-bounty']);
const USES_ROOM: ReadonlySet<ActionKind> = new Set([
  'create-org',
  'invite',
  'join',
  'leave',
  'post',
  'request-join',
  'admit',
  'refuse',
  'ally',
  'accept-alliance',
  'dissolve-alliance',
  'enter-world',
  'post-bounty',
]);
const NO_TARGET: ReadonlySet<ActionKind> = new Set(['create-org', 'join', 'leave', 'post', 'enter-world', 'post-bounty']);
const MAX_ENUM = 40;

const JID = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.?[A-Za-z0-9-]*/g;
const trimJid = (s: string) => s.replace(/[.,;:!?)]+$/, '').toLowerCase();

export function mentions(text: string, e: Entities): Mentions {
  const first = /^\s*([a-z]+(?:-[a-z]+)*)\b/i.exec(text)?.[1]?.toLowerCase();
  const kind = first && (ACTION_KINDS as readonly string[]).includes(first) && first !== 'wait' ? (first as ActionKind) : undefined;
  const jids = new Set((text.match(JID) ?? []).map(trimJid));
  if (jids.size === 0)
    for (const word of text.toLowerCase().split(/[^\p{L}\p{N}._-]+/u)) {
      const jid = word.length >= 3 ? e.names.get(word) : undefined;
      if (jid) jids.add(jid);
    }
  const words = new Set(text.toLowerCase().split(/[^a-z0-9:._-]+/));
  const offered = new Set(
    [...jids]
      .flatMap((j) => e.skillsOf(j))
      .concat(
        e.peers.flatMap((j) => e.skillsOf(j)),
        e.ownSkills,
      ),
  );
  const skills = [...offered].filter((s) => words.has(s.toLowerCase()));
  const quoted = /["“”«]([^"“”«»]{1,300})["“”»]/.exec(text)?.[1];
  return { ...(kind ? { kind } : {}), jids: [...jids].slice(0, MAX_ENUM), skills, ...(quoted ? { quoted } : {}) };
}

const oneOf = (values: Array<string | number>): JsonSchema => ({ type: typeof values[0] === 'number' ? 'integer' : 'string', enum: [...new Set(values)] });

/** ACTION_SCHEMA with its open strings narrowed to what this instruction and the agent's knowledge allow. */
export function decisionSchema(text: string, e: Entities): JsonSchema {
  const m = mentions(text, e);
  const props: Record<string, JsonSchema> = { ...ACTION_SCHEMA.properties };
  const fits = (s: string) => s.length <= 120;
  if (m.kind) {
    props.action = oneOf([m.kind]);
    if (!USES_LEVEL.has(m.kind)) props.level = oneOf(['']);
    if (!USES_AMOUNT.has(m.kind)) props.amount = oneOf([0]);
    if (!USES_ROOM.has(m.kind)) props.room = oneOf(['']);
    if (!USES_TEXT.has(m.kind)) props.text = oneOf(['']);
    else if (m.quoted) props.text = oneOf([m.quoted]);
  }
  const targets = m.kind && NO_TARGET.has(m.kind) ? [''] : m.jids.length && m.kind ? m.jids : ['', ...m.jids, ...e.peers, ...e.rooms];
  const usable = targets.filter(fits).slice(0, MAX_ENUM);
  if (usable.length) props.target = oneOf(usable);
  if (m.kind && USES_SKILL.has(m.kind)) {
    const offered = m.kind === 'post-bounty' ? e.ownSkills : (m.jids.length ? m.jids : e.peers).flatMap((j) => e.skillsOf(j));
    const skills = (m.skills.length ? m.skills : offered).filter((s) => s.length <= 48).slice(0, MAX_ENUM);
    if (skills.length) props.skill = oneOf(skills);
  }
  return { ...ACTION_SCHEMA, properties: props };
}
