// The society UI with a mixed crowd: one browser tab and four Node agents, all deciding with the rules
// brain. The tab's person sets the friend policy and switches autonomy on in the page; Ann meets the
// tab through Cat and the tab accepts by policy; Ann proposes partnership and the tab's rules brain
// accepts; Ann founds an organization and the tab joins it; room messages and tasks flow both ways;
// the activity log shows decisions with reasons; the kill switch stops the tab's loop.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, until } from '../helpers/nodes.ts';
import { autonomyOn, jidOf, makeFriends } from '../helpers/society.ts';
import { screenshot } from '../helpers/screenshots.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const makers = `makers-${stamp}@muc.${domain}`;

let ctx: BrowserContext;
let tab: Page;
let tabJid: string;
let errors: string[];
let ann: AgentNode, cat: AgentNode, dan: AgentNode, eve: AgentNode;
const nodes = () => [ann, cat, dan, eve];

const contact = (jid: string) => tab.locator(`[data-testid="contact"][data-jid="${jid}"]`);
/** What the tab's node says about itself (read in the page, where the agent lives). */
const inTab = <T>(fn: (n: AgentNode, arg: string) => T, arg = '') =>
  tab.evaluate(([src, a]) => new Function('n', 'a', `return (${src})(n, a)`)((globalThis as unknown as { tidepool: unknown }).tidepool, a), [
    fn.toString(),
    arg,
  ] as const) as Promise<T>;

beforeAll(async () => {
  const mk = (name: string, policy: 'ask' | 'accept' = 'ask') => makeNode(service, domain, `${name}-${stamp}`, { subscriptionPolicy: policy });
  [ann, cat, dan, eve] = await Promise.all([mk('ann'), mk('cat', 'accept'), mk('dan'), mk('eve')]);
  await Promise.all(nodes().map(startNode));
  await Promise.all([makeFriends(cat, ann), makeFriends(ann, dan), makeFriends(ann, eve)]);
  ctx = await launchProfile();
  tab = await ctx.newPage();
  errors = collectErrors(tab);
  await tab.goto(pageUrl(inject('pageUrl'), service, domain, `&name=tab-${stamp}`));
  tabJid = bare(await waitOnline(tab)).toLowerCase();
});

afterAll(async () => {
  await ctx?.close();
  await Promise.all(nodes().map((n) => n?.stop()));
});

