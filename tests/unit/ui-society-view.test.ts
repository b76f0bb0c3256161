// The society panels' pure helpers: the policy form round trip and its checks, goal forms, bounded
// lists, the task flow and the memory export's file name.
import { describe, expect, test } from 'vitest';
import { DEFAULT_POLICY, normalizePolicy } from '../../src/agent/autonomy/policy.ts';
import { parseGoal } from '../../src/agent/society/goals.ts';
import { SUBSCRIPTION_POLICIES } from '../../src/agent/contacts.ts';
import {
  EMPTY_GOAL_FORM,
  FRIEND_POLICY_TEXT,
  GOAL_KINDS,
  TASK_FLOW,
  appendBounded,
  goalFromForm,
  memoryFileName,
  newestFirst,
  policyFromForm,
  policyToForm,
  tasksByState,
} from '../../src/ui/society/society-view.ts';

describe('policy form', () => {
  test('round trip: the form of a policy gives back the same policy', () => {
    const p = normalizePolicy({ ...DEFAULT_POLICY, mode: 'on', quietHours: { from: 22, to: 7 }, allowedSkills: ['echo', 'describe'] });
    const r = policyFromForm(policyToForm(p));
    expect(r.ok).toBe(true);
    if (r.ok) expect(normalizePolicy({ ...p, ...r.patch })).toEqual(p);
  });

  test('empty quiet hours remove them; skills split on commas and spaces; * alone wins', () => {
    const f = { ...policyToForm({ ...DEFAULT_POLICY, quietHours: { from: 1, to: 2 } }), quietFrom: '', quietTo: ' ', allowedSkills: 'echo,  describe echo' };
    const r = policyFromForm(f);
    expect(r).toEqual({ ok: true, patch: expect.objectContaining({ quietHours: undefined, allowedSkills: ['echo', 'describe'] }) });
    const any = policyFromForm({ ...f, allowedSkills: 'echo, *' });
    expect(any.ok && any.patch.allowedSkills).toEqual(['*']);
  });

  test.each([
    [{ actionsPerMinute: 'ten' }, /Actions per minute must be a whole number/],
    [{ actionsPerMinute: '-1' }, /whole number/],
    [{ roomPostsPerMinute: '61' }, /Room posts per minute must be between 0 and 60/],
    [{ tickSeconds: '0' }, /between 1 and 3600/],
    [{ quietFrom: '22', quietTo: '' }, /both a start and an end/],
    [{ quietFrom: '24', quietTo: '7' }, /Quiet hours start must be between 0 and 23/],
  ])('refuses %j', (change, message) => {
    const r = policyFromForm({ ...policyToForm(DEFAULT_POLICY), ...change });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('goal forms', () => {
  test('every kind builds a goal the backend parser accepts', () => {
    const f = {
      ...EMPTY_GOAL_FORM,
      target: 'Ann@x',
      count: '2',
      level: 'partner',
      room: 'makers',
      name: 'Makers',
      purpose: 'tools',
      invite: 'a@x, b@x',
      admin: 'eve@x',
      with: 'guild@muc.x',
      skill: 'echo',
      text: 'hello',
      reward: '12',
    };
    for (const { kind } of GOAL_KINDS) {
      const g = parseGoal(goalFromForm(kind, f));
      expect(typeof g, `${kind}: ${String(g)}`).toBe('object');
      expect(g).toMatchObject({ kind });
    }
    expect(parseGoal(goalFromForm('found-org', f))).toMatchObject({ invite: ['a@x', 'b@x'] });
    expect(parseGoal(goalFromForm('meet', f))).toEqual({ kind: 'meet', count: 2 });
    expect(parseGoal(goalFromForm('post-bounty', f))).toEqual({ kind: 'post-bounty', room: 'makers', task: 'hello', skill: 'echo', reward: 12 });
  });

  test('missing fields reach the parser, which names them', () => {
    expect(parseGoal(goalFromForm('befriend', EMPTY_GOAL_FORM))).toBe('befriend needs a target');
    expect(parseGoal(goalFromForm('meet', { ...EMPTY_GOAL_FORM, count: '' }))).toBe('meet needs a count');
    expect(parseGoal(goalFromForm('join-org', { ...EMPTY_GOAL_FORM, room: 'r@muc.x' }))).toBe('join-org needs a room and its admin');
  });
});

describe('lists', () => {
  test('appendBounded keeps the newest', () => {
    let l: number[] = [];
    for (let i = 0; i < 10; i++) l = appendBounded(l, i, 4);
    expect(l).toEqual([6, 7, 8, 9]);
  });

  test('newestFirst sorts by id and cuts', () => {
    expect(newestFirst([{ id: 1 }, { id: 3 }, { id: 2 }], 2)).toEqual([{ id: 3 }, { id: 2 }]);
  });

  test('tasks group by state and move open -> doing -> done', () => {
    const g = tasksByState([
      { id: 'a', state: 'open' as const },
      { id: 'b', state: 'done' as const },
      { id: 'c', state: 'open' as const },
    ]);
    expect(g.open.map((t) => t.id)).toEqual(['a', 'c']);
    expect(g.doing).toEqual([]);
    expect(g.done.map((t) => t.id)).toEqual(['b']);
    expect([TASK_FLOW.open, TASK_FLOW.doing, TASK_FLOW.done]).toEqual(['doing', 'done', undefined]);
  });
});

test('every friend-request policy has a label and an explanation', () => {
  for (const p of SUBSCRIPTION_POLICIES) expect(FRIEND_POLICY_TEXT[p].help.length).toBeGreaterThan(10);
});

test('memory export file name', () => {
  expect(memoryFileName('kelp@localhost', new Date('2024-05-06T10:00:00Z'))).toBe('kelp@localhost.memory.2024-05-06.json');
  expect(memoryFileName('a/b c@x', new Date('2024-05-06T10:00:00Z'))).toBe('a_b_c@x.memory.2024-05-06.json');
});
