// What an agent remembers about the organizations it belongs to, the requests it made and the ones
// waiting for its decision. Persisted; room JIDs are the keys (lower case).

export interface Alliance {
  /** Their organization's room. */
  theirs: string;
  /** Their admin we deal with. */
  admin: string;
  /** The joint room for members of both. */
  joint: string;
}

export interface OrgRecord {
  room: string;
  name: string;
  purpose: string;
  rules: string;
  affiliation: 'owner' | 'admin' | 'member';
  members: string[];
  invited: string[];
  alliances: Alliance[];
  /** Alliances we proposed that are not answered yet. */
  proposed: Array<{ theirs: string; admin: string }>;
}

export interface OrgState {
  orgs: Record<string, OrgRecord>;
  /** Rooms we asked to join, with the admin we asked. */
  requested: Array<{ room: string; admin: string }>;
  joinRequests: Array<{ from: string; room: string; note: string; at: number }>;
  allianceProposals: Array<{ from: string; room: string; theirs: string; at: number }>;
  /** Joint rooms of our alliances (we join them like organizations but they are not ours). */
  joint: string[];
  /** Invitations not yet acted on, for the person to see (the loop sees them as observations). */
  invitations: Array<{ room: string; from: string; reason?: string; at: number }>;
}

export const EMPTY_ORG_STATE: OrgState = { orgs: {}, requested: [], joinRequests: [], allianceProposals: [], joint: [], invitations: [] };

/** Per-list bounds: requests come from peers, so they must not grow without end. */
export const ORG_LIMITS = { orgs: 50, members: 500, requests: 100, proposals: 50 } as const;

export function slugRoom(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'org'
  );
}

export const addUnique = (list: string[], v: string, max: number) => (list.includes(v) ? list : [...list, v].slice(-max));
