// Bytes on the wire per WebSocket, for "what does one call cost each way": a counting subclass of the
// WebSocket the nodes use (the `ws` package in Node), installed on globalThis for as long as a suite needs
// it. Each socket is named by the full JID the server bound to it (read from the bind result), so a suite
// can ask for one node's traffic without the node exposing anything for it.

export interface WireCount {
  /** Payload bytes (UTF-8) of the frames this socket sent / received; WebSocket framing is left out. */
  sent: number;
  received: number;
  framesSent: number;
  framesReceived: number;
  /** XML elements (start tags) in those frames: what a server's per-stanza work grows with. */
  elementsSent: number;
  elementsReceived: number;
}

export interface WireMeter {
  /** The running totals of the socket bound to `jid` (the same object each time; copy it to keep a snapshot). */
  of(jid: string): WireCount | undefined;
  /** Puts the previous WebSocket back. */
  restore(): void;
}

type Ctor = new (url: string, protocols?: string | string[]) => WebSocket;

const BOUND = /<jid>([^<]+)<\/jid>/;
const START_TAG = /<[A-Za-z_]/g;
const elements = (text: string) => text.match(START_TAG)?.length ?? 0;

export function installWireMeter(): WireMeter {
  const g = globalThis as { WebSocket?: Ctor };
  const Base = g.WebSocket;
  if (!Base) throw new Error('installWireMeter: no WebSocket on globalThis (call installWebSocket() first)');
  const byJid = new Map<string, WireCount>();
  class Counting extends Base {
    readonly count: WireCount = { sent: 0, received: 0, framesSent: 0, framesReceived: 0, elementsSent: 0, elementsReceived: 0 };
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      let named = false;
      this.addEventListener('message', (e: MessageEvent) => {
        const text = typeof e.data === 'string' ? e.data : String(e.data);
        this.count.received += Buffer.byteLength(text);
        this.count.framesReceived++;
        this.count.elementsReceived += elements(text);
        if (named) return;
        const m = BOUND.exec(text);
        if (m) {
          named = true;
          byJid.set(m[1]!, this.count);
        }
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string') {
        this.count.sent += Buffer.byteLength(data);
        this.count.elementsSent += elements(data);
      } else this.count.sent += (data as ArrayBufferView).byteLength ?? 0;
      this.count.framesSent++;
      super.send(data);
    }
  }
  g.WebSocket = Counting as unknown as Ctor;
  return {
    of: (jid) => byJid.get(jid),
    restore: () => {
      if (g.WebSocket === (Counting as unknown as Ctor)) g.WebSocket = Base;
    },
  };
}

/** Bytes between two snapshots of one socket. */
export function wireDelta(before: WireCount, after: WireCount): WireCount {
  return {
    sent: after.sent - before.sent,
    received: after.received - before.received,
    framesSent: after.framesSent - before.framesSent,
    framesReceived: after.framesReceived - before.framesReceived,
    elementsSent: after.elementsSent - before.elementsSent,
    elementsReceived: after.elementsReceived - before.elementsReceived,
  };
}
