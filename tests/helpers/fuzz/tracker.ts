// Matches what comes back on the fuzzing connection to what was sent: one reply per IQ request
// (never silence, never two, never one to a result or error), message errors where the node must
// refuse, and the XEP-0050 sessionids the node opened, which later cases reuse.
import type { Element } from '@xmpp/xml';
import type { XmppConnection } from '../../../src/xmpp/connection/client.ts';
import { NS } from './constants.ts';
import { judgeError, judgeIqReply } from './judge.ts';
import { bump, shorten, type FuzzFailure, type FuzzStats } from './stats.ts';
import type { FuzzStanza, FuzzState, FuzzTarget } from './types.ts';

interface Pending {
  s: FuzzStanza;
  text: string;
  timer: ReturnType<typeof setTimeout>;
  resolve: () => void;
  acrossDisconnect: boolean;
}

/** Room for everything in the smallest reply but its id (type, to, from, a small error). */
const REPLY_OVERHEAD_BYTES = 2048;
/** How long to listen for a reply that cannot come (one that does is still judged). */
const UNANSWERABLE_WAIT_MS = 1500;

export interface ReplyTracker {
  /** Requests (IQs) waiting for their reply. */
  readonly pendingIqs: number;
  /** Registers what `s` must get back; the promise settles on the reply, its timeout, or at once. */
  expect(s: FuzzStanza, textOf: string): Promise<void>;
  /** Withdraws an expectation for a stanza that could not be sent after all. */
  withdraw(s: FuzzStanza): void;
  /** Records that `s` is being sent now (for disconnect reports and failure timing). */
  sending(s: FuzzStanza, textOf: string): void;
  failure(s: FuzzStanza, textOf: string, problem: string, reply?: Element): FuzzFailure;
  stop(): void;
}

