// What each autonomy action does, through the same APIs the person uses. The loop has already
// validated the action and judged it against policy; checks here are the ones only the APIs know
// (is there such a request, such a room).
import { fail, ok, type Result } from '../../core/result.ts';
import type { Action } from '../autonomy/actions.ts';
import type { Contacts } from '../contacts.ts';
import type { Conversations } from '../conversations.ts';
import type { Bonds } from './bonds.ts';
import type { Network } from './network.ts';
import type { SkillCaller } from './call.ts';
import type { Orgs } from './orgs.ts';
import type { Economy, Outcome } from '../economy/port.ts';
import type { ActionError } from '../../core/errors.ts';

export interface ExecuteDeps {
  contacts: Contacts;
  conversations: Conversations;
  bonds: Bonds;
  network: Network;
  call: SkillCaller;
  orgs: Orgs;
  /** Absent on a node without world and market: economic actions then fail with a reason. */
  economy?: () => Economy | undefined;
}

const said = <T>(r: Result<T, ActionError>, text: (v: T) => string) => (r.ok ? ok(text(r.value)) : r);

export function createExecutor(d: ExecuteDeps) {
  return async (a: Action): Outcome => {
    switch (a.action) {
      case 'wait':
        return ok('waited');
      case 'talk':
        return said(await d.conversations.send(a.target, a.text, { generated: true }), () => `said to ${a.target}`);
      case 'call': {
        const r = await d.call(a.target, a.skill, a.text ? { text: a.text } : {});
        return said(r, (v) => `${a.skill} on ${a.target}: ${JSON.stringify(v.json ?? v.notes.map((n) => n.text)).slice(0, 200)}`);
      }
      case 'befriend':
        return said(await d.contacts.add(a.target), () => `asked ${a.target} to be friends`);
      case 'accept':
      case 'decline': {
        if (!d.contacts.requests().some((q) => q.from === a.target.toLowerCase()))
          return fail({ kind: 'invalid', message: `no friend request from ${a.target}` });
        const r = a.action === 'accept' ? await d.contacts.accept(a.target) : await d.contacts.decline(a.target);
        return said(r, () => `${a.action === 'accept' ? 'accepted' : 'declined'} ${a.target}`);
      }
      case 'propose':
        if (a.level !== 'close-friend' && a.level !== 'partner') return fail({ kind: 'invalid', message: 'level must be close-friend or partner' });
        return said(await d.bonds.propose(a.target, a.level), (s) => `proposed ${a.level} to ${a.target}: ${s}`);
      case 'accept-bond':
        return said(await d.bonds.accept(a.target), (s) => s);
      case 'decline-bond':
        return said(await d.bonds.decline(a.target), (s) => s);
      case 'end-bond':
        return said(await d.bonds.end(a.target), (s) => s);
      case 'explore':
        return said(await d.network.explore(a.target), (v) => `${a.target} knows ${v.listing.friends.length} agents (${v.fresh} new to us)`);
      case 'create-org':
        return said(await d.orgs.found({ room: a.room, name: a.skill || a.room, purpose: a.text }), (room) => `founded ${room}`);
      case 'invite':
        return said(await d.orgs.invite(a.room, a.target), () => `invited ${a.target} to ${a.room}`);
      case 'join':
        return said(await d.orgs.join(a.room), () => `joined ${a.room}`);
      case 'leave':
        return said(await d.orgs.leave(a.room), () => `left ${a.room}`);
      case 'post':
        return said(await d.orgs.post(a.room, a.text, { generated: true }), () => `posted in ${a.room}`);
      case 'request-join':
        return said(await d.orgs.requestJoin(a.target, a.room), (s) => s);
      case 'admit':
        return said(await d.orgs.admit(a.room, a.target), () => `admitted ${a.target} to ${a.room}`);
      case 'refuse':
        return said(await d.orgs.refuse(a.room, a.target), () => `refused ${a.target}`);
      case 'ally':
        return said(await d.orgs.proposeAlliance(a.room, a.text, a.target), (s) => s);
      case 'accept-alliance':
        return said(await d.orgs.acceptAlliance(a.room, a.text, a.target), (s) => s);
      case 'dissolve-alliance':
        return said(await d.orgs.dissolveAlliance(a.room, a.text), (s) => s);
      case 'enter-world':
      case 'visit':
      case 'hunt':
      case 'buy':
      case 'bid':
      case 'deliver':
      case 'award':
      case 'post-bounty': {
        const e = d.economy?.();
        if (!e) return fail({ kind: 'invalid', message: 'this agent has no world or market' });
        if (a.action === 'enter-world') return e.enterWorld(a.room);
        if (a.action === 'visit') return e.visit(a.target, a.text, a.amount);
        if (a.action === 'hunt') return e.hunt(a.target, a.text);
        if (a.action === 'buy') return e.buy(a.target, a.skill, a.text);
        if (a.action === 'bid') return e.bid(a.target, a.text);
        if (a.action === 'deliver') return e.deliver(a.target, a.text);
        if (a.action === 'award') return e.award(a.text, a.target);
        return e.postBounty(a.room, a.text, a.skill, a.amount);
      }
    }
  };
}
