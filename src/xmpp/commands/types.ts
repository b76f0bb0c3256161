// XEP-0050 ad-hoc commands, as values.
import type { DataForm } from '../forms/types.ts';

export const NS_COMMANDS = 'http://jabber.org/protocol/commands';
/** XEP-0335 JSON container: the machine-readable result for agents. */
export const NS_JSON = 'urn:xmpp:json:0';
/** Our progress messages for long-running commands (docs/PROTOCOL.md). */
export const NS_PROGRESS = 'urn:xmpp:tidepool:progress:0';

export type CommandAction = 'execute' | 'next' | 'prev' | 'complete' | 'cancel';
export type CommandStatus = 'executing' | 'completed' | 'canceled';
export type NoteType = 'info' | 'warn' | 'error';

export interface Note {
  type: NoteType;
  text: string;
}

export interface CommandActions {
  /** The default action for `execute` within a session. */
  execute?: 'next' | 'prev' | 'complete';
  prev: boolean;
  next: boolean;
  complete: boolean;
}

/** One answer of a command, as a caller sees it. */
export interface CommandResponse {
  node: string;
  sessionid?: string;
  status: CommandStatus;
  actions?: CommandActions;
  notes: Note[];
  form?: DataForm;
  json?: unknown;
}

export interface Progress {
  from: string;
  node: string;
  sessionid: string;
  text: string;
  percent?: number;
}

/** XEP-0050 §6 application-specific error conditions. */
export type CommandErrorCondition = 'bad-action' | 'bad-locale' | 'bad-payload' | 'bad-sessionid' | 'session-expired';
