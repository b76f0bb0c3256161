// A browser tab and a headless Node node are the same kind of agent: they befriend and chat.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, until, waitFor } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let ctx: BrowserContext;
let tab: Page;
let tabJid: string;
let node: AgentNode;

beforeAll(async () => {
  node = await makeNode(service, domain, `headless-${Date.now()}`, { subscriptionPolicy: 'accept' });
  await startNode(node);
  ctx = await launchProfile();
  tab = await ctx.newPage();
  await tab.goto(pageUrl(inject('pageUrl'), service, domain));
  tabJid = bare(await waitOnline(tab));
});

afterAll(async () => {
  await ctx?.close();
  await node?.stop();
});

describe('browser <-> Node', () => {
  test('the tab adds the node; the node accepts by policy; both see presence', async () => {
    await tab.getByTestId('add-jid').fill(node.identity.jid);
    await tab.getByTestId('add-button').click();
    await tab.locator(`[data-testid="contact"][data-jid="${node.identity.jid}"][data-mutual="true"][data-presence="available"]`).waitFor();
    await until(() => node.contacts.list().some((c) => c.jid === tabJid && c.mutual && c.presence.available), 10_000, 'node sees the tab');
  });

  test('tab -> node message', async () => {
    const got = waitFor<{ direction: string; body: string; peer: string }>(
      (fn) => node.conversations.events.on('message', fn),
      (m) => m.direction === 'in',
    );
    await tab.locator(`[data-testid="contact"][data-jid="${node.identity.jid}"]`).click();
    await tab.getByTestId('compose').fill('hello node');
    await tab.getByTestId('compose').press('Enter');
    expect(await got).toMatchObject({ body: 'hello node', peer: tabJid });
  });

  test('node -> tab message', async () => {
    expect((await node.conversations.send(tabJid, 'hello tab')).ok).toBe(true);
    await expect.poll(() => tab.locator('[data-testid="message"][data-direction="in"]').allTextContents()).toEqual([expect.stringContaining('hello tab')]);
  });

  test('closing the tab: the node sees it go offline', async () => {
    await tab.close({ runBeforeUnload: true });
    await until(() => node.contacts.list().some((c) => c.jid === tabJid && !c.presence.available), 15_000, 'tab offline');
  });
});
