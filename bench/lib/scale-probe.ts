// Probe for docs/PERFORMANCE.md finding 9 (not part of `npm run bench`): N nodes on one Prosody at a low
// total call rate, in windows that each switch Prosody's Lua GC at run time (through mod_lagprobe's control
// file), and per call / per 100 ms: Prosody's own timer lag and Lua heap, Prosody's CPU and its time spent
// runnable but waiting for a CPU (schedstat), this process's GC pauses and stalls.
//   N=1000 RATE=50 WINDOWS="incremental 105 500:20,generational 20 50:20,stop:15,hi incremental 105 500:20" \
//     npx tsx bench/lib/scale-probe.ts
// A window's spec is "[hi ]MODE ARGS:SECONDS"; MODE is incremental/generational (collectgarbage arguments),
// stop, or anything else to leave the GC as configured (EXTRA adds config lines, e.g. a `gc` option); "hi"
// renices Prosody and this process to -10 for that window, to tell GC pauses from a busy shared machine.
import xml from '@xmpp/xml';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { renderConfig, freePort } from '../../scripts/lib/prosody.ts';
import { pool, startSwarmNode, type SwarmNode } from '../fixtures/swarm.ts';
import { deadline, summarize } from '../stats.ts';
import { tempDir } from '../../tests/helpers/nodes.ts';

const N = Number(process.env.N ?? 1000);
const RATE = Number(process.env.RATE ?? 50);
const WINDOWS = (process.env.WINDOWS ?? 'incremental 105 500:20').split(',').map((w) => {
  const [c, s] = w.split(':');
  return { ctl: c!, s: Number(s) };
});
const EXTRA = process.env.EXTRA ?? '';
const dir = tempDir('tidepool-scale-probe-');
const ctlFile = join(dir, 'ctl');
const lagFile = join(dir, 'lag.txt');
mkdirSync(join(dir, 'data'), { recursive: true });
mkdirSync(join(dir, 'certs'), { recursive: true });
writeFileSync(ctlFile, '');
const c2sPort = await freePort();
const httpPort = await freePort();
let cfg = renderConfig({
  dir,
  domain: 'localhost',
  c2sPort,
  httpPort,
  extraGlobal: `network_settings = { read_timeout = 600 }
c2s_timeout = 600
smacks_max_unacked_stanzas = 500
plugin_paths = { ${JSON.stringify(fileURLToPath(new URL('./prosody-plugins', import.meta.url)))} }
lagprobe_file = ${JSON.stringify(lagFile)}
lagprobe_ctl = ${JSON.stringify(ctlFile)}
${EXTRA}
`,
});
cfg = cfg.replace('"offline";', '"offline"; "lagprobe";');
writeFileSync(join(dir, 'prosody.cfg.lua'), cfg);
const child = spawn('prosody', ['--config', join(dir, 'prosody.cfg.lua'), '-F'], { stdio: 'ignore' });
for (let i = 0; i < 100; i++) {
  try {
    await (await fetch(`http://127.0.0.1:${httpPort}/xmpp-websocket`)).text();
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 100));
  }
}
const service = `ws://127.0.0.1:${httpPort}/xmpp-websocket`;
const wall = () => performance.timeOrigin + performance.now();

// Node GC pauses and loop stalls, with wall-clock stamps.
const gcs: { at: number; ms: number; kind: number }[] = [];
new PerformanceObserver((l) => {
  for (const e of l.getEntries())
    gcs.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind: (e as unknown as { detail?: { kind: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ['gc'] });
const stalls: { at: number; ms: number }[] = [];
let lastTick = wall();
setInterval(() => {
  const t = wall();
  if (t - lastTick - 10 > 30) stalls.push({ at: t, ms: t - lastTick - 10 });
  lastTick = t;
}, 10).unref();
// Prosody CPU per 100 ms.
const ticks = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(x[11]) + Number(x[12])) * 10;
};
// schedstat: ns on CPU, ns runnable but waiting for a CPU (other processes had it).
const sched = (pid: number | string) =>
  readFileSync(`/proc/${pid}/schedstat`, 'utf8')
    .split(' ')
    .map((x) => Number(x) / 1e6);
const cpuSamples: { at: number; ms: number; pWait: number; nWait: number; nRun: number }[] = [];
let lastCpu = ticks();
let lastP = sched(child.pid!);
let lastN = sched('self');
setInterval(() => {
  const c = ticks();
  const p = sched(child.pid!);
  const n = sched('self');
  cpuSamples.push({ at: wall(), ms: p[0]! - lastP[0]!, pWait: p[1]! - lastP[1]!, nWait: n[1]! - lastN[1]!, nRun: n[0]! - lastN[0]! });
  lastCpu = c;
  lastP = p;
  lastN = n;
}, 100).unref();
process.on('uncaughtException', (e) => console.error('uncaught (ignored):', String(e).slice(0, 100)));
const psi = () => Number(/some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))![1]) / 1000;

// Priority of Prosody and this process: the start-up is not measured, so it runs favoured; windows named "hi ..." too.
const nice = (n: number) => spawnSync('renice', ['-n', String(n), '-p', String(child.pid), String(process.pid)], { stdio: 'ignore' });
nice(-10);
const nodes: SwarmNode[] = [];
const t0 = wall();
const names = Array.from({ length: N }, (_, i) => `p-${i}`);
nodes.push(
  ...(await pool(names, 16, deadline(240_000), (name) =>
    startSwarmNode(service, 'localhost', name, { rateLimit: { burst: 1e9, perSecond: 1e9 }, subscriptionPolicy: 'reject' }, () => {}),
  )),
);
console.log(`${nodes.length} online in ${((wall() - t0) / 1000).toFixed(1)} s`);
await new Promise((r) => setTimeout(r, 3000));

