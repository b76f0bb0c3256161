// The page once its code has arrived: the identity from the store (or the first-visit form), the node,
// the UI. Loaded lazily by main.ts, which paints first and opens a new agent's socket before this runs.
import { mount, unmount } from 'svelte';
import App from './App.svelte';
import { createAgentNode, isStorageError, LOOK_SETTING, startNewAccount, type AgentStore, type NewAccount } from '../agent/index.ts';
import { AgentState } from './agent-state.svelte.ts';
import { pageModels } from './brains.ts';
import { agentFromHash } from './share.ts';
import { startPlan, type OnboardingChoice } from './onboarding.ts';
import type { ServiceConfig } from './config.ts';
import { forgetAgentId } from './tab-claim.ts';
import { askUnlock } from './unlock.ts';

export interface PageStart {
  target: HTMLElement;
  store: AgentStore;
  config: ServiceConfig;
  /** The tab's local agent id (tab-claim.ts). */
  agentId: string;
  /** A new agent's account, already registering on its login stream (main.ts started it). */
  account?: NewAccount;
  say(message: string): void;
  randomName(): string;
}

/**
 * A first visit without a name or server in the link: the form until "Go online". Loaded only for
 * new agents, so a returning visitor's first paint carries none of it.
 */
async function onboard(p: PageStart): Promise<OnboardingChoice | undefined> {
  if (startPlan(location.search, false) !== 'form') return undefined;
  const { default: Onboarding } = await import('./Onboarding.svelte');
  p.target.replaceChildren();
  const choice = await new Promise<OnboardingChoice>((resolve) => {
    const form = mount(Onboarding, {
      target: p.target,
      props: {
        config: p.config,
        onDone: (c: OnboardingChoice) => {
          void unmount(form);
          resolve(c);
        },
      },
    });
  });
  p.say('Creating your agent…');
  await p.store.putSetting(LOOK_SETTING, choice.look);
  return choice;
}

export async function runPage(p: PageStart): Promise<void> {
  const { store, config } = p;
  const existing = p.account ? undefined : await store.getIdentity();
  const choice = existing || p.account ? undefined : await onboard(p);
  // A new agent registers on its login stream: one socket, and the node is built while it registers.
  const account =
    p.account ??
    (existing
      ? undefined
      : startNewAccount({
          store,
          id: p.agentId,
          service: choice?.service ?? config.service,
          domain: choice?.domain ?? config.domain,
          name: choice?.name ?? new URLSearchParams(location.search).get('name') ?? p.randomName(),
          persona: choice?.persona,
        }));
  const name = existing?.name ?? account?.identity.name ?? p.randomName();
  const open = (passphrase?: string) =>
    createAgentNode({
      store,
      service: existing?.service ?? config.service,
      domain: existing?.domain ?? config.domain,
      name,
      models: pageModels,
      account,
      ...(passphrase ? { passphrase } : {}),
    });
  let created = await open();
  // Secrets locked by a passphrase (only a stored agent's): asked once per load, again after a wrong one.
  let problem: string | undefined;
  while (!created.ok && created.error.kind === 'locked') {
    created = await open(await askUnlock(p.target, name, problem));
    problem = created.ok ? undefined : created.error.message;
  }
  if (!created.ok && created.error.kind === 'moved') {
    // One agent, one place: this tab's agent lives elsewhere now; a reload without it starts another one.
    p.say(created.error.message);
    const again = document.createElement('button');
    again.dataset.testid = 'boot-new-agent';
    again.textContent = 'Start a new agent in this tab';
    again.onclick = () => {
      forgetAgentId();
      location.reload();
    };
    p.target.append(again);
    return;
  }
  if (!created.ok) {
    p.say(`Could not create the agent: ${created.error.message}`);
    return;
  }
  const node = created.value;
  const state = new AgentState(node);
  const introduced = agentFromHash(location.hash);
  if (introduced && introduced !== node.identity.jid) state.introduced = introduced;
  document.addEventListener('visibilitychange', () => node.setActive(!document.hidden));
  node.setActive(!document.hidden);
  addEventListener('pagehide', () => void node.stop());
  // Storage failures elsewhere (saving a setting, an incoming message) still reach the person.
  addEventListener('unhandledrejection', (ev) => {
    if (isStorageError(ev.reason)) state.notice = ev.reason.message;
  });
  Object.assign(globalThis, { tidepool: node }); // for the console and the end-to-end tests
  // Connect first (a new account's session binds now): the login goes on while Svelte renders.
  void node.start();
  p.target.replaceChildren();
  mount(App, { target: p.target, props: { agent: state } });
  if (choice && choice.brain.backend !== 'none') {
    // The model loads while the agent is already online; the Brain panel shows the progress.
    await node.brain.configure(choice.brain);
    void node.brain.load().then((r) => {
      if (!r.ok) state.notice = r.error.message;
    });
  }
}
