// A raw XEP-0114 external component: one TCP connection to the test Prosody that owns a whole domain and
// may send from any JID of it. That is how a real hostile server looks to an agent (thousands of real,
// server-stamped senders), at a fraction of the cost of registering thousands of accounts.
import { connect, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';

// The typings in vendor.d.ts leave the stream parser out; it is there at runtime (as in tests/helpers/xml.ts).
type StreamParser = { on(event: string, fn: (el: Element) => void): void; write(s: string): void };

export interface Component {
  domain: string;
  /** Raw XML, written as is (several stanzas may go in one write). */
  write(text: string): Promise<void>;
  /** Stanzas the server routed to the component, in order. */
  readonly received: Element[];
  close(): void;
}

export async function connectComponent(o: { port: number; domain: string; secret: string }): Promise<Component> {
  const socket: Socket = connect(o.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const { Parser } = xml as unknown as { Parser: new () => StreamParser };
  const parser = new Parser();
  const received: Element[] = [];
  let streamId: string | undefined;
  let handshake: (() => void) | undefined;
  parser.on('start', (el: Element) => (streamId = el.attrs.id));
  parser.on('element', (el: Element) => {
    if (el.name === 'handshake') handshake?.();
    else received.push(el);
  });
  socket.on('data', (d) => parser.write(d.toString('utf8')));
  socket.write(`<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='${o.domain}'>`);
  const deadline = Date.now() + 5000;
  while (!streamId && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (!streamId) throw new Error(`component ${o.domain}: no stream header from the server`);
  const done = new Promise<void>((resolve) => (handshake = resolve));
  socket.write(
    `<handshake>${createHash('sha1')
      .update(streamId + o.secret)
      .digest('hex')}</handshake>`,
  );
  await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`component ${o.domain}: handshake refused`)), 5000))]);
  return {
    domain: o.domain,
    received,
    // Waits for the kernel to take the bytes, so a flood is paced by the server reading it.
    write: (text) => new Promise<void>((resolve, reject) => socket.write(text, (e) => (e ? reject(e) : resolve()))),
    close: () => socket.destroy(),
  };
}
