// Converse.js 14 (npm `converse.js`, a complete third-party web XMPP client) driven as a person drives it:
// a stock page that loads dist/converse.min.js, logs in, and the ad-hoc commands view under the cog
// (Settings) -> Commands. Lets e2e tests prove that an ordinary XMPP web client can run an agent's skills.
//
// Selectors come from Converse 14's own templates (node_modules/converse.js/src/plugins/adhoc-views/templates,
// src/plugins/profile/modals/templates/user-settings.js, src/plugins/controlbox/templates/buttons.js).
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { serveStatic, type StaticServer } from './static-server.ts';

const DIST = fileURLToPath(new URL('../../node_modules/converse.js/dist', import.meta.url));

// The config is fetched from the same server (serveStatic answers `config.json` from its `extra`), so the page
// itself is the plain one any Converse deployment uses. Errors from initialize() land on window for the test.
const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Converse</title>
<link rel="stylesheet" href="dist/converse.min.css">
<script type="module" src="dist/converse.min.js"></script>
</head>
<body class="converse-fullscreen">
<script type="module">
// Module scripts run in order: converse.min.js (an ES module: it reads import.meta.url) has set window.converse.
fetch('config.json')
  .then((r) => r.json())
  .then((config) => converse.initialize({ ...config, assets_path: new URL('dist/', location.href).href }))
  .catch((e) => { window.__converseError = String(e && e.stack || e); });
