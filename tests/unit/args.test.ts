// Command-line options of the headless node.
import { describe, expect, test } from 'vitest';
import { parseArgs, USAGE } from '../../src/node/args.ts';

function okArgs(argv: string[], env: Record<string, string | undefined> = {}) {
  const r = parseArgs(argv, env);
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r.value;
}

function errArgs(argv: string[], env: Record<string, string | undefined> = {}) {
  const r = parseArgs(argv, env);
  if (r.ok) throw new Error(`expected an error, got: ${JSON.stringify(r.value)}`);
  return r.error;
}

describe('parseArgs', () => {
  test('defaults', () => {
    expect(okArgs(['--name', 'scout'])).toEqual({
      name: 'scout',
      service: 'ws://127.0.0.1:5280/xmpp-websocket',
      domain: 'localhost',
      state: '.tidepool/nodes/scout',
      persona: '',
      accept: 'ask',
      owners: [],
      autoReply: false,
    });
  });

  test('--flag value and --flag=value forms', () => {
    const a = okArgs(['--name', 'scout', '--domain', 'example.org', '--accept', 'accept', '--persona', 'a helpful crab']);
    const b = okArgs(['--name=scout', '--domain=example.org', '--accept=accept', '--persona=a helpful crab']);
    expect(a).toEqual(b);
    expect(a.domain).toBe('example.org');
    expect(a.accept).toBe('accept');
    expect(a.persona).toBe('a helpful crab');
  });

  test('--flag=value keeps everything after the first =', () => {
    expect(okArgs(['--name=scout', '--persona=x=y, z']).persona).toBe('x=y, z');
  });

  test('--flag= gives an empty value', () => {
    expect(okArgs(['--name=scout', '--persona=']).persona).toBe('');
  });

  test('every option', () => {
    const v = okArgs([
      '--name',
      'n',
      '--service',
      'wss://xmpp.example.org/ws',
      '--domain',
      'example.org',
      '--state',
      '/tmp/st',
      '--persona',
      'p',
      '--accept',
      'reject',
      '--owner',
      'me@example.org, you@example.org',
    ]);
    expect(v).toEqual({
      name: 'n',
      service: 'wss://xmpp.example.org/ws',
      domain: 'example.org',
      state: '/tmp/st',
      persona: 'p',
      accept: 'reject',
      owners: ['me@example.org', 'you@example.org'],
      autoReply: false,
    });
  });

  test('the default state directory is made safe from the name', () => {
    expect(okArgs(['--name', '../../etc/passwd']).state).toBe('.tidepool/nodes/.._.._etc_passwd');
    expect(okArgs(['--name', 'Crab Bot #1']).state).toBe('.tidepool/nodes/Crab_Bot__1');
    expect(okArgs(['--name', 'Crab Bot #1']).name).toBe('Crab Bot #1');
  });

  test('environment supplies service and domain; flags win over it', () => {
    const env = { TIDEPOOL_SERVICE: 'wss://env.example/ws', TIDEPOOL_DOMAIN: 'env.example' };
    expect(okArgs(['--name', 'n'], env)).toMatchObject({ service: 'wss://env.example/ws', domain: 'env.example' });
    expect(okArgs(['--name', 'n', '--service', 'ws://127.0.0.1:1/x', '--domain', 'flag.example'], env)).toMatchObject({
      service: 'ws://127.0.0.1:1/x',
      domain: 'flag.example',
    });
  });

  test('a repeated flag: the last one wins', () => {
    expect(okArgs(['--name', 'a', '--name', 'b']).name).toBe('b');
  });

  test('missing --name', () => {
    expect(errArgs([])).toMatch(/--name is required/);
    expect(errArgs(['--domain', 'example.org'])).toMatch(/--name is required/);
    expect(errArgs(['--name='])).toMatch(/--name is required/);
  });

  test('a flag without a value', () => {
    expect(errArgs(['--name'])).toMatch(/--name needs a value/);
    expect(errArgs(['--name', 'n', '--domain'])).toMatch(/--domain needs a value/);
  });

  test('unknown option', () => {
    const e = errArgs(['--name', 'n', '--colour', 'blue']);
    expect(e).toMatch(/unknown option --colour/);
    expect(e).toContain(USAGE);
  });

  test('a stray positional argument', () => {
    expect(errArgs(['scout'])).toMatch(/unexpected argument "scout"/);
    expect(errArgs(['-n', 'scout'])).toMatch(/unexpected argument "-n"/);
  });

  test('--help and -h give the usage', () => {
    expect(errArgs(['--help'])).toBe(USAGE);
    expect(errArgs(['--name', 'n', '-h'])).toBe(USAGE);
  });

  test('bad --accept', () => {
    expect(errArgs(['--name', 'n', '--accept', 'maybe'])).toMatch(/--accept must be one of ask, accept, reject, friends-of-friends, brain/);
    expect(errArgs(['--name', 'n', '--accept', 'ACCEPT'])).toMatch(/--accept must be/);
  });

  test('bad --service', () => {
    expect(errArgs(['--name', 'n', '--service', 'http://127.0.0.1:5280/xmpp-websocket'])).toMatch(/--service must be a ws:\/\/ or wss:\/\/ URL/);
    expect(errArgs(['--name', 'n', '--service', '127.0.0.1:5280'])).toMatch(/--service must be/);
  });

  test('a bad service from the environment is refused too', () => {
    expect(errArgs(['--name', 'n'], { TIDEPOOL_SERVICE: 'https://example.org/ws' })).toMatch(/--service must be/);
  });
});

