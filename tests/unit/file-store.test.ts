// The Node file store (and, for the shared contract, the memory store).
import { afterAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileStore } from '../../src/store/file-store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { AgentStore, ChatRecord, Identity } from '../../src/store/types.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tidepool-store-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const identity: Identity = {
  id: 'agent-1',
  jid: 'scout@localhost',
  password: 'hunter2hunter2',
  service: 'ws://127.0.0.1:5280/xmpp-websocket',
  domain: 'localhost',
  registered: true,
  name: 'Scout',
  persona: 'curious',
  createdAt: 1_700_000_000_000,
};

const msg = (id: string, at: number, extra: Partial<ChatRecord> = {}): ChatRecord => ({
  id,
  peer: 'bob@localhost',
  direction: 'out',
  body: `body ${id}`,
  at,
  ...extra,
});

// The behaviour every AgentStore promises, run against both implementations.
const implementations: Array<[string, () => Promise<AgentStore>]> = [
  ['file', () => createFileStore(tempDir())],
  ['memory', async () => createMemoryStore()],
];

describe.each(implementations)('%s store contract', (kind, make) => {
  test('kind', async () => {
    expect((await make()).kind).toBe(kind);
  });

  test('identity: absent, then round trip', async () => {
    const s = await make();
    expect(await s.getIdentity()).toBeUndefined();
    await s.putIdentity(identity);
    expect(await s.getIdentity()).toEqual(identity);
    await s.putIdentity({ ...identity, registered: false, name: 'Other' });
    expect(await s.getIdentity()).toMatchObject({ registered: false, name: 'Other' });
  });

  test('contacts: put, replace by jid, delete', async () => {
    const s = await make();
    expect(await s.listContacts()).toEqual([]);
    await s.putContact({ jid: 'a@x', addedAt: 1 });
    await s.putContact({ jid: 'b@x', name: 'Bee', addedAt: 2 });
    await s.putContact({ jid: 'a@x', name: 'Ay', addedAt: 3 });
    const list = (await s.listContacts()).sort((p, q) => p.jid.localeCompare(q.jid));
    expect(list).toEqual([
      { jid: 'a@x', name: 'Ay', addedAt: 3 },
      { jid: 'b@x', name: 'Bee', addedAt: 2 },
    ]);
    await s.deleteContact('a@x');
    expect(await s.listContacts()).toEqual([{ jid: 'b@x', name: 'Bee', addedAt: 2 }]);
    await s.deleteContact('nobody@x');
    expect(await s.listContacts()).toHaveLength(1);
  });

  test('messages: oldest first by time, per peer, limit keeps the newest', async () => {
    const s = await make();
    await s.putMessage(msg('m3', 30));
    await s.putMessage(msg('m1', 10));
    await s.putMessage(msg('m2', 20));
    await s.putMessage(msg('other', 15, { peer: 'carol@localhost' }));
    expect((await s.messages('bob@localhost')).map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect((await s.messages('bob@localhost', 2)).map((m) => m.id)).toEqual(['m2', 'm3']);
    expect((await s.messages('carol@localhost')).map((m) => m.id)).toEqual(['other']);
    expect(await s.messages('nobody@localhost')).toEqual([]);
  });

  test('messages: the default limit is 200', async () => {
    const s = await make();
    for (let i = 0; i < 205; i++) await s.putMessage(msg(`m${i}`, i));
    const got = await s.messages('bob@localhost');
    expect(got).toHaveLength(200);
    expect(got[0]!.id).toBe('m5');
    expect(got.at(-1)!.id).toBe('m204');
  });

  test('a message with the same id replaces the earlier one (status update)', async () => {
    const s = await make();
    await s.putMessage(msg('m1', 10, { status: 'queued' }));
    await s.putMessage(msg('m2', 20, { status: 'queued' }));
    await s.putMessage(msg('m1', 10, { status: 'failed', error: 'recipient-unavailable' }));
    const got = await s.messages('bob@localhost');
    expect(got).toHaveLength(2);
    expect(got[0]).toEqual(msg('m1', 10, { status: 'failed', error: 'recipient-unavailable' }));
    expect(got[1]!.status).toBe('queued');
  });

  test('queuedMessages: only queued, across peers, oldest first', async () => {
    const s = await make();
    await s.putMessage(msg('q2', 20, { status: 'queued' }));
    await s.putMessage(msg('sent', 5, { status: 'sent' }));
    await s.putMessage(msg('in', 6, { direction: 'in' }));
    await s.putMessage(msg('q1', 10, { status: 'queued', peer: 'carol@localhost' }));
    await s.putMessage(msg('q3', 30, { status: 'queued' }));
    expect((await s.queuedMessages()).map((m) => m.id)).toEqual(['q1', 'q2', 'q3']);
    await s.putMessage(msg('q2', 20, { status: 'sent' }));
    expect((await s.queuedMessages()).map((m) => m.id)).toEqual(['q1', 'q3']);
  });

  test('close resolves', async () => {
    const s = await make();
    await expect(s.close()).resolves.toBeUndefined();
  });
});

describe('memory store specifics', () => {
  test('stored records are copies, not the caller’s objects', async () => {
    const s = createMemoryStore();
    const i = { ...identity };
    await s.putIdentity(i);
    i.name = 'mutated';
    expect((await s.getIdentity())!.name).toBe('Scout');
    const got = (await s.getIdentity())!;
    got.name = 'mutated again';
    expect((await s.getIdentity())!.name).toBe('Scout');
  });

  test('two memory stores share nothing', async () => {
    const a = createMemoryStore();
    const b = createMemoryStore();
    await a.putIdentity(identity);
    await a.putMessage(msg('m1', 1));
    expect(await b.getIdentity()).toBeUndefined();
    expect(await b.messages('bob@localhost')).toEqual([]);
  });
});

describe('file store: persistence', () => {
  test('identity survives a new store on the same directory', async () => {
    const dir = tempDir();
    const a = await createFileStore(dir);
    await a.putIdentity(identity);
    await a.close();
    const b = await createFileStore(dir);
    expect(await b.getIdentity()).toEqual(identity);
  });

  test('contacts put and delete persist', async () => {
    const dir = tempDir();
    const a = await createFileStore(dir);
    await a.putContact({ jid: 'a@x', addedAt: 1 });
    await a.putContact({ jid: 'b@x', name: 'Bee', addedAt: 2 });
    await a.deleteContact('a@x');
    await a.close();
    const b = await createFileStore(dir);
    expect(await b.listContacts()).toEqual([{ jid: 'b@x', name: 'Bee', addedAt: 2 }]);
  });

  test('messages and status updates persist', async () => {
    const dir = tempDir();
    const a = await createFileStore(dir);
    await a.putMessage(msg('m1', 10, { status: 'queued' }));
    await a.putMessage(msg('m2', 20, { status: 'queued' }));
    await a.putMessage(msg('m1', 10, { status: 'sent' }));
    await a.close();
    const b = await createFileStore(dir);
    expect((await b.messages('bob@localhost')).map((m) => [m.id, m.status])).toEqual([
      ['m1', 'sent'],
      ['m2', 'queued'],
    ]);
    expect((await b.queuedMessages()).map((m) => m.id)).toEqual(['m2']);
  });

  test('concurrent writes are serialised: the last put wins', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir);
    await Promise.all([1, 2, 3, 4, 5].map((n) => s.putIdentity({ ...identity, name: `v${n}` })));
    await Promise.all(['a', 'b', 'c', 'd'].map((j, n) => s.putContact({ jid: `${j}@x`, addedAt: n })));
    expect((await s.getIdentity())!.name).toBe('v5');
    const reopened = await createFileStore(dir);
    expect((await reopened.listContacts()).map((c) => c.jid).sort()).toEqual(['a@x', 'b@x', 'c@x', 'd@x']);
  });

  test('peers with awkward characters get their own file inside messages/', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir);
    const peer = '../../evil@x/res?&#';
    await s.putMessage(msg('m1', 1, { peer, status: 'queued' }));
    const files = fs.readdirSync(path.join(dir, 'messages'));
    expect(files).toHaveLength(1);
    expect(files[0]).not.toContain('/');
    expect(fs.readdirSync(dir).sort()).toEqual(['messages', 'meta.json']);
    expect((await s.messages(peer)).map((m) => m.id)).toEqual(['m1']);
    expect((await s.queuedMessages()).map((m) => m.peer)).toEqual([peer]);
  });
});

