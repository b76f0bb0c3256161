// OpenClaw's DM policy in Tidepool's terms. On XMPP "who may talk to me" already has a name: friends
// (a mutual presence subscription, read from our roster, never from the peer). So:
// - pairing: a stranger's friend request (or first message) gets OpenClaw's pairing code; when the owner
//   approves it (`openclaw pairing approve xmpp CODE`), the request is accepted and the two are friends.
//   Friends made any other way (the owner's --accept policy, an earlier approval) may talk as well.
// - allowlist: only `allowFrom` may talk, and `ask` gets the same list as its `allow:` access rule.
// - open: anyone (allowFrom must hold "*", as OpenClaw requires); `ask` is public.
// - disabled: no one but the node's owners, over `ask`.
import { createChannelPairingController } from 'openclaw/plugin-sdk/channel-pairing';
import type { AgentNode } from '../../../src/agent/index.ts';
import { bareOf } from '../../../src/core/jid.ts';
import type { XmppAccount } from './config.ts';
import { CHANNEL } from './turn.ts';

/** How often approvals made from OpenClaw's CLI or Control UI (another process) are looked for. */
const APPROVAL_POLL_MS = 2_000;

export interface DmPolicy {
  /** Senders OpenClaw's ingress may admit besides allowFrom: approved pairings and friends. */
  allowedSenders(): Promise<string[]>;
  /** A stranger under `pairing` wrote or asked to be friends: send OpenClaw's pairing code (once per code). */
  challenge(jid: string, send: (text: string) => Promise<void>): Promise<void>;
  stop(): void;
}

export function createDmPolicy(o: { core: OcPluginRuntime; account: XmppAccount; node: AgentNode; log(message: string): void }): DmPolicy {
  const { account, node } = o;
  const pairing = createChannelPairingController({ core: o.core, channel: CHANNEL, accountId: account.accountId });
  const approvedStore = async () => (await pairing.readAllowFromStore().catch(() => [])).map((e) => bareOf(String(e).replace(/^xmpp:/i, '')));
  const friends = () =>
    node.contacts
      .list()
      .filter((c) => c.mutual)
      .map((c) => bareOf(c.jid));

  const challenge = async (jid: string, send: (text: string) => Promise<void>) => {
    const r = await pairing.issueChallenge({ senderId: jid, senderIdLine: `Your XMPP address: ${jid}`, sendPairingReply: send }).catch((e: unknown) => {
      o.log(`pairing request for ${jid} failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
    if (r?.created) o.log(`pairing code ${r.code ?? ''} issued to ${jid}; approve with: openclaw pairing approve xmpp ${r.code ?? 'CODE'}`);
  };

  const sendChat = (to: string) => async (text: string) => {
    const r = await node.conversations.send(to, text, { generated: true });
    if (!r.ok) o.log(`could not send the pairing code to ${to}: ${r.error.message}`);
  };

  // Friend requests: a sender the owner listed in allowFrom is approved already; under pairing any other
  // request is a pairing request, and an approval (seen in OpenClaw's store) accepts it.
  const onRequests = (list: Array<{ from: string }>) => {
    for (const r of list) {
      const from = bareOf(r.from);
      if (account.allowFrom.includes(from)) void node.contacts.accept(from);
      else if (account.dmPolicy === 'pairing') void challenge(from, sendChat(from));
    }
  };
  const offRequests = node.contacts.events.on('requests', onRequests);
  let polling = false;
  const poll = setInterval(async () => {
    if (account.dmPolicy !== 'pairing' || polling || node.contacts.requests().length === 0) return;
    polling = true;
    try {
      const approved = new Set(await approvedStore());
      for (const r of node.contacts.requests()) {
        const from = bareOf(r.from);
        if (!approved.has(from)) continue;
        const accepted = await node.contacts.accept(from);
        o.log(accepted.ok ? `pairing approved: ${from} is now a friend` : `could not accept ${from}'s friend request: ${accepted.error.message}`);
      }
    } finally {
      polling = false;
    }
  }, APPROVAL_POLL_MS);
  poll.unref?.();

  return {
    async allowedSenders() {
      // Only pairing widens who may talk beyond allowFrom (allowlist means the list; open means anyone).
      return account.dmPolicy === 'pairing' ? [...new Set([...(await approvedStore()), ...friends()])] : [];
    },
    challenge,
    stop() {
      offRequests();
      clearInterval(poll);
    },
  };
}