describe('society in the page', () => {
  test('the person befriends Cat, picks friends-of-friends and switches autonomy on (rules brain)', async () => {
    await tab.getByTestId('add-jid').fill(jidOf(cat));
    await tab.getByTestId('add-button').click();
    await contact(jidOf(cat)).and(tab.locator('[data-mutual="true"][data-presence="available"]')).waitFor({ timeout: 20_000 });
    await expect.poll(() => contact(jidOf(cat)).getByTestId('level').textContent()).toBe('friend');

    await tab.getByTestId('friend-policy').selectOption('friends-of-friends');
    await expect.poll(() => tab.getByTestId('friend-policy-help').textContent()).toMatch(/one of your friends lists them/);
    expect(await inTab((n) => n.subscriptionPolicy())).toBe('friends-of-friends');

    await tab.getByTestId('autonomy-button').click();
    expect(await tab.getByTestId('decider-rules').isChecked()).toBe(true);
    expect(await tab.getByTestId('decider-label').textContent()).toContain('Rules brain (deterministic code, no model)');
    // No language model is loaded in this tab: that choice is offered but disabled, with the reason.
    expect(await tab.getByTestId('decider-llm').isDisabled()).toBe(true);
    await tab.getByTestId('autonomy-mode-on').check();
    await tab.locator('[data-testid="autonomy-state"][data-mode="on"]').waitFor();
    await tab.getByTestId('kill-switch-bar').waitFor();
    expect(await inTab((n) => n.society.autonomy.policy().mode)).toBe('on');
    await screenshot(tab, 'autonomy');
    await tab.getByTestId('nav-home').click(); // back to the contacts, where the society shows
  });

  test('Ann meets the tab through Cat; the tab accepts because Cat vouches for Ann', async () => {
    ann.society.setGoals([{ kind: 'meet', count: 1 }]);
    await autonomyOn(ann);
    await contact(jidOf(ann)).and(tab.locator('[data-mutual="true"]')).waitFor({ timeout: 30_000 });
    await until(() => ann.contacts.list().some((c) => c.jid === tabJid && c.mutual), 15_000, 'Ann sees the tab as a friend');
    // Accepted by the policy, not by the person: no request was left for the person to answer.
    expect(await tab.getByTestId('request').count()).toBe(0);
    expect(await inTab((n, a) => n.society.memory.get(a)?.introducedBy ?? [], jidOf(ann))).toContain(jidOf(cat));
  }, 45_000);

  test("Ann proposes partnership; the tab's rules brain accepts; the page shows partner", async () => {
    ann.society.setGoals([{ kind: 'bond', target: tabJid, level: 'partner' }]);
    await contact(jidOf(ann)).and(tab.locator('[data-level="partner"]')).waitFor({ timeout: 30_000 });
    expect(await contact(jidOf(ann)).getByTestId('level').textContent()).toBe('partner');
    await until(() => ann.society.bonds.levelOf(tabJid) === 'partner', 15_000, 'Ann records the partnership');
  }, 45_000);

  test('a skill limited to partners: the person sets it in the page; Ann may call it, Cat may not', async () => {
    await tab.getByTestId('skills-button').click();
    const echo = tab.locator('[data-testid="own-skill"][data-node="echo"]');
    await echo.getByTestId('skill-access').selectOption('level');
    await echo.getByTestId('skill-level').selectOption('partner');
    await tab.locator('[data-testid="own-skill"][data-node="echo"][data-access="level"][data-min="partner"]').waitFor();
    const call = (n: AgentNode) => n.commands.execute(n.contacts.onlineResource(tabJid)!, 'echo', 15_000);
    const [byAnn, byCat] = await Promise.all([call(ann), call(cat)]);
    expect(byAnn.ok).toBe(true);
    expect(byCat.ok).toBe(false);
    await tab.getByTestId('skills-button').click();
  }, 30_000);

  test('Ann founds Makers inviting the tab; the tab joins; the organizations panel shows it', async () => {
    await Promise.all([autonomyOn(dan), autonomyOn(eve)]);
    ann.society.setGoals([
      { kind: 'found-org', room: makers.split('@')[0]!, name: 'Makers', purpose: 'We build tools', invite: [tabJid, jidOf(dan), jidOf(eve)] },
    ]);
    await tab.getByTestId('orgs-button').click();
    const org = tab.locator(`[data-testid="org"][data-room="${makers}"]`);
    await org.waitFor({ timeout: 40_000 });
    expect(await org.getByTestId('org-name').textContent()).toBe('Makers');
    expect(await org.getByTestId('org-purpose').textContent()).toBe('We build tools');
    expect(await org.getByTestId('org-role').textContent()).toBe('member');
    await expect.poll(() => org.getByTestId('org-rules').textContent()).toBe('Be kind; do what you promise.');
    expect(await org.locator('[data-testid="org-member"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-jid')))).toContain(tabJid);
    await until(() => [dan, eve].every((n) => n.society.orgs.get(makers) !== undefined), 40_000, 'Dan and Eve joined Makers');
    expect(ann.society.orgs.get(makers)!.members).toEqual(expect.arrayContaining([tabJid, jidOf(dan), jidOf(eve)]));
    await screenshot(tab, 'organizations');
  }, 60_000);

  test("room messages and tasks flow between the tab's room view and the Node members", async () => {
    const org = tab.locator(`[data-testid="org"][data-room="${makers}"]`);
    await org.getByTestId('org-open').click();
    expect((await dan.society.orgs.post(makers, 'hello from Dan')).ok).toBe(true);
    await org.locator('[data-testid="room-message"]', { hasText: 'hello from Dan' }).waitFor({ timeout: 15_000 });

    const heard: string[] = [];
    const off = eve.society.orgs.onRoomMessage((m) => m.room === makers && heard.push(m.body));
    await org.getByTestId('room-compose').fill('hello from the tab');
    await org.getByTestId('room-send').click();
    await until(() => heard.includes('hello from the tab'), 15_000, 'Eve hears the tab');
    off();

    await org.getByTestId('task-title').fill('Write the manual');
    await org.getByTestId('task-add').click();
    const task = org.locator('[data-testid="task"]', { hasText: 'Write the manual' });
    await task.and(tab.locator('[data-state="open"]')).waitFor({ timeout: 15_000 });
    await task.getByTestId('task-move').click();
    await task.and(tab.locator('[data-state="doing"]')).waitFor({ timeout: 15_000 });
    await until(
      () => ann.society.orgs.tasks.list(makers).some((t) => t.title === 'Write the manual' && t.state === 'doing'),
      15_000,
      "Ann's board shows the task in progress",
    );
  }, 45_000);

  test("the tab's activity log shows its decisions with their reasons", async () => {
    await tab.getByTestId('autonomy-button').click();
    const decisions = tab.locator('[data-testid="activity-entry"][data-kind="decide"]');
    const bond = decisions.filter({ hasText: `accept-bond → ${jidOf(ann)}` });
    await bond.first().waitFor();
    expect(await bond.first().getByTestId('activity-reason').textContent()).toBe('because: a friend I trust proposed partner');
    const join = decisions.filter({ hasText: `join in ${makers}` });
    await join.first().waitFor();
    expect(await join.first().getByTestId('activity-reason').textContent()).toBe(`because: invited by ${jidOf(ann)}`);
    // Newest first: the join came after the bond.
    const texts = await decisions.allTextContents();
    expect(texts.findIndex((t) => t.includes('join in'))).toBeLessThan(texts.findIndex((t) => t.includes('accept-bond')));
  });

  test('the kill switch stops the tab: a later proposal stays pending until the person answers it', async () => {
    await tab.getByTestId('kill-switch').click();
    await tab.locator('[data-testid="autonomy-state"][data-mode="off"]').waitFor();
    expect(await tab.getByTestId('kill-switch-bar').count()).toBe(0);
    expect(await inTab((n) => n.society.autonomy.policy().mode)).toBe('off');
    await tab.getByTestId('nav-home').click(); // proposals wait with the contacts

    expect((await cat.society.bonds.propose(tabJid, 'close-friend')).ok).toBe(true);
    const proposal = tab.locator(`[data-testid="bond-proposal"][data-jid="${jidOf(cat)}"][data-level="close-friend"]`);
    await proposal.waitFor({ timeout: 15_000 });
    // With autonomy on, the rules brain accepts a trusted friend's proposal at once; off, nothing happens.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await inTab((n) => n.society.bonds.pendingIn())).toEqual([{ from: jidOf(cat), level: 'close-friend' }]);
    expect(cat.society.bonds.levelOf(tabJid)).toBe('friend');
    expect(await contact(jidOf(cat)).getAttribute('data-level')).toBe('friend');

    await proposal.getByTestId('bond-accept').click();
    await contact(jidOf(cat)).and(tab.locator('[data-level="close-friend"]')).waitFor({ timeout: 15_000 });
    await until(() => cat.society.bonds.levelOf(tabJid) === 'close-friend', 15_000, 'Cat records the bond');
  }, 40_000);

  test('no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
