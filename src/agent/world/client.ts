// Our side of other agents' places: visiting, exploring and claiming through their skills, with what
// we learn kept in our store (our visits for the interest ranking, secrets found for the claim).
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import type { CommandResponse } from '../../xmpp/commands/types.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';
import type { SkillCaller } from '../society/call.ts';
import { OWN_LIMITS, trim, type WorldOwnData } from './places.ts';
import { placeKey } from './state.ts';
import { PLACE_EXPLORE_NODE, PLACE_VISIT_NODE, TREASURE_CLAIM_NODE } from './skills.ts';
import type { WorldMuc } from './world-muc.ts';

export interface WorldClientDeps {
  call: SkillCaller;
  muc: Pick<WorldMuc, 'occupants'>;
  own: { value(): WorldOwnData; change(fn: (d: WorldOwnData) => void): WorldOwnData };
  current: () => string | undefined;
  memory?: Pick<PeerMemory, 'note' | 'trust'>;
}

export type Answer = Promise<Result<Record<string, unknown>, TidepoolError>>;

export function createWorldClient(d: WorldClientDeps) {
  const lc = (jid: string) => bareOf(jid);
  const json = (r: CommandResponse) => (typeof r.json === 'object' && r.json !== null ? (r.json as Record<string, unknown>) : {});

  async function callSkill(owner: string, node: string, values: Record<string, string>): Promise<Result<CommandResponse, TidepoolError>> {
    // The owner's full JID from the world room, where we can see it; otherwise the caller resolves it.
    const room = d.current();
    const full = room ? d.muc.occupants(room).find((o) => o.jid && lc(o.jid) === lc(owner))?.jid : undefined;
    return d.call(full ?? lc(owner), node, values);
  }

  return {
    async visit(owner: string, place: string, rating?: number): Answer {
      const r = await callSkill(owner, PLACE_VISIT_NODE, { place, ...(rating !== undefined && { rating: String(rating) }) });
      if (!r.ok) return r;
      const room = d.current();
      if (room) {
        d.own.change((o) => {
          const v = (o.visits[room] ??= {});
          const k = placeKey(lc(owner), place);
          v[k] = (v[k] ?? 0) + 1;
          trim(v, OWN_LIMITS.visitedPlaces);
        });
      }
      d.memory?.note(owner, 'visit', `visited their place ${place}`);
      return ok(json(r.value));
    },

    async explore(owner: string, place: string): Answer {
      const r = await callSkill(owner, PLACE_EXPLORE_NODE, { place });
      if (!r.ok) return r;
      const j = json(r.value);
      const room = d.current();
      if (typeof j.secret === 'string' && typeof j.salt === 'string' && typeof j.treasure === 'string' && room) {
        const found = { room, owner: lc(owner), treasure: j.treasure, secret: j.secret, salt: j.salt };
        d.own.change((o) => {
          o.found[placeKey(found.owner, found.treasure)] = found;
          trim(o.found, OWN_LIMITS.found);
        });
      }
      return ok(j);
    },

    async claim(owner: string, treasure: string, secret?: string, salt?: string): Answer {
      const found = d.own.value().found[placeKey(lc(owner), treasure)];
      const s = secret ?? found?.secret;
      const t = salt ?? found?.salt;
      if (s === undefined || t === undefined) return fail({ kind: 'invalid', message: "we do not know that treasure's secret yet; explore its place" });
      const r = await callSkill(owner, TREASURE_CLAIM_NODE, { treasure, secret: s, salt: t });
      if (!r.ok) return r;
      d.memory?.trust(owner, 1); // they paid what they promised
      return ok(json(r.value));
    },
  };
}
