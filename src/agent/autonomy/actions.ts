// The actions the autonomy loop may take, as one flat JSON shape: a model fills it under a grammar
// (constrained decoding) and every decision, from any decider, is validated against the same schema
// before policy even looks at it.
import type { JsonSchema } from '../../llm/types.ts';
import { validateJson } from '../../llm/json-schema.ts';

export const ACTION_KINDS = [
  'wait', // do nothing now
  'talk', // chat message `text` to `target`
  'call', // run skill `skill` on `target` (input `text` when its form has a text field)
  'befriend', // ask `target` for mutual subscription
  'accept', // accept `target`'s friend request
  'decline', // decline `target`'s friend request
  'propose', // propose bond `level` to friend `target`
  'accept-bond', // accept `target`'s proposed bond `level`
  'decline-bond', // decline it
  'end-bond', // end the bond with `target` (back to friend)
  'explore', // ask friend `target` whom it knows (friends-of-friends)
  'create-org', // found organization `room` (a room name) with purpose `text`
  'invite', // invite `target` into organization `room`
  'join', // join room `room`
  'leave', // leave room `room`
  'post', // say `text` in room `room`
  'request-join', // ask admin `target` to admit us into organization `room`
  'admit', // admit `target` into organization `room`
  'refuse', // refuse `target`'s request to join `room`
  'ally', // propose an alliance between our organization `room` and `target` (their organization's room)
  'accept-alliance', // accept the alliance `target` (their room) proposed to our organization `room`
  'dissolve-alliance', // end the alliance between `room` and `target`
  'enter-world', // enter the world room `room` ('' for this server's default world)
  'visit', // visit place `text` owned by `target` (rating `amount` 1..5, 0 for none)
  'hunt', // explore place `text` owned by `target` for its treasure; claim it once found
  'buy', // buy skill `skill` from `target` at its advertised price (input `text`)
  'bid', // bid for bounty `text` posted by `target`
  'deliver', // do the work of bounty `text` that `target` awarded us, and hand it in
  'award', // award our bounty `text` to the bidder `target`
  'post-bounty', // post task `text` for skill `skill` with reward `amount` credits in room `room`
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface Action {
  action: ActionKind;
  /** A JID (peer or room) or '' when the action has none. */
  target: string;
  room: string;
  skill: string;
  text: string;
  level: '' | 'close-friend' | 'partner';
  /** Credits (bounty reward) or a rating; 0 when the action has none. */
  amount: number;
  /** Why, in the decider's words: shown in the activity log. */
  reason: string;
}

const str = (maxLength: number): JsonSchema => ({ type: 'string', maxLength });
/** Worst case of a full decision in tokens (one character per token), so generation is never cut mid-JSON. */
export const ACTION_MAX_TOKENS = 1024;

export const ACTION_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: [...ACTION_KINDS] },
    target: str(120),
    room: str(120),
    skill: str(48),
    text: str(300),
    level: { type: 'string', enum: ['', 'close-friend', 'partner'] },
    // No maximum here: not every backend's grammar can hold a model to one. Amounts are bounded where
    // they are spent (the ledger's budget and credit limits).
    amount: { type: 'integer', minimum: 0 },
    reason: str(160),
  },
  required: ['action', 'target', 'room', 'skill', 'text', 'level', 'amount', 'reason'],
  additionalProperties: false,
};

/** The one gate every decision passes: shape first, then what each kind needs. */
export function validateAction(value: unknown): { ok: true; action: Action } | { ok: false; reason: string } {
  const problem = validateJson(ACTION_SCHEMA, value);
  if (problem) return { ok: false, reason: problem };
  const a = value as Action;
  const needs: Partial<Record<ActionKind, Array<keyof Action>>> = {
    talk: ['target', 'text'],
    call: ['target', 'skill'],
    befriend: ['target'],
    accept: ['target'],
    decline: ['target'],
    propose: ['target', 'level'],
    'accept-bond': ['target', 'level'],
    'decline-bond': ['target'],
    'end-bond': ['target'],
    explore: ['target'],
    'create-org': ['room'],
    invite: ['target', 'room'],
    join: ['room'],
    leave: ['room'],
    post: ['room', 'text'],
    'request-join': ['target', 'room'],
    admit: ['target', 'room'],
    refuse: ['target', 'room'],
    ally: ['target', 'room'],
    'accept-alliance': ['target', 'room'],
    'dissolve-alliance': ['target', 'room'],
    visit: ['target', 'text'],
    hunt: ['target', 'text'],
    buy: ['target', 'skill'],
    bid: ['target', 'text'],
    deliver: ['target', 'text'],
    award: ['target', 'text'],
    'post-bounty': ['text', 'skill', 'amount'],
  };
  const missing = (needs[a.action] ?? []).filter((k) => !a[k]);
  if (missing.length) return { ok: false, reason: `"${a.action}" needs ${missing.join(', ')}` };
  return { ok: true, action: a };
}

export function action(kind: ActionKind, fields: Partial<Omit<Action, 'action'>> = {}): Action {
  return { action: kind, target: '', room: '', skill: '', text: '', level: '', amount: 0, reason: '', ...fields };
}

export function describeAction(a: Action): string {
  const parts = [
    a.action,
    a.target && `→ ${a.target}`,
    a.room && `in ${a.room}`,
    a.skill && `skill ${a.skill}`,
    a.level && `(${a.level})`,
    a.amount && `${a.amount}`,
    a.text && `“${a.text.slice(0, 80)}”`,
  ];
  return parts.filter(Boolean).join(' ');
}
