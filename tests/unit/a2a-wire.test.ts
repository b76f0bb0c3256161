// The A2A -> XEP-0050 mapping rules that need no network: which skill and form values a message
// carries, the Agent Card generated from a node card, and the runner's A2A flags.
import { describe, expect, test } from 'vitest';
import { ok } from '../../src/core/result.ts';
import { field, form } from '../../src/agent/skills/form-builders.ts';
import type { Skill } from '../../src/agent/skills/types.ts';
import { a2aCard } from '../../src/node/a2a/card.ts';
import { dataPart, message, readCall, SKILL_KEY, textPart } from '../../src/node/a2a/wire.ts';
import { parseArgs } from '../../src/node/args.ts';

describe('readCall', () => {
  test('plain text (what OpenClaw and most A2A agents send) is a question for the brain: ask, as its question field', () => {
    expect(readCall(message('user', [textPart('hi'), textPart('there')]))).toEqual({ skill: 'ask', values: { question: 'hi\nthere' } });
  });
  test('text for a named skill other than ask fills its text field', () => {
    expect(readCall(message('user', [textPart('hi')], { metadata: { [SKILL_KEY]: 'echo' } }))).toEqual({ skill: 'echo', values: { text: 'hi' } });
  });
  test('metadata names the skill; a DataPart object gives form values, scalars as strings', () => {
    const m = message('user', [dataPart({ text: 'x', repeat: 3, flag: true, tags: ['a', 1], nested: { no: 1 } })], { metadata: { [SKILL_KEY]: 'echo2' } });
    expect(readCall(m)).toEqual({ skill: 'echo2', values: { text: 'x', repeat: '3', flag: 'true', tags: ['a', '1'] } });
  });
  test('the skill may also be named inside the DataPart; data text wins over message text', () => {
    const m = message('user', [textPart('ignored'), dataPart({ [SKILL_KEY]: 'ask', question: 'the question' })]);
    expect(readCall(m)).toEqual({ skill: 'ask', values: { question: 'the question' } });
  });
});

describe('a2aCard', () => {
  const skill: Skill = {
    node: 'echo',
    name: 'Echo',
    description: 'Repeats.',
    defaultAccess: { kind: 'public' },
    stages: [() => form('form', 'Echo', [field('text', 'text-single', { label: 'Text', required: true })])],
    run: async () => ok({}),
  };
  test('name, persona, skills with their input summary, streaming, one JSON-RPC interface', () => {
    const c = a2aCard({
      card: { name: 'Ada', persona: 'A helper', framework: 'tidepool', version: '0.1.0', skills: ['echo'], owner: 'me@example.org' },
      skills: [skill],
      url: 'http://127.0.0.1:1/a2a',
      bearer: false,
    });
    expect(c).toMatchObject({
      name: 'Ada',
      description: 'A helper',
      version: '0.1.0',
      capabilities: { streaming: true },
      securityRequirements: [],
      provider: { url: 'xmpp:me@example.org' },
    });
    expect(c.supportedInterfaces).toEqual([{ url: 'http://127.0.0.1:1/a2a', protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }]);
    expect(c.skills.map((s) => s.id)).toEqual(['echo']);
    expect(c.skills[0]!.description).toContain('text');
  });
  test('token access declares a bearer scheme', () => {
    const c = a2aCard({
      card: { name: 'Ada', persona: '', framework: 'tidepool', version: '0.1.0', skills: [] },
      skills: [],
      url: 'http://x/a2a',
      bearer: true,
    });
    expect(Object.keys(c.securitySchemes)).toEqual(['bearer']);
    expect(c.securityRequirements).toHaveLength(1);
  });
});

describe('runner flags', () => {
  const parse = (argv: string[], env = {}) => parseArgs(['--name', 'n', ...argv], env);
  test('no A2A flags: no bridge, no imports', () => {
    const r = parse([]);
    expect(r.ok && r.value.a2a).toBeUndefined();
    expect(r.ok && r.value.a2aImport).toBeUndefined();
  });
  test('--a2a-port serves publicly by default; token access reads the token from the environment', () => {
    const pub = parse(['--a2a-port', '0']);
    expect(pub.ok && pub.value.a2a).toEqual({ port: 0, access: { kind: 'public' } });
    const tok = parse(['--a2a-port', '8099', '--a2a-access', 'token'], { TIDEPOOL_A2A_TOKEN: 'x'.repeat(20) });
    expect(tok.ok && tok.value.a2a).toEqual({ port: 8099, access: { kind: 'token', token: 'x'.repeat(20) } });
  });
  test('bad A2A flags are refused with a reason', () => {
    expect(parse(['--a2a-port', 'abc']).ok).toBe(false);
    expect(parse(['--a2a-access', 'public']).ok).toBe(false);
    expect(parse(['--a2a-port', '1', '--a2a-access', 'token']).ok).toBe(false);
    expect(parse(['--a2a-port', '1', '--a2a-access', 'open']).ok).toBe(false);
    expect(parse(['--a2a-import', 'file:///etc/passwd']).ok).toBe(false);
    const two = parse(['--a2a-import', 'http://127.0.0.1:1, http://127.0.0.1:2/']);
    expect(two.ok && two.value.a2aImport).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2/']);
  });
});

describe('A2A import fetch guard', () => {
  test('follows only the origin the owner configured, with the owner headers', async () => {
    const { sameOriginFetch } = await import('../../src/node/a2a/import.ts');
    const seen: Array<{ url: string; auth: string | null }> = [];
    const impl = (async (url: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') });
      return new Response('{}');
    }) as typeof fetch;
    const f = sameOriginFetch('http://127.0.0.1:9999/.well-known/agent-card.json', { authorization: 'Bearer owner' }, 1000, impl);
    await f('http://127.0.0.1:9999/a2a/jsonrpc', { method: 'POST' });
    await expect(f('http://127.0.0.1:8888/steal', { method: 'POST' })).rejects.toThrow(/outside/);
    await expect(f('https://127.0.0.1:9999/x')).rejects.toThrow(/outside/);
    expect(seen).toEqual([{ url: 'http://127.0.0.1:9999/a2a/jsonrpc', auth: 'Bearer owner' }]);
  });
});
