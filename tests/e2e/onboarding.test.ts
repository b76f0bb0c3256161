// A first visit: a fresh browser profile opened without ?name sees the form, fills it, goes online
// with that name and persona; a reload lands on the agent without the form.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { collectErrors, launchProfile, waitOnline } from '../helpers/browser.ts';
import { bare } from '../helpers/nodes.ts';
import { screenshot } from '../helpers/screenshots.ts';

const stamp = Date.now().toString(36);
const NAME = `Reef Walker ${stamp}`;
let ctx: BrowserContext;
let p: Page;
let errors: string[];

const inTab = <T>(fn: (n: AgentNode) => T) =>
  p.evaluate((src) => new Function('n', `return (${src})(n)`)((globalThis as unknown as { tidepool: unknown }).tidepool), fn.toString()) as Promise<T>;

beforeAll(async () => {
  ctx = await launchProfile();
  p = await ctx.newPage();
  errors = collectErrors(p);
});

afterAll(async () => {
  await ctx?.close();
});

describe('onboarding', () => {
  test('a first visit without ?name shows the form, readable at 360 px', async () => {
    await p.setViewportSize({ width: 360, height: 780 });
    // No ?service either: the form offers the built-in default, which the person corrects.
    await p.goto(inject('pageUrl'));
    await p.getByTestId('onboarding').waitFor();
    expect(await p.getByTestId('status').count()).toBe(0);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(p, 'onboarding-360');
  });

  test('mistakes are named in the form, next to the field', async () => {
    // The name comes prefilled, so the first click works; emptied, the form says so beside it.
    expect(await p.getByTestId('onboard-name').inputValue()).toMatch(/^\w+ \w+ \d+$/);
    await p.getByTestId('onboard-name').fill('');
    await p.getByTestId('onboard-go').click();
    expect(await p.locator('[data-field-error="name"]').textContent()).toMatch(/name/);
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('onboard-name');
    await p.getByTestId('onboard-name').fill(NAME);
    await p.getByTestId('onboard-service').fill('http://not-a-websocket');
    await p.getByTestId('onboard-go').click();
    expect(await p.getByTestId('onboard-error').textContent()).toMatch(/WebSocket URL/);
    expect(await p.locator('[data-field-error="service"]').textContent()).toMatch(/WebSocket URL/);
    expect(await p.locator('[data-field-error="name"]').count()).toBe(0);
  });

  test('fill and go online: the agent has the chosen name and persona', async () => {
    await p.setViewportSize({ width: 1100, height: 800 });
    await p.getByTestId('onboard-persona').fill('Walks the reef at low tide. <b>not bold</b>');
    await p.locator('[data-testid="onboard-avatar"][value="crab"]').check({ force: true });
    await p.getByTestId('onboard-brain-openai').check();
    await p.getByTestId('onboard-model').waitFor();
    await p.getByTestId('onboard-brain-none').check();
    await p.getByTestId('onboard-service').fill(inject('service'));
    await p.getByTestId('onboard-domain').fill(inject('domain'));
    await screenshot(p, 'onboarding-filled');
    await p.getByTestId('onboard-go').click();
    const jid = await waitOnline(p);
    expect(bare(jid)).toMatch(new RegExp(`^reef-walker-${stamp}(-[a-z0-9]+)?@${inject('domain')}$`));
    expect(await p.getByTestId('agent-name').textContent()).toBe(NAME);
    expect(await inTab((n) => [n.identity.name, n.identity.persona])).toEqual([NAME, 'Walks the reef at low tide. <b>not bold</b>']);
    expect(await p.getByTestId('onboarding').count()).toBe(0);
    // The chosen drawing is the agent's face in the header (an SVG of ours, no emoji font needed).
    expect(await p.locator('header svg[data-avatar]').first().getAttribute('data-avatar')).toBe('crab');
    await screenshot(p, 'dashboard');
  }, 30_000);

  test('a reload lands on the agent, without the form', async () => {
    const before = bare((await p.getByTestId('jid').textContent()) ?? '');
    let formSeen = false;
    const watch = setInterval(
      () =>
        void p
          .getByTestId('onboarding')
          .count()
          .then((c) => (formSeen ||= c > 0))
          .catch(() => {}),
      50,
    );
    await p.reload();
    const jid = await waitOnline(p);
    clearInterval(watch);
    expect(bare(jid)).toBe(before);
    expect(formSeen).toBe(false);
    expect(await p.getByTestId('agent-name').textContent()).toBe(NAME);
  });

  test('an in-page brain picked in the form keeps loading after the agent is online', async () => {
    const other = await launchProfile();
    try {
      const q = await other.newPage();
      const errs = collectErrors(q);
      await q.goto(`${inject('pageUrl')}?domain=${encodeURIComponent(inject('domain'))}&onboarding=show`);
      await q.getByTestId('onboard-name').fill(`Thinker ${stamp}`);
      await q.getByTestId('onboard-brain-inpage').check();
      await q.getByTestId('onboard-gguf').fill(new URL('models/tiny.gguf', inject('pageUrl')).href);
      await q.getByTestId('onboard-service').fill(inject('service'));
      await q.getByTestId('onboard-domain').fill(inject('domain'));
      await q.getByTestId('onboard-go').click();
      await waitOnline(q);
      // Online first; the brain panel then shows the load going on (or already done) and ready.
      await q.getByTestId('brain-button').click();
      await q.locator('[data-testid="brain-status"][data-status="ready"]').waitFor({ timeout: 60_000 });
      expect(await q.getByTestId('brain-status').textContent()).toMatch(/tiny\.gguf \(wllama\)/);
      expect(errs).toEqual([]);
    } finally {
      await other.close();
    }
  }, 90_000);

  test('no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
