// One storage interface for the agent; IndexedDB in the browser (idb-store.ts), files in Node (file-store.ts).

export interface Identity {
  /** Local, stable id of this agent on this device (not the JID: a JID may change before registration). */
  id: string;
  jid: string;
  password: string;
  service: string;
  domain: string;
  /** True once the server accepted the account (XEP-0077 or an imported identity). */
  registered: boolean;
  name: string;
  persona: string;
  createdAt: number;
  /** Set when the agent was moved elsewhere (exported as an archive): this copy no longer goes online. */
  movedAt?: number;
  /**
   * The XMPP resource this agent always binds, so its full JID (what ad-hoc command clients need) is
   * stable and can be shared. Absent in identities made before it existed: chosen at the next start.
   */
  resource?: string;
}

export interface ContactRecord {
  jid: string;
  /** What we call them locally; their own name comes from their card/nick. */
  name?: string;
  addedAt: number;
}

export interface ChatRecord {
  id: string;
  peer: string;
  direction: 'in' | 'out';
  body: string;
  at: number;
  /** Outgoing only: 'queued' until the server took it. */
  status?: 'queued' | 'sent' | 'failed';
  error?: string;
  /** Written by an agent's brain (ours or theirs), not typed by a person. */
  generated?: boolean;
}

export interface AgentStore {
  readonly kind: 'indexeddb' | 'file' | 'memory';
  getIdentity(): Promise<Identity | undefined>;
  putIdentity(identity: Identity): Promise<void>;
  listContacts(): Promise<ContactRecord[]>;
  putContact(contact: ContactRecord): Promise<void>;
  deleteContact(jid: string): Promise<void>;
  /** Insert or replace (same id) a chat record. */
  putMessage(message: ChatRecord): Promise<void>;
  /** The most recent `limit` messages with a peer, oldest first. */
  messages(peer: string, limit?: number): Promise<ChatRecord[]>;
  /** Outgoing messages still waiting for a connection, oldest first. */
  queuedMessages(): Promise<ChatRecord[]>;
  /** Small JSON settings and memories (skill access, handshakes), by key. */
  getSetting<T = unknown>(key: string): Promise<T | undefined>;
  putSetting(key: string, value: unknown): Promise<void>;
  deleteSetting(key: string): Promise<void>;
  /** Every setting's key (what an agent archive carries). */
  listSettings(): Promise<string[]>;
  close(): Promise<void>;
}

/** The portable form of an identity, written only when the person explicitly exports it. */
export interface IdentityExport {
  format: 'tidepool-identity';
  version: 1;
  jid: string;
  password: string;
  service: string;
  domain: string;
  name: string;
  persona: string;
  /** Optional (older files lack it): the imported agent keeps its full JID, and so its shared links. */
  resource?: string;
}

export function exportIdentity(i: Identity): IdentityExport {
  const e: IdentityExport = {
    format: 'tidepool-identity',
    version: 1,
    jid: i.jid,
    password: i.password,
    service: i.service,
    domain: i.domain,
    name: i.name,
    persona: i.persona,
  };
  return i.resource ? { ...e, resource: i.resource } : e;
}

/** A resource we choose ourselves: short, ASCII, and free of anything RFC 7622 or an xmpp: URI would escape. */
export const isAgentResource = (r: unknown): r is string => typeof r === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(r);

export type ParsedIdentity = { ok: true; value: IdentityExport } | { ok: false; error: { kind: 'invalid'; message: string } };

export function parseIdentityExport(text: string): ParsedIdentity {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, error: { kind: 'invalid', message: 'not a Tidepool identity file (not JSON)' } };
  }
  const d = doc as Partial<IdentityExport>;
  if (d?.format !== 'tidepool-identity' || d.version !== 1)
    return { ok: false, error: { kind: 'invalid', message: 'not a Tidepool identity file (unknown format or version)' } };
  for (const k of ['jid', 'password', 'service', 'domain'] as const) {
    if (typeof d[k] !== 'string' || !d[k]) return { ok: false, error: { kind: 'invalid', message: `identity file is missing "${k}"` } };
  }
  if (!/^[^@/\s]+@[^@/\s]+$/.test(d.jid!)) return { ok: false, error: { kind: 'invalid', message: 'identity file has a malformed JID' } };
  return {
    ok: true,
    value: {
      format: 'tidepool-identity',
      version: 1,
      jid: d.jid!,
      password: d.password!,
      service: d.service!,
      domain: d.domain!,
      name: String(d.name ?? '').slice(0, 128),
      persona: String(d.persona ?? '').slice(0, 4000),
      ...(isAgentResource(d.resource) ? { resource: d.resource } : {}),
    },
  };
}
