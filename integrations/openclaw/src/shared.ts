// State shared by every copy of this module in one gateway process. OpenClaw imports a plugin several
// times (discovery, full registration, tool discovery before an agent turn, again on config reload), each
// a fresh module instance: the account a channel started and the tool an agent calls may live in
// different instances, so they meet here, on a global key, instead of in module variables.
import type { AgentNode } from '../../../src/agent/index.ts';
import type { XmppAccount } from './config.ts';

/** A started account: its node and what the tool and the outbound adapter need of it. */
export interface RunningAccount {
  account: XmppAccount;
  node: AgentNode;
  /** Sends a reply to a peer (chat) or a room we are in (groupchat), split to our stanza limit. */
  send(
    to: string,
    text: string,
  ): Promise<{ ok: true; ids: string[] } | { ok: false; message: string; /** nothing was sent, and never will be */ rejected?: boolean }>;
  /** Owner-facing notes (the tool's refusals, failed deliveries) go to the gateway log. */
  log(message: string): void;
}

interface Shared {
  runtime?: OcPluginRuntime;
  accounts: Map<string, RunningAccount>;
}

const KEY = Symbol.for('tidepool.openclaw.xmpp');

export function shared(): Shared {
  const g = globalThis as { [KEY]?: Shared };
  return (g[KEY] ??= { accounts: new Map() });
}

export function runtime(): OcPluginRuntime {
  const r = shared().runtime;
  if (!r) throw new Error('the xmpp plugin was used before OpenClaw handed it its runtime');
  return r;
}
