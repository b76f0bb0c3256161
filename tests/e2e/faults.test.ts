// Faults in the browser: IndexedDB that cannot be upgraded or is full, and a tab closed (or crashed)
// while a peer is in the middle of a multi-stage skill with it.
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { DB_NAME, DB_VERSION } from '../../src/store/idb-store.ts';
import { launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const url = pageUrl(inject('pageUrl'), service, domain);
const origin = new URL(url).origin;
const contexts: BrowserContext[] = [];
const nodes: AgentNode[] = [];

afterAll(async () => {
  for (const c of contexts) await c.close();
  for (const n of nodes) await n.stop();
});

async function profile(): Promise<BrowserContext> {
  const ctx = await launchProfile();
  contexts.push(ctx);
  return ctx;
}

async function peer(name: string): Promise<AgentNode> {
  const node = await makeNode(service, domain, `${name}-${Date.now()}`, { subscriptionPolicy: 'accept' });
  await startNode(node);
  nodes.push(node);
  return node;
}

/** The tab adds the node (which accepts by policy) and waits for the mutual, online contact. */
async function befriend(tab: Page, node: AgentNode, tabBare: string) {
  await tab.getByTestId('add-jid').fill(node.identity.jid);
  await tab.getByTestId('add-button').click();
  await tab.locator(`[data-testid="contact"][data-jid="${node.identity.jid}"][data-mutual="true"][data-presence="available"]`).waitFor();
  await until(() => node.contacts.list().some((c) => c.jid === tabBare && c.mutual && c.presence.available), 15_000, 'the node sees the tab online');
}

/** A page of the app's origin that does not run the app (the static server's 404 page). */
async function sameOriginBlank(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  await p.goto(`${origin}/not-the-app`);
  return p;
}

describe('IndexedDB cannot be upgraded', () => {
  test('an older version held open in another tab: the page says so instead of hanging, and starts once it is closed', async () => {
    const ctx = await profile();
    // An old Tidepool (schema version 1) in another tab, which never closes on versionchange.
    const old = await sameOriginBlank(ctx);
    await old.evaluate(async (name) => {
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.open(name, 1);
        req.onupgradeneeded = () => {
          const db = req.result;
          db.createObjectStore('identities', { keyPath: 'id' });
          db.createObjectStore('contacts', { keyPath: ['agent', 'jid'] });
          const messages = db.createObjectStore('messages', { keyPath: ['agent', 'id'] });
          messages.createIndex('byPeer', ['agent', 'peer', 'at']);
          messages.createIndex('byStatus', ['agent', 'status']);
        };
        req.onsuccess = () => {
          (window as unknown as { oldDb: IDBDatabase }).oldDb = req.result;
          resolve();
        };
        req.onerror = () => reject(req.error);
      });
    }, DB_NAME);

    const tab = await ctx.newPage();
    await tab.goto(url);
    const boot = tab.getByTestId('boot');
    await expect
      .poll(() => boot.textContent(), { timeout: 15_000 })
      .toMatch(/open in another tab with an older version.*Close or reload the other Tidepool tabs/);
    expect(await tab.getByTestId('status').count()).toBe(0);

    // The person closes the old tab and reloads: the upgrade goes through and the agent starts.
    await old.close();
    await tab.reload();
    await waitOnline(tab, 30_000);
    const version = await tab.evaluate(async (name) => (await indexedDB.databases()).find((d) => d.name === name)?.version, DB_NAME);
    expect(version).toBe(DB_VERSION);
  });

  test('a newer version in another tab is not blocked by us: our tab lets go and says so on its next write', async () => {
    const ctx = await profile();
    const tab = await ctx.newPage();
    await tab.goto(url);
    await waitOnline(tab);
    const newer = await sameOriginBlank(ctx);
    // Resolves only if our tab closes its connection when asked (versionchange).
    const opened = await newer.evaluate(
      (args) =>
        new Promise<string>((resolve) => {
          const req = indexedDB.open(args.name, args.version + 1);
          req.onblocked = () => setTimeout(() => resolve('blocked'), 5000);
          req.onsuccess = () => {
            req.result.close();
            resolve('opened');
          };
          req.onerror = () => resolve(`error: ${req.error?.name}`);
        }),
      { name: DB_NAME, version: DB_VERSION },
    );
    expect(opened).toBe('opened');
    await tab.evaluate(() => void (globalThis as unknown as { tidepool: AgentNode }).tidepool.setProfile({ name: 'renamed' }));
    await expect.poll(() => tab.getByTestId('notice').textContent()).toMatch(/a newer version of Tidepool opened in another tab.*reload this tab/);
  });
});

