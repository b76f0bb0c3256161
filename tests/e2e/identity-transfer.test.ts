// Export the identity from one browser, import it in another: the second browser is the same agent.
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { tempDir } from '../helpers/nodes.ts';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const c of contexts) await c.close();
});

describe('identity export and import', () => {
  test('name, persona and JID move to another browser profile', async () => {
    const url = pageUrl(inject('pageUrl'), inject('service'), inject('domain'));
    const first = await launchProfile();
    contexts.push(first);
    const a = await first.newPage();
    await a.goto(url);
    const jid = (await waitOnline(a)).split('/')[0]!;
    await a.getByTestId('profile-button').click();
    await a.getByTestId('profile-name').fill('Marina');
    await a.getByTestId('profile-persona').fill('A curious diver who maps reefs.');
    await a.getByTestId('profile-save').click();
    await a.getByTestId('profile-saved').waitFor();
    const [download] = await Promise.all([a.waitForEvent('download'), a.getByTestId('export').click()]);
    const file = join(tempDir('tidepool-export-'), 'identity.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ format: 'tidepool-identity', version: 1, jid, name: 'Marina' });
    await first.close();
    contexts.pop();

    const second = await launchProfile();
    contexts.push(second);
    const b = await second.newPage();
    await b.goto(url);
    const fresh = (await waitOnline(b)).split('/')[0];
    expect(fresh).not.toBe(jid);
    await b.getByTestId('profile-button').click();
    await Promise.all([b.waitForEvent('load'), b.getByTestId('import').setInputFiles(file)]);
    const imported = (await waitOnline(b)).split('/')[0];
    expect(imported).toBe(jid);
    await expect.poll(() => b.getByTestId('agent-name').textContent()).toBe('Marina');
  });

  test('a file that is not an identity shows a readable error and changes nothing', async () => {
    const ctx = await launchProfile();
    contexts.push(ctx);
    const p = await ctx.newPage();
    await p.goto(pageUrl(inject('pageUrl'), inject('service'), inject('domain')));
    const jid = await waitOnline(p);
    await p.getByTestId('profile-button').click();
    await p.getByTestId('import').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
    await expect.poll(() => p.getByTestId('notice').textContent()).toMatch(/not a Tidepool identity file/);
    expect(await p.locator('[data-testid="jid"]').getAttribute('data-full')).toBe(jid);
  });
});
