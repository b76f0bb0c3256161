// Secrets at rest in the page: Profile locks them by a passphrase; IndexedDB then holds neither the account
// password nor the ledger key in clear; a reload asks for the passphrase (a wrong one is refused in words
// and asked again) before the same agent goes online; unlocking stores them in clear again.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';

const PASS = 'locked reef passphrase';
let ctx: BrowserContext;
let page: Page;
let jid: string;
let password: string;
let errors: string[];

/** Every record of every IndexedDB database of the page, as text. */
const everythingStored = () =>
  page.evaluate(async () => {
    const out: string[] = [];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const r = db.transaction(name).objectStore(name).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        out.push(JSON.stringify(all));
      }
      db.close();
    }
    return out.join('\n');
  });

/** Opens Profile (a place: a reload keeps it open, and its button toggles it). */
async function openProfile(page: Page) {
  if ((await page.locator('[data-testid="place"][data-place="profile"]').count()) === 0) await page.getByTestId('profile-button').click();
}

beforeAll(async () => {
  ctx = await launchProfile();
  page = await ctx.newPage();
  errors = collectErrors(page);
  await page.goto(pageUrl(inject('pageUrl'), inject('service'), inject('domain'), `&name=locker-${Date.now().toString(36)}`));
  jid = await waitOnline(page);
  password = (await page.evaluate('globalThis.tidepool.identity.password')) as string;
});

afterAll(async () => {
  await ctx?.close();
});

describe('secrets locked in the page', () => {
  test('the stored password is in clear before; a short passphrase is refused; locked, it is gone from IndexedDB', async () => {
    expect(await everythingStored()).toContain(password);
    await openProfile(page);
    await page.getByTestId('lock-passphrase').fill('short');
    await page.getByTestId('lock-toggle').click();
    await expect.poll(() => page.getByTestId('lock-outcome').textContent()).toMatch(/at least 8 characters/);
    await page.getByTestId('lock-passphrase').fill(PASS);
    await page.getByTestId('lock-toggle').click();
    await expect.poll(() => page.getByTestId('secrets-lock').getAttribute('data-locked')).toBe('true');
    const stored = await everythingStored();
    expect(stored).not.toContain(password);
    expect(stored).toContain('secrets:lock');
  });

  test('a reload asks for the passphrase; a wrong one is refused and asked again; the right one starts the same agent', async () => {
    await page.reload();
    await page.getByTestId('unlock-passphrase').fill('not the passphrase');
    await page.getByTestId('unlock-submit').click();
    await expect.poll(() => page.getByTestId('unlock-error').textContent()).toMatch(/wrong passphrase/);
    await page.getByTestId('unlock-passphrase').fill(PASS);
    await page.getByTestId('unlock-submit').click();
    expect(await waitOnline(page)).toBe(jid);
  });

  test('unlocked again, the secrets are in clear and a reload asks nothing', async () => {
    await openProfile(page);
    await page.getByTestId('lock-passphrase').fill(PASS);
    await page.getByTestId('lock-toggle').click();
    await expect.poll(() => page.getByTestId('secrets-lock').getAttribute('data-locked')).toBe('false');
    expect(await everythingStored()).toContain(password);
    await page.reload();
    expect(await waitOnline(page)).toBe(jid);
    expect(await page.getByTestId('unlock').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
