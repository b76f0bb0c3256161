// The agent's disco#info names a build and a skill set, not an agent: its XEP-0115 ver is shared by
// agents that differ only in their cards, and the card is read from PEP (older agents: disco#info).
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import type { Element } from '@xmpp/xml';
import { agentInfo, skillSetFromInfo, NS_CARD_PEP, NS_SKILL_SET } from '../../src/agent/capabilities.ts';
import { cardForm, cardFromInfo, type AgentCard } from '../../src/agent/card.ts';
import { createPeers } from '../../src/agent/peers.ts';
import { capsHash, checkDiscoInfo, type DiscoInfo } from '../../src/xmpp/caps/index.ts';
import { formElement } from '../../src/xmpp/forms/index.ts';
import { Emitter } from '../../src/core/emitter.ts';
import { ok, fail, type Result } from '../../src/core/result.ts';
import type { TidepoolError } from '../../src/core/errors.ts';
import type { Disco } from '../../src/xmpp/disco/disco.ts';
import type { Presence } from '../../src/xmpp/presence/presence.ts';
import type { Pep } from '../../src/xmpp/pubsub/pep.ts';

const SKILLS = ['describe', 'echo', 'ask', 'handshake'];
const card = (name: string, extra: Partial<AgentCard> = {}): AgentCard => ({
  name,
  persona: `I am ${name}`,
  framework: 'tidepool',
  version: '0.1.0',
  skills: SKILLS,
  ...extra,
});

async function ver(info: DiscoInfo): Promise<string> {
  const r = await capsHash(info, 'sha-1');
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('agentInfo', () => {
  test('depends on the skill set only: agents with other cards announce one ver', async () => {
    const a = agentInfo(card('kelp', { model: 'm1', owner: 'ann@x', key: 'k'.repeat(43) }).skills);
    const b = agentInfo(card('urchin', { persona: 'different' }).skills);
    expect(await ver(a)).toBe(await ver(b));
    expect(JSON.stringify(a)).not.toContain('kelp');
    expect(cardFromInfo(a)).toBeUndefined();
    // The order skills were registered in does not matter; the set does.
    expect(await ver(agentInfo([...SKILLS].reverse()))).toBe(await ver(a));
    expect(await ver(agentInfo([...SKILLS, 'mcp:weather']))).not.toBe(await ver(a));
  });

  test('is well-formed for XEP-0115 (no duplicate identity, feature or FORM_TYPE) and says where the card is', () => {
    const info = agentInfo(SKILLS);
    expect(checkDiscoInfo(info).ok).toBe(true);
    expect(info.features).toContain(NS_CARD_PEP);
    expect(skillSetFromInfo(info)).toEqual([...SKILLS].sort());
  });

  test('skillSetFromInfo: undefined for other software, bounded for a peer that lists too many', () => {
    expect(skillSetFromInfo({ identities: [{ category: 'client', type: 'pc' }], features: [], extensions: [] })).toBeUndefined();
    const many = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    const form = {
      type: 'result' as const,
      instructions: [],
      fields: [
        { var: 'FORM_TYPE', type: 'hidden' as const, values: [NS_SKILL_SET], options: [] },
        { var: 'skills', values: many, options: [] },
      ],
    };
    expect(skillSetFromInfo({ identities: [], features: [], extensions: [form] })).toHaveLength(200);
  });
});

/** peers.ts over stand-ins for the XMPP features it uses: what each returns is set per test. */
function peersWith(o: { pep: (jid: string) => Result<Element | undefined, TidepoolError>; info: (jid: string) => Result<DiscoInfo, TidepoolError> }) {
  const asked: string[] = [];
  const disco = { info: async (jid: string) => (asked.push(`disco ${jid}`), o.info(jid)) } as unknown as Disco;
  const pep = { latest: async (jid: string) => (asked.push(`pep ${jid}`), o.pep(jid)) } as unknown as Pep;
  const presence = { events: new Emitter() } as unknown as Presence;
  return { peers: createPeers({ disco, presence, pep }), asked };
}

const pepItem = (c: AgentCard) => xml('card', { xmlns: NS_CARD_PEP }, formElement(cardForm(c)));
const olderInfo = (c: AgentCard): DiscoInfo => ({ identities: [{ category: 'client', type: 'bot', name: c.name }], features: [], extensions: [cardForm(c)] });

describe('peers.card', () => {
  test('a full JID: the card from PEP on its bare JID, one request, no disco#info', async () => {
    const { peers, asked } = peersWith({ pep: () => ok(pepItem(card('kelp', { address: 'kelp@x/r' }))), info: () => ok(agentInfo(SKILLS)) });
    const r = await peers.card('kelp@x/r');
    expect(r.ok && r.value).toMatchObject({ name: 'kelp', address: 'kelp@x/r', skills: [...SKILLS].sort() });
    expect(asked).toEqual(['pep kelp@x']);
    expect(peers.stats()).toMatchObject({ pepQueries: 1, discoQueries: 0 });
  });

  test('an older agent with no PEP card: its disco#info card is read', async () => {
    const { peers, asked } = peersWith({ pep: () => ok(undefined), info: () => ok(olderInfo(card('old'))) });
    const r = await peers.card('old@x/r');
    expect(r.ok && r.value?.name).toBe('old');
    expect(asked).toEqual(['pep old@x', 'disco old@x/r']);
  });

  test('no card anywhere: undefined; PEP refused and no disco card: the PEP error', async () => {
    const none = peersWith({ pep: () => ok(undefined), info: () => ok(agentInfo(SKILLS)) });
    expect(await none.peers.card('new@x/r')).toEqual({ ok: true, value: undefined });
    const refused = peersWith({
      pep: () => fail({ kind: 'stanza', condition: 'forbidden', type: 'auth', message: 'forbidden' }),
      info: () => ok(agentInfo(SKILLS)),
    });
    const r = await refused.peers.card('new@x/r');
    expect(!r.ok && r.error.kind).toBe('stanza');
    // A bare JID is PEP only: there is no resource to ask disco#info of.
    const bare = peersWith({ pep: () => ok(undefined), info: () => ok(olderInfo(card('old'))) });
    expect(await bare.peers.card('old@x')).toEqual({ ok: true, value: undefined });
    expect(bare.asked).toEqual(['pep old@x']);
  });
});
