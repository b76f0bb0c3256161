// Moving an agent with the headless runner: `--state DIR --export-agent FILE` writes the sealed archive of
// an agent that paid and was paid over the test Prosody, and marks DIR moved (running it there again is
// refused in words); each bad file or passphrase given to `--import-agent` is refused in its own words
// with nothing written; the good one goes online as the same JID in a fresh state directory, with its
// secrets locked by the passphrase, and its counterparty's next payment is accepted on the same chain.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { openSecrets } from '../../src/store/secrets.ts';
import { createLedger } from '../../src/agent/ledger/ledger.ts';
import { receiptHash } from '../../src/agent/ledger/receipt.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';
import { runNode } from '../helpers/runner.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const PASS = 'tide pool passphrase';
const source = tempDir('tidepool-move-src-');
const file = join(tempDir('tidepool-move-file-'), 'agent.json');

const run = (args: string[], env: Record<string, string> = {}) => runNode(args, env, 30_000);

/** Every file under `dir`, as one string. */
const allText = (dir: string): string =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');

let ben: AgentNode;
let annJid: string;
let annPassword: string;

beforeAll(async () => {
  const annStore = await createFileStore(source);
  const ann = await makeNode(service, domain, `ann-mv-${stamp}`, { store: annStore });
  ben = await makeNode(service, domain, `ben-mv-${stamp}`, { store: createMemoryStore() });
  await Promise.all([startNode(ann), startNode(ben)]);
  annJid = ann.identity.jid;
  annPassword = ann.identity.password;
  for (const [n, peer] of [
    [ann, ben.identity.jid],
    [ben, annJid],
  ] as const)
    await until(
      async () => {
        const c = await n.peers.card(peer);
        return c.ok && !!c.value?.key;
      },
      10_000,
      `${peer}'s card`,
    );
  for (const [payer, to, amount] of [
    [ann, ben.identity.jid, 5],
    [ben, annJid, 2],
  ] as const) {
    const r = await payer.pay({ to, amount, memo: 'before the move', ref: 'gift' });
    if (!r.ok) throw new Error(r.error.message);
  }
  await ann.stop();
  await annStore.close();
}, 60_000);

afterAll(async () => {
  await ben?.stop();
});

describe('the runner moves an agent', () => {
  test('--export-agent writes the sealed archive, lists what it holds, and marks the state directory moved', async () => {
    const p = run(['--state', source, '--export-agent', file], { TIDEPOOL_PASSPHRASE: PASS });
    expect(await p.exit).toBe(0);
    expect(p.out()).toBe('');
    expect(p.err()).toContain(`exported ${annJid} to ${file}`);
    expect(p.err()).toMatch(/Ledger signing key/);
    expect(p.err()).toMatch(/1 ledger chain with 2 receipts/);
    const text = readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'tidepool-agent', version: 1, kdf: { name: 'PBKDF2', iterations: 600_000 } });
    expect(text).not.toContain(annPassword);
    expect(text).not.toContain(annJid);

    const again = run(['--state', source, '--name', 'ann', '--service', service, '--domain', domain]);
    expect(await again.exit).toBe(1);
    expect(again.err()).toMatch(/this agent moved to another place on .* it does not go online here any more/);
    expect(again.out()).toBe('');
  });

  test('an export from a directory that holds no agent is refused in words', async () => {
    const dir = tempDir('tidepool-move-empty-');
    const p = run(['--state', dir, '--export-agent', join(dir, 'x.json')]);
    expect(await p.exit).toBe(1);
    expect(p.err()).toMatch(/no agent in .*nothing to export/);
  });

  test('a wrong passphrase, no passphrase, a truncated file, another format, a tampered ciphertext: each its own message, nothing written', async () => {
    const text = readFileSync(file, 'utf8');
    const dir = tempDir('tidepool-move-bad-');
    const write = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return join(dir, name);
    };
    const doc = JSON.parse(text) as { ciphertext: string };
    const flipped = doc.ciphertext.slice(0, 40) + (doc.ciphertext[40] === 'A' ? 'B' : 'A') + doc.ciphertext.slice(41);
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      [file, { TIDEPOOL_PASSPHRASE: 'not the passphrase' }, /Wrong passphrase: the archive could not be opened/],
      [file, {}, /the archive is encrypted: set TIDEPOOL_PASSPHRASE/],
      [write('cut.json', text.slice(0, Math.floor(text.length / 2))), { TIDEPOOL_PASSPHRASE: PASS }, /truncated/],
      [write('ledger.json', JSON.stringify({ format: 'tidepool-ledger/1', chains: {} })), { TIDEPOOL_PASSPHRASE: PASS }, /it is a ledger export/],
      [write('tampered.json', JSON.stringify({ ...doc, ciphertext: flipped })), { TIDEPOOL_PASSPHRASE: PASS }, /altered or damaged/],
    ];
    for (const [f, env, message] of cases) {
      const state = tempDir('tidepool-move-target-');
      const p = run(['--import-agent', f, '--state', state, '--service', service, '--domain', domain], env);
      expect(await p.exit, f).toBe(1);
      expect(p.err()).toMatch(message);
      expect(p.out()).toBe('');
      const store = await createFileStore(state);
      expect(await store.getIdentity()).toBeUndefined();
      expect(await store.listSettings()).toEqual([]);
      await store.close();
    }
  });

  test('--import-agent brings the same agent online elsewhere, secrets locked; its counterparty pays it on the same chain', async () => {
    const target = tempDir('tidepool-move-dst-');
    const p = run(['--import-agent', file, '--state', target, '--service', service, '--domain', domain, '--lock-secrets'], { TIDEPOOL_PASSPHRASE: PASS });
    const full = await p.online;
    expect(full.split('/')[0]).toBe(annJid);
    expect(p.err()).toContain(`imported ${annJid} into ${target}`);
    const before = ben.ledger.chain(annJid).length;
    const paid = await ben.pay({ to: annJid, amount: 1, memo: 'after the move', ref: 'gift' });
    if (!paid.ok) throw new Error(paid.error.message);
    expect(ben.ledger.chain(annJid).length).toBe(before + 1);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);

    // At rest: the password and the ledger key are sealed; the chain on Ann's side ends where Ben's does.
    const raw = allText(target);
    expect(raw).not.toContain(annPassword);
    const files = await createFileStore(target);
    const opened = await openSecrets(files, PASS);
    if (!opened.ok) throw new Error(opened.error.message);
    const ann = await createLedger({ store: opened.value, self: () => annJid, limitFor: () => 100 });
    if (!ann.ok) throw new Error(ann.error.message);
    const benJid = ben.identity.jid;
    expect(ann.value.chain(benJid).length).toBe(before + 1);
    expect(await receiptHash(ann.value.head(benJid)!)).toBe(await receiptHash(ben.ledger.head(annJid)!));
    expect(ann.value.balance(benJid)).toBe(-ben.ledger.balance(annJid));
    expect(ann.value.publicKey()).toBe(ben.ledger.peerKey(annJid));
    await files.close();

    // Locked: without the passphrase this place refuses to run the agent, in words.
    const locked = run(['--state', target, '--name', 'ann', '--service', service, '--domain', domain]);
    expect(await locked.exit).toBe(1);
    expect(locked.err()).toMatch(/secrets are locked by a passphrase: set TIDEPOOL_PASSPHRASE/);
  });
});
