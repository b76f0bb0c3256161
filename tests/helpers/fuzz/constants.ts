// Namespaces the fuzzer speaks and the limits it must respect (the server's) or probe (the node's).

export const NS = {
  ping: 'urn:xmpp:ping',
  discoInfo: 'http://jabber.org/protocol/disco#info',
  discoItems: 'http://jabber.org/protocol/disco#items',
  commands: 'http://jabber.org/protocol/commands',
  data: 'jabber:x:data',
  validate: 'http://jabber.org/protocol/xdata-validate',
  roster: 'jabber:iq:roster',
  json: 'urn:xmpp:json:0',
  chatstates: 'http://jabber.org/protocol/chatstates',
  nick: 'http://jabber.org/protocol/nick',
  caps: 'http://jabber.org/protocol/caps',
  delay: 'urn:xmpp:delay',
  hints: 'urn:xmpp:hints',
  progress: 'urn:xmpp:tidepool:progress:0',
  generated: 'urn:xmpp:tidepool:generated:0',
  skill: 'urn:xmpp:tidepool:skill:0',
  card: 'urn:xmpp:tidepool:card:0',
} as const;

/** Prosody's default c2s_stanza_size_limit: a bigger stanza closes the sender's stream. */
export const PROSODY_STANZA_LIMIT = 256 * 1024;
/** What the generator keeps every stanza under (UTF-8 bytes as serialised), with room to spare. */
export const MAX_FUZZ_STANZA_BYTES = 240 * 1024;
/** The node refuses command requests over this many characters (COMMAND_LIMITS.maxRequestChars). */
export const COMMAND_REQUEST_CHARS = 64 * 1024;
/** The node refuses message bodies over this many characters (MAX_BODY_CHARS). */
export const BODY_CHARS = 64 * 1024;

/** RFC 6120 §8.3.3 defined conditions. */
export const RFC6120_CONDITIONS: ReadonlySet<string> = new Set([
  'bad-request',
  'conflict',
  'feature-not-implemented',
  'forbidden',
  'gone',
  'internal-server-error',
  'item-not-found',
  'jid-malformed',
  'not-acceptable',
  'not-allowed',
  'not-authorized',
  'policy-violation',
  'recipient-unavailable',
  'redirect',
  'registration-required',
  'remote-server-not-found',
  'remote-server-timeout',
  'resource-constraint',
  'service-unavailable',
  'subscription-required',
  'undefined-condition',
  'unexpected-request',
]);
export const ERROR_TYPES: ReadonlySet<string> = new Set(['auth', 'cancel', 'continue', 'modify', 'wait']);

/** The node's built-in skills; `ask` is configured owner-only by every fuzz target. */
export const SKILLS = ['describe', 'echo', 'handshake', 'ask'] as const;
export const VALID_ACTIONS: ReadonlySet<string> = new Set(['execute', 'next', 'prev', 'complete', 'cancel']);
