// The runner's passphrase prompt on a real terminal: util-linux's `script` gives the child a pty, as a
// person's terminal would. What is typed is never echoed (raw mode), Backspace edits, Enter ends it, and
// Ctrl-C gives up without a passphrase; without a terminal nothing is asked at all.
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';

const PROMPT = 'Passphrase for the archive: ';
const ASK = `import('./src/node/passphrase.ts').then(async (m) => { const p = await m.askPassphrase(undefined, ${JSON.stringify(PROMPT)}); console.log('RESULT=' + JSON.stringify(p ?? null)); })`;

/** Runs the prompt on a pty, types `keys` once the prompt shows, and returns all the terminal showed. */
function onTerminal(keys: string): Promise<string> {
  const child = spawn('script', ['-q', '-e', '-c', `${process.execPath} --import tsx -e ${JSON.stringify(ASK)}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let shown = '';
  let typed = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no result within 20 s; the terminal showed: ${JSON.stringify(shown)}`));
    }, 20_000);
    child.stdout.on('data', (d: Buffer) => {
      shown += d.toString('utf8');
      // Typed only once the prompt is up: the terminal is in raw mode from then on.
      if (!typed && shown.includes(PROMPT)) {
        typed = true;
        child.stdin.write(keys);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(shown);
    });
  });
}

const result = (shown: string) => JSON.parse(/RESULT=(.*)/.exec(shown)?.[1]?.trim() ?? 'undefined') as string | null;

describe('passphrase prompt on a terminal', () => {
  test('typed without echo; Backspace edits; Enter ends', async () => {
    const shown = await onTerminal('reef tide 4x\u007f2\r');
    expect(shown).toContain(PROMPT);
    expect(result(shown)).toBe('reef tide 42');
    // The only place the passphrase appears is the test's own print of the result.
    expect(shown.split('reef tide').length - 1).toBe(1);
  }, 30_000);

  test('Ctrl-C gives up: no passphrase', async () => {
    const shown = await onTerminal('half\u0003');
    expect(result(shown)).toBeNull();
    expect(shown).not.toContain('half');
  }, 30_000);

  test('without a terminal nothing is asked', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', ASK], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    await new Promise((r) => child.on('exit', r));
    expect(result(out)).toBeNull();
    expect(err).not.toContain(PROMPT);
  }, 30_000);
});
