// Watches a target's connection from the moment it is online: every state it left 'online' for,
// when it was down (to line failures up with disconnects), and the problems it reported.
export interface DownTime {
  from: number;
  /** Undefined while still down. */
  until?: number;
  reason?: string;
}

export interface NodeWatch {
  /** Every status after the first 'online' (anything but 'online' is a disconnect). */
  readonly states: string[];
  readonly down: DownTime[];
  readonly problems: string[];
  /** Feed a status change (from the node's events, or from a page's status element). */
  status(state: string, reason?: string): void;
  problem(message: string): void;
  /** States other than 'online' seen so far. */
  left(): string[];
}

export function createNodeWatch(): NodeWatch {
  const states: string[] = [];
  const down: DownTime[] = [];
  const problems: string[] = [];
  return {
    states,
    down,
    problems,
    status(state, reason) {
      states.push(state);
      const open = down.at(-1);
      if (state === 'online') {
        if (open && open.until === undefined) open.until = Date.now();
      } else if (!open || open.until !== undefined) down.push({ from: Date.now(), reason: reason ?? state });
    },
    problem(message) {
      problems.push(message);
    },
    left: () => states.filter((s) => s !== 'online'),
  };
}