describe('flags without values', () => {
  test('a flag followed by another flag reports the missing value instead of swallowing it', () => {
    const r = parseArgs(['--name', '--domain', 'x']);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/--name needs a value/);
  });
});

describe('brain flags', () => {
  test('--llm-url with --llm-model selects the OpenAI-compatible backend; the key comes from the environment', () => {
    const r = parseArgs(['--name', 'n', '--llm-url', 'http://127.0.0.1:8080/v1', '--llm-model', 'tiny', '--auto-reply'], { TIDEPOOL_LLM_KEY: 'sk-x' });
    expect(r.ok && r.value).toMatchObject({
      brain: { backend: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', model: 'tiny', apiKey: 'sk-x' },
      autoReply: true,
    });
  });
  test('--gguf selects node-llama-cpp', () => {
    const r = parseArgs(['--name', 'n', '--gguf', '/m/tiny.gguf']);
    expect(r.ok && r.value.brain).toEqual({ backend: 'node-llama-cpp', path: '/m/tiny.gguf' });
  });
  test('autonomy flags: mode, decider and goals as JSON', () => {
    const v = okArgs(['--name', 'n', '--accept', 'friends-of-friends', '--autonomy', 'on', '--decider', 'rules', '--goals', '[{"kind":"meet","count":2}]']);
    expect(v).toMatchObject({ accept: 'friends-of-friends', autonomy: 'on', decider: 'rules', goals: [{ kind: 'meet', count: 2 }] });
  });
  test.each([
    [['--autonomy', 'always'], /off, on or step/],
    [['--decider', 'oracle'], /rules or llm/],
    [['--goals', '{"kind":"meet"}'], /JSON list/],
    [['--goals', '[oops'], /JSON list/],
    [['--accept', 'everyone'], /--accept must be one of/],
    [['--llm-url', 'http://x/v1'], /go together/],
    [['--llm-url', 'ftp://x', '--llm-model', 'm'], /http/],
    [['--llm-url', 'http://x/v1', '--llm-model', 'm', '--gguf', 'f'], /either/],
  ])('refuses %j', (extra, why) => {
    const r = parseArgs(['--name', 'n', ...extra]);
    expect(!r.ok && r.error).toMatch(why);
  });
});

describe('moving an agent', () => {
  test('--import-agent needs no --name (the archive brings it); the passphrase comes from the environment only', () => {
    const v = okArgs(['--import-agent', 'ann.json', '--lock-secrets'], { TIDEPOOL_PASSPHRASE: 'pass phrase' });
    expect(v).toMatchObject({ importAgent: 'ann.json', lockSecrets: true, passphrase: 'pass phrase', name: '', state: '' });
    expect(okArgs(['--import-agent', 'ann.json', '--state', 'dir']).passphrase).toBeUndefined();
  });
  test('--export-agent needs --state; --include-api-key and --take-back are switches', () => {
    expect(okArgs(['--state', 'dir', '--export-agent', 'out.json', '--include-api-key'])).toMatchObject({
      exportAgent: 'out.json',
      includeApiKey: true,
      state: 'dir',
    });
    expect(okArgs(['--name', 'n', '--take-back']).takeBack).toBe(true);
    expect(errArgs(['--export-agent', 'out.json'])).toMatch(/--export-agent needs the --state directory/);
    expect(errArgs(['--state', 'd', '--export-agent', 'a', '--import-agent', 'b'])).toMatch(/either --import-agent or --export-agent/);
    expect(errArgs(['--name', 'n', '--passphrase', 'x'])).toMatch(/unknown option --passphrase/);
    expect(USAGE).toMatch(/TIDEPOOL_PASSPHRASE/);
  });
});
