// A real OpenClaw gateway for tests and the bench: its own HOME (config, state) and temp directory (its
// JSON log) under one scratch directory, loopback ports, the model server given to it as its only model,
// our XMPP plugin loaded from integrations/openclaw, and its process group stopped afterwards.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OpenClawInstall } from './openclaw-install.ts';
import { spawnGroup, type GroupProcess } from './process-group.ts';

export const PLUGIN_DIR = resolve('integrations/openclaw');

export interface GatewayOptions {
  install: OpenClawInstall;
  /** Scratch directory: HOME and TMPDIR of the gateway. */
  dir: string;
  port: number;
  token: string;
  /** OpenAI-compatible base URL (…/v1) of the model server, and the model id it serves. */
  llmUrl: string;
  modelId: string;
  contextWindow: number;
  /** channels.xmpp; absent: the plugin is not loaded. */
  xmpp?: Record<string, unknown>;
  /** channels.a2a.peers. */
  a2aPeers?: Record<string, { token: string; url?: string; outboundToken?: string }>;
  /** A2A requests per peer per minute (OpenClaw's default 30; 0 = unlimited, for the bench). */
  a2aRateLimit?: number;
  /** Owners of OpenClaw commands; set so that `openclaw pairing approve` does not rewrite the config. */
  ownerAllowFrom?: string[];
}

export function gatewayConfig(o: GatewayOptions): Record<string, unknown> {
  return {
    update: { checkOnStart: false },
    // Its own JSON log (by default every gateway of the machine writes one shared file in /tmp/openclaw).
    logging: { file: join(o.dir, 'openclaw.log') },
    gateway: { mode: 'local', bind: 'loopback', port: o.port, auth: { mode: 'token', token: o.token } },
    agents: {
      defaults: {
        model: { primary: `local/${o.modelId}` },
        // A lean prompt (no workspace bootstrap files, no skills): the tiny model's context is large but slow.
        contextInjection: 'never',
        skills: [],
        // No turns nobody asked for: they would queue before the tests' and spend the model.
        heartbeat: { every: '0m' },
      },
    },
    cron: { enabled: false },
    // Few tools, a short prompt; `message` and our `tidepool` are what the tests invoke.
    tools: { profile: 'minimal', alsoAllow: ['message', 'tidepool'] },
    ...(o.ownerAllowFrom ? { commands: { ownerAllowFrom: o.ownerAllowFrom } } : {}),
    models: {
      mode: 'replace',
      providers: {
        local: {
          baseUrl: o.llmUrl,
          apiKey: 'unused',
          api: 'openai-completions',
          models: [
            {
              id: o.modelId,
              name: 'Tidepool tiny GGUF',
              reasoning: false,
              input: ['text'],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: o.contextWindow,
              maxTokens: 128,
            },
          ],
        },
      },
    },
    channels: {
      a2a: { enabled: true, peers: o.a2aPeers ?? {}, ...(o.a2aRateLimit !== undefined ? { rateLimitPerMinute: o.a2aRateLimit } : {}) },
      ...(o.xmpp ? { xmpp: { enabled: true, ...o.xmpp } } : {}),
    },
    // Only the channels under test: every other bundled plugin would load, start and prompt for nothing.
    plugins: {
      allow: o.xmpp ? ['a2a', 'xmpp'] : ['a2a'],
      ...(o.xmpp ? { load: { paths: [PLUGIN_DIR] }, entries: { xmpp: { enabled: true } } } : {}),
    },
  };
}

export interface Gateway {
  url: string;
  token: string;
  process: GroupProcess;
  /** Environment for running OpenClaw's CLI against this gateway's config (`openclaw pairing approve …`). */
  env: NodeJS.ProcessEnv;
  /** The gateway's JSON log (agent and provider errors are only there). */
  log(): string;
  stop(): Promise<void>;
}

export function gatewayEnv(o: Pick<GatewayOptions, 'install' | 'dir'>): NodeJS.ProcessEnv {
  const tmp = join(o.dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  // OpenClaw is itself tested with vitest and changes course when it sees a test run (VITEST, NODE_ENV=test:
  // no gateway lock, no config preflight, a startup that never finishes): it must not see ours.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|NODE_ENV$|NODE_OPTIONS$|TEST$|TINYPOOL)/.test(k)));
  return { ...env, PATH: o.install.path, HOME: o.dir, TMPDIR: tmp, OPENCLAW_NO_AUTO_UPDATE: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
}

/** Writes the config and starts `openclaw gateway run`; resolves once the HTTP server listens. */
export async function startGateway(o: GatewayOptions, readyMs = 300_000): Promise<Gateway> {
  mkdirSync(join(o.dir, '.openclaw'), { recursive: true });
  writeFileSync(join(o.dir, '.openclaw', 'openclaw.json'), JSON.stringify(gatewayConfig(o), null, 2));
  const env = gatewayEnv(o);
  const p = spawnGroup(o.install.node, [o.install.cli, 'gateway', 'run'], { env, cwd: o.dir });
  const log = () => {
    try {
      return readFileSync(join(o.dir, 'openclaw.log'), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await p.waitFor(/\[gateway\] ready/, readyMs, 'the gateway to be ready');
  } catch (e) {
    await p.stop();
    throw e;
  }
  // The gateway's spawn broker runs in a process group of its own; it exits with the gateway, and if it
  // ever did not, its pid (from the gateway's own log line) is all we would touch.
  const stop = async () => {
    const broker = /spawn broker ready pid=(\d+)/.exec(p.stdout())?.[1];
    await p.stop();
    if (broker) {
      try {
        process.kill(Number(broker), 'SIGKILL');
      } catch {
        // gone with the gateway, as it should be
      }
    }
  };
  return { url: `http://127.0.0.1:${o.port}`, token: o.token, process: p, env, log, stop };
}
