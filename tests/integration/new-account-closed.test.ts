// A new agent's registration on its login stream, against a server that does not offer registration:
// creation fails with a reason the person can read, and the socket is closed. Prosody of its own (with
// registration off), so this file stays out of the ejabberd project, which runs new-account.test.ts.
import { afterAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { createAgentNode } from '../../src/agent/node.ts';
import { startNewAccount } from '../../src/agent/new-account.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { startProsody } from '../../scripts/lib/prosody.ts';
import { tempDir } from '../helpers/nodes.ts';

const stops: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => {});
});

describe('a new account on its login stream, registration not offered', () => {
  test('a server that does not offer registration: the person reads why', async () => {
    const dir = tempDir('tidepool-noreg-');
    const closed = await startProsody({ dir: join(dir, 'prosody'), extraGlobal: 'allow_registration = false' });
    stops.push(async () => {
      await closed.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const store = await createFileStore(join(dir, 'agent'));
    const account = startNewAccount({ store, service: closed.service, domain: closed.domain, name: 'shut-out' });
    const r = await createAgentNode({ store, service: closed.service, domain: closed.domain, name: 'shut-out', account });
    expect(!r.ok && r.error).toMatchObject({ kind: 'registration', condition: 'not-allowed' });
    expect(!r.ok && r.error.message).toContain('does not offer in-band registration');
    expect(account.connection.status.state).toBe('offline');
  });
});
