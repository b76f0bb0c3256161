// A project-local ejabberd cluster: N ejabberd 23.01 nodes (Erlang distribution, Mnesia replication) serving
// one domain, each with its own config, spool, logs and listener ports under one directory, joined with
// `join_cluster` the way `ejabberdctl join_cluster` does. Used by the cluster test and the scale bench.
//
// Without epmd: node i is `…-i@127.0.0.i`, listening for distribution only on 127.0.0.i, and every node
// and control VM gets the same `-erl_epmd_port P`. With that flag OTP assumes every node listens on P,
// which works because each node has its own address (all of 127.0.0.0/8 is on `lo` on Linux); two nodes on
// one IP would need an epmd. So no daemon on 4369 is started, shared with other runs, or left behind.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { renderEjabberdConfig } from './ejabberd-config.ts';
import {
  controlVm,
  ejabberdCtl,
  ejabberdInstalled,
  erlEnv,
  nodeArgs,
  readLog,
  spawnErl,
  waitForXmpp,
  WATCHDOG,
  type CtlTarget,
  type ErlVm,
} from './ejabberd.ts';
import { freePort } from './prosody.ts';

export interface EjabberdClusterOptions {
  /** Directory that holds one subdirectory per node (created if missing). */
  dir: string;
  domain?: string;
  /** Cluster members (2 by default); each needs its own loopback address, 127.0.0.1 … 127.0.0.N. */
  size?: number;
}

export interface EjabberdClusterNode {
  /** Erlang node name, e.g. `tidepool-…-2@127.0.0.2`. */
  name: string;
  c2sPort: number;
  httpPort: number;
  /** RFC 7395 endpoint of this node (clients connect on 127.0.0.1; only distribution uses 127.0.0.i). */
  service: string;
  dir: string;
  pid: number | undefined;
}

export interface EjabberdCluster {
  domain: string;
  nodes: EjabberdClusterNode[];
  /** Create an account without a client, on any member (Mnesia replicates it to all). */
  register(user: string, password: string): void;
  /** An ejabberd_ctl command on member `i` (0-based), e.g. `list_cluster` or `connected_users_info`. */
  ctl(i: number, args: string[]): string;
  /**
   * Which member holds each session (`user@domain/resource` → node name), asked over distribution: a
   * session's c2s process lives on the node whose listener accepted the client, so this says where a
   * client really is (the session table itself is replicated, so every member lists every session).
   */
  sessionNodes(): Map<string, string>;
  stop(): Promise<void>;
}

const MAX_SIZE = 8;

export async function startEjabberdCluster(opts: EjabberdClusterOptions): Promise<EjabberdCluster> {
  if (!ejabberdInstalled()) throw new Error('ejabberd is not installed: run `apt-get install ejabberd` (as root)');
  const size = opts.size ?? 2;
  if (!Number.isInteger(size) || size < 2 || size > MAX_SIZE) throw new Error(`cluster size must be 2 … ${MAX_SIZE}, not ${size}`);
  const dir = resolve(opts.dir);
  const domain = opts.domain ?? 'localhost';
  const ips = Array.from({ length: size }, (_, i) => `127.0.0.${i + 1}`);
  const distPort = await portFreeOn(ips);
  // One cookie for all members (and their control VMs); each directory holds a copy, read through HOME.
  const cookie = randomBytes(24).toString('hex');
  const tag = createHash('sha256').update(dir).digest('hex').slice(0, 8);

  const vms: ErlVm[] = [];
  const stopAll = async () => void (await Promise.all(vms.map((vm) => vm.stop())));
  try {
    const members = await Promise.all(
      ips.map(async (ip, i) => {
        const nodeDir = join(dir, `node${i + 1}`);
        const spool = join(nodeDir, 'spool');
        mkdirSync(spool, { recursive: true });
        writeFileSync(join(nodeDir, '.erlang.cookie'), cookie, { mode: 0o400 });
        const c2sPort = await freePort();
        const httpPort = await freePort();
        const configPath = join(nodeDir, 'ejabberd.yml');
        // The same hosts and modules on every member; only the listener ports differ.
        writeFileSync(configPath, renderEjabberdConfig({ domain, c2sPort, httpPort }));
        const env = erlEnv(nodeDir, configPath);
        const name = `tidepool-${tag}-${i + 1}@${ip}`;
        const vm = spawnErl(
          ['-name', name, ...nodeArgs(distPort, ip), '-mnesia', 'dir', JSON.stringify(spool), '-eval', WATCHDOG, '-s', 'ejabberd'],
          nodeDir,
          env,
        );
        vms.push(vm);
        const service = `ws://127.0.0.1:${httpPort}/xmpp-websocket`;
        const ctl: CtlTarget = { node: name, dir: nodeDir, env, distPort, host: '127.0.0.1' };
        return { vm, ctl, node: { name, c2sPort, httpPort, service, dir: nodeDir, pid: vm.child.pid } satisfies EjabberdClusterNode };
      }),
    );
    const ready = (m: (typeof members)[number]) => waitForXmpp(m.node.service, domain, m.vm.exited, () => m.vm.output() + readLog(m.node.dir));
    // All members must run their own ejabberd first: join_cluster runs inside the joining node, copies the
    // first node's tables and wipes its own, so it comes before any account, room or client.
    await Promise.all(members.map(ready));
    for (const m of members.slice(1)) {
      ejabberdCtl(m.ctl, ['join_cluster', members[0]!.node.name]);
      // It returns after restarting ejabberd on the joining node; this only confirms the listeners are back.
      await ready(m);
    }
    const listed = ejabberdCtl(members[0]!.ctl, ['list_cluster']);
    for (const m of members) if (!listed.includes(m.node.name)) throw new Error(`${m.node.name} is not in the cluster after join_cluster: ${listed}`);
    return {
      domain,
      nodes: members.map((m) => m.node),
      register(user, password) {
        ejabberdCtl(members[0]!.ctl, ['register', user, domain, password]);
      },
      ctl(i, args) {
        const m = members[i];
        if (!m) throw new Error(`no cluster member ${i}`);
        return ejabberdCtl(m.ctl, args);
      },
      sessionNodes() {
        const n = `'${members[0]!.node.name}'`;
        const expr =
          `[io:format("~s@~s/~s ~s~n", [U, S, R, node(rpc:call(${n}, ejabberd_sm, get_session_pid, [U, S, R]))]) ` +
          `|| {U, S, R} <- rpc:call(${n}, ejabberd_sm, dirty_get_sessions_list, [])].`;
        const out = controlVm(members[0]!.ctl, ['-eval', expr, '-s', 'init', 'stop'], 'session list');
        return new Map(out.split('\n').flatMap((l) => (/^(\S+) (\S+)$/.test(l) ? [l.split(' ') as [string, string]] : [])));
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** A TCP port free on every one of these addresses (the distribution port: each member binds it on its own). */
async function portFreeOn(ips: string[], tries = 20): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const port = await freePort();
    if ((await Promise.all(ips.slice(1).map((ip) => canListen(ip, port)))).every(Boolean)) return port;
  }
  throw new Error(`no port free on all of ${ips.join(', ')} after ${tries} tries`);
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, host, () => srv.close(() => done(true)));
  });
}
