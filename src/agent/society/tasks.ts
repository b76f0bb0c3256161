// An organization's task board, kept in its room: each change is a groupchat message with a readable
// body and an XEP-0335 JSON payload, so any XMPP client shows it and MUC MAM gives late joiners the board.
import xml, { type Element } from '@xmpp/xml';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import type { OrgMuc } from './org-muc.ts';

export type TaskState = 'open' | 'doing' | 'done';
export interface Task {
  id: string;
  title: string;
  state: TaskState;
  by: string;
  at: number;
}

const STATES: TaskState[] = ['open', 'doing', 'done'];
const MAX_TASKS = 200;

export function parseTaskPayload(payload: Element | undefined): { id: string; title?: string; state: TaskState } | undefined {
  if (!payload) return undefined;
  try {
    const v = JSON.parse(payload.text()) as Record<string, unknown>;
    if (v.tidepool !== 'task' || typeof v.id !== 'string' || !STATES.includes(v.state as TaskState)) return undefined;
    return { id: v.id.slice(0, 64), title: typeof v.title === 'string' ? v.title.slice(0, 200) : undefined, state: v.state as TaskState };
  } catch {
    return undefined;
  }
}

export interface TaskBoard {
  list(room: string): Task[];
  add(room: string, title: string): Promise<Result<string, TidepoolError>>;
  set(room: string, id: string, state: TaskState): Promise<Result<void, TidepoolError>>;
}

export function createTaskBoard(d: {
  muc: OrgMuc;
  send: (room: string, body: string, extra: Element[]) => Promise<Result<unknown, TidepoolError>>;
}): TaskBoard {
  const boards = new Map<string, Map<string, Task>>();
  d.muc.events.on('message', (m) => {
    const t = parseTaskPayload(m.json);
    if (!t) return;
    const room = bareOf(m.room);
    const board = boards.get(room) ?? new Map<string, Task>();
    boards.set(room, board);
    const known = board.get(t.id);
    if (!known && !t.title) return;
    board.set(t.id, { id: t.id, title: t.title ?? known!.title, state: t.state, by: m.nick, at: m.at });
    while (board.size > MAX_TASKS) board.delete(board.keys().next().value!);
  });
  const payload = (v: object) => xml('json', { xmlns: 'urn:xmpp:json:0' }, JSON.stringify({ tidepool: 'task', ...v }));
  return {
    list: (room: string): Task[] => [...(boards.get(bareOf(room))?.values() ?? [])],
    async add(room: string, title: string): Promise<Result<string, TidepoolError>> {
      const id = Math.random().toString(36).slice(2, 10);
      const clean = title.trim().slice(0, 200);
      if (!clean) return fail({ kind: 'invalid', message: 'a task needs a title' });
      const r = await d.send(room, `New task: ${clean}`, [payload({ id, title: clean, state: 'open' })]);
      return r.ok ? ok(id) : r;
    },
    async set(room: string, id: string, state: TaskState): Promise<Result<void, TidepoolError>> {
      const t = boards.get(bareOf(room))?.get(id);
      if (!t) return fail({ kind: 'invalid', message: `no task ${id}` });
      const r = await d.send(room, `Task “${t.title}” is ${state}`, [payload({ id, state })]);
      return r.ok ? ok(undefined) : r;
    },
  };
}
