// A project-local ejabberd (Debian's 23.01): own config, Mnesia spool, logs, Erlang node name and cookie
// under one directory, run in the foreground by calling `erl` directly. ejabberdctl is not used: as root it
// switches to the system `ejabberd` user and reads /etc/ejabberd, and a system ejabberd may be running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { freePort } from './prosody.ts';
import { renderEjabberdConfig } from './ejabberd-config.ts';

export interface EjabberdOptions {
  /** Directory that holds config, spool, cookie and logs (created if missing). */
  dir: string;
  domain?: string;
  c2sPort?: number;
  httpPort?: number;
}

export interface EjabberdServer {
  domain: string;
  c2sPort: number;
  httpPort: number;
  /** RFC 7395 endpoint. */
  service: string;
  configPath: string;
  dir: string;
  pid: number | undefined;
  stop(): Promise<void>;
  /** Create an account without a client (ejabberd_ctl over Erlang distribution). */
  register(user: string, password: string): void;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Where Debian installs ejabberd and its Erlang libraries (an architecture directory such as
 * /usr/lib/x86_64-linux-gnu). Debian's ejabberdctl names it in its ERL_LIBS line; we use the same.
 */
function erlLibs(): string | undefined {
  try {
    return /^ERL_LIBS='([^']+)'/m.exec(readFileSync('/usr/sbin/ejabberdctl', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

export function ejabberdInstalled(): boolean {
  const libs = erlLibs();
  if (!libs || spawnSync('sh', ['-c', 'command -v erl'], { stdio: 'ignore' }).status !== 0) return false;
  try {
    return readdirSync(libs).some((d) => d.startsWith('ejabberd-') && existsSync(join(libs, d, 'ebin', 'ejabberd.app')));
  } catch {
    return false;
  }
}

// Stops the VM when fd 3 (a pipe from this Node process) reaches EOF: if the test runner is killed,
// aborted or crashes, the pipe closes and ejabberd goes with it instead of holding its ports.
export const WATCHDOG =
  'spawn(fun() -> P = erlang:open_port({fd,3,3}, [in, eof, binary]), ' +
  'W = fun W() -> receive {P, eof} -> init:stop(); {P, {data, _}} -> W() end end, W() end).';

export async function startEjabberd(opts: EjabberdOptions): Promise<EjabberdServer> {
  if (!ejabberdInstalled()) {
    throw new Error('ejabberd is not installed: run `apt-get install ejabberd` (as root)');
  }
  const dir = resolve(opts.dir);
  const domain = opts.domain ?? 'localhost';
  const c2sPort = opts.c2sPort ?? (await freePort());
  const httpPort = opts.httpPort ?? (await freePort());
  const distPort = await freePort();
  const spool = join(dir, 'spool');
  mkdirSync(spool, { recursive: true });
  const configPath = join(dir, 'ejabberd.yml');
  writeFileSync(configPath, renderEjabberdConfig({ domain, c2sPort, httpPort }));
  const node = nodeName(dir);
  const env = erlEnv(dir, configPath);

  // Erlang distribution without epmd (-erl_epmd_port): no system-wide daemon on 4369 is started or shared,
  // and the node listens only on 127.0.0.1:distPort, guarded by this directory's own cookie.
  const vm = spawnErl(
    ['-sname', node, ...nodeArgs(distPort, '127.0.0.1'), '-mnesia', 'dir', JSON.stringify(spool), '-eval', WATCHDOG, '-s', 'ejabberd'],
    dir,
    env,
  );

  const service = `ws://127.0.0.1:${httpPort}/xmpp-websocket`;
  try {
    await waitForXmpp(service, domain, vm.exited, () => vm.output() + readLog(dir));
  } catch (e) {
    await vm.stop();
    throw e;
  }

  const ctl: CtlTarget = { node, dir, env, distPort, host: 'localhost' };
  return {
    domain,
    c2sPort,
    httpPort,
    service,
    configPath,
    dir,
    pid: vm.child.pid,
    stop: () => vm.stop(),
    register(user, password) {
      ejabberdCtl(ctl, ['register', user, domain, password], 30_000);
    },
  };
}

/** Where a control node finds a running ejabberd node: its name, cookie (HOME=dir), environment, dist port. */
export interface CtlTarget {
  node: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  distPort: number;
  /** Host part of the control node's name: `localhost` (-sname) to reach an -sname node, an IP (-name) for -name. */
  host: 'localhost' | '127.0.0.1';
}

/**
 * Runs an ejabberd_ctl command on a running node from a hidden control VM that does not listen (what
 * ejabberdctl does, without its switch to the system user). Returns its output; throws on a non-zero exit.
 */
export function ejabberdCtl(t: CtlTarget, args: string[], timeoutMs = 60_000): string {
  return controlVm(t, ['-s', 'ejabberd_ctl', '-extra', t.node, ...args], `ejabberd_ctl ${args[0]}`, timeoutMs);
}

/** A short-lived control VM connected to `t` (same cookie, dist port and name form), running `tail`. */
export function controlVm(t: CtlTarget, tail: string[], what: string, timeoutMs = 60_000): string {
  const name = `ctl-${randomBytes(4).toString('hex')}@${t.host}`;
  const flags = [t.host === 'localhost' ? '-sname' : '-name', name, '-hidden', '-noinput', '-start_epmd', 'false', '-erl_epmd_port', String(t.distPort)];
  const r = spawnSync('erl', [...flags, '-dist_listen', 'false', ...tail], { cwd: t.dir, env: t.env, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${what} on ${t.node} failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A server VM without a shell, distributed without epmd on one loopback address (`-erl_epmd_port`: every node listens on distPort). */
export function nodeArgs(distPort: number, ip: string): string[] {
  return ['-noinput', '-start_epmd', 'false', '-erl_epmd_port', String(distPort), '-kernel', 'inet_dist_use_interface', `{${ip.replaceAll('.', ',')}}`];
}

export interface ErlVm {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** What the VM printed so far (start-up errors land here, not in the log). */
  output(): string;
  /** SIGTERM (init:stop, Mnesia closes cleanly), SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** An `erl` in the foreground with the watchdog pipe on fd 3 (see WATCHDOG). */
export function spawnErl(args: string[], dir: string, env: NodeJS.ProcessEnv): ErlVm {
  const child = spawn('erl', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => output, stop: () => stopChild(child, exited) };
}

/** Stable per directory, so a restart on the same spool finds its Mnesia schema (it records the node). */
function nodeName(dir: string): string {
  return `tidepool-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}@localhost`;
}

export function erlEnv(dir: string, configPath: string): NodeJS.ProcessEnv {
  // HOME is where Erlang reads .erlang.cookie; a private one keeps us off any system node's cookie.
  const cookie = join(dir, '.erlang.cookie');
  if (!existsSync(cookie)) writeFileSync(cookie, randomBytes(24).toString('hex'), { mode: 0o400 });
  return {
    ...process.env,
    HOME: dir,
    ERL_LIBS: erlLibs(),
    EJABBERD_CONFIG_PATH: configPath,
    EJABBERD_LOG_PATH: join(dir, 'ejabberd.log'),
    ERL_CRASH_DUMP_BYTES: '0',
  };
}

export function readLog(dir: string): string {
  const f = join(dir, 'error.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

/** Ready means: the WebSocket endpoint opens a stream and offers SASL and in-band registration. */
export async function waitForXmpp(service: string, domain: string, exited: Promise<number | null>, diag: () => string) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let dead = false;
  void exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`ejabberd exited during start-up:\n${diag()}`);
    if (await probe(service, domain)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ejabberd did not answer on ${service} within ${START_TIMEOUT_MS / 1000} s:\n${diag()}`);
}

function probe(service: string, domain: string): Promise<boolean> {
  return new Promise((done) => {
    let text = '';
    const ws = new WebSocket(service, 'xmpp');
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      done(ok);
    };
    const timer = setTimeout(() => finish(false), 2000);
    ws.on('error', () => finish(false));
    ws.on('open', () => ws.send(`<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${domain}" version="1.0"/>`));
    ws.on('message', (data) => {
      text += data.toString();
      if (text.includes('urn:ietf:params:xml:ns:xmpp-sasl') && text.includes('http://jabber.org/features/iq-register')) finish(true);
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM'); // the BEAM runs init:stop() on SIGTERM: Mnesia is closed cleanly
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
