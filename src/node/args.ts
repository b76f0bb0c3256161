// Command-line options of the headless node.
import { SUBSCRIPTION_POLICIES, type SubscriptionPolicy } from '../agent/index.ts';
import { errorMessage } from '../agent/index.ts';

export interface NodeArgs {
  name: string;
  service: string;
  domain: string;
  state: string;
  persona: string;
  accept: SubscriptionPolicy;
  /** JIDs allowed to use every enabled skill; their chat is the owner conversation. */
  owners: string[];
  brain?: { backend: 'openai'; baseUrl: string; model: string; apiKey?: string } | { backend: 'node-llama-cpp'; path: string; contextSize?: number };
  autoReply: boolean;
  /** The autonomy loop: mode, decider, and goals (JSON, as the page's goal editor writes them). */
  autonomy?: 'off' | 'on' | 'step';
  decider?: 'rules' | 'llm';
  goals?: unknown[];
  /** MCP servers to mount as skills: `NAME=COMMAND ARG…` or `NAME=URL` (src/node/mcp/mount.ts). Repeatable. */
  mcpMounts?: string[];
  /** A2A bridge (src/node/a2a): serve on this port (0 = any free one), with this caller policy. */
  a2a?: { port: number; access: { kind: 'public' } | { kind: 'token'; token: string } };
  /** A2A agents (card URLs) to import as owner-only skills. */
  a2aImport?: string[];
  /** Bearer token for the imported agent (TIDEPOOL_A2A_IMPORT_TOKEN): sent only to the one origin imported. */
  a2aImportToken?: string;
  /** Import this agent archive into the state directory, then run it (the passphrase: TIDEPOOL_PASSPHRASE or a prompt). */
  importAgent?: string;
  /** Write the agent in the state directory to this archive and mark it moved (it does not go online here again). */
  exportAgent?: string;
  /** With --export-agent: put the brain's API key in the archive too. */
  includeApiKey?: boolean;
  /** Lock the secrets at rest by the passphrase (TIDEPOOL_PASSPHRASE or a prompt). */
  lockSecrets?: boolean;
  /** Run an agent that was moved away from this state directory here again. */
  takeBack?: boolean;
  /** TIDEPOOL_PASSPHRASE, when set (never a flag: other users see the command line). */
  passphrase?: string;
}

export const USAGE = `usage: npm run node -- --name NAME [--service ws://HOST:PORT/xmpp-websocket] [--domain DOMAIN]
                     [--state DIR] [--persona TEXT] [--accept ask|accept|reject|friends-of-friends|brain]
                     [--owner JID[,JID…]] [--llm-url URL --llm-model NAME | --gguf FILE [--context TOKENS]] [--auto-reply]
                     [--autonomy off|on|step] [--decider rules|llm] [--goals JSON]
                     [--mcp-mount NAME=COMMAND… | NAME=URL]…
                     [--a2a-port N [--a2a-access public|token]] [--a2a-import URL[,URL…]]
                     [--lock-secrets] [--take-back]
       npm run node -- --import-agent FILE [--state DIR] [--lock-secrets] [other options]
       npm run node -- --state DIR --export-agent FILE [--include-api-key]
  Chat from an --owner JID is the owner conversation: instructions, approved by replying "yes"/"no" or a number.
  The API key for --llm-url is read from TIDEPOOL_LLM_KEY (never from the command line).
  The A2A bearer token for --a2a-access token is read from TIDEPOOL_A2A_TOKEN; the one sent to the
  agent of --a2a-import, to its origin only, from TIDEPOOL_A2A_IMPORT_TOKEN.
  The passphrase of an agent archive or of locked secrets is read from TIDEPOOL_PASSPHRASE, else asked on the terminal.
  --export-agent moves the agent: the state directory keeps its data but does not go online again (--take-back does).`;

/** Flags that take no value. */
const SWITCHES = new Set(['auto-reply', 'include-api-key', 'lock-secrets', 'take-back']);

