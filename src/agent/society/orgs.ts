// Organizations: a persistent members-only MUC room with a charter (name and purpose in the room
// config, rules as the subject), roles from MUC affiliations, XEP-0249 invitations, join requests
// decided by the admins' side, a task board kept as JSON messages in the room (MAM gives late joiners
// the history), and alliances (alliances.ts). Each founder publishes its organizations on PEP, so
// others find them without a directory.
import xml, { type Element } from '@xmpp/xml';
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type ProblemReporter, type TidepoolError } from '../../core/errors.ts';
import { Emitter } from '../../core/emitter.ts';
import { bareOf } from '../../core/jid.ts';
import type { AgentStore } from '../../store/types.ts';
import type { Pep } from '../../xmpp/pubsub/pep.ts';
import { NS_GENERATED } from '../../xmpp/chat/chat.ts';
import type { Skill } from '../skills/types.ts';
import { field, first, form } from '../skills/form-builders.ts';
import { persisted } from '../memory/persisted.ts';
import type { Observation } from '../autonomy/situation.ts';
import type { OrgView } from '../autonomy/situation.ts';
import type { SkillCaller } from './call.ts';
import type { OrgMuc, OrgRoomMessage } from './org-muc.ts';
import { EMPTY_ORG_STATE, ORG_LIMITS, addUnique, slugRoom, type OrgRecord, type OrgState } from './org-state.ts';
import { createAlliances } from './alliances.ts';
import { createTaskBoard } from './tasks.ts';
import { parseListing } from './network.ts';
import type { Alliances } from './alliances.ts';
import type { BareJid } from '../../core/jid.ts';
import type { TaskBoard } from './tasks.ts';

export const NS_ORGS = 'urn:xmpp:tidepool:orgs:0';
export const ORG_JOIN_NODE = 'org-join';
/** This many generated messages in a row within LOOP_MS, with no person between, is an agent loop. */
const LOOP_WINDOW = 6;
const LOOP_MS = 120_000;
const lc = (s: string) => bareOf(s);

export interface OrgsDeps {
  store: AgentStore;
  muc: OrgMuc;
  pep: Pep;
  call: SkillCaller;
  self: () => { jid: string; name: string };
  mucService: () => string;
  observe: (o: Observation) => void;
  problem: ProblemReporter;
}