</script>
</body>
</html>
`;

export interface ConverseAccount {
  /** RFC 7395 WebSocket endpoint (the test Prosody's `service`). */
  service: string;
  /** The person's bare JID; the account must exist already. */
  jid: string;
  password: string;
}

export interface ConverseServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a one-page Converse deployment for `account`: index.html, config.json and Converse's dist/. */
export async function serveConverse(account: ConverseAccount, settings: Record<string, unknown> = {}): Promise<ConverseServer> {
  const root = mkdtempSync(join(tmpdir(), 'tidepool-converse-'));
  writeFileSync(join(root, 'index.html'), INDEX_HTML);
  symlinkSync(DIST, join(root, 'dist'), 'dir');
  const config = {
    // Stock behaviour otherwise; only what a deployment on loopback must say.
    view_mode: 'fullscreen',
    websocket_url: account.service,
    discover_connection_methods: false, // no host-meta lookups on the JID's domain
    authentication: 'login',
    auto_login: true,
    jid: account.jid,
    password: account.password,
    i18n: 'en', // no locale chunk to fetch
    play_sounds: false,
    show_controlbox_by_default: true,
    allow_adhoc_commands: true,
    loglevel: 'warn',
    // OMEMO generates and publishes keys right after login, which keeps two cores busy for seconds; nothing
    // here needs end-to-end encryption.
    blacklisted_plugins: ['converse-omemo'],
    ...settings,
  };
  let server: StaticServer;
  try {
    server = await serveStatic(root, '/converse/', { 'config.json': config });
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return {
    url: server.url,
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface ConversePage extends Page {
  readonly offline: {
    /** Requests the page tried to send anywhere but loopback; each was aborted. Converse 14's fullscreen footer
     * (shown while it logs in) shows sponsor logos from https://conversejs.org/media/logos/: type "image". */
    blocked: Array<{ url: string; type: string }>;
    /** Uncaught exceptions in the page. */
    errors: string[];
  };
}

const isLoopback = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1' || u.hostname === 'localhost';
  } catch {
    return false;
  }
};

/**
 * Opens Converse in a new page of `context`, logged in as `account`, and waits until it is connected (the
 * control box shows the cog). Anything it tries to fetch beyond loopback is aborted and listed in `offline`.
 * The page's server closes with the page.
 */
export async function openConverse(
  context: BrowserContext,
  account: ConverseAccount,
  opts: { settings?: Record<string, unknown>; timeout?: number } = {},
): Promise<ConversePage> {
  const server = await serveConverse(account, opts.settings);
  const page = (await context.newPage()) as ConversePage;
  const offline: ConversePage['offline'] = { blocked: [], errors: [] };
  Object.defineProperty(page, 'offline', { value: offline });
  page.on('close', () => void server.close());
  page.on('pageerror', (e) => offline.errors.push(e.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    offline.blocked.push({ url, type: route.request().resourceType() });
    return route.abort('blockedbyclient');
  });
  try {
    await page.goto(server.url);
    await waitConnected(page, opts.timeout ?? 15_000);
  } catch (e) {
    const why = await page.evaluate(() => (window as unknown as { __converseError?: string }).__converseError).catch(() => undefined);
    await page.close().catch(() => {});
    throw new Error(
      `Converse did not log in as ${account.jid}: ${(e as Error).message}${why ? `\ninitialize failed: ${why}` : ''}\npage errors: ${offline.errors.join('\n')}`,
    );
  }
  return page;
}

/** The cog in the control box heading appears only once Converse is connected (buttons.js: `is_connected`). */
export async function waitConnected(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('converse-controlbox .controlbox-heading__btn.show-client-info').first().waitFor({ state: 'visible', timeout });
}

/**
 * The ad-hoc commands element in the Settings modal, reached as a person does: the cog in the control box
 * heading opens "Settings"; with "About" also enabled (the default) the modal has tabs and opens on About, so
 * the "Commands" tab is clicked; with Commands alone the modal shows it directly.
 */
export async function openCommandsView(page: Page, timeout = 10_000): Promise<Locator> {
  const modal = page.locator('converse-user-settings-modal');
  const commands = modal.locator('converse-adhoc-commands');
  if (await commands.isVisible()) return commands;
  const tab = modal.locator('a.nav-link[data-name="commands"]');
  if (!(await tab.isVisible())) {
    await page.locator('converse-controlbox .controlbox-heading__btn.show-client-info').first().click();
    await Promise.race([tab.waitFor({ timeout }), commands.waitFor({ state: 'visible', timeout })]);
  }
  if (await tab.isVisible()) await tab.click();
  await commands.waitFor({ state: 'visible', timeout });
  return commands;
}

export interface CommandListing {
  /** The commands Converse lists ("Commands found:"), in its order. */
  commands: Array<{ node: string; name: string; jid: string }>;
  /** The alert Converse shows above the form, if any (e.g. "The specified entity doesn't support ad-hoc commands"). */
  alert?: string;
}

/** What the harness reads of Converse's `converse-adhoc-commands` element (a Lit element: adhoc-commands.js). */
type AdhocElement = HTMLElement & {
  fetching?: boolean;
  showform?: string;
  commands?: AdhocCommandState[];
  updateComplete?: Promise<unknown>;
  /** Set by the harness: what `commands` was before a fetch, and a command's `fields` before an action. */
  __harnessPrev?: unknown;
  __harnessFields?: unknown;
};

interface AdhocCommandState {
  node: string;
  fields?: unknown[];
  status?: string;
}

/**
 * Types `targetJid` into "XMPP Address", presses "List available commands" and reads what Converse shows.
 * Converse assigns a new `commands` array on every answer (the list, or [] with an alert), so the harness
 * waits for that and for the re-render instead of guessing from the DOM, which keeps old alerts around.
 */
export async function listCommandsInConverse(page: Page, targetJid: string, timeout = 10_000): Promise<CommandListing> {
  const view = await openCommandsView(page, timeout);
  const input = view.locator('converse-autocomplete input[name="jid"]');
  await input.fill(targetJid);
  const handle = await view.elementHandle();
  await handle!.evaluate((el: AdhocElement) => (el.__harnessPrev = el.commands));
  const submit = view.locator('form.converse-form input[type="submit"][value="List available commands"]');
  await submit.click();
  await page.waitForFunction(
    (el) => {
      const e = el as AdhocElement;
      return !e.fetching && e.commands !== e.__harnessPrev;
    },
    handle,
    { timeout },
  );
  await handle!.evaluate((el: AdhocElement) => el.updateComplete);
  await submit.waitFor({ state: 'visible', timeout });
  const alert = view.locator(':scope > .alert');
  const shown = (await alert.count()) ? (await alert.innerText()).trim() : undefined;
  const links = view.locator('ul.list-group a[data-command-node]');
  const commands = await links.evaluateAll((as) =>
    as.map((a) => ({
      node: a.getAttribute('data-command-node') ?? '',
      name: a.getAttribute('data-command-name') ?? '',
      jid: a.getAttribute('data-command-jid') ?? '',
    })),
  );
  return shown ? { commands, alert: shown } : { commands };
}

export interface CommandRun {
  /** The result form's fields as Converse shows them, by field var: the text in each input or textarea. */
  fields: Record<string, string>;
  /** Each field's label as shown, by field var. */
  labels: Record<string, string>;
  /** The visible text of the command's box (title, labels, notes; not what is inside inputs). */
  text: string;
  /**
   * The alert above the entity form ("Completed" once an action completed a command). Converse keeps it until
   * another alert replaces it, so after a second run it may be left from the first.
   */
  alert?: string;
  /** The XEP-0050 status of the last answer to an action ('completed', 'executing', 'error'); undefined when the
   * command finished on its first execute (Converse then shows the result without any action button). */
  status?: string;
}

/**
 * Runs ad-hoc command `node` on `targetJid` in Converse's Commands view as a person does: lists the entity's
 * commands, clicks the command (Converse sends `execute` and shows the first stage), fills form fields from
 * `values` (by field var), presses the stage's forward action (Execute/Next/Complete) until no action is left,
 * and reads what Converse shows. Throws with Converse's own words if it shows an error.
 */
export async function runCommandInConverse(
  page: Page,
  targetJid: string,
  node: string,
  values: Record<string, string> = {},
  timeout = 10_000,
): Promise<CommandRun> {
  const listing = await listCommandsInConverse(page, targetJid, timeout);
  if (!listing.commands.some((c) => c.node === node)) throw new Error(`Converse lists no command "${node}" for ${targetJid}: ${JSON.stringify(listing)}`);
  const view = await openCommandsView(page, timeout);
  const handle = (await view.elementHandle())!;
  const link = view.locator(`ul.list-group a[data-command-node="${node}"]`);
  // `has` is matched inside each item, so it takes a locator relative to the item.
  const item = view.locator('ul.list-group > li.list-group-item', { has: page.locator(`a[data-command-node="${node}"]`) });
  const form = item.locator('form.converse-form');
  const state = () => handle.evaluate((el: AdhocElement, n) => ({ showform: el.showform ?? '', cmd: el.commands?.find((c) => c.node === n) }), node);

  // The link toggles the command's box: a box left open by an earlier run closes on the first click.
  if ((await state()).showform === node) {
    await link.click();
    await page.waitForFunction(([el, n]) => (el as AdhocElement).showform !== n, [handle, node] as const, { timeout });
  }
  await link.click();
  await page.waitForFunction(([el, n]) => (el as AdhocElement).showform === n, [handle, node] as const, { timeout });
  await handle.evaluate((el: AdhocElement) => el.updateComplete);
  await form.waitFor({ timeout });

  const failure = async () => {
    const danger = form.locator('.alert-danger');
    return (await danger.count()) ? (await danger.first().innerText()).trim() : undefined;
  };
  for (let step = 0; step < 20; step++) {
    const err = await failure();
    if (err) throw new Error(`Converse shows an error running "${node}" on ${targetJid}: ${err}`);
    const action = form.locator('input[type="button"][data-action]:not([data-action="prev"])').first();
    if (!(await action.count())) break; // completed: a result, or the command ended on execute
    for (const [name, value] of Object.entries(values)) {
      const input = form.locator(`[name="${name}"]:not([readonly])`);
      if (await input.count()) await input.first().fill(value);
    }
    // Converse answers an action by giving the command new fields (next stage or result), by clearing it
    // (completed without a result form: the box closes), or by marking it status "error".
    await handle.evaluate((el: AdhocElement, n) => (el.__harnessFields = el.commands?.find((c) => c.node === n)?.fields), node);
    await action.click();
    await page.waitForFunction(
      ([el, n]) => {
        const e = el as AdhocElement;
        const c = e.commands?.find((x) => x.node === n);
        return !c || c.fields !== e.__harnessFields || c.status === 'error' || e.showform !== n;
      },
      [handle, node] as const,
      { timeout },
    );
    await handle.evaluate((el: AdhocElement) => el.updateComplete);
    if ((await state()).showform !== node) break;
  }
  const err = await failure();
  if (err) throw new Error(`Converse shows an error running "${node}" on ${targetJid}: ${err}`);
  const alert = view.locator(':scope > .alert');
  const shown = (await alert.count()) ? (await alert.innerText()).trim() : undefined;
  const { status } = (await state()).cmd ?? {};
  const extra = { ...(shown ? { alert: shown } : {}), ...(status ? { status } : {}) };
  if (!(await form.count())) return { fields: {}, labels: {}, text: '', ...extra };
  const read = await form.evaluate((f) => {
    const fields: Record<string, string> = {};
    const labels: Record<string, string> = {};
    for (const el of f.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('input[name], textarea[name], select[name]')) {
      const name = el.getAttribute('name')!;
      if (name === 'command_node' || name === 'command_jid') continue;
      fields[name] = el.value;
      // Converse 14's readonly text-multi label points at another id (label for= does not match the textarea),
      // so take the label from the field's own wrapper.
      const label = el.closest('.mb-3, .form-check')?.querySelector('label')?.textContent?.trim();
      if (label) labels[name] = label;
    }
    return { fields, labels, text: (f as HTMLElement).innerText.trim() };
  });
  return { ...read, ...extra };
}
