// Browser bootstrap: pick this tab's identity, resolve the server, build the node, mount the UI.
import { mount } from 'svelte';
import App from './App.svelte';
import { claimAgentId } from './tab-claim.ts';
import { resolveServiceConfig } from './config.ts';
import { createIdbStore } from '../store/idb-store.ts';
import { isStorageError } from '../store/errors.ts';
import { createAgentNode } from '../agent/node.ts';
import { AgentState } from './agent-state.svelte.ts';
import { pageModels } from './brains.ts';
import { agentFromHash } from './share.ts';

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

async function boot() {
  say('Starting your agent…');
  try {
    const [agentId, config] = await Promise.all([claimAgentId(), resolveServiceConfig()]);
    const store = await createIdbStore(agentId);
    const existing = await store.getIdentity();
    const created = await createAgentNode({
      store,
      service: existing?.service ?? config.service,
      domain: existing?.domain ?? config.domain,
      name: existing?.name ?? new URLSearchParams(location.search).get('name') ?? randomName(),
      models: pageModels,
    });
    if (!created.ok) {
      say(`Could not create the agent: ${created.error.message}`);
      return;
    }
    const node = created.value;
    const state = new AgentState(node);
    const introduced = agentFromHash(location.hash);
    if (introduced && introduced !== node.identity.jid) state.introduced = introduced;
    document.addEventListener('visibilitychange', () => node.connection.setActive(!document.hidden));
    node.connection.setActive(!document.hidden);
    addEventListener('pagehide', () => void node.stop());
    // Storage failures elsewhere (saving a setting, an incoming message) still reach the person.
    addEventListener('unhandledrejection', (ev) => {
      if (isStorageError(ev.reason)) state.notice = ev.reason.message;
    });
    Object.assign(globalThis, { tidepool: node }); // for the console and the end-to-end tests
    target.replaceChildren();
    mount(App, { target, props: { agent: state } });
    void node.start();
  } catch (e) {
    say(`Could not start: ${(e as Error).message}`);
  }
}

void boot();
