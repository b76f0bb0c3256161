// Global setup: one real Prosody per test project, on free ports, in a throwaway directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startProsody } from '../../scripts/lib/prosody.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    service: string;
    domain: string;
    /** Plain c2s (TCP) port on 127.0.0.1, for third-party clients that do not speak WebSocket. */
    c2sPort: number;
    prosodyDir: string;
    pageUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'tidepool-prosody-'));
  const server = await startProsody({ dir });
  project.provide('service', server.service);
  project.provide('domain', server.domain);
  project.provide('c2sPort', server.c2sPort);
  project.provide('prosodyDir', dir);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
