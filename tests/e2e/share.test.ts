// Introducing an agent: its share link (with QR) opens the page elsewhere with that agent offered as
// a contact; xmpp: URIs let ordinary clients add it or open one of its skills.
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare } from '../helpers/nodes.ts';

const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const c of contexts) await c.close();
});

describe('share', () => {
  test('share link, xmpp: URIs and QR; the link introduces the agent in another browser', async () => {
    const url = pageUrl(inject('pageUrl'), inject('service'), inject('domain'));
    const first = await launchProfile();
    contexts.push(first);
    const a = await first.newPage();
    await a.goto(url);
    const jidA = bare(await waitOnline(a));
    await a.getByTestId('share-button').click();
    const link = await a.getByTestId('share-link').inputValue();
    expect(link).toContain(`#/agent/${encodeURIComponent(jidA)}`);
    expect(link).toContain('/tidepool/app/'); // the page's own sub-path
    expect(await a.getByTestId('share-xmpp').inputValue()).toMatch(new RegExp(`^xmpp:${jidA}\\?roster;name=`));
    // Skills answer at the full JID, which stays the same across reloads (the agent's stored resource).
    const full = await a.getByTestId('share-full-jid').inputValue();
    expect(full).toMatch(new RegExp(`^${jidA}/tp-[0-9a-f]{8}$`));
    expect(await a.locator('[data-testid="share-command"][data-node="echo"]').getAttribute('href')).toBe(`xmpp:${full}?command;node=echo`);
    expect(Number(await a.getByTestId('qr').getAttribute('data-modules'))).toBeGreaterThanOrEqual(21);
    expect(await a.locator('[data-testid="qr"] rect').count()).toBeGreaterThan(50);
    await a.reload();
    expect(await waitOnline(a)).toBe(full);

    const second = await launchProfile();
    contexts.push(second);
    const b = await second.newPage();
    await b.goto(link);
    await waitOnline(b);
    await expect.poll(() => b.getByTestId('add-jid').inputValue()).toBe(jidA);
    await b.getByTestId('add-button').click();
    await a.getByTestId('nav-home').click(); // friend requests wait with the contacts
    await a.locator('[data-testid="request"]').waitFor();
  });
});
