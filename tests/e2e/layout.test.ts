// The page as a person meets it: home is the conversation, every other part a place in the URL. At a
// desktop width and a phone's, each place fits the screen (no sideways scroll) and has no serious or
// critical accessibility violation by axe-core; back returns to the conversation, a reload keeps the
// place; and the main flow (go online, open a contact, send a message, run a skill) works by keyboard.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { PLACES, PLACE_TESTIDS, type Place } from '../../src/ui/nav/routes.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, waitFor } from '../helpers/nodes.ts';
import { jidOf } from '../helpers/society.ts';
import { screenshot } from '../helpers/screenshots.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 360, height: 740 },
] as const;

let ctx: BrowserContext;
let tab: Page;
let errors: string[];
let friend: AgentNode;
let friendJid: string;
let tabJid: string;

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical findings on what the page shows now, each with where it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  const found = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: unknown[] }> } }).axe;
    const r = await axe.run(document, {});
    return { violations: r.violations, passes: (r as unknown as { passes: unknown[] }).passes.length };
  })) as { violations: Violation[]; passes: number };
  // axe ran its rules on this page (a page it could not read would pass nothing, and hide everything).
  expect(found.passes).toBeGreaterThan(10);
  return found.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

/** Goes to a place as a person would: the navigation's link (on a phone, from the menu). */
async function goTo(page: Page, place: Place, phone: boolean) {
  if (phone) await page.getByTestId('menu-button').click();
  await page.getByTestId(PLACE_TESTIDS[place]).click();
  await page.locator(`[data-testid="place"][data-place="${place}"]`).waitFor();
  if (place === 'world') await page.locator('[data-testid="world-view"][data-renderer]').waitFor({ timeout: 20_000 });
}

