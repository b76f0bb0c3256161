// Faults, on a Prosody of this file's own (one test kills it): repeated requests run a skill once,
// broken brains answer the peer with typed errors, a store that cannot write says so and keeps its
// data, and a server killed mid-call leaves the caller with a clean answer and the skill run once.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { freePort, startProsody, type ProsodyServer } from '../../scripts/lib/prosody.ts';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { Skill } from '../../src/agent/skills/types.ts';
import { createConnection, type ConnectionStatus, type XmppConnection } from '../../src/xmpp/connection/client.ts';
import { NS_COMMANDS } from '../../src/xmpp/commands/types.ts';
import { ok, type Result } from '../../src/core/result.ts';
import type { TidepoolError } from '../../src/core/errors.ts';
import type { CommandResponse } from '../../src/xmpp/commands/types.ts';
import { createOpenAiModel } from '../../src/llm/openai.ts';
import { nodeModels } from '../../src/node/models.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { tinyGgufBytes } from '../../scripts/make-tiny-gguf.ts';
import { makeNode, startNode, tempDir, until, waitFor, within } from '../helpers/nodes.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backoff = { minMs: 100, maxMs: 500 };
const dir = tempDir('tidepool-faults-');
let ports: { httpPort: number; c2sPort: number };
let server: ProsodyServer;
let caller: AgentNode;
let worker: AgentNode;
const cleanups: Array<() => unknown> = [];

/** A skill that counts its runs and takes `ms`, or until `gate` opens when one is given. */
function countingSkill(node: string, opts: { ms?: number; gate?: () => Promise<void> } = {}) {
  const runs: string[] = [];
  const skill: Skill = {
    node,
    name: `Count ${node}`,
    description: 'Counts how often it ran (a stand-in for a skill with side effects).',
    defaultAccess: { kind: 'public' },
    stages: [],
    async run(_input, ctx) {
      runs.push(ctx.from);
      const n = runs.length;
      await (opts.gate ? opts.gate() : sleep(opts.ms ?? 1000));
      return ok({ json: { run: n } });
    },
  };
  return { skill, runs };
}

function stanzaCondition(r: Result<unknown, TidepoolError>) {
  if (r.ok) return { kind: 'ok' };
  return r.error.kind === 'stanza'
    ? { kind: 'stanza', condition: r.error.condition, type: r.error.type, text: r.error.text ?? '' }
    : { kind: r.error.kind, message: r.error.message };
}

beforeAll(async () => {
  ports = { httpPort: await freePort(), c2sPort: await freePort() };
  server = await startProsody({ dir, ...ports });
  caller = await makeNode(server.service, server.domain, `caller-${Date.now()}`, { backoff });
  worker = await makeNode(server.service, server.domain, `worker-${Date.now()}`, { backoff });
  await Promise.all([startNode(caller), startNode(worker)]);
}, 30_000);

