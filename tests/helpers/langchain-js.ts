// LangChain.js's MCP adapters (npm `@langchain/mcp-adapters`, with `@langchain/core`), installed once into
// .tidepool/cache/langchain-js for the test that drives `npm run mcp` through them. Not a dependency of
// the project: only that test needs it. (The Python adapters, langchain-mcp-adapters, are not on the index
// these machines reach; the npm ones are.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The part of the adapters' API the test uses (the package lives outside the project's node_modules). */
export interface LangchainTool {
  name: string;
  description: string;
  /** LangChain's structured tool call: the input is checked against the tool's schema, then sent as MCP tools/call. */
  invoke(input: Record<string, unknown>): Promise<unknown>;
}
export interface LangchainMcpClient {
  getTools(): Promise<LangchainTool[]>;
  close(): Promise<void>;
}
export interface StdioServer {
  transport: 'stdio';
  command: string;
  args: string[];
  cwd?: string;
  stderr?: 'pipe' | 'inherit' | 'ignore';
}
export interface LangchainMcp {
  MultiServerMCPClient: new (config: { mcpServers: Record<string, StdioServer>; throwOnLoadError?: boolean }) => LangchainMcpClient;
}

export const LANGCHAIN_JS_CACHE = resolve('.tidepool/cache/langchain-js');
export const LANGCHAIN_PACKAGES = ['@langchain/mcp-adapters@1.1.4', '@langchain/core@1.4.0'];

/** The adapters' module (its ESM entry), installing on first use (~25 s). Throws with npm's own words. */
export async function loadLangchainMcp(dir: string = LANGCHAIN_JS_CACHE): Promise<LangchainMcp> {
  const marker = join(dir, 'installed.json');
  const wanted = JSON.stringify(LANGCHAIN_PACKAGES);
  const entry = join(dir, 'node_modules', '@langchain', 'mcp-adapters', 'dist', 'index.js');
  const current = existsSync(marker) && existsSync(entry) && readFileSync(marker, 'utf8') === wanted;
  if (!current) {
    mkdirSync(dir, { recursive: true });
    // A package of its own, so npm neither walks up to the project's package.json nor touches its lock.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tidepool-langchain-js-cache', private: true }));
    const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', ...LANGCHAIN_PACKAGES], {
      encoding: 'utf8',
      timeout: 5 * 60_000,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    if (r.status !== 0 || !existsSync(entry))
      throw new Error(
        `npm install ${LANGCHAIN_PACKAGES.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${`${r.stdout}\n${r.stderr}`.trim().slice(-2000)}`,
      );
    writeFileSync(marker, wanted);
  }
  return (await import(pathToFileURL(entry).href)) as LangchainMcp;
}
