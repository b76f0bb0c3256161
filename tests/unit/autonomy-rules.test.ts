// The rules brain (deterministic, no model) and the policy gate: same situation, same action; every
// action it returns validates against the schema a model is held to.
import { describe, expect, test } from 'vitest';
import { decideByRules } from '../../src/agent/autonomy/rules-brain.ts';
import { action, validateAction, ACTION_KINDS } from '../../src/agent/autonomy/actions.ts';
import { judge, normalizePolicy, inQuietHours, DEFAULT_POLICY, type PolicyFacts } from '../../src/agent/autonomy/policy.ts';
import type { Situation } from '../../src/agent/autonomy/situation.ts';
import { baseSituation } from '../helpers/situation.ts';

const base = baseSituation;
const friend = (jid: string, extra = {}) => ({ jid, online: true, level: 'friend' as const, explored: false, ...extra });

describe('rules brain', () => {
  test('nothing to do -> wait', () => {
    expect(decideByRules(base()).action).toBe('wait');
  });

  test('meet: explores an unexplored friend, then befriends whom that friend introduced', () => {
    const s = base({ goals: [{ kind: 'meet', count: 1 }], friends: [friend('c@x.test')] });
    expect(decideByRules(s)).toMatchObject({ action: 'explore', target: 'c@x.test' });
    const after = base({ ...s, friends: [friend('c@x.test', { explored: true })], known: [{ jid: 'b@x.test', introducedBy: ['c@x.test'], trust: 0 }] });
    expect(decideByRules(after)).toMatchObject({ action: 'befriend', target: 'b@x.test' });
    // Asked already: nothing more until they answer.
    expect(decideByRules({ ...after, asked: ['b@x.test'] }).action).toBe('wait');
  });

  test('friend requests: accepted when introduced by a friend, declined otherwise', () => {
    const known = [{ jid: 'b@x.test', introducedBy: ['c@x.test'], trust: 0 }];
    expect(decideByRules(base({ observation: { kind: 'friend-request', from: 'b@x.test' }, known })).action).toBe('accept');
    expect(decideByRules(base({ observation: { kind: 'friend-request', from: 'z@x.test' }, known })).action).toBe('decline');
  });

  test('bond proposals: accepted from a trusted friend, declined with a partner already, ignored from strangers', () => {
    const obs = { kind: 'bond-proposal' as const, from: 'b@x.test', level: 'partner' as const };
    expect(decideByRules(base({ observation: obs, friends: [friend('b@x.test')] })).action).toBe('accept-bond');
    expect(decideByRules(base({ observation: obs, friends: [friend('b@x.test'), friend('p@x.test', { level: 'partner' })] })).action).toBe('decline-bond');
    expect(decideByRules(base({ observation: obs })).action).toBe('wait');
    // Still pending at the next tick: answered then.
    expect(decideByRules(base({ proposalsIn: [{ from: 'b@x.test', level: 'partner' }], friends: [friend('b@x.test')] })).action).toBe('accept-bond');
  });

  test('a bond goal proposes once', () => {
    const s = base({ goals: [{ kind: 'bond', target: 'b@x.test', level: 'partner' }], friends: [friend('b@x.test')] });
    expect(decideByRules(s)).toMatchObject({ action: 'propose', level: 'partner' });
    expect(decideByRules({ ...s, proposalsOut: [{ to: 'b@x.test', level: 'partner' }] }).action).toBe('wait');
    expect(decideByRules({ ...s, friends: [friend('b@x.test', { level: 'partner' })] }).action).toBe('wait');
  });

  test('organizations: found, invite founding friends, admit vouched requests, accept alliances from known admins', () => {
    const goal = { kind: 'found-org' as const, room: 'makers', name: 'Makers', purpose: 'make', invite: ['b@x.test', 'z@x.test'] };
    expect(decideByRules(base({ goals: [goal] }))).toMatchObject({ action: 'create-org', room: 'makers' });
    const org = {
      room: 'makers@muc.x.test',
      name: 'Makers',
      purpose: 'make',
      affiliation: 'owner' as const,
      members: ['me@x.test'],
      invited: [],
      alliances: [],
      allianceProposed: [],
    };
    // z is not a friend: only b is invited.
    expect(decideByRules(base({ goals: [goal], orgs: [org], friends: [friend('b@x.test')] }))).toMatchObject({ action: 'invite', target: 'b@x.test' });
    expect(decideByRules(base({ observation: { kind: 'join-request', from: 'b@x.test', room: org.room }, friends: [friend('b@x.test')] })).action).toBe(
      'admit',
    );
    expect(decideByRules(base({ observation: { kind: 'join-request', from: 'q@x.test', room: org.room } })).action).toBe('refuse');
    expect(
      decideByRules(
        base({ observation: { kind: 'alliance-proposal', from: 'b@x.test', room: org.room, theirs: 'r@muc.x.test' }, friends: [friend('b@x.test')] }),
      ),
    ).toMatchObject({ action: 'accept-alliance', text: 'r@muc.x.test' });
  });

  test('rooms: answers only when addressed, and never generated text', () => {
    const msg = { kind: 'room-message' as const, room: 'r@muc.x.test', nick: 'bob', text: 'Me, hi', generated: false, mentionsMe: true };
    expect(decideByRules(base({ observation: msg })).action).toBe('post');
    expect(decideByRules(base({ observation: { ...msg, generated: true } })).action).toBe('wait');
    expect(decideByRules(base({ observation: { ...msg, mentionsMe: false } })).action).toBe('wait');
  });

  test('deterministic, and every decision validates against the action schema', () => {
    const s = base({
      goals: [
        { kind: 'meet', count: 2 },
        { kind: 'bond', target: 'c@x.test', level: 'close-friend' },
      ],
      friends: [friend('c@x.test')],
    });
    expect(decideByRules(s)).toEqual(decideByRules(structuredClone(s)));
    for (const a of [decideByRules(s), decideByRules(base())]) expect(validateAction(a)).toMatchObject({ ok: true });
  });
});

