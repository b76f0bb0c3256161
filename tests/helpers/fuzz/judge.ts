// Judging a reply by RFC 6120 alone: a result, or an error with a known type and exactly one
// defined condition. What the protocol expects for a given request is the generator's `allowed`.
import type { Element } from '@xmpp/xml';
import { NS_STANZAS } from '../../../src/xmpp/errors.ts';
import { ERROR_TYPES, RFC6120_CONDITIONS } from './constants.ts';

export type Outcome = { ok: true; outcome: string } | { ok: false; problem: string };

/** 'result', or the RFC 6120 condition of a well-formed error reply, or what is wrong with the reply. */
export function judgeIqReply(reply: Element): Outcome {
  const type = reply.attrs.type;
  if (type === 'result') return { ok: true, outcome: 'result' };
  if (type !== 'error') return { ok: false, problem: `reply of type ${JSON.stringify(type)}` };
  return judgeError(reply);
}

/** The condition of an error stanza (iq, message or presence), or what is wrong with it. */
export function judgeError(reply: Element): Outcome {
  const error = reply.getChild('error');
  if (!error) return { ok: false, problem: 'error reply without <error/>' };
  if (!ERROR_TYPES.has(error.attrs.type ?? '')) return { ok: false, problem: `error type ${JSON.stringify(error.attrs.type)} is not one of RFC 6120's` };
  const conditions = error.getChildElements().filter((e) => e.attrs.xmlns === NS_STANZAS && e.name !== 'text');
  if (conditions.length !== 1) return { ok: false, problem: `${conditions.length} defined conditions in <error/> (RFC 6120 §8.3.2 wants exactly one)` };
  const name = conditions[0]!.name;
  if (!RFC6120_CONDITIONS.has(name)) return { ok: false, problem: `unknown condition <${name}/>` };
  return { ok: true, outcome: name };
}
