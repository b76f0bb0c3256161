// One inbound XMPP event as one OpenClaw agent turn: route (session per peer, or per room), OpenClaw's
// own ingress policy (dmPolicy/allowFrom/pairing, groupPolicy/requireMention), context, dispatch. The
// agent's replies come back through `deliver`. Peer text enters as the message body, which OpenClaw wraps
// as conversation data; nothing a peer writes changes the policy inputs, which come from config and roster.
import { resolveChannelInboundRouteEnvelope } from 'openclaw/plugin-sdk/channel-inbound';
import { fail, ok, type Result } from '../../../src/core/result.ts';
import type { TidepoolError } from '../../../src/core/errors.ts';
import type { XmppAccount } from './config.ts';

export const CHANNEL = 'xmpp';

export interface TurnEnv {
  cfg: OcConfig;
  account: XmppAccount;
  channel: OcChannelRuntime;
  /** Senders allowed besides allowFrom: OpenClaw's approved pairings and the node's friends (dm-policy.ts). */
  allowedSenders(): Promise<string[]>;
}

export interface Inbound {
  kind: 'direct' | 'group';
  /** Who wrote it: a bare JID, or room/nick when the room does not reveal real JIDs (a nick is no identity). */
  sender: string;
  senderName: string;
  /** The peer's bare JID (direct) or the room's JID (group): one OpenClaw session each. */
  conversation: string;
  text: string;
  messageId: string;
  /**
   * `ingress`: OpenClaw's DM/group policy decides. `authorized`: the node already did (an XEP-0050 access
   * rule let the caller run `ask`), so OpenClaw's chat policy is not asked a second time.
   */
  access: 'ingress' | 'authorized';
  wasMentioned?: boolean;
  requireMention?: boolean;
}

export type Admission = 'dispatch' | 'pairing-required' | 'skip' | 'drop';
export interface TurnResult {
  admission: Admission | string;
  /** OpenClaw's reason code when it did not dispatch (e.g. dm_policy_not_allowlisted). */
  reason?: string;
}

const BUSY = /owns state-lifecycle/;
const BUSY_RETRY_MS = 2_000;

export interface Delivered {
  kind: 'tool' | 'block' | 'final';
  isError: boolean;
  /** The inbound message this answers (OpenClaw's replyToId: our messageId), when it says. */
  replyToId?: string;
}
export type Deliver = (text: string, d: Delivered) => Promise<void>;

export async function runTurn(env: TurnEnv, m: Inbound, deliver: Deliver, timeoutMs: number): Promise<Result<TurnResult, TidepoolError>> {
  const { cfg, account, channel } = env;
  const group = m.kind === 'group';
  const { route, buildEnvelope } = resolveChannelInboundRouteEnvelope({
    cfg,
    channel: CHANNEL,
    accountId: account.accountId,
    peer: { kind: m.kind, id: m.conversation },
    // Like OpenClaw's own A2A channel: one session per peer, never the operator's main session.
    ...(group ? {} : { dmScope: 'per-account-channel-peer' }),
  });
  let ingress: OcIngress | 'unsupported' = 'unsupported';
  if (m.access === 'ingress') {
    ingress = await channel.inbound.ingress.resolveStable({
      channelId: CHANNEL,
      accountId: account.accountId,
      cfg,
      identity: { key: 'sender', entryIdPrefix: 'xmpp-entry' },
      subject: { stableId: m.sender },
      conversation: { kind: m.kind, id: m.conversation },
      contextBinding: { agentId: route.agentId, sessionKey: route.sessionKey, messageId: m.messageId, inboundEventKind: 'user_request' },
      dmPolicy: account.dmPolicy,
      groupPolicy: account.groupPolicy,
      allowFrom: account.allowFrom,
      groupAllowFrom: account.groupAllowFrom,
      readStoreAllowFrom: () => env.allowedSenders(),
      mentionFacts: group ? { canDetectMention: true, wasMentioned: !!m.wasMentioned, hasAnyMention: !!m.wasMentioned } : undefined,
      policy: { activation: { requireMention: group && m.requireMention !== false, allowTextCommands: false } },
    });
    const admission = ingress.ingress.admission;
    if (admission !== 'dispatch') return ok({ admission, reason: ingress.senderAccess.reasonCode });
  }
  const target = `${CHANNEL}:${m.conversation}`;
  const now = Date.now();
  const ctxPayload = channel.inbound.buildContext({
    channel: CHANNEL,
    accountId: route.accountId ?? account.accountId,
    messageId: m.messageId,
    timestamp: now,
    from: target,
    sender: { id: m.sender, name: m.senderName },
    conversation: { kind: m.kind, id: m.conversation, label: m.conversation },
    route: { agentId: route.agentId, dmScope: route.dmScope, accountId: route.accountId, routeSessionKey: route.sessionKey },
    reply: { to: target, originatingTo: target },
    message: {
      body: buildEnvelope({ channel: 'XMPP', from: m.sender, timestamp: now, body: m.text }),
      bodyForAgent: m.text,
      rawBody: m.text,
      commandBody: m.text,
    },
    access: {
      commands: { authorized: ingress !== 'unsupported' && ingress.commandAccess.authorized },
      mentions: { canDetectMention: group, wasMentioned: !!m.wasMentioned },
    },
    channelIngress: ingress,
  });
  const plan = {
    cfg,
    channel: CHANNEL,
    accountId: account.accountId,
    route: { agentId: route.agentId, dmScope: route.dmScope, sessionKey: route.sessionKey },
    ctxPayload,
    delivery: {
      deliver: async (payload: OcReplyPayload, info?: { kind?: 'tool' | 'block' | 'final' }) => {
        if (payload.text)
          await deliver(payload.text, {
            kind: info?.kind ?? 'final',
            isError: payload.isError === true,
            ...(payload.replyToId ? { replyToId: payload.replyToId } : {}),
          });
      },
    },
    replyPipeline: {},
  };
  // OpenClaw offers no way to abort a dispatched run: past the limit we stop waiting and say so.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const deadline = Date.now() + timeoutMs;
  const run = async (): Promise<TurnResult | { failed: string }> => {
    for (;;) {
      try {
        const r = await channel.inbound.dispatch(plan);
        return { admission: r.admission?.kind ?? (r.dispatched ? 'dispatch' : 'skip') };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        // Right after the gateway starts, its session maintenance holds the state lock for a while and
        // turns fail with this; the turn has not run, so it is safe to try again shortly.
        if (!BUSY.test(message) || Date.now() + BUSY_RETRY_MS > deadline) return { failed: message };
        await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
      }
    }
  };
  const outcome = await Promise.race([run(), late]).finally(() => clearTimeout(timer));
  if (outcome === 'timeout')
    return fail({ kind: 'timeout', ms: timeoutMs, message: `the OpenClaw agent did not finish within ${Math.round(timeoutMs / 1000)} s` });
  if ('failed' in outcome) return fail({ kind: 'invalid', message: `the OpenClaw turn failed: ${outcome.failed}` });
  return ok(outcome);
}
