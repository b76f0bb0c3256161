// Secrets at rest locked by a passphrase, in a real Node state directory: once locked, no file holds the
// password, the ledger's private key, the API key or a treasure secret; the agent opens only with the
// passphrase (a missing or wrong one is refused and changes nothing); unlocking writes them back in clear.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../src/store/file-store.ts';
import { openSecrets, secretsLocked } from '../../src/store/secrets.ts';
import { loadOrCreateKey } from '../../src/agent/ledger/keys.ts';

const PASS = 'a long passphrase';
const allFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');

describe('secrets at rest', () => {
  test('locked: nothing secret on disk; opens with the passphrase only; unlocks back to clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidepool-secrets-'));
    const plain = await createFileStore(dir);
    await plain.putIdentity({
      id: 'x',
      jid: 'ann@x.test',
      password: 'pw-in-clear-123',
      service: 'ws://h/x',
      domain: 'x.test',
      registered: true,
      name: 'Ann',
      persona: '',
      createdAt: 1,
    });
    const key = await loadOrCreateKey(plain);
    if (!key.ok) throw new Error(key.error.message);
    const d = (await plain.getSetting<{ jwk: { d: string } }>('ledger:key'))!.jwk.d;
    await plain.putSetting('brain', { backend: 'openai', autoReply: false, openai: { baseUrl: 'http://h/v1', model: 'm', apiKey: 'sk-at-rest' } });
    await plain.putSetting('world', { places: {}, treasures: { t: { secret: 'buried-secret', salt: 'buried-salt' } } });
    for (const s of ['pw-in-clear-123', d, 'sk-at-rest', 'buried-secret']) expect(allFiles(dir)).toContain(s);

    const opened = await openSecrets(plain);
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.value.secrets.locked()).toBe(false);
    expect((await opened.value.secrets.enable('short')).ok).toBe(false);
    expect((await opened.value.secrets.enable(PASS)).ok).toBe(true);
    for (const s of ['pw-in-clear-123', d, 'sk-at-rest', 'buried-secret', 'buried-salt']) expect(allFiles(dir)).not.toContain(s);
    // Through the unlocked store the agent sees its secrets as before, and new writes are sealed too.
    expect((await opened.value.getIdentity())?.password).toBe('pw-in-clear-123');
    await opened.value.putSetting('brain', { backend: 'openai', autoReply: true, openai: { baseUrl: 'http://h/v1', model: 'm', apiKey: 'sk-newer' } });
    expect(allFiles(dir)).not.toContain('sk-newer');

    // A new session: the passphrase is needed, a wrong one refused; the files are unchanged by trying.
    const reopened = await createFileStore(dir);
    expect(await secretsLocked(reopened)).toBe(true);
    const before = allFiles(dir);
    expect(await openSecrets(reopened)).toMatchObject({ ok: false, error: { kind: 'locked', message: expect.stringMatching(/locked by a passphrase/) } });
    expect(await openSecrets(reopened, 'not it at all')).toMatchObject({
      ok: false,
      error: { kind: 'locked', message: expect.stringMatching(/^wrong passphrase/) },
    });
    expect(allFiles(dir)).toBe(before);
    const unlocked = await openSecrets(reopened, PASS);
    if (!unlocked.ok) throw new Error(unlocked.error.message);
    expect(await unlocked.value.getSetting('world')).toEqual({ places: {}, treasures: { t: { secret: 'buried-secret', salt: 'buried-salt' } } });
    const again = await loadOrCreateKey(unlocked.value);
    expect(again.ok && again.value.publicKey).toBe(key.value.publicKey);

    expect((await unlocked.value.secrets.disable('wrong passphrase!')).ok).toBe(false);
    expect((await unlocked.value.secrets.disable(PASS)).ok).toBe(true);
    expect(await secretsLocked(await createFileStore(dir))).toBe(false);
    for (const s of ['pw-in-clear-123', d, 'sk-newer', 'buried-secret']) expect(allFiles(dir)).toContain(s);
  });
});
