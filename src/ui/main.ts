// Browser bootstrap: paint, then at once open the database and, for what is most likely a new agent, its
// one socket, while this tab claims its identity and the page's and the node's code arrive (page.ts builds
// the rest). Only what that needs is in the first download: the connection, the store, the tab claim.
import './design/tokens.css';
import { claimAgentId, rememberedAgentId } from './tab-claim.ts';
import { resolveServiceConfig } from './config.ts';
import { loadAgentNode, openIdb, startNewAccount, type NewAccount } from '../agent/start.ts';
import { errorMessage } from '../core/errors.ts';
import { startPlan } from './start-plan.ts';

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
  const db = openIdb();
  try {
    const config = await resolveServiceConfig();
    const newId = crypto.randomUUID();
    const claiming = claimAgentId(db.identities, newId);
    // A tab with no agent of its own yet, sent with a name or server (a quick start): most likely a new
    // agent. Its socket opens now; the registration is sent once the claim has found no stored agent
    // free for this tab and the identity is saved (a stored one wins: this account is then dropped).
    let account: NewAccount | undefined;
    if (!rememberedAgentId() && startPlan(location.search, false) === 'quick') {
      const store = claiming.then((c) => (c.fresh ? db.store(c.id) : new Promise<never>(() => {})));
      const name = new URLSearchParams(location.search).get('name') ?? randomName();
      account = startNewAccount({ store, id: newId, service: config.service, domain: config.domain, name });
    }
    // Fetched and parsed while the socket opens; a failure is reported where awaited.
    const page = import('./page.ts');
    page.catch(() => {});
    loadAgentNode().catch(() => {});
    const claim = await claiming;
    if (account && !claim.fresh) {
      await account.cancel();
      account = undefined;
    }
    const store = await db.store(claim.id);
    const { runPage } = await page;
    await runPage({ target, store, config, agentId: claim.id, account, say, randomName });
  } catch (e) {
    say(`Could not start: ${errorMessage(e)}`);
  }
}

void boot();