describe('action validation', () => {
  test('refuses unknown kinds, extra fields and missing targets', () => {
    expect(validateAction({ ...action('wait'), action: 'pay' }).ok).toBe(false);
    expect(validateAction({ ...action('wait'), extra: 1 }).ok).toBe(false);
    expect(validateAction(action('talk', { text: 'hi' }))).toMatchObject({ ok: false, reason: expect.stringContaining('target') });
    expect(validateAction('wait').ok).toBe(false);
    expect(ACTION_KINDS).not.toContain('pay');
  });
});

describe('policy', () => {
  const facts = (over: Partial<PolicyFacts> = {}): PolicyFacts => ({
    isFriend: (j) => j === 'f@x.test',
    isIntroduced: (j) => j === 'i@x.test',
    actionsLastMinute: 0,
    postsLastMinute: () => 0,
    hour: 12,
    decidesFriendRequests: false,
    roomInLoop: () => false,
    ...over,
  });
  const on = normalizePolicy({ ...DEFAULT_POLICY, mode: 'on' });

  test('off refuses everything but waiting', () => {
    expect(judge(action('befriend', { target: 'f@x.test' }), { ...on, mode: 'off' }, facts())).toMatch(/off/);
    expect(judge(action('wait'), { ...on, mode: 'off' }, facts())).toBeUndefined();
  });
  test('action budget, first contact, skills, rooms, quiet hours, friend requests', () => {
    expect(judge(action('talk', { target: 'f@x.test', text: 'x' }), on, facts({ actionsLastMinute: on.actionsPerMinute }))).toMatch(/budget/);
    expect(judge(action('befriend', { target: 's@x.test' }), on, facts())).toMatch(/not introduced/);
    expect(judge(action('befriend', { target: 'i@x.test' }), on, facts())).toBeUndefined();
    expect(judge(action('befriend', { target: 'i@x.test' }), { ...on, firstContact: 'nobody' }, facts())).toMatch(/no first contact/);
    expect(judge(action('call', { target: 'f@x.test', skill: 'ask' }), on, facts())).toMatch(/not allowed/);
    expect(judge(action('call', { target: 'f@x.test', skill: 'echo' }), on, facts())).toBeUndefined();
    expect(judge(action('post', { room: 'r@m', text: 'x' }), on, facts({ postsLastMinute: () => on.roomPostsPerMinute }))).toMatch(/room budget/);
    expect(judge(action('post', { room: 'r@m', text: 'x' }), on, facts({ roomInLoop: () => true }))).toMatch(/only answering each other/);
    expect(judge(action('talk', { target: 'f@x.test', text: 'x' }), { ...on, quietHours: { from: 22, to: 7 } }, facts({ hour: 23 }))).toMatch(/quiet/);
    expect(judge(action('accept', { target: 'i@x.test' }), on, facts())).toMatch(/owner's to decide/);
    expect(judge(action('propose', { target: 'i@x.test', level: 'partner' }), on, facts())).toMatch(/not a friend/);
  });
  test('quiet hours wrap midnight; owner input is clamped', () => {
    expect(inQuietHours({ from: 22, to: 7 }, 3)).toBe(true);
    expect(inQuietHours({ from: 22, to: 7 }, 12)).toBe(false);
    expect(normalizePolicy({ actionsPerMinute: 1e9, mode: 'weird' as never, tickSeconds: -4 })).toMatchObject({
      actionsPerMinute: 600,
      mode: 'off',
      tickSeconds: 1,
    });
  });
});
