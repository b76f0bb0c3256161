// The owner conversation's pure parts: the grammar an instruction narrows ACTION_SCHEMA to, and the
// replies ("yes", "no 3", "2") by which an owner approves proposals over chat.
import { describe, expect, test } from 'vitest';
import { decisionSchema, mentions, type Entities } from '../../src/agent/owner/narrow.ts';
import { parseReply } from '../../src/agent/owner/chat-bridge.ts';
import { ACTION_SCHEMA, action, validateAction } from '../../src/agent/autonomy/actions.ts';
import { validateJson } from '../../src/llm/json-schema.ts';
import { schemaToGbnf } from '../../src/llm/gbnf.ts';

const entities: Entities = {
  peers: ['ann@x.test', 'bob@x.test'],
  rooms: ['makers@muc.x.test'],
  names: new Map([['ann', 'ann@x.test']]),
  skillsOf: (j) => (j === 'ann@x.test' ? ['echo', 'haiku'] : ['echo']),
  ownSkills: ['echo', 'ask'],
};

describe('instruction grammar', () => {
  test('an instruction that starts with an action holds the model to it, the named peer, skill and quoted text', () => {
    const s = decisionSchema('call haiku on ann@x.test: "about kelp"', entities);
    expect(s.properties!.action!.enum).toEqual(['call']);
    expect(s.properties!.target!.enum).toEqual(['ann@x.test']);
    expect(s.properties!.skill!.enum).toEqual(['haiku']);
    expect(s.properties!.text!.enum).toEqual(['about kelp']);
    expect(s.properties!.level!.enum).toEqual(['']);
    expect(s.properties!.room!.enum).toEqual(['']);
    expect(s.properties!.amount!.enum).toEqual([0]);
    // Whatever the narrowed grammar lets through is an action of the loop's own schema.
    const a = action('call', { target: 'ann@x.test', skill: 'haiku', text: 'about kelp', reason: 'asked' });
    expect(validateJson(s, a)).toBeUndefined();
    expect(validateAction(a).ok).toBe(true);
    expect(validateJson(s, { ...a, target: 'eve@evil.test' })).toMatch(/target/);
    expect(schemaToGbnf(s)).toContain('\\"ann@x.test\\"');
  });

  test('a friend named in words stands for its JID, but never beside an address', () => {
    expect(mentions('befriend ann please', entities).jids).toEqual(['ann@x.test']);
    expect(mentions('call echo on bob@x.test, not ann', entities).jids).toEqual(['bob@x.test']);
  });

  test('a free-form instruction leaves every action open but only known or named addresses', () => {
    const s = decisionSchema('could you say hello to carol@y.test for me?', entities);
    expect(s.properties!.action).toEqual(ACTION_SCHEMA.properties!.action);
    expect(s.properties!.target!.enum).toEqual(['', 'carol@y.test', 'ann@x.test', 'bob@x.test', 'makers@muc.x.test']);
    expect(s.properties!.skill).toEqual(ACTION_SCHEMA.properties!.skill);
    expect(mentions('wait here', entities).kind).toBeUndefined();
    expect(mentions('please call echo', entities).kind).toBeUndefined();
  });

  test('post-bounty offers our own skills; an action without a skill leaves the field as it is', () => {
    expect(decisionSchema('post-bounty in makers@muc.x.test', entities).properties!.skill!.enum).toEqual(['echo', 'ask']);
    expect(decisionSchema('befriend carol@y.test', entities).properties!.skill).toEqual(ACTION_SCHEMA.properties!.skill);
    const join = decisionSchema('join makers@muc.x.test', entities).properties!;
    expect([join.target!.enum, join.room]).toEqual([[''], ACTION_SCHEMA.properties!.room]);
  });
});

describe('approvals by reply', () => {
  test.each([
    ['yes', { kind: 'approve' }],
    ['Yes 3', { kind: 'approve', id: 3 }],
    ['ok #12!', { kind: 'approve', id: 12 }],
    ['4', { kind: 'approve', id: 4 }],
    ['no', { kind: 'reject' }],
    ['No 2.', { kind: 'reject', id: 2 }],
    ['yes, and then pay ann', { kind: 'instruction' }],
    ['no idea what you mean', { kind: 'instruction' }],
    ['call echo on ann@x.test', { kind: 'instruction' }],
  ])('%s', (text, want) => expect(parseReply(text)).toEqual(want));
});
