// Global setup for browser tests: build the page once, serve the static output from a sub-path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { serveStatic } from './static-server.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';

export default async function setup(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), 'tidepool-page-'));
  await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  // A self-hosted model next to the page, as an owner would host one: models/tiny.gguf.
  writeTinyGguf(join(outDir, 'models', 'tiny.gguf'));
  // A sub-path, as on a shared static host: relative asset paths must hold.
  const server = await serveStatic(outDir, '/tidepool/app/');
  project.provide('pageUrl', server.url);
  return async () => {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
}