afterAll(async () => {
  try {
    // One cleanup that fails or hangs must not keep the server below from being stopped.
    for (const fn of cleanups.reverse()) await within(Promise.resolve(fn()), 10_000, 'a cleanup').catch((e: unknown) => console.error(e));
    await within(Promise.all([caller?.stop(), worker?.stop()]), 10_000, 'the nodes to stop').catch((e: unknown) => console.error(e));
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 40_000);

describe('the same request delivered twice', () => {
  let raw: XmppConnection;

  beforeAll(async () => {
    // A plain connection of our own, so the test decides the stanza ids (as an XEP-0198 re-send keeps them).
    const user = `raw-${Date.now()}`;
    server.register(user, 'raw-password-123456');
    raw = createConnection({ service: server.service, domain: server.domain, username: user, password: 'raw-password-123456', backoff });
    const started = await raw.start();
    expect(started.ok).toBe(true);
    cleanups.push(() => raw.stop());
  });

  test('same id from the same full JID: the skill runs once, every copy gets the one answer', async () => {
    const counter = countingSkill('count-dup', { ms: 800 });
    worker.skills.add(counter.skill);
    const to = worker.connection.jid()!;
    const id = `dup-${Date.now()}`;
    const request = () => xml('iq', { type: 'set', id, to }, xml('command', { xmlns: NS_COMMANDS, node: 'count-dup', action: 'execute' }));
    const replies: Element[] = [];
    const off = raw.events.on('stanza', (s) => s.name === 'iq' && s.attrs.id === id && replies.push(s));
    // The second copy arrives while the first is still running.
    expect((await raw.send(request())).ok).toBe(true);
    expect((await raw.send(request())).ok).toBe(true);
    await until(() => replies.length === 2, 15_000, 'both copies answered');
    expect(counter.runs).toEqual([raw.jid()]);
    for (const r of replies) {
      expect(r.attrs).toMatchObject({ type: 'result', id, from: to });
      expect(r.getChild('command', NS_COMMANDS)?.attrs.status).toBe('completed');
    }
    expect(replies[1]!.getChild('command', NS_COMMANDS)!.toString()).toBe(replies[0]!.getChild('command', NS_COMMANDS)!.toString());
    // A third copy, after the answer went out: answered from memory, still one run.
    expect((await raw.send(request())).ok).toBe(true);
    await until(() => replies.length === 3, 10_000, 'the late copy answered');
    expect(replies[2]!.getChild('command', NS_COMMANDS)!.toString()).toBe(replies[0]!.getChild('command', NS_COMMANDS)!.toString());
    expect(counter.runs).toHaveLength(1);
    // A new id is a new request.
    const fresh = await caller.commands.execute(to, 'count-dup');
    expect(fresh.ok && fresh.value.json).toEqual({ run: 2 });
    off();
  });

  test("the callee's link drops mid-call and resumes (XEP-0198): the call completes, the skill ran once", async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const counter = countingSkill('count-resume', { gate: () => gate });
    worker.skills.add(counter.skill);
    const call = caller.commands.execute(worker.connection.jid()!, 'count-resume', 20_000);
    await until(() => counter.runs.length === 1, 10_000, 'the skill started');
    const resumed = waitFor<ConnectionStatus>(
      (fn) => worker.events.on('status', fn),
      (s) => s.state === 'online',
      15_000,
    );
    worker.connection.drop();
    expect(await resumed).toMatchObject({ state: 'online', resumed: true });
    open(); // the answer goes out on the resumed stream
    const r = await within(call, 20_000, 'the call');
    expect(r.ok && r.value).toMatchObject({ status: 'completed', json: { run: 1 } });
    // Whatever the server re-sent on resumption (the request, if we had not acked it) ran nothing again.
    await sleep(500);
    expect(counter.runs).toHaveLength(1);
  });
});

describe('brain failures reach the asking peer as typed errors', () => {
  let thinker: AgentNode;
  let mode: '500' | 'html' | 'shape' | 'hang' = '500';
  let api: Server;
  let apiUrl: string;
  let notHttp: TcpServer;
  let notHttpUrl: string;

  beforeAll(async () => {
    // A real HTTP server behaving badly, one way per test: the brain's remote API.
    api = createHttpServer((req, res) => {
      if (req.url?.endsWith('/models'))
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'broken' }] }));
      if (mode === '500')
        return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'CUDA error: out of memory' } }));
      if (mode === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      if (mode === 'shape')
        return void res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"text":"hello"}\n\ndata: {"output":[1,2]}\n\ndata: [DONE]\n\n');
      // 'hang': take the request and never answer.
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}/v1`;
    // Something that answers, but not in HTTP.
    notHttp = createTcpServer((sock) => sock.end('SSH-2.0-OpenSSH_9.2\r\nProtocol mismatch.\r\n'));
    await new Promise<void>((r) => notHttp.listen(0, '127.0.0.1', r));
    notHttpUrl = `http://127.0.0.1:${(notHttp.address() as { port: number }).port}/v1`;
    const sockets = new Set<{ destroy(): void }>();
    for (const srv of [api, notHttp]) srv.on('connection', (s) => sockets.add(s));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy(); // the hanging request's socket too
      await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => notHttp.close(r))]);
    });

    thinker = await makeNode(server.service, server.domain, `thinker-${Date.now()}`, {
      backoff,
      // The API's timeout is short here so that "hangs past the timeout" is quick to test.
      models: { ...nodeModels, openai: (cfg) => createOpenAiModel({ ...cfg.openai!, timeoutMs: 1500 }) },
    });
    await startNode(thinker);
    cleanups.push(() => thinker.stop());
    expect((await thinker.skills.configure('ask', { access: { kind: 'public' } })).ok).toBe(true);
    await thinker.brain.configure({ backend: 'openai', openai: { baseUrl: apiUrl, model: 'broken' }, autoReply: false });
    expect((await thinker.brain.load()).ok).toBe(true);
  });

  async function ask(): Promise<{ r: Result<CommandResponse, TidepoolError>; ms: number }> {
    const to = thinker.connection.jid()!;
    const s = await caller.commands.execute(to, 'ask');
    expect(s.ok && s.value.status).toBe('executing');
    const t0 = Date.now();
    const r = await caller.commands.submit(to, 'ask', s.ok ? s.value.sessionid! : '', { question: 'What lives in a tide pool?' }, 'complete', 20_000);
    return { r, ms: Date.now() - t0 };
  }

  async function stillAnswers() {
    const d = await caller.commands.execute(thinker.connection.jid()!, 'describe');
    expect(d.ok && d.value.status).toBe('completed');
    expect(thinker.status().state).toBe('online');
  }

  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |\.ts:\d+|Error: /);

  test("the API answers 500: service-unavailable (wait), with the API's reason", async () => {
    mode = '500';
    const { r } = await ask();
    const e = stanzaCondition(r);
    expect(e).toMatchObject({ kind: 'stanza', condition: 'service-unavailable', type: 'wait' });
    expect(e.text).toMatch(/the brain failed: the model API answered 500: CUDA error: out of memory/);
    noStack(e.text!);
    await stillAnswers();
  });

  test('the API answers garbage (HTML, wrong JSON shape, not HTTP at all): service-unavailable, never an empty "answer"', async () => {
    mode = 'html';
    const html = stanzaCondition((await ask()).r);
    expect(html).toMatchObject({ kind: 'stanza', condition: 'service-unavailable', type: 'wait' });
    expect(html.text).toMatch(/did not answer with a chat completion stream/);
    mode = 'shape';
    const shape = stanzaCondition((await ask()).r);
    expect(shape).toMatchObject({ kind: 'stanza', condition: 'service-unavailable' });
    expect(shape.text).toMatch(/did not answer with a chat completion stream/);
    await thinker.brain.configure({ ...thinker.brain.config(), openai: { baseUrl: notHttpUrl, model: 'broken' } });
    // The list of models is lenient (some servers have none); the answer is what fails.
    expect(thinker.brain.state().status).toBe('none');
    const load = await thinker.brain.load();
    expect(!load.ok && load.error).toMatchObject({ kind: 'invalid-output' });
    expect(!load.ok && load.error.message).toMatch(/did not answer in HTTP/);
    const notHttpAnswer = stanzaCondition((await ask()).r);
    expect(notHttpAnswer).toMatchObject({ kind: 'stanza', condition: 'service-unavailable', type: 'cancel' });
    expect(notHttpAnswer.text).toMatch(/could not be loaded: .*did not answer in HTTP/);
    for (const e of [html, shape, notHttpAnswer]) noStack(e.text!);
    await stillAnswers();
    await thinker.brain.configure({ ...thinker.brain.config(), openai: { baseUrl: apiUrl, model: 'broken' } });
    expect((await thinker.brain.load()).ok).toBe(true);
  });

  test('the API hangs past its timeout: remote-server-timeout (wait), well before the caller gives up', async () => {
    mode = 'hang';
    const { r, ms } = await ask();
    const e = stanzaCondition(r);
    expect(e).toMatchObject({ kind: 'stanza', condition: 'remote-server-timeout', type: 'wait' });
    expect(e.text).toMatch(/did not finish within 1500 ms|within 1500 ms/);
    expect(ms).toBeLessThan(20_000); // the peer's own request timeout did not have to fire
    noStack(e.text!);
    await stillAnswers();
  });

  test('a corrupt model file: the brain state says why, ask answers a typed error', async () => {
    const modelDir = tempDir('tidepool-badmodel-');
    cleanups.push(() => rmSync(modelDir, { recursive: true, force: true }));
    const random = join(modelDir, 'random.gguf');
    writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    // A valid magic and version, then garbage: node-llama-cpp alone would read it for minutes.
    const lying = join(modelDir, 'lying.gguf');
    writeFileSync(lying, Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.from('garbage!'.repeat(64))]));
    // A real model cut off halfway (an interrupted download): llama.cpp itself refuses it.
    const truncated = join(modelDir, 'truncated.gguf');
    const real = tinyGgufBytes();
    writeFileSync(truncated, real.subarray(0, real.length >> 1));
    for (const [path, why] of [
      [random, /not a GGUF/],
      [lying, /GGUF header is corrupt/],
      [truncated, /Failed to load model/],
    ] as const) {
      await thinker.brain.configure({ backend: 'node-llama-cpp', nodeLlamaCpp: { path }, autoReply: false });
      const r = await within(thinker.brain.load(), 20_000, `loading ${path}`);
      expect(!r.ok && r.error.kind).toBe('load-failed');
      const state = thinker.brain.state();
      expect(state.status).toBe('error');
      expect(state.status === 'error' && state.error.message).toMatch(why);
      const e = stanzaCondition((await ask()).r);
      expect(e).toMatchObject({ kind: 'stanza', condition: 'service-unavailable', type: 'cancel' });
      expect(e.text).toMatch(/the brain failed: it could not be loaded/);
      noStack(e.text!);
    }
    await stillAnswers();
  }, 40_000);
});