export async function createOrgs(d: OrgsDeps): Promise<Orgs> {
  const state = await persisted<OrgState>(d.store, 'orgs', EMPTY_ORG_STATE, 100, d.problem, 'the organizations');
  const me = () => lc(d.self().jid);
  const nick = () => (d.self().name || me().split('@')[0]!).slice(0, 64);
  const events = new Emitter<{ changed: OrgState; listenerError: unknown }>();
  const change = (fn: (s: OrgState) => void) => {
    const next = structuredClone(state.value());
    fn(next);
    state.set(next);
    events.emit('changed', next);
  };
  // Members as the room shows them (non-anonymous rooms give real JIDs): a member learns the others.
  d.muc.events.on('occupants', ({ room, jids }) => {
    const r = lc(room);
    const o = org(r);
    if (!o || jids.every((j) => o.members.includes(j))) return;
    change((s) => {
      for (const j of jids) s.orgs[r]!.members = addUnique(s.orgs[r]!.members, j, ORG_LIMITS.members);
    });
  });
  const org = (room: string) => state.value().orgs[lc(room)];
  const isAdminOf = (room: string) => ['owner', 'admin'].includes(org(room)?.affiliation ?? '');
  const roomJid = (room: string) => (room.includes('@') ? lc(room) : `${slugRoom(room)}@${d.mucService()}`);

  async function publish(): Promise<void> {
    const mine = Object.values(state.value().orgs).filter((o) => o.affiliation !== 'member');
    const listing = mine.map((o) => ({
      room: o.room,
      name: o.name,
      purpose: o.purpose,
      rules: o.rules,
      admin: me(),
      alliances: o.alliances.map((a) => a.theirs),
    }));
    const r = await d.pep.publish(NS_ORGS, 'current', xml('json', { xmlns: 'urn:xmpp:json:0' }, JSON.stringify({ orgs: listing })), { accessModel: 'open' });
    if (!r.ok) d.problem({ ...r.error, message: `could not publish organizations: ${r.error.message}` });
  }

  /** Agent-written messages carry the generated marker; a person's words posted through the UI do not. */
  const say = (room: string, body: string, extra: Element[] = [], generated = true) =>
    d.muc.send(room, body, [...(generated ? [xml('generated', { xmlns: NS_GENERATED })] : []), ...extra]);
  const tasks = createTaskBoard({ muc: d.muc, send: say });

  const alliances = createAlliances({
    orgs: () => state.value().orgs,
    change,
    isAdminOf,
    muc: d.muc,
    call: d.call,
    self: me,
    nick,
    mucService: d.mucService,
    observe: d.observe,
    publish,
  });

  d.muc.events.on('invitation', (inv) => {
    const room = lc(inv.room);
    if (org(room)) return;
    change((s) => {
      s.invitations = [
        ...(s.invitations ?? []).filter((i) => i.room !== room),
        { room, from: lc(inv.from), reason: inv.reason?.slice(0, 300), at: Date.now() },
      ].slice(-ORG_LIMITS.requests);
    });
    d.observe({ kind: 'invitation', room, from: lc(inv.from), reason: inv.reason });
  });
  // Loop detection: the last few messages in a room, generated or not. When agents only answer agents,
  // nobody new is being served: the policy stops our posts there until a person speaks.
  const recent = new Map<string, Array<{ generated: boolean; at: number }>>();
  d.muc.events.on('message', (m) => {
    if (m.delayed) return;
    const list = [...(recent.get(lc(m.room)) ?? []), { generated: m.generated, at: m.at }].slice(-LOOP_WINDOW);
    recent.set(lc(m.room), list);
    if (m.self) return;
    const name = d.self().name.toLowerCase();
    const text = m.body.toLowerCase();
    const mentionsMe = (name.length > 1 && text.includes(name)) || text.includes(nick().toLowerCase());
    d.observe({ kind: 'room-message', room: lc(m.room), nick: m.nick, text: m.body, generated: m.generated, mentionsMe });
  });

  const joinSkill: Skill = {
    node: ORG_JOIN_NODE,
    name: 'Join an organization',
    description: 'Ask to join one of the organizations I administer; my side decides.',
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Join request', [
          field('room', 'jid-single', { label: 'Organization room', required: true }),
          field('note', 'text-single', { label: 'Why you want to join' }),
        ]),
    ],
    async run(input, ctx) {
      const room = lc(first(input, 'room') ?? '');
      const from = lc(ctx.from);
      if (!isAdminOf(room)) return fail(stanzaError('item-not-found', 'I administer no such organization'));
      if (org(room)!.members.includes(from)) return ok({ json: { state: 'member' } });
      change((s) => {
        s.joinRequests = [
          ...s.joinRequests.filter((r) => !(r.from === from && r.room === room)),
          { from, room, note: (first(input, 'note') ?? '').slice(0, 300), at: Date.now() },
        ].slice(-ORG_LIMITS.requests);
      });
      d.observe({ kind: 'join-request', from, room, note: first(input, 'note') });
      return ok({
        form: form(
          'result',
          'Join request',
          [field('state', 'text-single', { values: ['pending'] })],
          ['Your request waits for a decision; an invitation follows if accepted.'],
        ),
        json: { state: 'pending' },
      });
    },
  };

  async function join(room: string): Promise<Result<void, TidepoolError>> {
    const jid = lc(room);
    const r = await d.muc.join(jid, nick());
    if (!r.ok) return r;
    const info = await d.muc.roomInfo(jid);
    change((s) => {
      s.requested = s.requested.filter((q) => q.room !== jid);
      s.invitations = (s.invitations ?? []).filter((i) => i.room !== jid);
      if (s.joint.includes(jid)) return;
      const known = s.orgs[jid];
      s.orgs[jid] = known ?? {
        room: jid,
        name: info.ok ? info.value.name || jid : jid,
        purpose: info.ok ? (info.value.description ?? '') : '',
        rules: r.value.subject ?? '',
        affiliation: 'member',
        members: [me()],
        invited: [],
        alliances: [],
        proposed: [],
      };
    });
    return ok(undefined);
  }

  async function invite(room: string, jid: string): Promise<Result<void, TidepoolError>> {
    const r = lc(room);
    if (!isAdminOf(r)) return fail({ kind: 'invalid', message: `we do not administer ${r}` });
    const who = lc(jid);
    // Membership first: a members-only room refuses the invitee's join otherwise.
    const aff = await d.muc.setAffiliation(r, who, 'member');
    if (!aff.ok) return aff;
    const inv = await d.muc.invite(r, who, `Join ${org(r)!.name}: ${org(r)!.purpose}`.slice(0, 300));
    if (!inv.ok) return inv;
    change((s) => {
      s.orgs[r]!.invited = addUnique(s.orgs[r]!.invited, who, ORG_LIMITS.members);
      s.orgs[r]!.members = addUnique(s.orgs[r]!.members, who, ORG_LIMITS.members);
    });
    return ok(undefined);
  }

  return {
    /** 'changed' after any change to organizations, requests, invitations. */
    events,
    skills: [joinSkill, alliances.skill],
    /** Room messages as they arrive (the UI's room view and tests listen here). */
    onRoomMessage: (fn: (m: OrgRoomMessage) => void) => d.muc.events.on('message', fn),
    tasks,
    alliances,
    list: (): OrgRecord[] => Object.values(state.value().orgs),
    get: org,
    views: (): OrgView[] =>
      Object.values(state.value().orgs).map((o) => ({
        room: o.room,
        name: o.name,
        purpose: o.purpose,
        affiliation: o.affiliation,
        members: o.members,
        invited: o.invited,
        alliances: o.alliances.map((a) => a.theirs),
        allianceProposed: o.proposed.map((p) => p.theirs),
      })),
    published: () =>
      Object.values(state.value().orgs)
        .filter((o) => o.affiliation !== 'member')
        .map((o) => ({ room: o.room, name: o.name, purpose: o.purpose, admin: me() })),
    requested: () => state.value().requested.map((q) => q.room),
    invitations: () => state.value().invitations ?? [],
    dismissInvitation(room: string) {
      change((s) => void (s.invitations = (s.invitations ?? []).filter((i) => i.room !== lc(room))));
    },
    joinRequests: () => state.value().joinRequests.map(({ from, room }) => ({ from, room })),
    allianceProposals: () => state.value().allianceProposals.map(({ from, room, theirs }) => ({ from, room, theirs })),
    joint: () => state.value().joint,
    inLoop(room: string): boolean {
      const list = recent.get(lc(room)) ?? [];
      return list.length >= LOOP_WINDOW && list.every((x) => x.generated && Date.now() - x.at < LOOP_MS);
    },
    /** Discovery without a directory: the public rooms of our MUC service. */
    publicRooms: () => d.muc.rooms(d.mucService()),
    /** The organizations an agent publishes on its PEP node (anyone may read it). */
    async publishedBy(jid: string): Promise<Result<Array<{ room: string; name: string; purpose: string; admin: string }>, TidepoolError>> {
      const r = await d.pep.latest(lc(jid), NS_ORGS);
      if (!r.ok) return r;
      try {
        const listing = parseListing({ orgs: (JSON.parse(r.value?.text() ?? '{}') as { orgs?: unknown }).orgs });
        return ok(listing.orgs);
      } catch {
        return fail({ kind: 'invalid', message: `${jid} published organizations that are not JSON` });
      }
    },
    /** Rooms we are in right now. */
    rooms: () => d.muc.joined(),
    /** Founds an organization: a persistent, members-only room that we own, with its charter. */
    async found(o: { room: string; name: string; purpose: string; rules?: string; open?: boolean }): Promise<Result<string, TidepoolError>> {
      const jid = roomJid(o.room);
      if (org(jid)) return fail({ kind: 'invalid', message: `${jid} is already one of our organizations` });
      if (Object.keys(state.value().orgs).length >= ORG_LIMITS.orgs) return fail({ kind: 'invalid', message: 'too many organizations' });
      const rules = (o.rules ?? 'Be kind; do what you promise.').slice(0, 500);
      const r = await d.muc.create(jid, nick(), {
        name: o.name.slice(0, 128),
        description: o.purpose.slice(0, 500),
        persistent: true,
        membersOnly: !o.open,
        public: true,
        whois: 'anyone',
      });
      if (!r.ok) return r;
      // An existing room is someone's organization already, unless it is ours from before.
      if (r.value.affiliation !== 'owner') {
        await d.muc.leave(jid);
        return fail({ kind: 'invalid', message: `${jid} already exists and is not ours` });
      }
      await d.muc.setSubject(jid, rules);
      change((s) => {
        s.orgs[jid] = {
          room: jid,
          name: o.name.slice(0, 128),
          purpose: o.purpose.slice(0, 500),
          rules,
          affiliation: 'owner',
          members: [me()],
          invited: [],
          alliances: [],
          proposed: [],
        };
      });
      await publish();
      return ok(jid);
    },
    invite,
    join,
    async leave(room: string): Promise<Result<void, TidepoolError>> {
      const jid = lc(room);
      const r = await d.muc.leave(jid);
      change((s) => {
        delete s.orgs[jid];
        s.joint = s.joint.filter((j) => j !== jid);
      });
      await publish();
      return r;
    },
    /** A person's post by default; the autonomy loop passes { generated: true }. */
    post: (room: string, text: string, opts: { generated?: boolean } = {}) => say(lc(room), text.slice(0, 2000), [], opts.generated ?? false),
    async requestJoin(admin: string, room: string): Promise<Result<string, TidepoolError>> {
      const setRequested = (on: boolean) =>
        change((s) => {
          s.requested = s.requested.filter((q) => q.room !== lc(room));
          if (on) s.requested = [...s.requested, { room: lc(room), admin: lc(admin) }].slice(-ORG_LIMITS.requests);
        });
      setRequested(true);
      const r = await d.call(lc(admin), ORG_JOIN_NODE, { room: lc(room), note: `${d.self().name} would like to join.` });
      if (!r.ok) {
        setRequested(false);
        return r;
      }
      const st = (r.value.json as { state?: string } | undefined)?.state ?? 'pending';
      return ok(`asked ${admin} to join ${room}: ${st}`);
    },
    async admit(room: string, jid: string): Promise<Result<void, TidepoolError>> {
      const r = lc(room);
      const who = lc(jid);
      if (!state.value().joinRequests.some((q) => q.room === r && q.from === who)) return fail({ kind: 'invalid', message: `${who} did not ask to join ${r}` });
      change((s) => void (s.joinRequests = s.joinRequests.filter((q) => !(q.room === r && q.from === who))));
      return invite(r, who);
    },
    async refuse(room: string, jid: string): Promise<Result<void, TidepoolError>> {
      const r = lc(room);
      const who = lc(jid);
      change((s) => void (s.joinRequests = s.joinRequests.filter((q) => !(q.room === r && q.from === who))));
      return ok(undefined);
    },
    publish,
    /** After a restart the MUC layer knows no rooms: enter our organizations and joint rooms again. */
    async resume(): Promise<void> {
      const inside = new Set(d.muc.joined());
      const rooms = [...Object.keys(state.value().orgs), ...state.value().joint].filter((r) => !inside.has(r));
      for (const r of rooms) {
        const j = await d.muc.join(r, nick());
        if (!j.ok) d.problem({ ...j.error, message: `could not enter ${r}: ${j.error.message}` });
      }
    },
    proposeAlliance: alliances.propose,
    acceptAlliance: alliances.accept,
    dissolveAlliance: alliances.dissolve,
    flush: () => state.flush(),
  };
}

