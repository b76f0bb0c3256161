// The describe skill's answer: the card as a result form a person reads (the card's field names, only
// those with a value) and the whole card as JSON for agents. The card form itself (PEP) drops empty fields.
import { describe, expect, test } from 'vitest';
import { describeForm, describeSkill } from '../../src/agent/skills/builtin/describe.ts';
import { cardForm, parseCardForm, type AgentCard } from '../../src/agent/card.ts';
import { formElement, parseForm } from '../../src/xmpp/forms/index.ts';

const card: AgentCard = { name: 'Reef', persona: '', framework: 'tidepool', version: '0.1.0', skills: ['echo', 'ask', 'describe'], key: 'k'.repeat(43) };
const ctx = { from: 'a@b/c', sessionid: 's', signal: new AbortController().signal, progress: () => {} };

describe('describe', () => {
  test('the form names the agent and leaves out fields with nothing to say; the JSON is the whole card', async () => {
    const r = await describeSkill(() => card).run({}, ctx);
    const f = r.ok ? r.value.form! : undefined;
    expect(f?.type).toBe('result');
    expect(f?.title).toBe('About Reef');
    expect(f?.fields.map((x) => [x.var, x.values])).toEqual([
      ['name', ['Reef']],
      ['framework', ['tidepool']],
      ['version', ['0.1.0']],
      ['skills', ['ask, describe, echo']],
    ]);
    expect(r.ok && r.value.json).toEqual(card);
  });

  test('persona lines, brain and owner appear when set, and the form is valid XEP-0004', () => {
    const f = describeForm({ ...card, persona: 'Maps the pools.\n\nLikes kelp.', model: 'tiny', backend: 'wllama', owner: 'marina@example.org' });
    const parsed = parseForm(formElement(f));
    expect(parsed.ok && parsed.value.fields.map((x) => [x.var, x.type, x.values])).toEqual([
      ['name', 'text-single', ['Reef']],
      ['persona', 'text-multi', ['Maps the pools.', 'Likes kelp.']],
      ['model', 'text-single', ['tiny']],
      ['backend', 'text-single', ['wllama']],
      ['framework', 'text-single', ['tidepool']],
      ['version', 'text-single', ['0.1.0']],
      ['owner', 'text-single', ['marina@example.org']],
      ['skills', 'text-single', ['ask, describe, echo']],
    ]);
  });

  test('a card form without its empty fields reads back as the same card', () => {
    const parsed = parseForm(formElement(cardForm(card)));
    expect(parsed.ok && parsed.value.fields.map((x) => x.var)).toEqual(['FORM_TYPE', 'name', 'framework', 'version', 'skills', 'key']);
    expect(parsed.ok && parseCardForm(parsed.value)).toEqual({ ...card, skills: ['ask', 'describe', 'echo'] });
  });
});
