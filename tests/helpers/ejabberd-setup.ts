// Global setup for the `ejabberd` project: one real ejabberd (Debian 23.01) on free ports in a throwaway
// directory, providing the same keys as prosody-setup.ts so integration test files run unchanged.
// No ejabberd installed means a failing project (startEjabberd throws), never a silent skip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEjabberd } from '../../scripts/lib/ejabberd.ts';
import type {} from './prosody-setup.ts'; // the ProvidedContext keys are declared there

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'tidepool-ejabberd-'));
  let server;
  try {
    server = await startEjabberd({ dir });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  project.provide('service', server.service);
  project.provide('domain', server.domain);
  project.provide('c2sPort', server.c2sPort);
  // Tests only use it as "the server's directory"; here it holds ejabberd.yml, the spool and the logs.
  project.provide('prosodyDir', dir);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
