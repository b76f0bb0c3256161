// What must hold for a Node node after every fuzz batch: it answers a ping and `describe`, it
// stayed online, nothing its policy forbids happened (no roster entries from the stranger's pushes,
// no approved subscription, `ask` still owner-only, no handshake granting it), and its store on disk
// parses and holds what it held before. Problems are collected (with the batch) rather than thrown.
import type { AgentNodeInternals as AgentNode } from '../../../src/agent/node.ts';
import type { Identity } from '../../../src/store/types.ts';
import type { SkillSettings } from '../../../src/agent/skills/types.ts';
import type { XmppConnection } from '../../../src/xmpp/connection/client.ts';
import type { NodeWatch } from './node-watch.ts';
import { pingAndDescribe } from './probes.ts';
import { handshakesIn, readStoreState } from './store-state.ts';

export interface NodeHealthDeps {
  node: AgentNode;
  nodeJid: string;
  /** The node's store directory (createFileStore). */
  dir: string;
  caller: AgentNode;
  fuzzer: XmppConnection;
  fuzzerBare: string;
  watch: NodeWatch;
}

export interface NodeHealth {
  /** Every problem found so far, prefixed with when. */
  readonly issues: string[];
  /** The handshake records present before the fuzz (they must survive it unchanged). */
  readonly handshakesBefore: Record<string, unknown>;
  readonly identityBefore: Identity;
  /** Checks everything once; returns (and records) what is wrong. */
  check(when: string): Promise<string[]>;
}

/** Takes the baseline now: call it once the node is set up and before the fuzz. */
export function captureNodeHealth(d: NodeHealthDeps): NodeHealth {
  const { node, dir, fuzzerBare, watch } = d;
  const before = readStoreState(dir);
  const identityBefore = before.identity;
  const handshakesBefore = handshakesIn(before.settings);
  const contactsBefore = node.contacts.list().map((c) => c.jid);
  const contactsFileBefore = JSON.stringify(before.contacts);
  const issues: string[] = [];

  async function storeIssues(): Promise<string[]> {
    const out: string[] = [];
    try {
      // Appends may be in flight right after a batch: give a torn last line a moment to complete.
      let state = readStoreState(dir);
      const deadline = Date.now() + 2000;
      while (state.tornLines.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        state = readStoreState(dir);
      }
      if (state.tornLines.length) out.push(`unparseable chat history lines: ${state.tornLines.slice(0, 3).join(' | ')}`);
      if (JSON.stringify(state.identity) !== JSON.stringify(identityBefore)) out.push('identity.json changed');
      const skills = state.settings.skills as Record<string, SkillSettings> | undefined;
      if (skills?.ask?.access.kind !== 'owner') out.push(`stored skill settings changed: ${JSON.stringify(skills)}`);
      const hs = handshakesIn(state.settings);
      for (const [k, v] of Object.entries(handshakesBefore)) if (JSON.stringify(hs[k]) !== JSON.stringify(v)) out.push(`handshake record ${k} changed`);
      const extra = Object.keys(hs).filter((k) => !(k in handshakesBefore));
      // The fuzzer may legitimately agree a handshake (the skill is public), but only as itself.
      if (extra.some((k) => k !== `handshake:${fuzzerBare}`)) out.push(`unexpected handshake records: ${extra.join(', ')}`);
      const own = hs[`handshake:${fuzzerBare}`] as { wants?: string[] } | undefined;
      if (own?.wants?.includes('ask')) out.push(`the fuzzer's handshake grants it "ask": ${JSON.stringify(own)}`);
      if (JSON.stringify(state.contacts) !== contactsFileBefore) out.push(`contacts.json changed: ${JSON.stringify(state.contacts).slice(0, 200)}`);
    } catch (e) {
      out.push(`the store cannot be read: ${(e as Error).message}`);
    }
    return out;
  }

  return {
    issues,
    handshakesBefore,
    identityBefore,
    async check(when) {
      const found = await pingAndDescribe({ fuzzer: d.fuzzer, caller: d.caller, targetJid: d.nodeJid, expectName: node.identity.name });
      if (node.status().state !== 'online') found.push(`node state is ${node.status().state}`);
      const left = watch.left();
      if (left.length) found.push(`node left 'online' ${left.length} times: ${left.join(', ')}`);

      // Nothing the policy forbids: no roster entries from the stranger's pushes, no approved subscription.
      const contacts = node.contacts.list();
      const added = contacts.filter((c) => !contactsBefore.includes(c.jid));
      if (added.length) found.push(`roster gained ${added.map((c) => `${c.jid} (${c.subscription})`).join(', ')}`);
      const mine = contacts.find((c) => c.jid === fuzzerBare);
      if (mine && (mine.subscription === 'from' || mine.subscription === 'both'))
        found.push(`the fuzzer's subscription was approved under policy 'ask' (${mine.subscription})`);
      const ask = node.skills.list().find((s) => s.node === 'ask');
      if (ask?.settings.access.kind !== 'owner' || !ask.settings.enabled) found.push(`the ask skill's settings changed: ${JSON.stringify(ask?.settings)}`);

      found.push(...(await storeIssues()));
      const stamped = found.map((i) => `${when}: ${i}`);
      issues.push(...stamped);
      return stamped;
    },
  };
}
