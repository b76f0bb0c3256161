// Chat messages to the node become OpenClaw turns; the agent's replies go back as chat messages. Under
// `pairing` a stranger's message is held (not processed) and answered with OpenClaw's pairing code; under
// `allowlist`/`disabled` it is refused, with one notice per sender now and then so the sender knows.
import type { AgentNode, ChatRecord } from '../../../src/agent/index.ts';
import type { XmppAccount } from './config.ts';
import type { DmPolicy } from './dm-policy.ts';
import type { RunningAccount } from './shared.ts';
import { runTurn, type TurnEnv } from './turn.ts';

/** A refused sender hears why at most this often. */
const NOTICE_EVERY_MS = 10 * 60_000;
/** A chat turn is given this long before we stop waiting for it (the agent may still answer later). */
const CHAT_TURN_MS = 10 * 60_000;

export function serveChat(o: { env: () => TurnEnv; account: XmppAccount; node: AgentNode; dm: DmPolicy; running: RunningAccount }): () => void {
  const { node, account, running } = o;
  const noticed = new Map<string, number>();

  const reply = async (peer: string, text: string) => {
    const r = await running.send(peer, text);
    if (!r.ok) running.log(`could not deliver the reply to ${peer}: ${r.message}`);
  };

  const handle = async (m: ChatRecord) => {
    const outcome = await runTurn(
      o.env(),
      { kind: 'direct', sender: m.peer, senderName: m.peer, conversation: m.peer, text: m.body, messageId: m.id, access: 'ingress' },
      (text) => reply(m.peer, text),
      CHAT_TURN_MS,
    );
    if (!outcome.ok) return running.log(`chat from ${m.peer}: ${outcome.error.message}`);
    const { admission, reason } = outcome.value;
    if (admission === 'dispatch' || admission === 'skip') return;
    if (admission === 'pairing-required') return o.dm.challenge(m.peer, (text) => reply(m.peer, text));
    running.log(`chat from ${m.peer} refused (${reason ?? admission})`);
    const last = noticed.get(m.peer) ?? 0;
    if (Date.now() - last < NOTICE_EVERY_MS) return;
    noticed.set(m.peer, Date.now());
    if (noticed.size > 1000) noticed.delete(noticed.keys().next().value!);
    await reply(m.peer, `This agent (${account.name}) does not take messages from ${m.peer}.`);
  };

  return node.conversations.events.on('message', (m) => {
    // Another agent's generated message is not answered: two agents would otherwise talk forever
    // (the same rule as the node's own auto-reply).
    if (m.direction !== 'in' || m.generated) return;
    void handle(m).catch((e: unknown) => running.log(`chat from ${m.peer} failed: ${e instanceof Error ? e.message : String(e)}`));
  });
}