export interface Orgs {
  /** 'changed' after any change to organizations, requests, invitations. */
  readonly events: Emitter<{ changed: OrgState; listenerError: unknown }>;
  readonly skills: Skill[];
  /** Room messages as they arrive (the UI's room view and tests listen here). */
  onRoomMessage(fn: (m: OrgRoomMessage) => void): () => void;
  readonly tasks: TaskBoard;
  readonly alliances: Alliances;
  list(): OrgRecord[];
  get(room: string): OrgRecord | undefined;
  views(): OrgView[];
  published(): { room: string; name: string; purpose: string; admin: BareJid }[];
  requested(): string[];
  invitations(): { room: string; from: string; reason?: string; at: number }[];
  dismissInvitation(room: string): void;
  joinRequests(): { from: string; room: string }[];
  allianceProposals(): { from: string; room: string; theirs: string }[];
  joint(): string[];
  inLoop(room: string): boolean;
  /** Discovery without a directory: the public rooms of our MUC service. */
  publicRooms(): Promise<Result<{ jid: string; name?: string }[], TidepoolError>>;
  /** The organizations an agent publishes on its PEP node (anyone may read it). */
  publishedBy(jid: string): Promise<Result<{ room: string; name: string; purpose: string; admin: string }[], TidepoolError>>;
  /** Rooms we are in right now. */
  rooms(): string[];
  /** Founds an organization: a persistent, members-only room that we own, with its charter. */
  found(o: { room: string; name: string; purpose: string; rules?: string; open?: boolean }): Promise<Result<string, TidepoolError>>;
  invite(room: string, jid: string): Promise<Result<void, TidepoolError>>;
  join(room: string): Promise<Result<void, TidepoolError>>;
  leave(room: string): Promise<Result<void, TidepoolError>>;
  /** A person's post by default; the autonomy loop passes { generated: true }. */
  post(room: string, text: string, opts?: { generated?: boolean }): Promise<Result<unknown, TidepoolError>>;
  requestJoin(admin: string, room: string): Promise<Result<string, TidepoolError>>;
  admit(room: string, jid: string): Promise<Result<void, TidepoolError>>;
  refuse(room: string, jid: string): Promise<Result<void, TidepoolError>>;
  publish(): Promise<void>;
  /** After a restart the MUC layer knows no rooms: enter our organizations and joint rooms again. */
  resume(): Promise<void>;
  proposeAlliance(room: string, theirs: string, admin: string): Promise<Result<string, TidepoolError>>;
  acceptAlliance(room: string, theirs: string, admin: string): Promise<Result<string, TidepoolError>>;
  dissolveAlliance(room: string, theirs: string): Promise<Result<string, TidepoolError>>;
  flush(): Promise<void>;
}
