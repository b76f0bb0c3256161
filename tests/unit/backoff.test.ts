// Reconnect delays: immediate first retry, then capped exponential growth with full jitter above minMs.
import { describe, expect, test } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/xmpp/connection/backoff.ts';

const opts = { minMs: 100, maxMs: 5000 };
const top = () => 1;
const bottom = () => 0;
const half = () => 0.5;

describe('backoffDelay', () => {
  test('attempt 0 (and below) retries at once, whatever the random source', () => {
    expect(backoffDelay(0, opts, top)).toBe(0);
    expect(backoffDelay(-3, opts, top)).toBe(0);
    expect(backoffDelay(0)).toBe(0);
  });

  test('attempt 1 is exactly minMs (no room for jitter yet)', () => {
    expect(backoffDelay(1, opts, top)).toBe(100);
    expect(backoffDelay(1, opts, bottom)).toBe(100);
  });

  test('the ceiling doubles per attempt', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, top))).toEqual([100, 200, 400, 800, 1600]);
  });

  test('never below minMs, even with random() = 0', () => {
    for (let a = 1; a < 20; a++) expect(backoffDelay(a, opts, bottom)).toBe(100);
  });

  test('capped at maxMs', () => {
    expect(backoffDelay(7, opts, top)).toBe(5000); // 100 * 64 = 6400 > 5000
    expect(backoffDelay(50, opts, top)).toBe(5000);
    expect(backoffDelay(5000, opts, top)).toBe(5000); // 2 ** 4999 is Infinity
  });

  test('jitter is spread between minMs and the ceiling', () => {
    // attempt 3: ceiling 400, so 100 + r * 300
    expect(backoffDelay(3, opts, half)).toBe(250);
    expect(backoffDelay(3, opts, () => 0.25)).toBe(175);
    expect(backoffDelay(3, opts, () => 0.999)).toBe(400);
  });

  test('result is a whole number of milliseconds', () => {
    expect(backoffDelay(3, opts, () => 0.3333)).toBe(200);
  });

  test('with random() = 1 the delay never shrinks as attempts grow', () => {
    let prev = 0;
    for (let a = 0; a < 15; a++) {
      const d = backoffDelay(a, opts, top);
      expect(d).toBeGreaterThanOrEqual(prev);
      prev = d;
    }
    expect(prev).toBe(5000);
  });

  test('with the real random source it stays inside [minMs, ceiling]', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, opts);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(800);
    }
  });

  test('defaults: 500 ms to 30 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ minMs: 500, maxMs: 30_000 });
    expect(backoffDelay(1, undefined, top)).toBe(500);
    expect(backoffDelay(2, undefined, top)).toBe(1000);
    expect(backoffDelay(30, undefined, top)).toBe(30_000);
  });
});
