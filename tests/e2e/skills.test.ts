// Skills in the page: run a peer's multi-stage skill from the generated form, progress, cancel,
// errors; a Node node calls the tab's skills; the owner switches a skill off.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, until } from '../helpers/nodes.ts';
import { ok } from '../../src/core/result.ts';
import type { FormField } from '../../src/xmpp/forms/types.ts';
import { screenshot } from '../helpers/screenshots.ts';

const f = (v: string, type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({ var: v, type, label: v, values: [], options: [], ...extra });
let surveyInput: Record<string, string[]> | undefined;

const service = inject('service');
const domain = inject('domain');
let ctx: BrowserContext;
let tab: Page;
let tab2: Page;
let tabJid: string;
let node: AgentNode;

async function openSkill(page: Page, peer: string, skill: string) {
  await page.locator(`[data-testid="contact"][data-jid="${peer}"]`).click();
  await page.getByTestId('load-skills').click();
  await page.locator(`[data-testid="peer-skill"][data-node="${skill}"]`).click();
  await page.locator('[data-testid="skill-runner"][data-status="executing"]').waitFor();
}

beforeAll(async () => {
  node = await makeNode(service, domain, `reef-${Date.now()}`, { subscriptionPolicy: 'accept' });
  // A skill of the test's own, with every XEP-0004 field type, to exercise the generated form.
  node.skills.add({
    node: 'survey',
    name: 'Survey',
    description: 'every field type',
    defaultAccess: { kind: 'public' },
    stages: [
      () => ({
        type: 'form',
        title: 'Survey',
        instructions: ['Fill everything in.'],
        fields: [
          f('intro', 'fixed', { var: undefined, values: ['A fixed line of text.'] }),
          f('token', 'hidden', { values: ['keep-me'] }),
          f('agree', 'boolean'),
          f('friend', 'jid-single'),
          f('friends', 'jid-multi'),
          f('color', 'list-single', {
            options: [
              { label: 'Red', value: 'red' },
              { label: 'Blue', value: 'blue' },
            ],
          }),
          f('pets', 'list-multi', {
            options: [
              { label: 'Cat', value: 'cat' },
              { label: 'Dog', value: 'dog' },
              { label: 'Eel', value: 'eel' },
            ],
          }),
          f('story', 'text-multi'),
          f('secret', 'text-private'),
          f('title', 'text-single', { required: true }),
        ],
      }),
    ],
    async run(input) {
      surveyInput = input;
      return ok({ json: input });
    },
  });
  await startNode(node);
  ctx = await launchProfile();
  tab = await ctx.newPage();
  await tab.goto(pageUrl(inject('pageUrl'), service, domain));
  tabJid = await waitOnline(tab);
  await tab.getByTestId('add-jid').fill(node.identity.jid);
  await tab.getByTestId('add-button').click();
  await tab.locator(`[data-testid="contact"][data-jid="${node.identity.jid}"][data-presence="available"][data-mutual="true"]`).waitFor();
});

afterAll(async () => {
  await ctx?.close();
  await node?.stop();
});

describe('browser -> Node skills', () => {
  test('the contact lists its skills', async () => {
    await tab.locator(`[data-testid="contact"][data-jid="${node.identity.jid}"]`).click();
    await tab.getByTestId('load-skills').click();
    await expect
      .poll(async () => (await tab.getByTestId('peer-skill').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))).sort())
      .toEqual([
        'ask',
        'bounty-bid',
        'bounty-deliver',
        'describe',
        'echo',
        'handshake',
        'ledger-pay',
        'network',
        'org-ally',
        'org-join',
        'place-explore',
        'place-visit',
        'relate',
        'survey',
        'treasure-claim',
      ]);
  });

  test('multi-stage handshake through the generated forms, with Back', async () => {
    await openSkill(tab, node.identity.jid, 'handshake');
    const runner = tab.getByTestId('skill-runner');
    await runner.locator('[data-var="name"] input').fill('Tab agent');
    await runner.locator('[data-var="purpose"] textarea').fill('to test the forms');
    await tab.getByTestId('skill-next').click();
    await runner.locator('[data-var="wants"]').waitFor();
    await tab.getByTestId('skill-prev').click();
    await expect.poll(() => runner.locator('[data-var="name"] input').inputValue()).toBe('');
    await runner.locator('[data-var="name"] input').fill('Tab agent');
    await tab.getByTestId('skill-next').click();
    await runner.locator('[data-var="wants"] label', { hasText: 'Echo' }).locator('input').check();
    await runner.locator('[data-var="agree"] input').check();
    await screenshot(tab, 'skill-form-stage-2');
    await tab.getByTestId('skill-complete').click();
    await tab.locator('[data-testid="skill-runner"][data-status="completed"]').waitFor();
    const json = JSON.parse((await tab.getByTestId('skill-json').textContent())!);
    expect(json).toMatchObject({ agreed: true, name: 'Tab agent', wants: ['echo'], peer: bare(tabJid) });
    await screenshot(tab, 'skill-result');
  });

  test('echo shows progress, then the result form', async () => {
    await openSkill(tab, node.identity.jid, 'echo');
    const runner = tab.getByTestId('skill-runner');
    await runner.locator('[data-var="text"] input').fill('ping');
    await runner.locator('[data-var="repeat"] input').fill('3');
    await tab.getByTestId('skill-complete').click();
    await tab.locator('[data-testid="skill-runner"][data-status="completed"]').waitFor();
    await expect.poll(() => tab.getByTestId('progress').locator('li').count()).toBe(3);
    expect(await runner.getByTestId('result-field').textContent()).toBe('ping\nping\nping');
  });

  test('a bad value shows the refusal naming the field', async () => {
    await openSkill(tab, node.identity.jid, 'echo');
    const runner = tab.getByTestId('skill-runner');
    await runner.locator('[data-var="text"] input').fill('x');
    await runner.locator('[data-var="repeat"] input').fill('99');
    await tab.getByTestId('skill-complete').click();
    await expect.poll(() => tab.getByTestId('skill-error').textContent()).toMatch(/Repeat/);
  });

  test('a form with every field type is generated and submitted faithfully', async () => {
    await openSkill(tab, node.identity.jid, 'survey');
    const r = tab.getByTestId('skill-runner');
    await expect.poll(() => r.locator('.fixed').textContent()).toBe('A fixed line of text.');
    expect(await r.locator('[data-var="token"]').count()).toBe(0); // hidden: not shown
    await r.locator('[data-var="agree"] input').check();
    await r.locator('[data-var="friend"] input').fill('bob@localhost');
    await r.locator('[data-var="friends"] textarea').fill('a@localhost\nb@localhost');
    await r.locator('[data-var="color"] select').selectOption('blue');
    await r.locator('[data-var="pets"] label', { hasText: 'Cat' }).locator('input').check();
    await r.locator('[data-var="pets"] label', { hasText: 'Eel' }).locator('input').check();
    await r.locator('[data-var="story"] textarea').fill('line one\nline two');
    await r.locator('[data-var="secret"] input').fill('hunter2');
    expect(await r.locator('[data-var="secret"] input').getAttribute('type')).toBe('password');
    await r.locator('[data-var="title"] input').fill('Dr');
    await tab.getByTestId('skill-complete').click();
    await tab.locator('[data-testid="skill-runner"][data-status="completed"]').waitFor();
    expect(surveyInput).toMatchObject({
      agree: ['true'],
      friend: ['bob@localhost'],
      friends: ['a@localhost', 'b@localhost'],
      color: ['blue'],
      pets: ['cat', 'eel'],
      story: ['line one', 'line two'],
      secret: ['hunter2'],
      title: ['Dr'],
    });
  });

  test('cancel', async () => {
    await openSkill(tab, node.identity.jid, 'handshake');
    await tab.getByTestId('skill-cancel').click();
    await tab.getByTestId('skill-canceled').waitFor();
  });
});

