// A decider's situation with nothing going on, for rules-brain and policy tests to override.
import type { Situation } from '../../src/agent/autonomy/situation.ts';

export const baseSituation = (over: Partial<Situation> = {}): Situation => ({
  self: { jid: 'me@x.test', name: 'Me', persona: '' },
  observation: { kind: 'tick' },
  goals: [],
  friends: [],
  requests: [],
  asked: [],
  proposalsIn: [],
  proposalsOut: [],
  known: [],
  orgs: [],
  joinRequested: [],
  joinRequests: [],
  allianceProposals: [],
  rooms: [],
  ...over,
});
