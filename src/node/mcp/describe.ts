// describe_agent: the peer's card and the skills it lets us use, each with its first input stage as
// JSON Schema. That schema comes from the peer itself: we execute the skill and cancel at once (the
// form a stage sends is the only exact description of it). Skills with no input stage would run on
// execute, so those are only described, never executed.
import { bareOf, fail, ok, type AgentNode, type Result, type TidepoolError } from '../../agent/index.ts';
import { formToJsonSchema, type JsonSchema } from './forms-to-json-schema.ts';

export interface SkillDescription {
  skill: string;
  name: string;
  description?: string;
  access?: string;
  /** Every stage in short (XEP-0122 notation), as the peer's disco#info gives it. */
  stages?: string;
  /** The first stage's input; later stages are listed in `stages` and filled from the same `values`. */
  inputSchema: JsonSchema;
}

const EMPTY: JsonSchema = { type: 'object', properties: {} };
/** Each schema costs two command requests (execute + cancel) from the peer's rate-limit bucket for us. */
export const MAX_SCHEMAS = 8;

export async function describeAgent(
  node: AgentNode,
  jid: string,
  to: string | undefined,
  only?: string[],
): Promise<Result<{ jid: string; online: boolean; card?: unknown; skills: SkillDescription[] }, TidepoolError>> {
  const card = await node.peers.card(bareOf(jid));
  if (!to) {
    // Offline or unknown: the card from PEP is all there is.
    if (!card.ok) return fail({ ...card.error, message: `${jid} is not online and has no card we can read: ${card.error.message}` });
    if (!card.value) return fail({ kind: 'invalid', message: `${jid} is not online and publishes no agent card` });
    return ok({ jid, online: false, card: card.value, skills: [] });
  }
  const list = await node.peers.skills(to);
  if (!list.ok) return list;
  const skills: SkillDescription[] = [];
  // One at a time: a peer limits the command sessions each caller may hold open.
  let fetched = 0;
  for (const s of list.value) {
    if (only && !only.includes(s.node)) continue;
    const info = await node.peers.skillInfo(to, s.node);
    const d: SkillDescription = { skill: s.node, name: s.name, inputSchema: EMPTY };
    if (info.ok) Object.assign(d, { description: info.value.description, access: info.value.access, stages: info.value.input || undefined });
    if (info.ok && info.value.input && fetched >= MAX_SCHEMAS) {
      d.inputSchema = { description: `not fetched (at most ${MAX_SCHEMAS} per call): call describe_agent with skills: ["${s.node}"]` };
    } else if (info.ok && info.value.input) {
      fetched++;
      const r = await node.calls.execute(to, s.node, 15_000);
      if (r.ok && r.value.status === 'executing') {
        if (r.value.form) d.inputSchema = formToJsonSchema(r.value.form);
        if (r.value.sessionid) await node.calls.cancel(to, s.node, r.value.sessionid);
      }
    }
    skills.push(d);
  }
  return ok({ jid: bareOf(to), online: true, card: card.ok ? card.value : undefined, skills });
}
