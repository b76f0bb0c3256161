// How much of an OpenClaw reply fits on XMPP. A chat body is limited to MAX_BODY_CHARS (peers refuse
// more, src/xmpp/chat/chat.ts) and servers cap a stanza (Prosody: 256 KiB by default, the stream is cut
// beyond it), so a long reply goes out as several messages, and one too long to be a conversation at
// all is refused with a typed error instead of being cut at random or flooding the peer.
import { fail, ok, type Result } from '../../../src/core/result.ts';
import type { TidepoolError } from '../../../src/core/errors.ts';
import { MAX_BODY_CHARS } from '../../../src/agent/index.ts';

export const REPLY_LIMITS = {
  /** Characters per message: room for the stanza around the body. */
  chunkChars: MAX_BODY_CHARS - 1024,
  /** Messages one reply may take. */
  maxChunks: 8,
  /** An `ask` answer travels in one command result stanza, as form values and as JSON: twice. */
  askChars: 60_000,
} as const;

export const MAX_REPLY_CHARS = REPLY_LIMITS.chunkChars * REPLY_LIMITS.maxChunks;

/** Splits at a line break (else a space) near the limit, so words and lines stay whole where they can. */
export function splitReply(text: string, chunkChars: number = REPLY_LIMITS.chunkChars): Result<string[], TidepoolError> {
  if (text.length > chunkChars * REPLY_LIMITS.maxChunks)
    return fail({
      kind: 'invalid',
      message: `the reply has ${text.length} characters, more than the ${chunkChars * REPLY_LIMITS.maxChunks} an XMPP conversation takes`,
    });
  const out: string[] = [];
  let rest = text;
  while (rest.length > chunkChars) {
    const window = rest.slice(0, chunkChars);
    let cut = window.lastIndexOf('\n');
    if (cut < chunkChars / 2) cut = window.lastIndexOf(' ');
    if (cut < chunkChars / 2) cut = chunkChars;
    // A cut between the halves of a surrogate pair would send invalid text.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest) out.push(rest);
  return ok(out);
}
