// Probe for docs/PERFORMANCE.md finding 11 (not part of `npm run bench`): where one skill call's CPU goes,
// on both sides, against a XEP-0199 ping between the same two nodes. For each operation in turn: N calls
// (sequential, or IN_FLIGHT at once from as many caller nodes), then per call the Node process's CPU
// (process.cpuUsage), Prosody's CPU (/proc/PID/schedstat, ns), the bytes each socket carried, and two
// profiles: V8's (node:inspector, self time per function) and Prosody's own (mod_luaprof: a time-weighted
// sample of its Lua, self and inclusive per function).
//   CALLS=2000 IN_FLIGHT=1 OPS=ping,describe,echo TOP=25 npx tsx bench/lib/skill-profile.ts
//   (PROFILE=0: CPU and bytes only, without the profilers' own overhead)
import xml from '@xmpp/xml';
import { Session } from 'node:inspector/promises';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProsody } from '../../scripts/lib/prosody.ts';
import { makeNode, startNode, tempDir } from '../../tests/helpers/nodes.ts';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { installWireMeter, wireDelta, type WireCount } from '../wire.ts';
import { summarize } from '../stats.ts';

const CALLS = Number(process.env.CALLS ?? 2000);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 1);
const OPS = (process.env.OPS ?? 'ping,describe,echo').split(',');
const TOP = Number(process.env.TOP ?? 25);
const PROFILE = process.env.PROFILE !== '0';

type Op = (caller: AgentNode, to: string) => Promise<void>;
const ops: Record<string, Op> = {
  ping: async (c, to) => {
    const r = await c.connection.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to, timeoutMs: 10_000 });
    if (!r.ok) throw new Error(r.error.message);
  },
  describe: async (c, to) => {
    const r = await c.commands.execute(to, 'describe', 10_000);
    if (!r.ok || r.value.status !== 'completed') throw new Error('describe failed');
  },
  echo: async (c, to) => {
    const a = await c.commands.execute(to, 'echo', 10_000);
    if (!a.ok || !a.value.sessionid) throw new Error('echo execute failed');
    const b = await c.commands.submit(to, 'echo', a.value.sessionid, { text: 'bench' }, 'execute', 10_000);
    if (!b.ok || b.value.status !== 'completed') throw new Error('echo submit failed');
  },
};

const dir = tempDir('tidepool-skill-profile-');
const ctl = join(dir, 'luaprof.ctl');
writeFileSync(ctl, '');
const plugins = fileURLToPath(new URL('./prosody-plugins', import.meta.url));
const prosody = await startProsody({
  dir: join(dir, 'prosody'),
  extraModules: PROFILE ? ['luaprof'] : [],
  extraGlobal: PROFILE ? `plugin_paths = { ${JSON.stringify(plugins)} }\nluaprof_ctl = ${JSON.stringify(ctl)}\n` : '',
});
const meter = installWireMeter();
const node = async (name: string, extra = {}) => {
  mkdirSync(join(dir, name));
  return makeNode(prosody.service, prosody.domain, name, extra, join(dir, name));
};
const callee = await node('callee', { rateLimit: { burst: 1e9, perSecond: 1e9 } });
const callers: AgentNode[] = [];
for (let i = 0; i < Math.max(1, Math.min(IN_FLIGHT, 8)); i++) callers.push(await node(`caller-${i}`));
const to = await startNode(callee);
await Promise.all(callers.map(startNode));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const prosodyNs = () => Number(readFileSync(`/proc/${prosody.pid}/schedstat`, 'utf8').split(' ')[0]);
const nodeUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const inspector = new Session();
inspector.connect();
await inspector.post('Profiler.enable');
await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
let command = 0;
const lua = async (verb: string, path = '') => {
  writeFileSync(ctl, `${verb} ${++command} ${path}\n`);
  await sleep(500);
};

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

