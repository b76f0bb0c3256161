// What both demos share: the page served by Vite against the demo's own Prosody, and the loop that
// prints each milestone as the agents reach it (and, in check mode, ends the run with an exit code).

export async function serveDemoPage(service: string, domain: string, defaultPort: number): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('vite');
  process.env.TIDEPOOL_SERVICE = service;
  process.env.TIDEPOOL_DOMAIN = domain;
  const server = await createServer({ server: { port: Number(process.env.TIDEPOOL_PAGE_PORT ?? defaultPort), strictPort: false, host: '127.0.0.1' } });
  await server.listen();
  return { url: server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${defaultPort}/`, close: () => server.close() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Prints `*** milestone i/n: name (t s)` once each is reached. Without `check` it watches forever; with
 * it, resolves 0 once all are reached and `finally` (if any) agrees, 1 after `timeoutS`.
 */
export async function watchMilestones(milestones: Array<[string, () => boolean]>, o: { check: boolean; timeoutS: number; finally?: () => Promise<boolean> }): Promise<number> {
  const reached = new Set<string>();
  const started = Date.now();
  while (true) {
    for (const [name, ok] of milestones) {
      if (!reached.has(name) && ok()) {
        reached.add(name);
        console.log(`*** milestone ${reached.size}/${milestones.length}: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
    if (o.check && reached.size === milestones.length) return (await (o.finally?.() ?? Promise.resolve(true))) ? 0 : 1;
    if (o.check && Date.now() - started > o.timeoutS * 1000) {
      console.error(`demo: milestones missing after ${o.timeoutS} s: ${milestones.filter(([n]) => !reached.has(n)).map(([n]) => n).join('; ')}`);
      return 1;
    }
    await sleep(250);
  }
}
