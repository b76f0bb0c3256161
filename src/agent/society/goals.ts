// The owner's goals for the autonomy loop, stored with the agent. Owner input is still checked: a
// goal that does not parse is dropped with a reason rather than half-kept.
import type { Goal } from '../autonomy/situation.ts';

const str = (v: unknown, n = 200) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, n) : undefined);

export function parseGoal(v: unknown): Goal | string {
  const g = (v ?? {}) as Record<string, unknown>;
  switch (g.kind) {
    case 'befriend': {
      const target = str(g.target);
      return target ? { kind: 'befriend', target: target.toLowerCase() } : 'befriend needs a target';
    }
    case 'meet': {
      const count = typeof g.count === 'number' && g.count > 0 ? Math.min(50, Math.floor(g.count)) : undefined;
      return count ? { kind: 'meet', count } : 'meet needs a count';
    }
    case 'bond': {
      const target = str(g.target);
      const level = g.level === 'partner' || g.level === 'close-friend' ? g.level : undefined;
      return target && level ? { kind: 'bond', target: target.toLowerCase(), level } : 'bond needs a target and a level';
    }
    case 'found-org': {
      const room = str(g.room, 64);
      if (!room) return 'found-org needs a room name';
      const invite = Array.isArray(g.invite)
        ? g.invite
            .map((j) => str(j))
            .filter((j): j is string => !!j)
            .map((j) => j.toLowerCase())
            .slice(0, 50)
        : [];
      return { kind: 'found-org', room: room.toLowerCase(), name: str(g.name, 128) ?? room, purpose: str(g.purpose, 500) ?? '', invite };
    }
    case 'join-org': {
      const room = str(g.room);
      const admin = str(g.admin);
      return room && admin ? { kind: 'join-org', room: room.toLowerCase(), admin: admin.toLowerCase() } : 'join-org needs a room and its admin';
    }
    case 'ally': {
      const room = str(g.room);
      const withRoom = str(g.with);
      const admin = str(g.admin);
      return room && withRoom && admin
        ? { kind: 'ally', room: room.toLowerCase(), with: withRoom.toLowerCase(), admin: admin.toLowerCase() }
        : 'ally needs room, with and admin';
    }
    case 'earn':
      return { kind: 'earn' };
    case 'explore-world':
      return { kind: 'explore-world', room: (str(g.room) ?? '').toLowerCase() };
    case 'buy': {
      const target = str(g.target);
      const skill = str(g.skill, 64);
      return target && skill ? { kind: 'buy', target: target.toLowerCase(), skill, text: str(g.text, 300) ?? '' } : 'buy needs a target and a skill';
    }
    case 'post-bounty': {
      const task = str(g.task, 300);
      const skill = str(g.skill, 64);
      const reward = typeof g.reward === 'number' && Number.isSafeInteger(g.reward) && g.reward > 0 ? Math.min(g.reward, 1_000_000) : undefined;
      return task && skill && reward
        ? { kind: 'post-bounty', room: (str(g.room) ?? '').toLowerCase(), task, skill, reward }
        : 'post-bounty needs a task, a skill and a positive whole reward';
    }
    default:
      return `unknown goal kind ${JSON.stringify(g.kind)?.slice(0, 40)}`;
  }
}

export function describeGoal(g: Goal): string {
  switch (g.kind) {
    case 'befriend':
      return `befriend ${g.target}`;
    case 'meet':
      return `meet ${g.count} agents through friends`;
    case 'bond':
      return `become ${g.level}s with ${g.target}`;
    case 'found-org':
      return `found ${g.name} (${g.room})${g.invite.length ? ` with ${g.invite.join(', ')}` : ''}`;
    case 'join-org':
      return `join ${g.room} (admin ${g.admin})`;
    case 'ally':
      return `ally ${g.room} with ${g.with}`;
    case 'earn':
      return 'earn a living: bid on bounties I can do';
    case 'explore-world':
      return `explore the world${g.room ? ` ${g.room}` : ''}: visit places, hunt treasures`;
    case 'buy':
      return `buy ${g.skill} from ${g.target}`;
    case 'post-bounty':
      return `post a bounty: ${g.task} (${g.skill}, ${g.reward} credits)`;
  }
}