/** Presses Tab until the focused element matches `selector` (as a keyboard user would), then returns. */
async function tabTo(page: Page, selector: string, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${max} presses of Tab never reached ${selector}`);
}

beforeAll(async () => {
  friend = await makeNode(service, domain, `layout-friend-${stamp}`, { subscriptionPolicy: 'accept' });
  await startNode(friend);
  friendJid = jidOf(friend);
  ctx = await launchProfile();
  tab = await ctx.newPage();
  errors = collectErrors(tab);
  await tab.goto(pageUrl(inject('pageUrl'), service, domain, `&name=layout-${stamp}`));
  tabJid = await waitOnline(tab);
  await tab.evaluate((j) => (globalThis as unknown as { tidepool: AgentNode }).tidepool.contacts.add(j), friendJid);
  await tab.locator(`[data-testid="contact"][data-jid="${friendJid}"][data-mutual="true"]`).waitFor({ timeout: 20_000 });
  // A few words each way, so the pictures show a conversation (the friend is a Node agent the test drives).
  await tab.locator(`[data-testid="contact"][data-jid="${friendJid}"]`).click();
  await tab.getByTestId('compose').fill('Hello! Could you map the reef north of the pier for me?');
  await tab.getByTestId('send').click();
  expect((await friend.conversations.send(bare(tabJid), 'Sure: I will walk it at low tide and send you the map.')).ok).toBe(true);
  await tab.locator('[data-testid="message"][data-direction="in"]').waitFor({ timeout: 15_000 });
  await tab.evaluate(() => (location.hash = '#/'));
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await friend?.stop();
});

describe('layout', () => {
  for (const vp of VIEWPORTS) {
    test(`${vp.name} (${vp.width} px): home and every place fit the screen and pass axe-core`, async () => {
      const phone = vp.name === 'phone';
      await tab.setViewportSize({ width: vp.width, height: vp.height });
      await tab.evaluate(() => (location.hash = '#/'));
      await tab.getByTestId('home').waitFor();
      const problems: Record<string, string[]> = {};
      const wide: Record<string, number> = {};
      const check = async (name: string) => {
        const over = await overflow(tab);
        if (over > 0) wide[name] = over;
        const v = await seriousViolations(tab);
        if (v.length) problems[name] = v;
        await screenshot(tab, `place-${name}-${vp.width}`);
      };
      await check('home');
      // The conversation with a contact open is home too.
      await tab.locator(`[data-testid="contact"][data-jid="${friendJid}"]`).click();
      await tab.getByTestId('compose').waitFor();
      await check('chat');
      await screenshot(tab, phone ? 'readme-phone' : 'readme-desktop', false);
      for (const p of PLACES) {
        await goTo(tab, p, phone);
        await check(p);
      }
      expect(wide).toEqual({});
      expect(problems).toEqual({});
      expect(errors).toEqual([]);
    }, 120_000);
  }

  test('a place is in the URL: back returns to the conversation, forward to the place, a reload keeps it', async () => {
    await tab.setViewportSize({ width: 1280, height: 800 });
    await tab.evaluate(() => (location.hash = '#/'));
    await tab.locator(`[data-testid="contact"][data-jid="${friendJid}"]`).click();
    await expect.poll(() => tab.evaluate(() => location.hash)).toBe(`#/chat/${encodeURIComponent(friendJid)}`);
    await goTo(tab, 'ledger', false);
    expect(await tab.evaluate(() => location.hash)).toBe('#/ledger');
    expect(await tab.getByTestId('home').count()).toBe(0); // a place replaces home; it never stacks above it
    await tab.goBack();
    await tab.getByTestId('home').waitFor();
    expect(await tab.getByTestId('chat-peer').textContent()).toBe(friendJid);
    await tab.goForward();
    await tab.getByTestId('ledger-panel').waitFor();
    await tab.reload();
    await waitOnline(tab);
    await tab.getByTestId('ledger-panel').waitFor();
    expect(await tab.locator('[data-testid="ledger-open"][aria-current="page"]').count()).toBe(1);
    // The place's own link leads back home, to the conversation that was open.
    await tab.getByTestId('ledger-open').click();
    await tab.getByTestId('home').waitFor();
    await tab.locator('[data-testid="nav-home"][aria-current="page"]').waitFor();
  }, 40_000);

  test('by keyboard alone: go online, open a contact, send a message, run a skill', async () => {
    const kctx = await launchProfile();
    try {
      const k = await kctx.newPage();
      const kErrors = collectErrors(k);
      await k.goto(pageUrl(inject('pageUrl'), service, domain, '&onboarding=show'));
      await k.getByTestId('onboarding').waitFor();
      // The name is prefilled; the server comes from the link: Go online is all a person needs to reach.
      await tabTo(k, '[data-testid="onboard-go"]');
      await k.keyboard.press('Enter');
      const kJid = bare(await waitOnline(k));
      await tabTo(k, '[data-testid="add-jid"]');
      await k.keyboard.type(friendJid);
      await k.keyboard.press('Enter');
      await k.locator(`[data-testid="contact"][data-jid="${friendJid}"][data-mutual="true"]`).waitFor({ timeout: 20_000 });
      await k.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await tabTo(k, `[data-testid="contact"][data-jid="${friendJid}"]`);
      await k.keyboard.press('Enter');
      await tabTo(k, '[data-testid="compose"]');
      const text = `by keyboard ${stamp}`;
      const got = waitFor<{ body: string; peer: string }>(
        (fn) => friend.conversations.events.on('message', fn),
        (m) => m.body === text && bare(m.peer) === kJid,
        15_000,
      );
      await k.keyboard.type(text);
      await k.keyboard.press('Enter');
      await got;
      await tabTo(k, '[data-testid="load-skills"]');
      await k.keyboard.press('Enter');
      await k.locator('[data-testid="peer-skill"][data-node="echo"]').waitFor({ timeout: 15_000 });
      await tabTo(k, '[data-testid="peer-skill"][data-node="echo"]');
      await k.keyboard.press('Enter');
      await k.locator('[data-testid="skill-runner"][data-status="executing"]').waitFor({ timeout: 15_000 });
      await tabTo(k, '[data-testid="dataform"] input[type="text"], [data-testid="dataform"] textarea');
      await k.keyboard.type('hello by keys');
      await tabTo(k, '[data-testid="skill-complete"]');
      await k.keyboard.press('Enter');
      await k.locator('[data-testid="skill-runner"][data-status="completed"]').waitFor({ timeout: 15_000 });
      expect((await k.getByTestId('result-field').allTextContents()).join('\n')).toContain('hello by keys');
      await screenshot(k, 'keyboard-flow');
      expect(kErrors).toEqual([]);
    } finally {
      await kctx.close();
    }
  }, 90_000);
});
