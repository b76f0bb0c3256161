// Browser bootstrap: pick this tab's identity, resolve the server, build the node, mount the UI.
import { mount, unmount } from 'svelte';
import { claimAgentId, forgetAgentId } from './tab-claim.ts';
import { askUnlock } from './unlock.ts';
import { resolveServiceConfig } from './config.ts';
import { createAgentNode, createIdbStore, isStorageError, type AgentStore } from '../agent/index.ts';
import { AgentState } from './agent-state.svelte.ts';
import { pageModels } from './brains.ts';
import { agentFromHash } from './share.ts';
import { startPlan, LOOK_SETTING, type OnboardingChoice } from './onboarding.ts';
import type { ServiceConfig } from './config.ts';
import { errorMessage } from '../agent/index.ts';

const target = document.getElementById('app')!;

function randomName(): string {
  const words = ['kelp', 'urchin', 'anemone', 'limpet', 'shrimp', 'starfish', 'barnacle', 'sculpin'];
  return `${words[Math.floor(Math.random() * words.length)]}-${Math.random().toString(36).slice(2, 6)}`;
}

function say(message: string) {
  const p = document.createElement('p');
  p.className = 'boot';
  p.dataset.testid = 'boot';
  p.textContent = message; // may quote server text: never innerHTML
  target.replaceChildren(p);
}

/**
 * A first visit without a name or server in the link: the form until "Go online". Loaded only for
 * new agents, so a returning visitor's first paint carries none of it.
 */
async function onboard(config: ServiceConfig, store: AgentStore): Promise<OnboardingChoice | undefined> {
  if (startPlan(location.search, false) !== 'form') return undefined;
  const { default: Onboarding } = await import('./Onboarding.svelte');
  target.replaceChildren();
  const choice = await new Promise<OnboardingChoice>((resolve) => {
    const form = mount(Onboarding, {
      target,
      props: {
        config,
        onDone: (c: OnboardingChoice) => {
          void unmount(form);
          resolve(c);
        },
      },
    });
  });
  say('Creating your agent…');
  await store.putSetting(LOOK_SETTING, choice.look);
  return choice;
}

async function boot() {
  say('Starting your agent…');
  // The UI is its own chunk, fetched and parsed while the agent registers and connects.
  const app = import('./App.svelte');
  app.catch(() => {}); // awaited below, where a failure is reported
  try {
    const [agentId, config] = await Promise.all([claimAgentId(), resolveServiceConfig()]);
    const store = await createIdbStore(agentId);
    const existing = await store.getIdentity();
    const choice = existing ? undefined : await onboard(config, store);
    const name = existing?.name ?? choice?.name ?? new URLSearchParams(location.search).get('name') ?? randomName();
    const open = (passphrase?: string) =>
      createAgentNode({
        store,
        service: existing?.service ?? choice?.service ?? config.service,
        domain: existing?.domain ?? choice?.domain ?? config.domain,
        name,
        persona: choice?.persona,
        models: pageModels,
        ...(passphrase ? { passphrase } : {}),
      });
    let created = await open();
    // Secrets locked by a passphrase: asked once per load, again after a wrong one.
    let problem: string | undefined;
    while (!created.ok && created.error.kind === 'locked') {
      created = await open(await askUnlock(target, name, problem));
      problem = created.ok ? undefined : created.error.message;
    }
    if (!created.ok && created.error.kind === 'moved') {
      // One agent, one place: this tab's agent lives elsewhere now; a fresh tab starts another one.
      say(created.error.message);
      const again = document.createElement('button');
      again.dataset.testid = 'boot-new-agent';
      again.textContent = 'Start a new agent in this tab';
      again.onclick = () => {
        forgetAgentId();
        location.reload();
      };
      target.append(again);
      return;
    }
    if (!created.ok) {
      say(`Could not create the agent: ${created.error.message}`);
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
    // Connect first: the login socket opens while Svelte renders.
    void node.start();
    const { default: App } = await app;
    target.replaceChildren();
    mount(App, { target, props: { agent: state } });
    if (choice && choice.brain.backend !== 'none') {
      // The model loads while the agent is already online; the Brain panel shows the progress.
      await node.brain.configure(choice.brain);
      void node.brain.load().then((r) => {
        if (!r.ok) state.notice = r.error.message;
      });
    }
  } catch (e) {
    say(`Could not start: ${errorMessage(e)}`);
  }
}

void boot();
