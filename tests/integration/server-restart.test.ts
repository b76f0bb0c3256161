// Prosody killed and started again on the same ports: the node comes back online by itself.
import { afterAll, describe, expect, test } from 'vitest';
import { startProsody, freePort, type ProsodyServer } from '../../scripts/lib/prosody.ts';
import type { ConnectionStatus } from '../../src/xmpp/connection/client.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';

let server: ProsodyServer | undefined;

afterAll(async () => {
  await server?.stop();
});

describe('server restart', () => {
  test('reconnects with backoff and a fresh session after the server comes back', async () => {
    const dir = tempDir('tidepool-restart-');
    const [httpPort, c2sPort] = [await freePort(), await freePort()];
    server = await startProsody({ dir, httpPort, c2sPort });
    const node = await makeNode(server.service, server.domain, `phoenix-${Date.now()}`, { backoff: { minMs: 200, maxMs: 1000 } });
    const statuses: ConnectionStatus[] = [];
    node.events.on('status', (s) => statuses.push(s));
    await startNode(node);

    await server.stop();
    await until(() => node.status().state === 'connecting', 5000, 'node notices the server is gone');
    // Let a few attempts fail against the dead port.
    await until(() => statuses.filter((s) => s.state === 'connecting').length >= 3, 10_000, 'retries');
    const retries = statuses.filter((s): s is Extract<ConnectionStatus, { state: 'connecting' }> => s.state === 'connecting');
    expect(retries.at(-1)!.lastError?.kind).toBe('network');
    expect(retries.at(-1)!.retryInMs).toBeGreaterThanOrEqual(200);

    server = await startProsody({ dir, httpPort, c2sPort });
    await until(() => node.status().state === 'online', 10_000, 'node back online');
    // The server lost the XEP-0198 session with its restart: this must be a new session.
    expect(node.status()).toMatchObject({ state: 'online', resumed: false });
    await node.stop();
    expect(node.status().state).toBe('offline');
  });
});