describe('IndexedDB is full', () => {
  /**
   * Chromium reads an origin's quota when its storage is first opened and keeps it while pages use it,
   * so a new quota applies once no page of the origin has used storage for a moment (Chromium keeps an
   * idle origin's database open for a few seconds): probe with fresh pages, idle in between, until it does.
   */
  async function untilQuotaIs(ctx: BrowserContext, full: boolean) {
    await until(
      async () => {
        await new Promise((r) => setTimeout(r, 3500));
        const probe = await sameOriginBlank(ctx);
        const result = await probe.evaluate(
          () =>
            new Promise<string>((resolve) => {
              const req = indexedDB.open('quota-probe', 1);
              req.onupgradeneeded = () => req.result.createObjectStore('s');
              req.onsuccess = () => {
                const tx = req.result.transaction('s', 'readwrite');
                tx.objectStore('s').put('x'.repeat(1000), 'k');
                tx.oncomplete = () => (req.result.close(), resolve('saved'));
                tx.onabort = () => (req.result.close(), resolve(tx.error?.name ?? 'aborted'));
              };
              req.onerror = () => resolve(req.error?.name ?? 'error');
            }),
        );
        await probe.close();
        return (result === 'QuotaExceededError') === full;
      },
      40_000,
      `the quota to be ${full ? 'exceeded' : 'back'}`,
    );
  }

  test('a message that cannot be saved: a clear notice, the draft kept, nothing saved lost', async () => {
    const ctx = await profile();
    const friend = await peer('quota-friend');
    // The session that overrides the quota lives on a page of its own; the override lasts as long as it does.
    const cdp = await ctx.newCDPSession(await ctx.newPage());
    let tab = await ctx.newPage();
    await tab.goto(url);
    const tabBare = bare(await waitOnline(tab));
    await befriend(tab, friend, tabBare);
    await tab.locator(`[data-testid="contact"][data-jid="${friend.identity.jid}"]`).click();
    await tab.getByTestId('compose').fill('kept message');
    await tab.getByTestId('send').click();
    await expect.poll(() => tab.locator('[data-testid="message"][data-direction="out"]').getAttribute('data-status')).toBe('sent');

    // The site's storage is full (a quota below what is already stored); the agent comes back in a new tab.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
    await tab.close({ runBeforeUnload: true });
    await untilQuotaIs(ctx, true);
    tab = await ctx.newPage();
    await tab.goto(url);
    expect(bare(await waitOnline(tab))).toBe(tabBare);
    await tab.locator(`[data-testid="contact"][data-jid="${friend.identity.jid}"]`).click();
    await expect.poll(() => tab.getByTestId('message').allTextContents()).toEqual([expect.stringContaining('kept message')]);
    await tab.getByTestId('compose').fill('one message too many');
    await tab.getByTestId('send').click();
    await expect
      .poll(() => tab.getByTestId('notice').textContent(), { timeout: 10_000 })
      .toMatch(/could not save the message to .*storage for this site is full\. What was saved before is unchanged\./);
    expect(await tab.getByTestId('compose').inputValue()).toBe('one message too many');
    expect(await tab.getByTestId('message').allTextContents()).toEqual([expect.stringContaining('kept message')]);
    expect(await tab.getByTestId('status').getAttribute('data-state')).toBe('online');

    // Space again: the same agent, its history intact, and saving works.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await tab.close({ runBeforeUnload: true });
    await untilQuotaIs(ctx, false);
    tab = await ctx.newPage();
    await tab.goto(url);
    expect(bare(await waitOnline(tab))).toBe(tabBare);
    await tab.locator(`[data-testid="contact"][data-jid="${friend.identity.jid}"]`).click();
    await expect.poll(() => tab.getByTestId('message').allTextContents()).toEqual([expect.stringContaining('kept message')]);
    await tab.getByTestId('compose').fill('after');
    await tab.getByTestId('send').click();
    await expect.poll(() => tab.locator('[data-testid="message"][data-direction="out"]').count()).toBe(2);
    await until(async () => (await friend.conversations.history(tabBare)).length === 2, 10_000, 'the friend got "after"');
    expect((await friend.conversations.history(tabBare)).map((m) => m.body)).toEqual(['kept message', 'after']);
  }, 90_000);
});

