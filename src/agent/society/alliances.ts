// Alliances between organizations: one admin proposes through the other's `org-ally` skill, the other
// side decides and answers through ours. On acceptance the proposer opens a joint room, makes the other
// admin an admin there, and each side brings its own members. Both sides record and publish the
// alliance; either can dissolve it (the joint room's owner destroys it, the other side leaves).
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import type { Skill } from '../skills/types.ts';
import { field, first, form } from '../skills/form-builders.ts';
import type { Observation } from '../autonomy/situation.ts';
import type { SkillCaller } from './call.ts';
import type { OrgMuc } from './org-muc.ts';
import { ORG_LIMITS, addUnique, slugRoom, type OrgRecord, type OrgState } from './org-state.ts';

export const ORG_ALLY_NODE = 'org-ally';
const lc = (s: string) => bareOf(s);

export interface AllianceDeps {
  orgs: () => Record<string, OrgRecord>;
  change: (fn: (s: OrgState) => void) => void;
  isAdminOf: (room: string) => boolean;
  muc: OrgMuc;
  call: SkillCaller;
  self: () => string;
  nick: () => string;
  mucService: () => string;
  observe: (o: Observation) => void;
  publish: () => Promise<void>;
}

export interface Alliances {
  readonly skill: Skill;
  propose(room: string, theirs: string, admin: string): Promise<Result<string, TidepoolError>>;
  accept(room: string, theirs: string, admin: string): Promise<Result<string, TidepoolError>>;
  dissolve(room: string, theirs: string): Promise<Result<string, TidepoolError>>;
}

