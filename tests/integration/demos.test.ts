// The demos a person watches (`npm run demo:society`, `npm run demo:world`) really reach every milestone:
// each runs headless in check mode, as a separate process with its own Prosody.
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';

async function runDemo(script: string) {
  const child = spawn('npx', ['tsx', script, '--no-page', '--check', '--timeout=75'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const milestones = out.split('\n').filter((l) => l.startsWith('*** milestone'));
  console.log(milestones.join('\n'));
  return { code, out, milestones };
}

describe('the demos', () => {
  test('npm run demo:society reaches all five milestones and exits cleanly', async () => {
    const r = await runDemo('scripts/demo-society.ts');
    expect(r.code, r.out.slice(-3000)).toBe(0);
    expect(r.milestones).toHaveLength(5);
    expect(r.out).toMatch(/milestone 5\/5/);
  }, 100_000);

  test('npm run demo:world reaches all five milestones, the ledgers check out, and it exits cleanly', async () => {
    const r = await runDemo('scripts/demo-world.ts');
    expect(r.code, r.out.slice(-3000)).toBe(0);
    expect(r.milestones).toHaveLength(5);
    expect(r.out).toMatch(/\*\*\* ledgers: \d+ pairs, \d+ receipts, both sides agree and every export verifies: yes/);
  }, 100_000);
});