describe('the tab goes away mid-session', () => {
  /** Opens a handshake on the tab's agent and submits its first stage; returns the open session. */
  async function midHandshake(visitor: AgentNode, tabFull: string) {
    const s = await visitor.commands.execute(tabFull, 'handshake');
    expect(s.ok && s.value.status).toBe('executing');
    const sessionid = s.ok ? s.value.sessionid! : '';
    const stage2 = await visitor.commands.submit(tabFull, 'handshake', sessionid, { name: 'Visitor', purpose: 'testing faults' }, 'next');
    expect(stage2.ok && stage2.value.status).toBe('executing');
    return sessionid;
  }

  test('closed: the peer sees it offline, and its next submit fails at once with a typed error', async () => {
    const ctx = await profile();
    const visitor = await peer('visitor');
    const tab = await ctx.newPage();
    await tab.goto(url);
    const tabFull = await waitOnline(tab);
    await befriend(tab, visitor, bare(tabFull));
    const sessionid = await midHandshake(visitor, tabFull);

    await tab.close({ runBeforeUnload: true });
    await until(() => visitor.contacts.list().some((c) => c.jid === bare(tabFull) && !c.presence.available), 15_000, 'the peer sees the tab offline');
    const timeoutMs = 10_000;
    const t0 = Date.now();
    const r = await visitor.commands.submit(tabFull, 'handshake', sessionid, { agree: true }, 'complete', timeoutMs);
    expect(Date.now() - t0).toBeLessThan(timeoutMs);
    // The server answers for the gone resource: service-unavailable once the stream was closed cleanly,
    // recipient-unavailable while it still keeps the dropped session for resumption (XEP-0198); the page
    // may die before its stream close reaches the server. Either is a typed, immediate refusal.
    expect(!r.ok && r.error.kind).toBe('stanza');
    expect(['service-unavailable', 'recipient-unavailable']).toContain(!r.ok && r.error.kind === 'stanza' ? r.error.condition : undefined);
  });

  test('crashed (no goodbye): the next submit still ends within the request timeout, as a typed error', async () => {
    const ctx = await profile();
    const visitor = await peer('visitor-crash');
    const tab = await ctx.newPage();
    await tab.goto(url);
    const tabFull = await waitOnline(tab);
    const sessionid = await midHandshake(visitor, tabFull);

    const cdp = await ctx.newCDPSession(tab);
    const crashed = tab.waitForEvent('crash', { timeout: 10_000 });
    void cdp.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
    await crashed;
    const timeoutMs = 5000;
    const t0 = Date.now();
    const r = await visitor.commands.submit(tabFull, 'handshake', sessionid, { agree: true }, 'complete', timeoutMs);
    expect(Date.now() - t0).toBeLessThan(timeoutMs + 2000);
    // The server may still hold the tab's session for resumption (then our timeout answers), or
    // may already know it is gone (then it answers with an error).
    expect(r.ok).toBe(false);
    expect(['timeout', 'stanza']).toContain(!r.ok && r.error.kind);
  });
});