describe('Node -> browser skills', () => {
  test("a Node node runs the tab's describe and echo", async () => {
    const described = await node.commands.execute(tabJid, 'describe');
    expect(described.ok && described.value.status).toBe('completed');
    const name = await tab.getByTestId('agent-name').textContent();
    expect(described.ok && (described.value.json as { name: string }).name).toBe(name);
    const s = await node.commands.execute(tabJid, 'echo');
    const sid = s.ok ? s.value.sessionid! : '';
    const done = await node.commands.submit(tabJid, 'echo', sid, { text: 'from node' });
    expect(done.ok && done.value.json).toMatchObject({ echoed: ['from node'] });
  });

  test('the owner switches echo off in the page: callers get item-not-found', async () => {
    await tab.getByTestId('skills-button').click();
    const row = tab.locator('[data-testid="own-skill"][data-node="echo"]');
    await row.getByTestId('skill-enabled').uncheck();
    await tab.locator('[data-testid="own-skill"][data-node="echo"][data-enabled="false"]').waitFor();
    const r = await node.commands.execute(tabJid, 'echo');
    expect(!r.ok && r.error.kind === 'stanza' && r.error.condition).toBe('item-not-found');
    await row.getByTestId('skill-access').selectOption('owner');
    await row.getByTestId('skill-enabled').check();
    await until(
      async () => {
        const again = await node.commands.execute(tabJid, 'echo');
        return !again.ok && again.error.kind === 'stanza' && again.error.condition === 'forbidden';
      },
      5000,
      'owner-only echo refuses the node',
    );
  });
});

describe('browser -> browser skills', () => {
  test('a second tab runs the first tab’s describe from the UI', async () => {
    tab2 = await ctx.newPage();
    await tab2.goto(pageUrl(inject('pageUrl'), service, domain));
    await waitOnline(tab2);
    await tab2.getByTestId('add-jid').fill(bare(tabJid));
    await tab2.getByTestId('add-button').click();
    await tab.getByTestId('nav-home').click(); // the request waits with the contacts, at home
    const req = tab.locator('[data-testid="request"]');
    await req.getByTestId('accept').click();
    await tab2.locator(`[data-testid="contact"][data-jid="${bare(tabJid)}"][data-presence="available"]`).waitFor();
    await tab2.locator(`[data-testid="contact"][data-jid="${bare(tabJid)}"]`).click();
    await tab2.getByTestId('load-skills').click();
    await tab2.locator('[data-testid="peer-skill"][data-node="describe"]').click();
    await tab2.locator('[data-testid="skill-runner"][data-status="completed"]').waitFor();
    const json = JSON.parse((await tab2.getByTestId('skill-json').textContent())!);
    expect(json.name).toBe(await tab.getByTestId('agent-name').textContent());
  });
});
