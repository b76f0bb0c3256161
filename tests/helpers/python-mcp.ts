// The official Python MCP SDK (`mcp` on PyPI) in a virtual environment under .tidepool/cache/python-mcp,
// made once. LangChain's MCP adapters (langchain-mcp-adapters) and AutoGen's (autogen-ext McpWorkbench)
// are not on the package index these machines reach, but both are thin layers over this SDK's
// ClientSession and stdio_client: with it, a test speaks to `npm run mcp` the way they would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PYTHON_MCP_CACHE = resolve('.tidepool/cache/python-mcp');

/** Returns the venv's python, installing `mcp` on first use. Throws with pip's own words. */
export function ensurePythonMcp(dir: string = PYTHON_MCP_CACHE): string {
  const python = join(dir, 'bin', 'python');
  const works = () => existsSync(python) && spawnSync(python, ['-c', 'import mcp.client.stdio'], { timeout: 60_000 }).status === 0;
  if (works()) return python;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The interpreter on PATH (with pip and the configured index), not Debian's: that one is for slixmpp.
  const venv = spawnSync('python3', ['-m', 'venv', dir], { encoding: 'utf8', timeout: 120_000 });
  if (venv.status !== 0) throw new Error(`python3 -m venv failed: ${venv.stderr || venv.error?.message}`);
  // No retries: an index that cannot be reached fails fast instead of backing off for minutes.
  const pip = spawnSync(join(dir, 'bin', 'pip'), ['install', '--quiet', '--retries', '0', '--timeout', '30', 'mcp'], {
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (pip.status !== 0 || !works()) throw new Error(`pip install mcp failed:\n${`${pip.stdout}\n${pip.stderr}`.trim().slice(-2000)}`);
  return python;
}
