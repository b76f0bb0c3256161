// The live world view: a tab and six Node agents that are its friends. The view draws all of them
// (3D where WebGL exists, which headless Chromium has through SwiftShader; the flat 2D view too),
// a chat message from one of them shows as a pulse, and a name full of markup stays text.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, until } from '../helpers/nodes.ts';
import { jidOf } from '../helpers/society.ts';
import { screenshot } from '../helpers/screenshots.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const EVIL = '<img src=x onerror=alert(1)>';
const N = 6;

let ctx: BrowserContext;
let tab: Page;
let tabJid: string;
let errors: string[];
let dialogs = 0;
let nodes: AgentNode[] = [];

const view = () => tab.getByTestId('world-view');
const attr = async (name: string) => Number(await view().getAttribute(name));

interface Trace {
  from: string;
  to: string;
  t: number;
  at: { x: number; y: number; z?: number };
  source: { x: number; y: number; z?: number };
  target: { x: number; y: number; z?: number };
}
const traces = () => tab.evaluate(() => (globalThis as unknown as { tidepoolWorld?: { trace(): unknown[] } }).tidepoolWorld?.trace() ?? []) as Promise<Trace[]>;
const gap = (a: Trace['at'], b: Trace['at']) => Math.hypot(a.x - b.x, a.y - b.y, (a.z ?? 0) - (b.z ?? 0));

/**
 * Watches the pulse of one exchange on its way: early on it is nearer its sender, late nearer its receiver.
 * (Nearer, not "closer than a moment ago": the layout may still be moving both ends.)
 */
async function travels(from: string, to: string) {
  const find = (p: Trace) => p.from === from && p.to === to;
  let early: Trace | undefined;
  await expect.poll(async () => (early = (await traces()).find((p) => find(p) && p.t < 0.35)), { timeout: 15_000, interval: 20 }).toBeDefined();
  expect(gap(early!.at, early!.source)).toBeLessThan(gap(early!.at, early!.target));
  let late: Trace | undefined;
  await expect.poll(async () => (late = (await traces()).find((p) => find(p) && p.t > 0.65)), { timeout: 5_000, interval: 20 }).toBeDefined();
  expect(late!.t).toBeGreaterThan(early!.t);
  expect(gap(late!.at, late!.target)).toBeLessThan(gap(late!.at, late!.source));
}

/** A message from a Node agent to the tab: its pulse heads for the tab. */
async function pulseTowardsTab(from: AgentNode) {
  expect((await from.conversations.send(tabJid, `towards you ${Date.now()}`)).ok).toBe(true);
  await travels(jidOf(from), tabJid);
}

/** The names shown in the scene without pointing at anything: the 3D view's DOM labels. */
const sceneLabels = () => tab.locator('[data-testid="world-view"] .world-label').allTextContents();
/** What the renderer says it drew as names in its last frame (2D: fillText on the canvas; 3D: its labels). */
const drawnLabels = () => tab.evaluate(() => (globalThis as unknown as { tidepoolWorld?: { labels(): string[] } }).tidepoolWorld?.labels() ?? []);

beforeAll(async () => {
  const names = [EVIL, ...Array.from({ length: N - 1 }, (_, i) => `w${i}-${stamp}`)];
  nodes = await Promise.all(names.map((n) => makeNode(service, domain, n, { subscriptionPolicy: 'accept' })));
  await Promise.all(nodes.map(startNode));
  ctx = await launchProfile();
  tab = await ctx.newPage();
  errors = collectErrors(tab);
  tab.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await tab.goto(pageUrl(inject('pageUrl'), service, domain, `&name=world-${stamp}`));
  tabJid = bare(await waitOnline(tab)).toLowerCase();
  // The person adds them (the Node agents accept everyone and ask back).
  await tab.evaluate((jids) => Promise.all(jids.map((j) => (globalThis as unknown as { tidepool: AgentNode }).tidepool.contacts.add(j))), nodes.map(jidOf));
  await tab
    .locator('[data-testid="contact"][data-mutual="true"][data-presence="available"]')
    .nth(N - 1)
    .waitFor({ timeout: 30_000 });
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await Promise.all(nodes.map((n) => n.stop()));
});

