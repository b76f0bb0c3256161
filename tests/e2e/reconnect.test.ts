// Kill Prosody under an open tab and start it again: the tab comes back online without a reload.
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { freePort, startProsody, type ProsodyServer } from '../../scripts/lib/prosody.ts';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { tempDir } from '../helpers/nodes.ts';

let server: ProsodyServer | undefined;
let ctx: BrowserContext | undefined;

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
});

describe('tab survives a server restart', () => {
  test('offline indicator while the server is down, online again by itself', async () => {
    const dir = tempDir('tidepool-e2e-restart-');
    const [httpPort, c2sPort] = [await freePort(), await freePort()];
    server = await startProsody({ dir, httpPort, c2sPort });
    ctx = await launchProfile();
    const tab = await ctx.newPage();
    await tab.goto(pageUrl(inject('pageUrl'), server.service, server.domain));
    const jid = await waitOnline(tab);
    await tab.evaluate(() => ((window as { marker?: number }).marker = 42));

    await server.stop();
    await tab.locator('[data-testid="status"][data-state="connecting"]').waitFor({ timeout: 10_000 });
    server = await startProsody({ dir, httpPort, c2sPort });
    const again = await waitOnline(tab, 45_000);
    expect(again.split('/')[0]).toBe(jid.split('/')[0]);
    // Same document: no reload happened.
    expect(await tab.evaluate(() => (window as { marker?: number }).marker)).toBe(42);
  });
});
