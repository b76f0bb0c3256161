// Two tabs of one browser are two agents: they register, befriend each other, chat; reload keeps identity.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { collectErrors, isRegistration, launchProfile, pageUrl, recordSockets, socketLog, waitOnline } from '../helpers/browser.ts';
import { screenshot } from '../helpers/screenshots.ts';
import { bare } from '../helpers/nodes.ts';

const url = pageUrl(inject('pageUrl'), inject('service'), inject('domain'));
let ctx: BrowserContext;
let a: Page;
let b: Page;
let jidA: string;
let jidB: string;
const errors: string[] = [];

beforeAll(async () => {
  ctx = await launchProfile();
  await recordSockets(ctx);
  a = await ctx.newPage();
  errors.push(...collectErrors(a));
  await a.goto(url);
  jidA = await waitOnline(a);
  b = await ctx.newPage();
  await b.goto(url);
  jidB = await waitOnline(b);
});

afterAll(async () => {
  await ctx?.close();
});

describe('two tabs', () => {
  test('each tab registered its own account', () => {
    expect(jidA).toMatch(/^[a-z0-9-]+@localhost\/.+/);
    expect(jidB).toMatch(/^[a-z0-9-]+@localhost\/.+/);
    expect(bare(jidA)).not.toBe(bare(jidB));
  });

  test('each registered on its login stream: one WebSocket, one registration, then the login on it', async () => {
    for (const tab of [a, b]) {
      const sockets = await socketLog(tab);
      expect(sockets.length).toBe(1);
      const frames = sockets[0]!;
      expect(frames.filter(isRegistration).length).toBe(1);
      const auth = frames.findIndex((f) => f.includes('urn:ietf:params:xml:ns:xmpp-sasl'));
      expect(auth).toBeGreaterThan(frames.findIndex(isRegistration));
    }
  });

  test('befriend: A adds B, B accepts, both see each other online', async () => {
    await a.getByTestId('add-jid').fill(bare(jidB));
    await a.getByTestId('add-button').click();
    const request = b.locator(`[data-testid="request"][data-jid="${bare(jidA)}"]`);
    await request.waitFor();
    await request.getByTestId('accept').click();
    await a.locator(`[data-testid="contact"][data-jid="${bare(jidB)}"][data-mutual="true"][data-presence="available"]`).waitFor();
    await b.locator(`[data-testid="contact"][data-jid="${bare(jidA)}"][data-mutual="true"][data-presence="available"]`).waitFor();
  });

  test('chat: a message from A arrives in B', async () => {
    await a.locator(`[data-testid="contact"][data-jid="${bare(jidB)}"]`).click();
    await a.getByTestId('compose').fill('hello from tab A');
    await a.getByTestId('send').click();
    const contactOnB = b.locator(`[data-testid="contact"][data-jid="${bare(jidA)}"]`);
    await contactOnB.getByTestId('unread').waitFor();
    await contactOnB.click();
    await expect.poll(() => b.getByTestId('message').allTextContents()).toEqual([expect.stringContaining('hello from tab A')]);
    const out = a.locator('[data-testid="message"][data-direction="out"]');
    await expect.poll(() => out.getAttribute('data-status')).toBe('sent');
    await screenshot(b, 'chat');
  });

  test('reload keeps the identity and the history', async () => {
    await a.reload();
    const again = await waitOnline(a);
    expect(bare(again)).toBe(bare(jidA));
    await a.locator(`[data-testid="contact"][data-jid="${bare(jidB)}"]`).click();
    await expect.poll(() => a.getByTestId('message').allTextContents()).toEqual([expect.stringContaining('hello from tab A')]);
  });

  test('a name with markup renders as text', async () => {
    await a.getByTestId('profile-button').click();
    await a.getByTestId('profile-name').fill('<img src=x onerror="window.pwned=1">');
    await a.getByTestId('profile-save').click();
    await a.getByTestId('profile-saved').waitFor();
    await expect.poll(() => a.getByTestId('agent-name').textContent()).toBe('<img src=x onerror="window.pwned=1">');
    expect(await a.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await a.locator('header img').count()).toBe(0);
  });

  test('closing a tab frees its agent: the next new tab takes it instead of creating another', async () => {
    await b.close({ runBeforeUnload: true });
    const c = await ctx.newPage();
    await c.goto(url);
    expect(bare(await waitOnline(c))).toBe(bare(jidB));
    // The tab opened a socket for a new account at once, but claimed the stored agent before registering:
    // no account was made for nothing.
    expect((await socketLog(c)).flat().filter(isRegistration)).toEqual([]);
    // A is still open and keeps its own agent.
    expect(bare((await a.locator('[data-testid="jid"]').getAttribute('data-full'))!)).toBe(bare(jidA));
  });

  test('no uncaught page errors', () => {
    expect(errors).toEqual([]);
  });
});
