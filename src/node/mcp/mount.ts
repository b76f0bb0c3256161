// Mounting an MCP server on a node: each of its tools becomes a skill `mcp:<server>:<tool>` with one
// input stage generated from the tool's JSON Schema. Mounted skills start owner-only (the owner opens
// them up), so the node's usual access policy, rate limit and disco visibility apply unchanged.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  TIDEPOOL_VERSION,
  describeAccess,
  fail,
  field,
  form,
  ok,
  parseAccess,
  stanzaError,
  type Access,
  type Result,
  type Skill,
  type SkillRegistry,
  type TidepoolError,
} from '../../agent/index.ts';
import { formValuesToJson, jsonSchemaToForm } from './json-schema-to-form.ts';
import { errorMessage } from '../../agent/index.ts';

export type McpTarget = { command: string; args: string[]; cwd?: string } | { url: string };

export interface McpMount {
  name: string;
  target: McpTarget;
  /** Access for the new skills; default owner-only. */
  access?: Access;
  /** Per tool call; MCP's own default is 60 s. */
  timeoutMs?: number;
}

export interface MountedServer {
  skills: string[];
  close(): Promise<void>;
}

export const mcpSkillNode = (server: string, tool: string) => `mcp:${server}:${tool}`;

const MAX_RESULT_CHARS = 60_000;

interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
}

function toolSkill(client: Client, server: string, tool: ToolInfo, access: Access, timeoutMs: number): Skill {
  const title = tool.title ?? tool.name;
  const stage = jsonSchemaToForm(tool.inputSchema, title, tool.description ? [tool.description.slice(0, 2000)] : []);
  return {
    node: mcpSkillNode(server, tool.name),
    name: `${title} (MCP ${server})`,
    description: (tool.description ?? `The ${tool.name} tool of the MCP server ${server}.`).slice(0, 2000),
    defaultAccess: access,
    stages: stage.fields.length ? [() => stage] : [],
    async run(input, ctx) {
      const args = formValuesToJson(tool.inputSchema, input);
      if (!args.ok) return fail(stanzaError('bad-request', args.message));
      try {
        const r = await client.callTool({ name: tool.name, arguments: args.value }, undefined, {
          signal: ctx.signal,
          timeout: timeoutMs,
          resetTimeoutOnProgress: true,
          onprogress: (p) => ctx.progress(p.message ?? `${p.progress}${p.total ? `/${p.total}` : ''}`, p.total ? (p.progress / p.total) * 100 : undefined),
        });
        const content = Array.isArray(r.content) ? (r.content as Array<{ type: string; text?: string }>) : [];
        const texts = content.map((c) => (c.type === 'text' ? (c.text ?? '') : `[${c.type} content]`));
        const joined = texts.join('\n').slice(0, MAX_RESULT_CHARS);
        // A tool error is the tool's answer, not a protocol failure: it goes to the caller as an error with its text.
        if (r.isError) return fail(stanzaError('undefined-condition', `${tool.name} failed: ${joined.slice(0, 2000)}`));
        return ok({
          form: form('result', title, [field('result', 'text-multi', { label: 'Result', values: joined.split('\n') })]),
          json: r.structuredContent ?? { content: content.slice(0, 50) },
        });
      } catch (e) {
        if (ctx.signal.aborted) return fail(stanzaError('not-allowed', 'canceled'));
        return fail(stanzaError('internal-server-error', `the MCP server ${server} did not answer: ${errorMessage(e)}`));
      }
    },
  };
}

/** Connects, lists the tools and adds them as skills. The connection stays open until close(). */
export async function mountMcpServer(skills: SkillRegistry, m: McpMount): Promise<Result<MountedServer, TidepoolError>> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(m.name))
    return fail({ kind: 'invalid', message: `MCP server name "${m.name.slice(0, 80)}" must be 1-64 letters, digits, dot, dash or underscore` });
  const transport: Transport =
    'url' in m.target
      ? new StreamableHTTPClientTransport(new URL(m.target.url))
      : new StdioClientTransport({ command: m.target.command, args: m.target.args, cwd: m.target.cwd, stderr: 'inherit' });
  const client = new Client({ name: 'tidepool', version: TIDEPOOL_VERSION });
  try {
    await client.connect(transport, { timeout: 30_000 });
    const tools: ToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: 30_000 });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor && tools.length < 500);
    const nodes: string[] = [];
    for (const t of tools) {
      const skill = toolSkill(client, m.name, t, m.access ?? { kind: 'owner' }, m.timeoutMs ?? 60_000);
      skills.add(skill);
      nodes.push(skill.node);
    }
    return ok({ skills: nodes, close: () => client.close() });
  } catch (e) {
    await client.close().catch(() => {});
    return fail({ kind: 'network', message: `cannot mount the MCP server ${m.name}: ${errorMessage(e)}` });
  }
}

/**
 * `NAME[/ACCESS]=COMMAND ARG…` (split on spaces) or `NAME[/ACCESS]=http(s)://URL` (Streamable HTTP), as the
 * runner flag gives it. ACCESS is the skills' default access in the registry's notation (public, friends,
 * level:close-friend, allow:a@x,b@y); without it they are owner-only. Settings the owner saved later win.
 */
export function parseMountSpec(spec: string): Result<McpMount, TidepoolError> {
  const eq = spec.indexOf('=');
  const left = spec.slice(0, Math.max(eq, 0)).trim();
  const rest = spec.slice(eq + 1).trim();
  const usage = `--mcp-mount wants NAME[/ACCESS]=COMMAND or NAME[/ACCESS]=URL, not "${spec.slice(0, 80)}"`;
  if (eq <= 0 || !rest) return fail({ kind: 'invalid', message: usage });
  const slash = left.indexOf('/');
  const name = slash < 0 ? left : left.slice(0, slash);
  const access = slash < 0 ? undefined : parseAccess(left.slice(slash + 1));
  if (!name || (slash >= 0 && !access)) return fail({ kind: 'invalid', message: usage });
  const target: McpTarget = /^https?:\/\//.test(rest) ? { url: rest } : (([command, ...args]) => ({ command: command!, args }))(rest.split(/\s+/));
  return ok({ name, target, ...(access ? { access } : {}) });
}

/** The runner's `--mcp-mount` flags: problems are reported on stderr and the node runs without that server. */
export async function mountAll(node: { skills: SkillRegistry }, specs: string[]): Promise<MountedServer[]> {
  const mounted: MountedServer[] = [];
  for (const spec of specs) {
    const m = parseMountSpec(spec);
    if (!m.ok) {
      console.error(m.error.message);
      continue;
    }
    const r = await mountMcpServer(node.skills, m.value);
    if (!r.ok) console.error(r.error.message);
    else {
      mounted.push(r.value);
      console.error(`mounted MCP server ${m.value.name}: ${r.value.skills.join(', ')} (default access ${describeAccess(m.value.access ?? { kind: 'owner' })})`);
    }
  }
  return mounted;
}
