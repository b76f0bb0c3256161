// An ordinary XMPP web client runs a Tidepool agent's skills: Converse.js 14 (a third-party client, unchanged,
// from npm) logs a person in, and its ad-hoc commands view (Settings -> Commands) lists a headless node's
// skills and runs `echo`, exactly as a person clicks through it. The node's bare JID gets "doesn't support
// ad-hoc commands": the skills live on the agent's full JID (its resource), which is why share links carry it.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode } from '../helpers/nodes.ts';
import { listCommandsInConverse, openConverse, runCommandInConverse, type ConversePage } from '../helpers/converse.ts';
import { screenshot } from '../helpers/screenshots.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';

const service = inject('service');
const domain = inject('domain');

let node: AgentNode | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: ConversePage;
let agentFull: string;
let person: string;

beforeAll(async () => {
  const username = `converse-person-${randomSecret(4)}`.toLowerCase();
  const password = randomSecret();
  person = `${username}@${domain}`;
  // Independent start-ups side by side: the node, the person's account, the browser.
  const [made, registered, launched] = await Promise.all([
    makeNode(service, domain, `converse-agent-${randomSecret(3)}`.toLowerCase()).then(async (n) => {
      node = n;
      agentFull = await startNode(n);
      return n;
    }),
    registerAccount({ service, domain, username, password }),
    launchBrowser(),
  ]);
  browser = launched;
  if (!registered.ok) throw new Error(`registering ${person} failed: ${JSON.stringify(registered.error)}`);
  expect(agentFull).toBe(made.connection.jid());
  expect(agentFull).toContain('/');
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await openConverse(context, { service, jid: person, password });
});

let tab: BrowserContext | undefined;

afterAll(async () => {
  await tab?.close();
  await context?.close();
  await browser?.close();
  await node?.stop();
});

describe("Converse.js runs a Tidepool agent's skills", () => {
  test("a tab's agent: the address its Share panel shows is all Converse needs to list and run its skills", async () => {
    tab = await launchProfile();
    const p = await tab.newPage();
    await p.goto(pageUrl(inject('pageUrl'), service, domain, `&name=shared-${randomSecret(3)}`));
    const online = await waitOnline(p);
    await p.getByTestId('share-button').click();
    const shown = await p.getByTestId('share-full-jid').inputValue();
    expect(shown).toBe(online);
    const listing = await listCommandsInConverse(page, shown);
    expect(listing.commands.map((c) => c.node)).toContain('echo');
    const text = `from the share panel ${randomSecret(3)}`;
    const run = await runCommandInConverse(page, shown, 'echo', { text, repeat: '1' });
    expect(run.status).toBe('completed');
    expect(run.fields.text).toBe(text);
  });

  test('the full JID lists exactly the skills a stranger may use, and echo runs', async () => {
    const listing = await listCommandsInConverse(page, agentFull);
    await screenshot(page, 'converse-commands');
    const expected = node!.skills.visibleTo(person).map((s) => s.node);
    expect(expected).toContain('echo');
    // A stranger sees fewer than all enabled skills (friend-only ones such as `ask` stay hidden).
    expect(expected.length).toBeLessThan(node!.skills.list().filter((s) => s.settings.enabled).length);
    expect(listing.commands.map((c) => c.node).sort()).toEqual([...expected].sort());
    expect(listing.commands.every((c) => c.jid === agentFull)).toBe(true);
    expect(listing.commands.find((c) => c.node === 'echo')?.name).toBe('Echo');
    expect(listing.commands.map((c) => c.node)).not.toContain('ask');

    const text = `hello from Converse ${randomSecret(3)}`;
    const run = await runCommandInConverse(page, agentFull, 'echo', { text, repeat: '2' });
    await screenshot(page, 'converse-echo-result');
    expect(run.status).toBe('completed');
    expect(run.alert).toBe('Completed');
    expect(run.labels.text).toBe('Text');
    expect(run.fields.text).toBe(`${text}\n${text}`);
    await expect.poll(() => page.locator('converse-adhoc-commands textarea[name="text"][readonly]').inputValue()).toBe(`${text}\n${text}`);
  });

  test("the bare JID: Converse says the entity doesn't support ad-hoc commands", async () => {
    const listing = await listCommandsInConverse(page, bare(agentFull));
    await screenshot(page, 'converse-bare-jid');
    expect(listing.alert).toBe("The specified entity doesn't support ad-hoc commands");
    expect(listing.commands).toEqual([]);
  });

  test('Converse reached nothing beyond loopback except the blocked sponsor logos', () => {
    expect(page.offline.errors).toEqual([]);
    expect(page.offline.blocked.filter((r) => r.type !== 'image')).toEqual([]);
  });
});
