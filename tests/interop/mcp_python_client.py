#!/usr/bin/env python3
"""The official Python MCP SDK (`mcp`) as a client of `npm run mcp`, the way LangChain's MCP adapters
(MultiServerMCPClient with a "stdio" connection) and AutoGen's McpWorkbench (StdioServerParams) use it:
stdio_client + ClientSession, initialize, list_tools, call_tool.

    PYTHON mcp_python_client.py TARGET_FULL_JID SERVER_COMMAND [SERVER_ARG ...]

Prints one JSON object per line: the tools, the node's presence, an echo skill run on TARGET through
call_skill, and a call that must fail (an agent that does not exist) as a tool error. Exits 0 when all came.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def emit(event, **fields):
    print(json.dumps({'event': event, **fields}, default=str), flush=True)


def attr(obj, *names):
    """mcp 1.x names fields in camelCase (serverInfo, inputSchema, isError), 2.x in snake_case."""
    for n in names:
        if hasattr(obj, n):
            return getattr(obj, n)
    return None


def text_of(result):
    return '\n'.join(c.text for c in result.content if getattr(c, 'type', '') == 'text')


async def run(target, command, args):
    params = StdioServerParameters(command=command, args=args, env=dict(os.environ))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            emit('initialized', server=attr(attr(init, 'server_info', 'serverInfo'), 'name'))
            tools = await session.list_tools()
            emit('tools', names=[t.name for t in tools.tools], schemas={t.name: attr(t, 'input_schema', 'inputSchema') for t in tools.tools})
            presence = await session.call_tool('presence', {})
            emit('presence', text=text_of(presence), is_error=bool(attr(presence, 'is_error', 'isError')))
            echo = await session.call_tool('call_skill', {'jid': target, 'skill': 'echo', 'values': {'text': 'from the Python MCP SDK'}})
            emit('echo', text=text_of(echo), is_error=bool(attr(echo, 'is_error', 'isError')))
            missing = await session.call_tool('call_skill', {'jid': 'nobody-here@invalid.example', 'skill': 'echo'})
            emit('missing', text=text_of(missing), is_error=bool(attr(missing, 'is_error', 'isError')))
            return not attr(echo, 'is_error', 'isError') and bool(attr(missing, 'is_error', 'isError'))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ok = asyncio.run(asyncio.wait_for(run(argv[1], argv[2], argv[3:]), 120))
    emit('exit', ok=ok)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
