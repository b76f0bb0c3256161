// Screenshots of each screen, saved by the browser tests for a person to look at (never committed:
// test-results/ is git-ignored). A failed screenshot never fails a test.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = resolve('test-results', 'screenshots');

/** Saves `test-results/screenshots/NAME.png` (the name made file-safe); returns the path, or undefined. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string | undefined> {
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^a-zA-Z0-9._-]+/g, '_')}.png`);
  try {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path, fullPage });
    return path;
  } catch {
    return undefined;
  }
}
