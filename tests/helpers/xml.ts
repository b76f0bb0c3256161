// Test helpers: XML text to an element (with xmpp.js's own parser), and unwrapping Results.
import xml, { type Element } from '@xmpp/xml';
import type { Result } from '../../src/core/result.ts';

// The typings in vendor.d.ts leave the stream parser out; it is there at runtime.
type StreamParser = { on(event: string, fn: (el: Element) => void): void; write(s: string): void; end(): void };

export function parseXml(text: string): Element {
  const { Parser } = xml as unknown as { Parser: new () => StreamParser };
  const p = new Parser();
  let root: Element | undefined;
  let error: unknown;
  p.on('start', (el) => {
    root = el;
  });
  p.on('element', (el) => {
    root?.append(el);
  });
  p.on('error', (e) => {
    error = e;
  });
  p.write(text);
  p.end();
  if (error || !root) throw new Error(`bad XML: ${String(error)}`);
  return root;
}

export function value<T, E extends { message: string }>(r: Result<T, E>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.message}`);
  return r.value;
}