export function parseArgs(argv: string[], env: Record<string, string | undefined> = {}): { ok: true; value: NodeArgs } | { ok: false; error: string } {
  const flags = new Map<string, string>();
  const mcpMounts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return { ok: false, error: USAGE };
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(a);
    if (!m) return { ok: false, error: `unexpected argument "${a}"\n${USAGE}` };
    if (SWITCHES.has(m[1]!) && m[2] === undefined) {
      flags.set(m[1]!, 'true');
      continue;
    }
    const value = m[2] ?? (argv[i + 1]?.startsWith('--') ? undefined : argv[++i]);
    if (value === undefined) return { ok: false, error: `--${m[1]} needs a value\n${USAGE}` };
    if (m[1] === 'mcp-mount') mcpMounts.push(value);
    else flags.set(m[1]!, value);
  }
  const known = new Set([
    'name',
    'service',
    'domain',
    'state',
    'persona',
    'accept',
    'owner',
    'llm-url',
    'llm-model',
    'gguf',
    'context',
    'auto-reply',
    'autonomy',
    'decider',
    'goals',
    'a2a-port',
    'a2a-access',
    'a2a-import',
    'import-agent',
    'export-agent',
    'include-api-key',
    'lock-secrets',
    'take-back',
  ]);
  for (const k of flags.keys()) if (!known.has(k)) return { ok: false, error: `unknown option --${k}\n${USAGE}` };
  const importAgent = flags.get('import-agent');
  const exportAgent = flags.get('export-agent');
  if (importAgent && exportAgent) return { ok: false, error: 'use either --import-agent or --export-agent, not both' };
  if (exportAgent && !flags.get('state')) return { ok: false, error: `--export-agent needs the --state directory of the agent to export\n${USAGE}` };
  // An imported agent brings its name; without --state it lives in .tidepool/nodes/<its account name>.
  const name = flags.get('name') || (importAgent || exportAgent ? '' : undefined);
  if (name === undefined) return { ok: false, error: `--name is required\n${USAGE}` };
  const accept = flags.get('accept') ?? 'ask';
  if (!SUBSCRIPTION_POLICIES.includes(accept as SubscriptionPolicy)) return { ok: false, error: `--accept must be one of ${SUBSCRIPTION_POLICIES.join(', ')}` };
  const autonomy = flags.get('autonomy');
  if (autonomy !== undefined && autonomy !== 'off' && autonomy !== 'on' && autonomy !== 'step')
    return { ok: false, error: '--autonomy must be off, on or step' };
  const decider = flags.get('decider');
  if (decider !== undefined && decider !== 'rules' && decider !== 'llm') return { ok: false, error: '--decider must be rules or llm' };
  let goals: unknown[] | undefined;
  if (flags.has('goals')) {
    try {
      const parsed: unknown = JSON.parse(flags.get('goals')!);
      if (!Array.isArray(parsed)) throw new Error('not a list');
      goals = parsed;
    } catch (e) {
      return { ok: false, error: `--goals must be a JSON list of goals: ${errorMessage(e)}` };
    }
  }
  const a2a = parseA2a(flags, env);
  if (typeof a2a === 'string') return { ok: false, error: a2a };
  const a2aImport = (flags.get('a2a-import') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (a2aImport.some((u) => !/^https?:\/\//.test(u))) return { ok: false, error: '--a2a-import takes http:// or https:// card URLs' };
  const a2aImportToken = env.TIDEPOOL_A2A_IMPORT_TOKEN || undefined;
  // One token, one origin: sent to agents of several origins, it would reach those it is not for.
  if (a2aImportToken && new Set(a2aImport.map((u) => new URL(u).origin)).size > 1)
    return { ok: false, error: 'TIDEPOOL_A2A_IMPORT_TOKEN is sent to one origin only: import agents of other origins from another node' };
  const service = flags.get('service') ?? env.TIDEPOOL_SERVICE ?? 'ws://127.0.0.1:5280/xmpp-websocket';
  const llmUrl = flags.get('llm-url');
  const llmModel = flags.get('llm-model');
  const gguf = flags.get('gguf');
  if (llmUrl && gguf) return { ok: false, error: 'use either --llm-url or --gguf, not both' };
  const context = flags.get('context');
  if (context !== undefined && (!gguf || !/^\d+$/.test(context) || Number(context) < 256 || Number(context) > 131072))
    return { ok: false, error: '--context goes with --gguf and is a number of tokens (256 to 131072)' };
  if (Boolean(llmUrl) !== Boolean(llmModel)) return { ok: false, error: '--llm-url and --llm-model go together' };
  if (llmUrl && !/^https?:\/\//.test(llmUrl)) return { ok: false, error: '--llm-url must be an http:// or https:// URL' };
  const brain: NodeArgs['brain'] =
    llmUrl && llmModel
      ? { backend: 'openai', baseUrl: llmUrl, model: llmModel, apiKey: env.TIDEPOOL_LLM_KEY }
      : gguf
        ? { backend: 'node-llama-cpp', path: gguf, ...(context ? { contextSize: Number(context) } : {}) }
        : undefined;
  if (!/^wss?:\/\//.test(service)) return { ok: false, error: `--service must be a ws:// or wss:// URL` };
  return {
    ok: true,
    value: {
      name,
      service,
      domain: flags.get('domain') ?? env.TIDEPOOL_DOMAIN ?? 'localhost',
      state: flags.get('state') ?? (name ? stateFor(name) : ''),
      persona: flags.get('persona') ?? '',
      accept: accept as SubscriptionPolicy,
      ...(autonomy ? { autonomy } : {}),
      ...(decider ? { decider } : {}),
      ...(goals ? { goals } : {}),
      owners: (flags.get('owner') ?? '')
        .split(',')
        .map((j) => j.trim())
        .filter(Boolean),
      ...(brain ? { brain } : {}),
      autoReply: flags.get('auto-reply') === 'true',
      ...(mcpMounts.length ? { mcpMounts } : {}),
      ...(a2a ? { a2a } : {}),
      ...(a2aImport.length ? { a2aImport } : {}),
      ...(a2aImport.length && a2aImportToken ? { a2aImportToken } : {}),
      ...(importAgent ? { importAgent } : {}),
      ...(exportAgent ? { exportAgent } : {}),
      ...(flags.get('include-api-key') === 'true' ? { includeApiKey: true } : {}),
      ...(flags.get('lock-secrets') === 'true' ? { lockSecrets: true } : {}),
      ...(flags.get('take-back') === 'true' ? { takeBack: true } : {}),
      ...(env.TIDEPOOL_PASSPHRASE ? { passphrase: env.TIDEPOOL_PASSPHRASE } : {}),
    },
  };
}

/** The default state directory of an agent named `name`. */
export const stateFor = (name: string) => `.tidepool/nodes/${name.replace(/[^A-Za-z0-9._-]/g, '_')}`;

function parseA2a(flags: Map<string, string>, env: Record<string, string | undefined>): NodeArgs['a2a'] | string | undefined {
  const port = flags.get('a2a-port');
  const access = flags.get('a2a-access');
  if (port === undefined) return access === undefined ? undefined : '--a2a-access needs --a2a-port';
  if (!/^\d+$/.test(port) || Number(port) > 65535) return '--a2a-port must be a port number (0 picks a free one)';
  if (access !== undefined && access !== 'public' && access !== 'token') return '--a2a-access must be public or token';
  if (access !== 'token') return { port: Number(port), access: { kind: 'public' } };
  const token = env.TIDEPOOL_A2A_TOKEN ?? '';
  if (token.length < 16) return '--a2a-access token needs TIDEPOOL_A2A_TOKEN (at least 16 characters) in the environment';
  return { port: Number(port), access: { kind: 'token', token } };
}