export function createReplyTracker(o: {
  connection: XmppConnection;
  target: FuzzTarget;
  seed: number;
  stats: FuzzStats;
  state: FuzzState;
  replyTimeoutMs: number;
}): ReplyTracker {
  const { connection, target, seed, stats, state, replyTimeoutMs } = o;
  const pending = new Map<string, Pending>(); // iq id -> request
  const pendingMessages = new Map<string, Pending>(); // message id -> request expecting an error
  const answered = new Map<string, FuzzStanza>(); // recent ids, to catch second replies
  const noReply = new Map<string, FuzzStanza>(); // ids of iq results/errors we sent: nobody may answer them
  const sentAt = new WeakMap<FuzzStanza, number>();
  const failure = (s: FuzzStanza, textOf: string, problem: string, reply?: Element): FuzzFailure => ({
    seed,
    n: s.n,
    category: s.category,
    what: s.what,
    problem,
    stanza: shorten(textOf),
    ...(reply ? { reply: shorten(reply.toString()) } : {}),
    sentAt: sentAt.get(s) ?? Date.now(),
    at: Date.now(),
  });
  let lastSent = '';
  let online = connection.status.state === 'online';

  const offStatus = connection.events.on('status', (st) => {
    const now = st.state === 'online';
    if (online && !now) {
      stats.fuzzerDisconnects.push({ afterSent: stats.sent, lastStanza: shorten(lastSent, 300) });
      for (const p of [...pending.values(), ...pendingMessages.values()]) p.acrossDisconnect = true;
    }
    online = now;
  });

  function learn(s: FuzzStanza, reply: Element) {
    const sentCmd = s.stanza.getChild('command', NS.commands);
    if (!sentCmd) return;
    const cmd = reply.getChild('command', NS.commands);
    const sid = cmd?.attrs.sessionid ?? sentCmd.attrs.sessionid;
    if (!sid) return;
    const forget = () => (state.sessions = state.sessions.filter((x) => x.sessionid !== sid));
    if (reply.attrs.type === 'result' && cmd) {
      if (cmd.attrs.status === 'executing') {
        if (!state.sessions.some((x) => x.sessionid === sid)) {
          state.sessions.push({ node: cmd.attrs.node ?? '', sessionid: sid });
          stats.sessionsLearned++;
          if (state.sessions.length > 16) state.sessions.shift();
        }
      } else forget();
    } else if (reply.attrs.type === 'error') {
      const app = reply
        .getChild('error')
        ?.getChildElements()
        .find((e) => e.attrs.xmlns === NS.commands)?.name;
      if ((app === 'bad-sessionid' || app === 'session-expired') && sentCmd.attrs.sessionid === sid) forget();
    }
  }

  function onIqReply(reply: Element, id: string) {
    const p = pending.get(id);
    if (!p) {
      const earlier = answered.get(id);
      const notRequest = noReply.get(id);
      if (earlier) stats.badReplies.push(failure(earlier, earlier.stanza.toString(), 'a second reply to the same IQ', reply));
      else if (notRequest)
        stats.badReplies.push(
          failure(
            notRequest,
            notRequest.stanza.toString(),
            `a reply to an iq of type ${notRequest.stanza.attrs.type} (RFC 6120 §8.2.3: never answered)`,
            reply,
          ),
        );
      else bump(stats.otherInbound, `iq-${reply.attrs.type}-unmatched${id ? '' : '-without-id'}`);
      return;
    }
    pending.delete(id);
    clearTimeout(p.timer);
    answered.set(id, p.s);
    if (answered.size > 2000) answered.delete(answered.keys().next().value!);
    stats.iqsAnswered++;
    const judged = judgeIqReply(reply);
    if (!judged.ok) {
      stats.badReplies.push(failure(p.s, p.text, judged.problem, reply));
    } else {
      if (judged.outcome === 'result') stats.results++;
      else bump(stats.errorsByCondition, judged.outcome);
      bump((stats.outcomesByCategory[p.s.category] ??= {}), judged.outcome);
      if (reply.attrs.from !== undefined && reply.attrs.from !== target.full)
        stats.badReplies.push(failure(p.s, p.text, `reply from ${reply.attrs.from}, not ${target.full}`, reply));
      if (p.s.allowed && !p.s.allowed.includes(judged.outcome))
        stats.unexpected.push(failure(p.s, p.text, `got ${judged.outcome}, expected ${p.s.allowed.join(' or ')}`, reply));
    }
    const violated = p.s.policy?.(reply);
    if (violated) stats.violations.push(failure(p.s, p.text, violated, reply));
    learn(p.s, reply);
    p.resolve();
  }

  function onMessageError(reply: Element, id: string) {
    const judged = judgeError(reply);
    const cond = judged.ok ? judged.outcome : 'malformed';
    bump(stats.messageErrorsByCondition, cond);
    const p = pendingMessages.get(id);
    if (!p) return;
    pendingMessages.delete(id);
    clearTimeout(p.timer);
    stats.messageErrorsReceived++;
    if (cond !== p.s.expectsMessageError) stats.unexpected.push(failure(p.s, p.text, `message error ${cond}, expected ${p.s.expectsMessageError}`, reply));
    p.resolve();
  }

  const offStanza = connection.events.on('stanza', (reply) => {
    const id = reply.attrs.id ?? '';
    if (reply.name === 'iq' && (reply.attrs.type === 'result' || reply.attrs.type === 'error')) return onIqReply(reply, id);
    if (reply.name === 'message' && reply.attrs.type === 'error') return onMessageError(reply, id);
    bump(stats.otherInbound, `${reply.name}${reply.attrs.type ? `-${reply.attrs.type}` : ''}${reply.getChild('progress', NS.progress) ? '-progress' : ''}`);
  });

  function wait(map: Map<string, Pending>, s: FuzzStanza, textOf: string, id: string, onTimeout: () => void, ms = replyTimeoutMs): Promise<void> {
    return new Promise<void>((resolve) => {
      const p: Pending = {
        s,
        text: textOf,
        resolve,
        acrossDisconnect: false,
        timer: setTimeout(() => {
          map.delete(id);
          if (p.acrossDisconnect) stats.lostToFuzzerDisconnect++;
          else onTimeout();
          resolve();
        }, ms),
      };
      map.set(id, p);
    });
  }

  return {
    get pendingIqs() {
      return pending.size;
    },
    expect(s, textOf) {
      const id = s.stanza.attrs.id;
      let settled: Promise<void> = Promise.resolve();
      if (s.expectsReply && id) {
        stats.iqsExpectingReply++;
        // An id too large for any reply the target can send: silence is then the only sound outcome.
        const unanswerable = target.maxStanzaBytes !== undefined && Buffer.byteLength(id) + REPLY_OVERHEAD_BYTES >= target.maxStanzaBytes;
        settled = wait(
          pending,
          s,
          textOf,
          id,
          () => {
            if (unanswerable) stats.unanswerable++;
            else stats.timeouts.push(failure(s, textOf, `no reply within ${replyTimeoutMs} ms`));
          },
          unanswerable ? Math.min(UNANSWERABLE_WAIT_MS, replyTimeoutMs) : replyTimeoutMs,
        );
      } else if (s.expectsMessageError && id) {
        stats.messageErrorsExpected++;
        settled = wait(pendingMessages, s, textOf, id, () =>
          stats.messageErrorsMissing.push(failure(s, textOf, `no ${s.expectsMessageError} message error within ${replyTimeoutMs} ms`)),
        );
      }
      if (s.stanza.name === 'iq' && (s.stanza.attrs.type === 'result' || s.stanza.attrs.type === 'error') && id) noReply.set(id, s);
      return settled;
    },
    withdraw(s) {
      const id = s.stanza.attrs.id;
      if (!id) return;
      for (const map of [pending, pendingMessages]) {
        const p = map.get(id);
        if (p) {
          clearTimeout(p.timer);
          map.delete(id);
          if (s.expectsReply) stats.iqsExpectingReply--;
          else stats.messageErrorsExpected--;
        }
      }
    },
    sending(s, textOf) {
      lastSent = textOf;
      sentAt.set(s, Date.now());
    },
    failure,
    stop() {
      offStanza();
      offStatus();
      for (const p of [...pending.values(), ...pendingMessages.values()]) clearTimeout(p.timer);
    },
  };
}
