// TIDEPOOL_A2A_IMPORT_TOKEN: the bearer token for the agent of --a2a-import comes from the environment,
// never the command line, and is for one origin only (the import's fetch guard keeps it there).
import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../src/node/args.ts';
import { sameOriginFetch } from '../../src/node/a2a/import.ts';

const parse = (argv: string[], env: Record<string, string> = {}) => parseArgs(['--name', 'n', ...argv], env);

describe('A2A import token', () => {
  test('read from the environment for the imported agent', () => {
    const r = parse(['--a2a-import', 'http://127.0.0.1:18789'], { TIDEPOOL_A2A_IMPORT_TOKEN: 'peer-secret' });
    expect(r.ok && r.value.a2aImportToken).toBe('peer-secret');
  });
  test('absent without an import, even when the variable is set', () => {
    const r = parse([], { TIDEPOOL_A2A_IMPORT_TOKEN: 'peer-secret' });
    expect(r.ok && r.value.a2aImportToken).toBeUndefined();
  });
  test('several URLs on one origin share it; URLs on two origins are refused', () => {
    expect(parse(['--a2a-import', 'http://127.0.0.1:1/a,http://127.0.0.1:1/b'], { TIDEPOOL_A2A_IMPORT_TOKEN: 't' }).ok).toBe(true);
    const two = parse(['--a2a-import', 'http://127.0.0.1:1,http://127.0.0.1:2'], { TIDEPOOL_A2A_IMPORT_TOKEN: 't' });
    expect(two.ok).toBe(false);
    expect(!two.ok && two.error).toContain('one origin');
  });
  test('the token travels only to the configured origin', async () => {
    const seen: Array<string | null> = [];
    const impl = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return new Response('{}');
    }) as typeof fetch;
    const f = sameOriginFetch('http://127.0.0.1:18789', { authorization: 'Bearer peer-secret' }, 1000, impl);
    await f('http://127.0.0.1:18789/a2a/v1');
    await expect(f('http://127.0.0.2:18789/a2a/v1')).rejects.toThrow(/outside/);
    expect(seen).toEqual(['Bearer peer-secret']);
  });
});
