// `npm run demo:world`: five headless agents with the rules brain (deterministic code, no model) live
// out the world-and-economy scenario (scripts/lib/world-scenario.ts) on a local Prosody while the page
// is served for a person to watch: open the printed link, enter the world from the World view and see
// them move, visit, dig up a treasure, trade and take on a bounty; every payment is a signed receipt.
//   --no-page      agents only (no page server)
//   --check        exit 0 once every milestone was reached and the ledgers check out (1 after --timeout)
import { checkLedgers, startWorldScenario } from './lib/world-scenario.ts';
import { serveDemoPage, startDemoServer, watchMilestones } from './lib/demo.ts';

const args = process.argv.slice(2);
const withPage = !args.includes('--no-page');
const check = args.includes('--check');
const timeoutS = Number(args.find((a) => a.startsWith('--timeout='))?.split('=')[1] ?? 120);

async function main() {
  const { dir, service, domain, onStop, stop } = await startDemoServer('tidepool-world-demo-');
  const scenario = await startWorldScenario({ service, domain, dir, log: (line) => console.log(line), tickSeconds: check ? 1 : 3 });
  onStop(() => scenario.stop());
  const { agents, bare, milestones } = scenario;
  for (const n of Object.values(agents)) {
    n.ledger.events.on('receipt', ({ receipt, direction }) => {
      if (direction === 'in')
        console.log(`[${n.identity.name.padEnd(3)}] receipt  ${receipt.body.payer} paid ${receipt.body.amount} (${receipt.body.ref}), countersigned`);
    });
  }

  if (withPage) {
    const page = await serveDemoPage(service, domain, 5175);
    onStop(() => page.close());
    console.log(`\nWatch: ${page.url}#/agent/${encodeURIComponent(bare(agents.ann))}  (open World to enter world@muc.${domain}; add Ann as a friend)\n`);
  }

  const code = await watchMilestones(milestones, {
    check,
    timeoutS,
    finally: async () => {
      const r = await checkLedgers(Object.values(agents));
      for (const p of r.problems) console.error(`ledger problem: ${p}`);
      console.log(
        `*** ledgers: ${r.pairs} pairs, ${r.receipts} receipts, both sides agree and every export verifies: ${r.problems.length === 0 ? 'yes' : 'NO'}`,
      );
      return r.problems.length === 0;
    },
  });
  return stop(code);
}

main().catch((e: Error) => {
  console.error(`demo:world: ${e.message}`);
  process.exit(1);
});
