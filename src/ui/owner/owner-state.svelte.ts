// Reactive view of the owner conversation for OwnerChat: its entries, and what the owner does in it
// (say, approve, reject). One per agent for the page's life, so the conversation survives the chat
// component being remounted.
import type { AgentNode, OwnerEntry } from '../../agent/index.ts';

type OwnerAgent = Pick<AgentNode, 'owner'>;

export class OwnerState {
  entries = $state<OwnerEntry[]>([]);
  /** A turn is being answered (the brain is writing or deciding). */
  thinking = $state(false);

  constructor(private readonly node: OwnerAgent) {
    this.entries = node.owner.entries();
    node.owner.events.on('entry', () => (this.entries = node.owner.entries()));
    node.owner.events.on('cleared', () => (this.entries = []));
  }

  async say(text: string): Promise<void> {
    this.thinking = true;
    try {
      await this.node.owner.say(text);
    } finally {
      this.thinking = false;
    }
  }

  approve = (id: number) => this.node.owner.approve(id);
  reject = (id: number) => this.node.owner.reject(id);
}

const states = new WeakMap<OwnerAgent, OwnerState>();
export function ownerStateOf(node: OwnerAgent): OwnerState {
  let s = states.get(node);
  if (!s) states.set(node, (s = new OwnerState(node)));
  return s;
}