describe('the file store cannot write', () => {
  test('readable errors, the node keeps running, and what was saved stays intact', async () => {
    const stateDir = tempDir('tidepool-faulty-store-');
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const keeper = await makeNode(server.service, server.domain, `keeper-${Date.now()}`, { backoff }, stateDir);
    await startNode(keeper);
    cleanups.push(() => keeper.stop());
    const peer = caller.identity.jid;
    expect((await keeper.conversations.send(peer, 'before')).ok).toBe(true);
    await keeper.setProfile({ name: 'Keeper One' });
    const files = () =>
      readdirSync(stateDir, { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile())
        .map((f) => join(f.parentPath, f.name))
        .sort();
    const snapshot = new Map(files().map((f) => [f, readFileSync(f, 'utf8')]));

    // The directory is replaced by a file (unmounted disk, a cleanup gone wrong): nothing under it can
    // be written, whoever we run as (permissions would not stop root).
    renameSync(stateDir, `${stateDir}.away`);
    writeFileSync(stateDir, 'not a directory');
    try {
      await expect(keeper.conversations.send(peer, 'during')).rejects.toThrow(
        /could not save the chat history with .*: a part of the path is not a directory \(ENOTDIR\)\. What was saved before is unchanged\./,
      );
      await expect(keeper.setProfile({ name: 'Keeper Two' })).rejects.toThrow(/could not save the identity .*ENOTDIR/);
      await expect(keeper.skills.configure('echo', { enabled: false })).rejects.toThrow(/could not save the setting "skills"/);
      // Still a working agent: others' calls and messages are served.
      const d = await caller.commands.execute(keeper.connection.jid()!, 'describe');
      expect(d.ok && d.value.status).toBe('completed');
      const heard = waitFor<{ body: string }>(
        (fn) => keeper.conversations.events.on('message', fn),
        (m) => m.body === 'while broken',
      );
      expect((await caller.conversations.send(keeper.identity.jid, 'while broken')).ok).toBe(true);
      await heard;
      expect(keeper.status().state).toBe('online');
    } finally {
      rmSync(stateDir, { force: true });
      renameSync(`${stateDir}.away`, stateDir);
    }

    // Nothing half-written: every file is as it was, and no temp file was left behind.
    expect(files()).toEqual([...snapshot.keys()]);
    for (const [f, text] of snapshot) expect(readFileSync(f, 'utf8'), f).toBe(text);
    const reopened = await createFileStore(stateDir);
    expect(await reopened.getIdentity()).toMatchObject({ jid: keeper.identity.jid, name: 'Keeper One' });
    expect((await reopened.messages(peer)).map((m) => m.body)).toEqual(['before']);
    // The running store's memory agrees with the disk, and writing works again.
    expect((await keeper.conversations.send(peer, 'after')).ok).toBe(true);
    expect((await createFileStore(stateDir).then((s) => s.messages(peer))).map((m) => m.body)).toEqual(['before', 'after']);
    expect(existsSync(`${stateDir}.away`)).toBe(false);
  });
});

describe('the server is killed mid-call', () => {
  test('SIGKILL and restart: the caller gets a clean answer in time, the skill ran at most once', async () => {
    const counter = countingSkill('count-kill', { ms: 1000 });
    worker.skills.add(counter.skill);
    const to = worker.connection.jid()!;
    const requestTimeout = 15_000;
    const call = caller.commands.execute(to, 'count-kill', requestTimeout);
    await until(() => counter.runs.length === 1, 10_000, 'the skill started');
    const t0 = Date.now();
    process.kill(server.pid!, 'SIGKILL');
    await server.stop(); // waits for the process to be gone
    const r = await within(call, requestTimeout + 5000, 'the interrupted call');
    const elapsed = Date.now() - t0;
    // Either the completed result (had it slipped out before the kill) or a typed error, never a hang.
    if (r.ok) expect(r.value).toMatchObject({ status: 'completed', json: { run: 1 } });
    else expect(['offline', 'timeout', 'stanza']).toContain(r.error.kind);
    expect(elapsed).toBeLessThanOrEqual(requestTimeout + 1000);

    server = await startProsody({ dir, ...ports });
    await until(() => caller.status().state === 'online' && worker.status().state === 'online', 20_000, 'both back online');
    expect(worker.status()).toMatchObject({ resumed: false }); // the server forgot every session
    await sleep(1500); // room for anything re-sent after reconnecting to (wrongly) run it again
    expect(counter.runs).toHaveLength(1);
    // Served again after the restart: a new call is a new run.
    const again = await caller.commands.execute(to, 'count-kill', requestTimeout);
    expect(again.ok && again.value).toMatchObject({ status: 'completed', json: { run: 2 } });
  }, 60_000);
});
