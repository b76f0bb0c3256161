// A2A v1.0 values as the SDK types them (protobuf-shaped: every field present), and the one rule that
// reads a skill call out of an A2A message. See docs/PROTOCOL.md, "A2A bridge".
import { randomUUID } from 'node:crypto';
import { Role, type Message, type Part } from '@a2a-js/sdk';

/** Message/DataPart metadata key naming the skill (the XEP-0050 node) a message is for. */
export const SKILL_KEY = 'tidepool.skill';
/**
 * The skill a message without a `tidepool.skill` goes to: what OpenClaw and most A2A agents send is plain
 * text meant for the agent, so it is a question for the node's brain (`ask`, its text as `question`).
 */
export const DEFAULT_SKILL = 'ask';
/** The form field a message's text fills: `ask` calls it `question`, every other skill `text`. */
const textField = (skill: string) => (skill === 'ask' ? 'question' : 'text');

export const textPart = (text: string): Part => ({ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' });
export const dataPart = (value: unknown): Part => ({ content: { $case: 'data', value }, metadata: undefined, filename: '', mediaType: 'application/json' });

export function message(role: 'user' | 'agent', parts: Part[], ids: { taskId?: string; contextId?: string; metadata?: Record<string, unknown> } = {}): Message {
  return {
    messageId: randomUUID(),
    contextId: ids.contextId ?? '',
    taskId: ids.taskId ?? '',
    role: role === 'user' ? Role.ROLE_USER : Role.ROLE_AGENT,
    parts,
    metadata: ids.metadata,
    extensions: [],
    referenceTaskIds: [],
  };
}

export const textOf = (parts: Part[] | undefined): string =>
  (parts ?? [])
    .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
    .filter(Boolean)
    .join('\n');

export const dataOf = (parts: Part[] | undefined): unknown[] => (parts ?? []).flatMap((p) => (p.content?.$case === 'data' ? [p.content.value] : []));

export type FormValues = Record<string, string | string[]>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Form values from a DataPart object: strings, numbers and booleans as one value, arrays of them as several. */
function valuesFrom(data: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === SKILL_KEY) continue;
    if (Array.isArray(v)) out[k] = v.filter((x) => ['string', 'number', 'boolean'].includes(typeof x)).map(String);
    else if (['string', 'number', 'boolean'].includes(typeof v)) out[k] = String(v);
  }
  return out;
}

/**
 * Which skill, with which form values: `metadata["tidepool.skill"]` on the message (or a key of the same
 * name in its first DataPart) names the skill; the first DataPart object gives the form values; the
 * message's text fills `text` (`question` for ask) unless the data already does. No skill named: `ask`.
 */
export function readCall(m: Message): { skill: string; values: FormValues } {
  const data = dataOf(m.parts).find(isRecord);
  const named = m.metadata?.[SKILL_KEY] ?? data?.[SKILL_KEY];
  const skill = typeof named === 'string' && named ? named : DEFAULT_SKILL;
  const values = data ? valuesFrom(data) : {};
  const text = textOf(m.parts);
  if (text && values[textField(skill)] === undefined) values[textField(skill)] = text;
  return { skill, values };
}