export function createAlliances(d: AllianceDeps): Alliances {
  /** Joint room: owned by the proposer, members of both organizations affiliated. */
  async function openJointRoom(ours: OrgRecord, theirs: string, theirAdmin: string): Promise<Result<string, TidepoolError>> {
    const joint = `alliance-${slugRoom(ours.room.split('@')[0]!)}-${slugRoom(theirs.split('@')[0]!)}@${d.mucService()}`.toLowerCase();
    const created = await d.muc.create(joint, d.nick(), {
      name: `Alliance: ${ours.name} + ${theirs.split('@')[0]}`,
      description: `Joint room of ${ours.room} and ${theirs}`,
      persistent: true,
      membersOnly: true,
      public: false,
      whois: 'anyone',
    });
    if (!created.ok) return created;
    const admin = await d.muc.setAffiliation(joint, theirAdmin, 'admin');
    if (!admin.ok) return admin;
    await bringMembers(joint, ours);
    return ok(joint);
  }

  async function bringMembers(joint: string, ours: OrgRecord) {
    for (const m of ours.members.filter((m) => m !== d.self())) {
      const r = await d.muc.setAffiliation(joint, m, 'member');
      if (r.ok) await d.muc.invite(joint, m, `Our alliance room (${ours.name})`);
    }
  }

  const record = (room: string, alliance: { theirs: string; admin: string; joint: string }) =>
    d.change((s) => {
      const o = s.orgs[room];
      if (!o) return;
      o.alliances = [...o.alliances.filter((a) => a.theirs !== alliance.theirs), alliance].slice(-ORG_LIMITS.proposals);
      o.proposed = o.proposed.filter((p) => p.theirs !== alliance.theirs);
      s.allianceProposals = s.allianceProposals.filter((p) => !(p.room === room && p.theirs === alliance.theirs));
      s.joint = addUnique(s.joint, alliance.joint, ORG_LIMITS.proposals);
    });

  const forget = (room: string, theirs: string) =>
    d.change((s) => {
      const o = s.orgs[room];
      if (o) o.alliances = o.alliances.filter((a) => a.theirs !== theirs);
    });

  const skill: Skill = {
    node: ORG_ALLY_NODE,
    name: 'Alliance',
    description: 'Propose, accept or dissolve an alliance between your organization and one I administer.',
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Alliance', [
          field('action', 'list-single', { required: true, options: ['propose', 'accept', 'dissolve'].map((v) => ({ value: v, label: v })) }),
          field('room', 'jid-single', { label: 'My organization', required: true }),
          field('with', 'jid-single', { label: 'Your organization', required: true }),
        ]),
    ],
    async run(input, ctx) {
      const from = lc(ctx.from);
      const room = lc(first(input, 'room') ?? '');
      const theirs = lc(first(input, 'with') ?? '');
      if (!d.isAdminOf(room)) return fail(stanzaError('item-not-found', 'I administer no such organization'));
      if (!theirs.includes('@')) return fail(stanzaError('bad-request', '"with" must be a room JID'));
      const ours = d.orgs()[room]!;
      const result = (state: string, joint?: string) =>
        ok({ form: form('result', 'Alliance', [field('state', 'text-single', { values: [state] })]), json: { state, joint } });
      switch (first(input, 'action')) {
        case 'propose':
          if (ours.alliances.some((a) => a.theirs === theirs)) return result('allied', ours.alliances.find((a) => a.theirs === theirs)!.joint);
          d.change((s) => {
            s.allianceProposals = [
              ...s.allianceProposals.filter((p) => !(p.room === room && p.theirs === theirs)),
              { from, room, theirs, at: Date.now() },
            ].slice(-ORG_LIMITS.proposals);
          });
          d.observe({ kind: 'alliance-proposal', from, room, theirs });
          return result('pending');
        case 'accept': {
          // Only what we proposed, to the admin we proposed it to.
          if (!ours.proposed.some((p) => p.theirs === theirs && p.admin === from))
            return fail(stanzaError('item-not-found', 'we proposed no such alliance to you'));
          const joint = await openJointRoom(ours, theirs, from);
          if (!joint.ok) return fail(stanzaError('internal-server-error', `could not open the joint room: ${joint.error.message}`));
          record(room, { theirs, admin: from, joint: joint.value });
          void d.publish();
          return result('allied', joint.value);
        }
        case 'dissolve': {
          const a = ours.alliances.find((x) => x.theirs === theirs && x.admin === from);
          if (!a) return fail(stanzaError('item-not-found', 'there is no such alliance'));
          forget(room, theirs);
          await closeJoint(a.joint);
          d.observe({ kind: 'alliance-ended', from, room, theirs });
          void d.publish();
          return result('dissolved');
        }
        default:
          return fail(stanzaError('bad-request', 'action must be propose, accept or dissolve'));
      }
    },
  };

  async function closeJoint(joint: string) {
    // The owner destroys the joint room; the other side only leaves it.
    const destroyed = await d.muc.destroy(joint, 'The alliance was dissolved');
    if (!destroyed.ok) await d.muc.leave(joint);
    d.change((s) => void (s.joint = s.joint.filter((j) => j !== joint)));
  }

  return {
    skill,
    async propose(room: string, theirs: string, admin: string): Promise<Result<string, TidepoolError>> {
      const r = lc(room);
      if (!d.isAdminOf(r)) return fail({ kind: 'invalid', message: `we do not administer ${r}` });
      // Recorded before asking: their acceptance may arrive before our call returns.
      const setProposed = (on: boolean) =>
        d.change((s) => {
          const o = s.orgs[r];
          if (!o) return;
          o.proposed = o.proposed.filter((p) => p.theirs !== lc(theirs));
          if (on) o.proposed = [...o.proposed, { theirs: lc(theirs), admin: lc(admin) }].slice(-ORG_LIMITS.proposals);
        });
      setProposed(true);
      const res = await d.call(lc(admin), ORG_ALLY_NODE, { action: 'propose', room: lc(theirs), with: r });
      if (!res.ok) {
        setProposed(false);
        return res;
      }
      return ok(`proposed an alliance of ${r} with ${theirs}`);
    },
    async accept(room: string, theirs: string, admin: string): Promise<Result<string, TidepoolError>> {
      const r = lc(room);
      if (!d.orgs()[r] || !d.isAdminOf(r)) return fail({ kind: 'invalid', message: `we do not administer ${r}` });
      const res = await d.call(lc(admin), ORG_ALLY_NODE, { action: 'accept', room: lc(theirs), with: r });
      if (!res.ok) return res;
      const joint = (res.value.json as { joint?: string } | undefined)?.joint;
      if (typeof joint !== 'string' || !joint.includes('@')) return fail({ kind: 'invalid', message: 'the other side named no joint room' });
      // Into the joint room first, so a recorded alliance is one whose room we are in.
      const joined = await d.muc.join(lc(joint), d.nick());
      if (!joined.ok) return joined;
      record(r, { theirs: lc(theirs), admin: lc(admin), joint: lc(joint) });
      await bringMembers(lc(joint), d.orgs()[r]!);
      await d.publish();
      return ok(`allied ${r} with ${theirs}; joint room ${joint}`);
    },
    async dissolve(room: string, theirs: string): Promise<Result<string, TidepoolError>> {
      const r = lc(room);
      const a = d.orgs()[r]?.alliances.find((x) => x.theirs === lc(theirs));
      if (!a) return fail({ kind: 'invalid', message: `no alliance of ${r} with ${theirs}` });
      forget(r, a.theirs);
      await closeJoint(a.joint);
      await d.publish();
      const told = await d.call(a.admin, ORG_ALLY_NODE, { action: 'dissolve', room: a.theirs, with: r });
      return ok(told.ok ? `dissolved the alliance with ${theirs}` : `dissolved here; ${a.admin} was not told: ${told.error.message}`);
    },
  };
}
