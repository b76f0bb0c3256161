// A streamed answer in the page: the tab's brain (wllama, the tiny self-hosted GGUF) answers a Node
// friend's message with auto-reply on; while it writes, the conversation shows the partial text as a
// "writing…" draft, which the sent message then replaces.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { ChatRecord } from '../../src/store/types.ts';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, until, waitFor } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let ctx: BrowserContext;
let tab: Page;
let tabJid: string;
let friend: AgentNode;

beforeAll(async () => {
  friend = await makeNode(service, domain, `friend-${Date.now()}`, { subscriptionPolicy: 'accept' });
  await startNode(friend);
  ctx = await launchProfile();
  tab = await ctx.newPage();
  await tab.goto(pageUrl(inject('pageUrl'), service, domain));
  tabJid = bare(await waitOnline(tab));
  await tab.getByTestId('add-jid').fill(friend.identity.jid);
  await tab.getByTestId('add-button').click();
  await tab.locator(`[data-testid="contact"][data-jid="${friend.identity.jid}"][data-mutual="true"]`).waitFor();
  await until(() => friend.contacts.list().some((c) => c.jid === tabJid && c.mutual && c.presence.available), 10_000, 'friend sees the tab');
});

afterAll(async () => {
  await ctx?.close();
  await friend?.stop();
});

describe('streamed brain answers', () => {
  test('the draft shows the partial answer, then the sent message replaces it', async () => {
    await tab.getByTestId('brain-button').click();
    await tab.getByTestId('brain-backend').selectOption('wllama');
    await tab.getByTestId('brain-gguf-url').fill(new URL('models/tiny.gguf', inject('pageUrl')).href);
    await tab.getByTestId('brain-load').click();
    await tab.locator('[data-testid="brain-status"][data-status="ready"]').waitFor({ timeout: 60_000 });
    await tab.getByTestId('brain-autoreply').check();
    await tab.getByTestId('nav-home').click(); // back to the conversations
    await tab.locator(`[data-testid="contact"][data-jid="${friend.identity.jid}"]`).click();
    await tab.locator('[data-testid="chat-peer"]', { hasText: friend.identity.jid }).waitFor();

    const finals = '[data-testid="message"][data-direction="out"][data-generated="true"]';
    // Watched from before the message is sent: the first moment the draft has text, and whether the
    // final message was already there then.
    const draft = tab.waitForFunction(
      (sel) => {
        const text = document.querySelector('[data-testid="draft"] .body')?.textContent ?? '';
        const label = document.querySelector('[data-testid="draft"] small')?.textContent ?? '';
        return text.trim() ? { text, label, finalsThen: document.querySelectorAll(sel).length } : false;
      },
      finals,
      { timeout: 60_000, polling: 'raf' },
    );
    const answer = waitFor<ChatRecord>(
      (fn) => friend.conversations.events.on('message', fn),
      (m) => m.direction === 'in' && m.peer === tabJid,
      60_000,
    );
    expect((await friend.conversations.send(tabJid, 'Hello brain, tell me something.')).ok).toBe(true);

    // Without a draft the answer still comes: then fail with that, not with a timeout.
    const noDraft = answer.then(
      () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the answer was sent, but no draft with text ever showed')), 3000)),
    );
    noDraft.catch(() => {});
    const drafted = draft.then((h) => h.jsonValue());
    drafted.catch(() => {});
    const seen = (await Promise.race([drafted, noDraft])) as { text: string; label: string; finalsThen: number };
    expect(seen.finalsThen).toBe(0);
    expect(seen.text.trim().length).toBeGreaterThan(0);
    expect(seen.label).toMatch(/writing…/);

    const got = await answer;
    expect(got.generated).toBe(true);
    await tab.locator(finals).first().waitFor({ timeout: 30_000 });
    await expect.poll(() => tab.locator('[data-testid="draft"]').count()).toBe(0);
    const final = (await tab.locator(`${finals} .body`).first().textContent())!;
    expect(final).toBe(got.body);
    // The draft was the beginning of what was sent.
    expect(final.startsWith(seen.text.trim())).toBe(true);
  });
});
