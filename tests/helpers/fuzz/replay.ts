// Sends one case alone and shows what came back, judged as the runner judges it: the way to look at
// a failure a report named by (seed, n). The XEP-0050 sessionids the original run had learned are
// not known here, so a command case that borrowed one (or cancelled one) is not rebuilt exactly: it
// sends a junk sessionid, or with no sessions to cancel, a different command.
import type { Element } from '@xmpp/xml';
import type { XmppConnection } from '../../../src/xmpp/connection/client.ts';
import { fuzzCase } from './cases.ts';
import { judgeError, judgeIqReply } from './judge.ts';
import { shorten } from './stats.ts';
import type { FuzzTarget } from './types.ts';

export interface Replayed {
  lines: string[];
  /** What the runner would have counted as a failure. */
  problems: string[];
}

export async function replayCase(o: { connection: XmppConnection; target: FuzzTarget; seed: number; n: number; waitMs?: number }): Promise<Replayed> {
  const waitMs = o.waitMs ?? 5000;
  const lines: string[] = [];
  const problems: string[] = [];
  const inbound: Element[] = [];
  const arrived = new WeakMap<Element, number>();
  const off = o.connection.events.on('stanza', (el) => {
    inbound.push(el);
    arrived.set(el, Date.now());
  });
  try {
    const stanzas = fuzzCase(o.seed, o.n, o.target);
    lines.push(`case ${o.n} of seed ${o.seed}: ${stanzas.length} stanza(s), category ${stanzas[0]?.category}`);
    for (const [i, s] of stanzas.entries()) {
      const id = s.stanza.attrs.id;
      lines.push(
        `-> [${i}] ${s.what}${s.allowed ? ` (allowed: ${s.allowed.join(', ')})` : ''}${s.expectsMessageError ? ` (must be refused: ${s.expectsMessageError})` : ''}`,
        `   ${shorten(s.stanza.toString(), 2000)}`,
      );
      const from = inbound.length;
      const sentAt = Date.now();
      const sent = await o.connection.send(s.stanza);
      if (!sent.ok) {
        lines.push(`   not sent: ${sent.error.message}`);
        problems.push(`[${i}] not sent: ${sent.error.message}`);
        continue;
      }
      const mine = () => inbound.slice(from).filter((el) => id !== undefined && el.attrs.id === id);
      const deadline = Date.now() + (s.expectsReply || s.expectsMessageError ? waitMs : Math.min(waitMs, 500));
      while (Date.now() < deadline && !(s.expectsReply && mine().some((el) => el.name === 'iq'))) await new Promise((r) => setTimeout(r, 25));
      const replies = mine();
      for (const el of replies) lines.push(`<- after ${(arrived.get(el) ?? sentAt) - sentAt} ms: ${shorten(el.toString(), 2000)}`);
      if (s.expectsReply) {
        const iqs = replies.filter((el) => el.name === 'iq');
        if (iqs.length !== 1) problems.push(`[${i}] ${iqs.length} replies to an IQ request`);
        const reply = iqs[0];
        if (!reply) continue;
        const judged = judgeIqReply(reply);
        if (!judged.ok) problems.push(`[${i}] ${judged.problem}`);
        else if (s.allowed && !s.allowed.includes(judged.outcome)) problems.push(`[${i}] got ${judged.outcome}, expected ${s.allowed.join(' or ')}`);
        const violated = s.policy?.(reply);
        if (violated) problems.push(`[${i}] POLICY: ${violated}`);
      } else if (s.expectsMessageError) {
        const err = replies.find((el) => el.name === 'message' && el.attrs.type === 'error');
        const judged = err ? judgeError(err) : undefined;
        const cond = judged ? (judged.ok ? judged.outcome : 'malformed') : 'none';
        if (cond !== s.expectsMessageError) problems.push(`[${i}] message error ${cond}, expected ${s.expectsMessageError}`);
      }
    }
  } finally {
    off();
  }
  return { lines, problems };
}
