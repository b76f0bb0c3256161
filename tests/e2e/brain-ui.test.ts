// The Brain panel: a person picks wllama, points it at a self-hosted GGUF, watches the progress bar,
// and the agent then answers chat with real (tiny-model) inference in the tab.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare } from '../helpers/nodes.ts';

let ctx: BrowserContext;
let agent: Page;
let person: Page;
let agentJid: string;
let personJid: string;

beforeAll(async () => {
  ctx = await launchProfile();
  const url = pageUrl(inject('pageUrl'), inject('service'), inject('domain'));
  agent = await ctx.newPage();
  await agent.goto(url);
  agentJid = bare(await waitOnline(agent));
  person = await ctx.newPage();
  await person.goto(url);
  personJid = bare(await waitOnline(person));
  await person.getByTestId('add-jid').fill(agentJid);
  await person.getByTestId('add-button').click();
  await agent.locator(`[data-testid="request"][data-jid="${personJid}"]`).getByTestId('accept').click();
  await person.locator(`[data-testid="contact"][data-jid="${agentJid}"][data-mutual="true"]`).waitFor();
});

afterAll(async () => {
  await ctx?.close();
});

describe('brain panel', () => {
  test('without a brain the panel says so', async () => {
    await agent.getByTestId('brain-button').click();
    await expect.poll(() => agent.getByTestId('brain-status').getAttribute('data-status')).toBe('none');
  });

  test('a missing model file is a readable error, and the agent keeps running', async () => {
    await agent.getByTestId('brain-backend').selectOption('wllama');
    await agent.getByTestId('brain-gguf-url').fill(new URL('models/missing.gguf', inject('pageUrl')).href);
    await agent.getByTestId('brain-load').click();
    await agent.locator('[data-testid="brain-status"][data-status="error"]').waitFor({ timeout: 30_000 });
    expect(await agent.getByTestId('brain-status').textContent()).toMatch(/404|not found|missing/i);
    expect(await agent.getByTestId('status').getAttribute('data-state')).toBe('online');
  });

  test('wllama loads the self-hosted GGUF with a progress bar, then the agent is ready', async () => {
    await agent.getByTestId('brain-gguf-url').fill(new URL('models/tiny.gguf', inject('pageUrl')).href);
    const sawProgress = agent.locator('[data-testid="brain-progress"]').waitFor({ timeout: 30_000 });
    await agent.getByTestId('brain-load').click();
    await sawProgress;
    await agent.locator('[data-testid="brain-status"][data-status="ready"]').waitFor({ timeout: 60_000 });
    expect(await agent.getByTestId('brain-status').textContent()).toMatch(/tiny\.gguf \(wllama\)/);
  });

  test('with auto-reply on, a person chatting with the agent gets a generated answer', async () => {
    await agent.getByTestId('brain-autoreply').check();
    await person.locator(`[data-testid="contact"][data-jid="${agentJid}"]`).click();
    await person.getByTestId('compose').fill('Hello agent, what do you see?');
    await person.getByTestId('send').click();
    const reply = person.locator('[data-testid="message"][data-direction="in"]');
    await reply.first().waitFor({ timeout: 60_000 });
    expect((await reply.first().textContent())!.trim().length).toBeGreaterThan(0);
    await expect.poll(() => reply.first().getAttribute('data-generated')).toBe('true');
  });
});