describe('world view', () => {
  test('opening it loads the renderer lazily and draws the tab and all its online friends', async () => {
    const scripts = () =>
      tab.evaluate(
        () =>
          performance
            .getEntriesByType('resource')
            .map((e) => e.name)
            .filter((n) => /render-3d/.test(n)).length,
      );
    expect(await scripts()).toBe(0);
    await tab.getByTestId('world-button').click();
    await expect.poll(() => view().getAttribute('data-renderer'), { timeout: 20_000 }).toBe('3d');
    expect(await scripts()).toBe(1);
    await expect.poll(() => attr('data-nodes')).toBe(N + 1);
    expect(await tab.locator('[data-testid="world-node"][data-kind="agent"][data-online="true"]').count()).toBe(N);
    expect(await tab.locator('[data-testid="world-node"][data-kind="self"]').count()).toBe(1);
    await tab.waitForTimeout(800); // the camera frames the crowd after a few layout ticks
    await screenshot(tab, 'world-3d');
  }, 30_000);

  test("in 3D, the tab's own name and every friend's are in the scene without pointing", async () => {
    const names = [`world-${stamp}`, ...Array.from({ length: N - 1 }, (_, i) => `w${i}-${stamp}`)];
    await expect.poll(sceneLabels, { timeout: 15_000 }).toEqual(expect.arrayContaining(names));
    expect(await drawnLabels()).toEqual(expect.arrayContaining(names));
    // Avatars are drawings, not a font: each agent's label carries its SVG.
    expect(await tab.locator('[data-testid="world-view"] .world-label img[src^="data:image/svg+xml"]').count()).toBeGreaterThanOrEqual(N + 1);
  });

  test('a chat message from a Node agent to the tab becomes a pulse that travels to the tab', async () => {
    const before = await attr('data-pulses');
    await pulseTowardsTab(nodes[1]!);
    expect(await attr('data-pulses')).toBeGreaterThan(before);
    // And the other way: the tab's message to a friend heads for the friend.
    expect(
      await tab.evaluate(
        (to) => (globalThis as unknown as { tidepool: AgentNode }).tidepool.conversations.send(to, 'and back').then((r) => r.ok),
        jidOf(nodes[2]!),
      ),
    ).toBe(true);
    await travels(tabJid, jidOf(nodes[2]!));
  });

  test('follow mode keeps the latest exchange in view', async () => {
    await tab.getByTestId('world-follow').click();
    expect(await tab.getByTestId('world-follow').getAttribute('aria-pressed')).toBe('true');
    await pulseTowardsTab(nodes[3]!);
    await tab.getByTestId('world-follow').click();
    expect(await tab.getByTestId('world-legend').textContent()).toMatch(/message.*skill call.*payment/);
  });

  test('the flat view draws the same agents and animates pulses too', async () => {
    await tab.getByTestId('world-mode').click();
    await expect.poll(() => view().getAttribute('data-renderer')).toBe('2d');
    await expect.poll(() => attr('data-nodes')).toBe(N + 1);
    const before = await attr('data-pulses');
    expect((await nodes[2]!.conversations.send(tabJid, 'seen flat')).ok).toBe(true);
    await expect.poll(() => attr('data-pulses'), { timeout: 15_000 }).toBe(before + 1);
    // The flat view tells the same: every name is drawn without pointing, and the pulse heads for the receiver.
    const names = [`world-${stamp}`, ...Array.from({ length: N - 1 }, (_, i) => `w${i}-${stamp}`)];
    await expect.poll(drawnLabels, { timeout: 10_000 }).toEqual(expect.arrayContaining(names));
    expect(await sceneLabels()).toEqual([]);
    await pulseTowardsTab(nodes[4]!);
    await screenshot(tab, 'world-2d');
  });

  test('a name made of markup shows as text; no element is created from it', async () => {
    await tab.locator('.list summary').click();
    // The label comes from the agent's own card, fetched when the view opened.
    const evil = tab.locator('[data-testid="world-node"]', { hasText: EVIL });
    await expect.poll(() => evil.count(), { timeout: 15_000 }).toBe(1);
    expect(await evil.textContent()).toBe(EVIL);
    await evil.click();
    await expect.poll(() => tab.getByTestId('world-card-name').textContent()).toBe(EVIL);
    // The only images on the page are our own avatar drawings: nothing was made from the markup.
    expect(await tab.locator('img:not([src^="data:image/svg+xml"])').count()).toBe(0);
    expect(dialogs).toBe(0);
    await screenshot(tab, 'world-card');
  });

  test("a node's card lists its skills and runs one", async () => {
    await tab.locator(`[data-testid="world-node"][data-id="agent:${jidOf(nodes[3]!)}"]`).click();
    const card = tab.getByTestId('world-card');
    await card.getByTestId('load-skills').click();
    await card.locator('[data-testid="peer-skill"][data-node="echo"]').click();
    await card.getByTestId('skill-runner').waitFor();
  });

  test('the shared world: agents in the room and their places appear, placed where the world says', async () => {
    const room = `world-${stamp}@muc.${domain}`;
    // The person enters from the view.
    await tab.getByTestId('world-room').fill(room);
    await tab.getByTestId('world-enter').click();
    await expect.poll(() => tab.getByTestId('world-current').textContent(), { timeout: 15_000 }).toBe(room);
    for (const n of [nodes[4]!, nodes[5]!]) expect((await n.world.enter(room)).ok).toBe(true);
    const made = await nodes[4]!.world.createPlace({ name: 'Kelp Forest', description: 'tall and green', tags: ['quiet'], x: 800, y: 200 }, room);
    expect(made.ok).toBe(true);
    const place = tab.locator('[data-testid="world-node"][data-kind="place"]', { hasText: 'Kelp Forest' });
    await place.waitFor({ timeout: 15_000 });
    await expect.poll(() => attr('data-nodes')).toBe(N + 2);
    // The person makes a place and hides a treasure there; the agents in the room see both.
    await tab.getByTestId('place-name').fill('Tide Pool');
    await tab.getByTestId('place-x').fill('-300');
    await tab.getByTestId('place-make').click();
    await tab.locator('[data-testid="world-outcome"][data-ok="true"]', { hasText: 'Made Tide Pool' }).waitFor({ timeout: 15_000 });
    await until(() => nodes[4]!.world.snapshot().places.some((p) => p.name === 'Tide Pool'), 10_000, 'Tide Pool reaches the room');
    const poolId = nodes[4]!.world.snapshot().places.find((p) => p.name === 'Tide Pool')!.id;
    await tab.getByTestId('treasure-place').selectOption(poolId);
    await tab.getByTestId('treasure-reward').fill('6');
    await tab.getByTestId('treasure-hint').fill('under the <b>rock</b>');
    await tab.getByTestId('treasure-hide').click();
    await tab.locator('[data-testid="world-outcome"][data-ok="true"]', { hasText: 'Hid a treasure worth 6' }).waitFor({ timeout: 15_000 });
    await until(
      () => nodes[5]!.world.snapshot().treasures.some((t) => t.place === poolId && t.reward === 6 && t.hint === 'under the <b>rock</b>'),
      10_000,
      'the treasure reaches the room',
    );
    await expect.poll(() => attr('data-nodes')).toBeGreaterThanOrEqual(N + 3);
    await screenshot(tab, 'world-places');
  }, 45_000);

  test('at 360 px wide the view fits the screen', async () => {
    await tab.setViewportSize({ width: 360, height: 800 });
    await expect.poll(() => tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(tab, 'world-360');
  });

  test('closing the view frees it; no uncaught errors', async () => {
    await tab.getByTestId('world-close').click();
    expect(await view().count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