describe('file store: on-disk format and robustness', () => {
  test('a torn last line in a messages file is skipped', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir);
    await s.putMessage(msg('m1', 10));
    await s.putMessage(msg('m2', 20));
    const file = path.join(dir, 'messages', fs.readdirSync(path.join(dir, 'messages'))[0]!);
    fs.appendFileSync(file, '{"id":"m3","peer":"bob@loc');
    const again = await createFileStore(dir);
    expect((await again.messages('bob@localhost')).map((m) => m.id)).toEqual(['m1', 'm2']);
    // The next record after a torn write starts on a line of its own and is kept.
    await again.putMessage(msg('m4', 40));
    expect((await again.messages('bob@localhost')).map((m) => m.id)).toEqual(['m1', 'm2', 'm4']);
  });

  test('messages are stored as one JSON object per line', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir);
    await s.putMessage(msg('m1', 10));
    await s.putMessage(msg('m2', 20, { body: 'two\nlines' }));
    const file = path.join(dir, 'messages', encodeURIComponent('bob@localhost') + '.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1]!)).toEqual(msg('m2', 20, { body: 'two\nlines' }));
  });

  test('identity.json is replaced atomically: no temp files left, readable JSON, owner-only', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir);
    for (let i = 0; i < 5; i++) await s.putIdentity({ ...identity, name: `v${i}` });
    await s.putContact({ jid: 'a@x', addedAt: 1 });
    const entries = fs.readdirSync(dir);
    expect(entries.filter((e) => e.endsWith('.tmp'))).toEqual([]);
    expect(entries.sort()).toEqual(['contacts.json', 'identity.json', 'messages', 'meta.json']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'identity.json'), 'utf8')).name).toBe('v4');
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, 'identity.json')).mode & 0o777).toBe(0o600);
  });

  test('a fresh directory gets meta.json with schema 1', async () => {
    const dir = path.join(tempDir(), 'nested', 'state');
    await createFileStore(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'))).toEqual({ schema: 1 });
    expect(fs.statSync(path.join(dir, 'messages')).isDirectory()).toBe(true);
  });

  test('a meta.json with a newer schema makes createFileStore reject', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ schema: 2 }));
    await expect(createFileStore(dir)).rejects.toThrow(/newer Tidepool \(schema 2\)/);
    // and the file is left as it was
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'))).toEqual({ schema: 2 });
  });

  test('the current schema opens fine', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ schema: 1 }));
    await expect(createFileStore(dir)).resolves.toMatchObject({ kind: 'file' });
  });

  test('a corrupt identity.json is an error, not a missing identity', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir);
    fs.writeFileSync(path.join(dir, 'identity.json'), '{"id": "agent-1", "jid": ');
    await expect(s.getIdentity()).rejects.toThrow(/cannot read .*identity\.json/);
  });

  test('a corrupt contacts.json makes createFileStore reject', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'messages'));
    fs.writeFileSync(path.join(dir, 'contacts.json'), 'not json');
    await expect(createFileStore(dir)).rejects.toThrow(/cannot read .*contacts\.json/);
  });

  test('queuedMessages ignores files that are not .jsonl', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir);
    await s.putMessage(msg('q', 1, { status: 'queued' }));
    fs.writeFileSync(path.join(dir, 'messages', 'notes.txt'), JSON.stringify(msg('x', 0, { status: 'queued' })) + '\n');
    expect((await s.queuedMessages()).map((m) => m.id)).toEqual(['q']);
  });
});
