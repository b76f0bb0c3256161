// Onboarding's pure part (src/ui/onboarding.ts): when the form shows, and what it accepts.
import { describe, expect, test } from 'vitest';
import { AVATARS, colorFor, friendlyName, initialForm, startPlan, validateOnboarding } from '../../src/ui/onboarding.ts';

const config = { service: 'ws://127.0.0.1:5280/xmpp-websocket', domain: 'localhost', source: 'default' as const };
const form = (patch = {}) => ({ ...initialForm(config), name: 'Kelp', ...patch });

describe('onboarding', () => {
  test('a returning visitor resumes; a link naming the agent or the server starts at once; else the form', () => {
    expect(startPlan('?name=kelp', true)).toBe('resume');
    expect(startPlan('', true)).toBe('resume');
    expect(startPlan('?name=kelp', false)).toBe('quick');
    expect(startPlan('?service=ws%3A%2F%2Fh%2Fx&domain=h', false)).toBe('quick');
    expect(startPlan('', false)).toBe('form');
    expect(startPlan('?domain=example.org', false)).toBe('form');
    expect(startPlan('?service=ws%3A%2F%2Fh%2Fx&onboarding=show', false)).toBe('form');
  });

  test('the form starts from the resolved server, with a friendly name that validates as it is', () => {
    const f = initialForm(config);
    expect(f).toMatchObject({ service: config.service, domain: 'localhost', brain: 'none', avatar: AVATARS[0] });
    expect(f.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{2}$/);
    expect(validateOnboarding(f).ok).toBe(true);
  });

  test('friendly names: two words and a number, varied, and bounded for any random source', () => {
    expect(friendlyName(() => 0)).toBe('Brave Otter 10');
    expect(friendlyName(() => 0.999999)).toBe('Sunny Starfish 99');
    expect(new Set(Array.from({ length: 50 }, () => friendlyName())).size).toBeGreaterThan(10);
  });

  test('a valid form becomes the choice: trimmed, with a look and no brain', () => {
    const r = validateOnboarding(form({ name: '  Kelp ', persona: ' curious ', avatar: 'crab' }));
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'Kelp',
        persona: 'curious',
        look: { avatar: 'crab', color: colorFor('Kelp') },
        service: config.service,
        domain: 'localhost',
        brain: { backend: 'none', autoReply: false },
      },
    });
  });

  test('each mistake is named', () => {
    const err = (patch: object) => {
      const r = validateOnboarding(form(patch));
      return r.ok ? 'ok' : `${r.error.field}: ${r.error.message}`;
    };
    expect(err({ name: ' ' })).toMatch(/^name: .*name/);
    expect(err({ name: 'x'.repeat(65) })).toMatch(/^name: .*64/);
    expect(err({ service: 'http://h/x' })).toMatch(/^service: .*WebSocket/);
    expect(err({ domain: 'a b' })).toMatch(/^domain: .*domain/);
    expect(err({ brain: 'in-page', ggufUrl: '' })).toMatch(/^ggufUrl: .*GGUF/);
    expect(err({ brain: 'openai', baseUrl: 'ftp://x' })).toMatch(/^baseUrl: .*base URL/);
    expect(err({ brain: 'openai', model: '' })).toMatch(/^model: .*model/);
  });

  test('brain choices map to backend configurations', () => {
    const inPage = validateOnboarding(form({ brain: 'in-page', ggufUrl: 'https://h/m.gguf' }));
    expect(inPage.ok && inPage.value.brain).toEqual({ backend: 'wllama', wllama: { url: 'https://h/m.gguf' }, autoReply: false });
    const api = validateOnboarding(form({ brain: 'openai', baseUrl: 'http://h/v1', model: 'm', apiKey: '' }));
    expect(api.ok && api.value.brain).toEqual({ backend: 'openai', openai: { baseUrl: 'http://h/v1', model: 'm', apiKey: undefined }, autoReply: false });
  });

  test('colours are #rrggbb, the same for the same name', () => {
    expect(colorFor('Kelp')).toMatch(/^#[0-9a-f]{6}$/);
    expect(colorFor('Kelp')).toBe(colorFor('Kelp'));
    expect(new Set(['a', 'b', 'c', 'd', 'e'].map(colorFor)).size).toBeGreaterThan(1);
  });
});