interface Call {
  at: number;
  kind: string;
  ms: number;
  caller: number;
  callee: number;
}
for (const w of WINDOWS) {
  const hi = w.ctl.startsWith('hi ');
  nice(hi ? -10 : 0);
  writeFileSync(ctlFile, w.ctl.replace(/^hi /, '') + '\n');
  await new Promise((r) => setTimeout(r, 2500));
  const calls: Call[] = [];
  const psi0 = psi();
  const start = wall();
  const total = Math.floor(RATE * w.s);
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - wall();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const a = Math.floor(Math.random() * nodes.length);
    let b = Math.floor(Math.random() * nodes.length);
    if (b === a) b = (a + 1) % nodes.length;
    const kind = i % 2 ? 'describe' : 'ping';
    const at = wall();
    const p =
      kind === 'ping'
        ? nodes[a]!.node.connection.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: nodes[b]!.jid, timeoutMs: 10_000 }).then((r) => r.ok)
        : nodes[a]!.node.commands.execute(nodes[b]!.jid, 'describe', 10_000).then((r) => r.ok);
    inflight.push(p.then((ok) => void calls.push({ at, kind, ms: ok ? wall() - at : 99999, caller: a, callee: b })));
  }
  await Promise.all(inflight);
  const end = wall();
  const s = summarize(calls.map((c) => c.ms));
  const win = cpuSamples.filter((x) => x.at >= start && x.at <= end);
  const sum = (xs: typeof win, k: 'ms' | 'pWait' | 'nWait' | 'nRun') => xs.reduce((t, x) => t + x[k], 0);
  const cpu = sum(win, 'ms');
  const pressure = (psi() - psi0) / (end - start);
  const slow = calls.filter((c) => c.ms > 100).sort((x, y) => x.at - y.at);
  const lag = readFileSync(lagFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('lag '))
    .map((l) => l.split(' ').map(Number))
    .filter((x) => x[1]! * 1000 >= start && x[1]! * 1000 <= end + 1000);
  const secs = readFileSync(lagFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('sec '))
    .map((l) => l.split(' ').map(Number))
    .filter((x) => x[1]! * 1000 >= start - 1000 && x[1]! * 1000 <= end);
  const nstall = stalls.filter((x) => x.at >= start && x.at <= end);
  const ngc = gcs.filter((x) => x.at >= start && x.at <= end);
  console.log(
    `\n== ${w.ctl} ${w.s}s: n=${s.n} p50=${s.p50.toFixed(1)} p99=${s.p99.toFixed(0)} max=${s.max.toFixed(0)} slow(>100ms)=${slow.length}; Prosody CPU ${((cpu / (end - start)) * 100).toFixed(0)}%, Prosody runnable-but-waiting ${((sum(win, 'pWait') / (end - start)) * 100).toFixed(0)}%, Node CPU ${((sum(win, 'nRun') / (end - start)) * 100).toFixed(0)}% waiting ${((sum(win, 'nWait') / (end - start)) * 100).toFixed(0)}%, machine CPU pressure ${(pressure * 100).toFixed(0)}%; prosody lag>30ms: ${lag.length} (max ${Math.max(0, ...lag.map((x) => x[2]!)).toFixed(0)} ms); node stalls>30ms: ${nstall.length} (max ${Math.max(0, ...nstall.map((x) => x.ms)).toFixed(0)}); node gc: ${ngc.length}, >20ms: ${ngc.filter((g) => g.ms > 20).length} (max ${Math.max(0, ...ngc.map((g) => g.ms)).toFixed(0)} ms)`,
  );
  const rel = (t: number) => ((t - start) / 1000).toFixed(2);
  // For each slow call: Prosody CPU / Prosody wait / Node wait (ms) in the 100 ms samples it spans.
  const during = (c: Call) => {
    const xs = cpuSamples.filter((x) => x.at >= c.at && x.at - 100 <= c.at + c.ms);
    return `${sum(xs, 'ms').toFixed(0)}c${sum(xs, 'pWait').toFixed(0)}w${sum(xs, 'nWait').toFixed(0)}n`;
  };
  console.log(
    'slow calls (start s/ms/kind/[prosody cpu c, prosody wait w, node wait n]):',
    slow.map((c) => `${rel(c.at)}/${c.ms.toFixed(0)}/${c.kind[0]}/${during(c)}`).join(' '),
  );
  console.log(
    'prosody lag (s, ms, kB before→after):',
    lag.map((x) => `${rel(x[1]! * 1000)}/${x[2]!.toFixed(0)}/${(x[3]! / 1024).toFixed(0)}→${(x[4]! / 1024).toFixed(0)}MB`).join(' '),
  );
  console.log('prosody per second (max lag ms / Lua heap MB):', secs.map((x) => `${x[2]!.toFixed(0)}/${(x[3]! / 1024).toFixed(0)}`).join(' '));
  console.log('node stalls (s, ms):', nstall.map((x) => `${rel(x.at)}/${x.ms.toFixed(0)}`).join(' '));
  console.log(
    'node gc >10ms (s, ms, kind):',
    ngc
      .filter((g) => g.ms > 10)
      .map((g) => `${rel(g.at)}/${g.ms.toFixed(0)}/${g.kind}`)
      .join(' '),
  );
}
// Closing 1000 nodes one by one takes longer than the probe itself; killing Prosody drops them all.
child.kill('SIGTERM');
await new Promise((r) => setTimeout(r, 500));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
