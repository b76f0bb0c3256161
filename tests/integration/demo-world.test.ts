// The world demo a person watches (`npm run demo:world`) really reaches every milestone: run it
// headless in check mode, as a separate process with its own Prosody.
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';

describe('npm run demo:world', () => {
  test('reaches all five milestones and the ledgers check out and exits cleanly', async () => {
    const child = spawn('npx', ['tsx', 'scripts/demo-world.ts', '--no-page', '--check', '--timeout=75'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const milestones = out.split('\n').filter((l) => l.startsWith('*** milestone'));
    console.log(milestones.join('\n'));
    expect(code, out.slice(-3000)).toBe(0);
    expect(milestones).toHaveLength(5);
    expect(out).toMatch(/milestone 5\/5/);
    expect(out).toMatch(/\*\*\* ledgers: \d+ pairs, \d+ receipts, both sides agree and every export verifies: yes/);
  }, 100_000);
});
