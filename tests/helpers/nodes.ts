// Helpers for integration tests: real agent nodes on the test Prosody, state in temp dirs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installWebSocket } from '../../src/node/websocket.ts';
import { createAgentNode, type AgentNodeInternals as AgentNode, type AgentOptions } from '../../src/agent/node.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { bareOf } from '../../src/core/jid.ts';

installWebSocket();

export function tempDir(prefix = 'tidepool-node-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function makeNode(service: string, domain: string, name: string, extra: Partial<AgentOptions> = {}, dir = tempDir()): Promise<AgentNode> {
  const store = extra.store ?? (await createFileStore(dir));
  const r = await createAgentNode({ store, service, domain, name, ...extra });
  if (!r.ok) throw new Error(`createAgentNode failed: ${r.error.message}`);
  return r.value;
}

export async function startNode(node: AgentNode): Promise<string> {
  const r = await node.start();
  if (!r.ok) throw new Error(`start failed: ${r.error.message}`);
  return r.value;
}

/** Resolves with the first event payload that satisfies `pred`, or rejects after `ms`. */
export function waitFor<T>(subscribe: (fn: (v: T) => void) => () => void, pred: (v: T) => boolean = () => true, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`condition not met within ${ms} ms`));
    }, ms);
    const off = subscribe((v) => {
      if (!pred(v)) return;
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}

export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} not met within ${ms} ms`);
}

/** The one bare-JID helper of the tests: the core's own (lower-cased), so tests and code cannot disagree. */
export const bare = bareOf;

/** Rejects with a readable reason instead of letting the whole test time out silently. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Debian's interpreter: the pyenv python3 on PATH does not see python3-slixmpp. */
export const DEBIAN_PYTHON = '/usr/bin/python3';
