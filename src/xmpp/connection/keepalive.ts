// XEP-0199 keepalive: after a quiet spell, ping the server; no answer means the link is dead
// even if the socket has not noticed (sleeping laptops, NAT timeouts).
import type { Result } from '../../core/result.ts';

export interface KeepaliveOptions {
  intervalMs: number;
  isOnline(): boolean;
  ping(): Promise<Result<unknown, unknown>>;
  onDead(): void;
}

export function startKeepalive(o: KeepaliveOptions) {
  let lastHeard = Date.now();
  let inFlight = false;
  const timer =
    o.intervalMs > 0
      ? setInterval(
          async () => {
            if (inFlight || !o.isOnline() || Date.now() - lastHeard < o.intervalMs) return;
            inFlight = true;
            const r = await o.ping();
            inFlight = false;
            if (!r.ok && o.isOnline()) {
              const e = r.error as { kind?: string };
              // A stanza error still proves the server is there; only silence means dead.
              if (e?.kind === 'timeout') o.onDead();
            }
          },
          Math.max(1000, Math.floor(o.intervalMs / 3)),
        )
      : undefined;
  (timer as { unref?: () => void } | undefined)?.unref?.();
  return {
    heard() {
      lastHeard = Date.now();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