function v8Top(profile: { nodes: CpuNode[]; samples: number[]; timeDeltas: number[] }, n: number): string[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') return;
    total += dt;
    const short = f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(src|tests|bench)\//, '$1/');
    const k = `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + dt);
    const fk = short.replace(/\/[^/]*$/, '/') || f.functionName;
    file.set(fk, (file.get(fk) ?? 0) + dt);
  });
  const fmt = (m: Map<string, number>, label: string, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([key, us]) => `  ${label} ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  // Inclusive: each sample counts once for every distinct function on its stack (parents from the tree).
  const parent = new Map<number, number>();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const incl = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const f0 = byId.get(id)!.callFrame.functionName;
    if (f0 === '(idle)' || f0 === '(program)') return;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!/\/(src|bench)\/|@xmpp|ltx|ws\/lib/.test(f.url)) continue;
      const short = f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(src|tests|bench)\//, '$1/');
      const k = `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  });
  return [`  V8 busy samples: ${(total / 1000).toFixed(0)} ms`, ...fmt(file, 'dir ', 12), ...fmt(self, 'self', n), ...fmt(incl, 'incl', n * 2)];
}

function luaTop(path: string, n: number): string[] {
  if (!existsSync(path)) return ['  (no Lua profile written)'];
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const total = Number(lines[0]!.split(' ')[1]);
  const pick = (kind: string, k: number) =>
    lines
      .filter((l) => l.startsWith(kind + ' '))
      .slice(0, k)
      .map((l) => {
        const [, t, ...rest] = l.split(' ');
        return `  ${kind} ${((Number(t) / total) * 100).toFixed(1).padStart(5)}%  ${rest.join(' ').replace('/usr/lib/prosody/', '')}`;
      });
  return [`  Lua sampled CPU: ${(total * 1000).toFixed(0)} ms`, ...pick('incl', n), ...pick('self', n)];
}

/** `calls` calls of `op`, IN_FLIGHT at a time spread over the callers; each call's latency into `lat`. */
async function closedLoop(op: Op, calls: number, lat: number[]): Promise<void> {
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, k) => {
      const c = callers[k % callers.length]!;
      while (done < calls) {
        done++;
        const s = performance.now();
        await op(c, to);
        lat.push(performance.now() - s);
      }
    }),
  );
}

// Without the profilers: the operations take turns in batches (rotating order), so that a shared machine's
// drift lands on all of them alike, and CPU and latency are summed per operation.
if (!PROFILE) {
  const BATCH = Number(process.env.BATCH ?? 100);
  const acc = Object.fromEntries(OPS.map((n) => [n, { calls: 0, node: 0, prosody: 0, ms: 0, lat: [] as number[] }]));
  for (const name of OPS) for (let i = 0; i < 100; i++) for (const c of callers) await ops[name]!(c, to);
  for (let round = 0; round * BATCH < CALLS; round++) {
    for (let j = 0; j < OPS.length; j++) {
      const name = OPS[(round + j) % OPS.length]!;
      const a = acc[name]!;
      const p0 = prosodyNs();
      const n0 = nodeUs();
      const t0 = performance.now();
      await closedLoop(ops[name]!, BATCH, a.lat);
      a.ms += performance.now() - t0;
      a.node += nodeUs() - n0;
      a.prosody += (prosodyNs() - p0) / 1000;
      a.calls += BATCH;
    }
  }
  const base = acc[OPS[0]!]!;
  for (const name of OPS) {
    const a = acc[name]!;
    const r = (x: number, y: number) => `${(x / y).toFixed(2)}×`;
    console.log(
      `${name.padEnd(9)} ${a.calls} calls, ${((a.calls * 1000) / a.ms).toFixed(0)}/s, p50 ${summarize(a.lat).p50.toFixed(2)} ms; CPU per call: Node ${(a.node / a.calls).toFixed(0)} µs, Prosody ${(a.prosody / a.calls).toFixed(0)} µs` +
        (a === base
          ? ''
          : `  (vs ${OPS[0]}: p50 ${r(summarize(a.lat).p50, summarize(base.lat).p50)}, Node ${r(a.node / a.calls, base.node / base.calls)}, Prosody ${r(a.prosody / a.calls, base.prosody / base.calls)}, rate ${r(a.calls / a.ms, base.calls / base.ms)})`),
    );
  }
}

for (const name of PROFILE ? OPS : []) {
  const op = ops[name]!;
  for (let i = 0; i < 100; i++) for (const c of callers) await op(c, to);
  await sleep(400); // debounced acks settle before counting
  const wire0 = { caller: { ...meter.of(callers[0]!.ownJid()!)! }, callee: { ...meter.of(to)! } };
  if (PROFILE) {
    await lua('reset');
    await inspector.post('Profiler.start');
  }
  const p0 = prosodyNs();
  const n0 = nodeUs();
  const t0 = performance.now();
  const lat: number[] = [];
  await closedLoop(op, CALLS, lat);
  const ms = performance.now() - t0;
  const nodeCpu = (nodeUs() - n0) / CALLS;
  const prosodyCpu = (prosodyNs() - p0) / 1000 / CALLS;
  let v8: string[] = [];
  if (PROFILE) {
    const { profile } = await inspector.post('Profiler.stop');
    v8 = v8Top(profile as never, TOP);
    await lua('dump', join(dir, `${name}.lua.txt`));
  }
  await sleep(400);
  const per = (d: WireCount) =>
    `sent ${(d.sent / CALLS).toFixed(0)} B (${(d.framesSent / CALLS).toFixed(2)} frames), received ${(d.received / CALLS).toFixed(0)} B`;
  const s = summarize(lat);
  console.log(
    `\n## ${name}: ${CALLS} calls, ${IN_FLIGHT} in flight, ${(ms / 1000).toFixed(2)} s (${((CALLS * 1000) / ms).toFixed(0)}/s), p50 ${s.p50.toFixed(2)} ms`,
  );
  console.log(`  CPU per call: Node ${nodeCpu.toFixed(0)} µs, Prosody ${prosodyCpu.toFixed(0)} µs`);
  if (IN_FLIGHT === 1) {
    console.log(`  caller socket per call: ${per(wireDelta(wire0.caller, meter.of(callers[0]!.ownJid()!)!))}`);
    console.log(`  callee socket per call: ${per(wireDelta(wire0.callee, meter.of(to)!))}`);
  }
  if (PROFILE) {
    console.log('  V8 (both nodes, this process):');
    console.log(v8.join('\n'));
    console.log('  Prosody:');
    console.log(luaTop(join(dir, `${name}.lua.txt`), TOP).join('\n'));
  }
}
meter.restore();
for (const c of [...callers, callee]) await c.stop();
await prosody.stop();
if (process.env.KEEP !== '1') rmSync(dir, { recursive: true, force: true });
else console.log(dir);
process.exit(0);
