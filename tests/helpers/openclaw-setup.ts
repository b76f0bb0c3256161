// Global setup of the `openclaw` test project: a real Prosody, the real OpenClaw gateway (installed once
// into .tidepool/cache/openclaw) with our XMPP plugin built from integrations/openclaw, and real
// inference (scripts/llm-server.ts on the tiny GGUF) as its model. One gateway serves every file: it
// takes half a minute and more to start here. Everything runs on free loopback ports and is stopped, by
// process group, afterwards. A missing piece fails the project with its name; nothing is skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { freePort, startProsody, type ProsodyServer } from '../../scripts/lib/prosody.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import { ensureOpenClaw } from './openclaw-install.ts';
import { PLUGIN_DIR, startGateway, type Gateway } from './openclaw-gateway.ts';
import { startLlmProcess, type LlmProcess } from './llm-process.ts';
import { warmUp } from './openclaw-a2a.ts';

/** Tokens of context for the tiny model: OpenClaw's lean prompt is ~15k. */
const LLM_CONTEXT = 32_768;

// service, domain, c2sPort and prosodyDir: as declared in prosody-setup.ts.
declare module 'vitest' {
  export interface ProvidedContext {
    llmUrl: string;
    oc: {
      url: string;
      token: string;
      /** Bearer token of the A2A peer `tidepool` (what our importer sends to OpenClaw). */
      peerToken: string;
      /** The agent's full JID (its XEP-0050 address) and its name, which is its nick in rooms. */
      jid: string;
      name: string;
      room: string;
      /** Accounts in the agent's allowFrom, registered here: a Tidepool node's and slixmpp's. */
      friend: { user: string; password: string };
      slix: { user: string; password: string };
      /** Where OpenClaw's outbound peer `a2a:tidepool` sends: a Tidepool bridge the tests start there. */
      bridgePort: number;
      bridgeToken: string;
      /** For running OpenClaw's own CLI against this gateway. */
      node: string;
      cli: string;
      env: Record<string, string>;
      dir: string;
    };
  }
}

export default async function setup(project: TestProject) {
  const t0 = Date.now();
  const step = (what: string) => console.error(`[openclaw setup] ${what} (${Math.round((Date.now() - t0) / 1000)} s)`);
  const dir = mkdtempSync(join(tmpdir(), 'tidepool-openclaw-'));
  let prosody: ProsodyServer | undefined;
  let llm: LlmProcess | undefined;
  let gateway: Gateway | undefined;
  let pendingGateway: Promise<unknown> | undefined;
  const teardown = async () => {
    // A gateway still starting when something else failed is waited for, then stopped like the rest.
    await pendingGateway?.catch(() => undefined);
    await gateway?.stop();
    await llm?.stop();
    await prosody?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const install = ensureOpenClaw();
    step('OpenClaw installed');
    await build({ configFile: join(PLUGIN_DIR, 'vite.config.ts'), logLevel: 'warn' });
    step('plugin built');
    // Ports first, so the slow gateway starts beside the server and the model, not after them (the
    // plugin waits for the XMPP server; OpenClaw calls the model only when a turn comes).
    const [httpPort, c2sPort, llmPort, port, bridgePort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const domain = 'localhost';
    const service = `ws://127.0.0.1:${httpPort}/xmpp-websocket`;
    const llmUrl = `http://127.0.0.1:${llmPort}/v1`;
    const friend = { user: `oc-friend-${randomSecret(3)}`, password: randomSecret() };
    const slix = { user: `oc-slix-${randomSecret(3)}`, password: randomSecret() };
    const name = `claw-${randomSecret(3)}`;
    const room = `oc-room-${randomSecret(3)}@muc.${domain}`;
    const token = randomSecret();
    const peerToken = randomSecret();
    const bridgeToken = randomSecret();
    const starting = startGateway({
      install,
      dir: join(dir, 'gateway'),
      port,
      token,
      llmUrl,
      modelId: 'tiny',
      contextWindow: LLM_CONTEXT,
      ownerAllowFrom: [`xmpp:owner@${domain}`],
      a2aPeers: { tidepool: { token: peerToken, url: `http://127.0.0.1:${bridgePort}/a2a`, outboundToken: bridgeToken } },
      xmpp: {
        service,
        domain,
        name,
        accept: 'ask',
        dmPolicy: 'pairing',
        allowFrom: [`${friend.user}@${domain}`, `${slix.user}@${domain}`],
        rooms: [room],
        groups: { '*': { requireMention: true } },
        policy: { allowedSkills: ['describe', 'echo'] },
      },
    }).then((g) => (gateway = g));
    starting.catch(() => undefined); // awaited below; a failure meanwhile is not "unhandled"
    pendingGateway = starting;
    [prosody, llm] = await Promise.all([startProsody({ dir: join(dir, 'prosody'), domain, httpPort, c2sPort }), startLlmProcess(LLM_CONTEXT, llmPort)]);
    prosody.register(friend.user, friend.password);
    prosody.register(slix.user, slix.password);
    step('Prosody and the model server up');
    await starting;
    step('gateway ready');
    if (!gateway) throw new Error('no gateway');
    const jid = (await gateway.process.waitFor(/xmpp\[default\]: online as (\S+)/, 60_000, 'the agent to be online on XMPP'))[1]!;
    await gateway.process.waitFor(new RegExp(`joined ${room.replace(/[.]/g, '\\.')}`), 30_000, `the agent to join ${room}`);
    step(`agent online as ${jid}`);
    // The first turn after start waits for OpenClaw's startup maintenance and loads the agent runtime:
    // paid here once, so the tests' own turns take what a turn takes.
    await warmUp(gateway.url, peerToken);
    step('first turn answered');
    project.provide('service', prosody.service);
    project.provide('domain', prosody.domain);
    project.provide('c2sPort', prosody.c2sPort);
    project.provide('prosodyDir', prosody.dir);
    project.provide('llmUrl', llmUrl);
    project.provide('oc', {
      url: gateway.url,
      token,
      peerToken,
      jid,
      name,
      room,
      friend,
      slix,
      bridgePort,
      bridgeToken,
      node: install.node,
      cli: install.cli,
      env: Object.fromEntries(Object.entries(gateway.env).filter((e): e is [string, string] => typeof e[1] === 'string')),
      dir,
    });
  } catch (e) {
    const log = gateway
      ?.log()
      .split('\n')
      .filter((l) => /"logLevelName":"(ERROR|WARN)"/.test(l))
      .slice(-10)
      .join('\n');
    await teardown();
    throw new Error(`${(e as Error).message}${log ? `\ngateway log (warnings and errors):\n${log}` : ''}`);
  }
  return teardown;
}
