// Reactive view of the node's market for the marketplace panel and the price control on own skills:
// the catalog of priced skills of friends and of agents in the world, one purchase at a time, the
// owner's spending budget and what we sold. One per agent for the life of the page (`marketStateOf`).
import { bareOf, type AgentNode, type BudgetLimits, type CommandResponse, type Invoice, type Prepaid } from '../../agent/index.ts';
import type { Outcome } from '../outcome.ts';
import {
  budgetFromForm,
  buyErrorText,
  catalogKey,
  catalogPeers,
  invoiceRows,
  parseInputSummary,
  prepaidRows,
  priceFromForm,
  priceText,
  purchaseText,
  sortCatalog,
  valuesFromInputs,
  type BudgetForm,
  type CatalogRow,
  type InputField,
  type InvoiceRow,
  type PriceForm,
} from './market-view.ts';

/** The part of the agent the marketplace reads and drives. */
export type MarketAgent = Pick<AgentNode, 'identity' | 'market' | 'contacts' | 'world' | 'society' | 'skills'>;

export type { Outcome };

/** The purchase being prepared or made: the fields to fill, then the result or the refusal. */
export interface Buying {
  key: string;
  row: CatalogRow;
  /** undefined while the seller's description is read. */
  fields?: InputField[];
  busy: boolean;
  outcome?: Outcome;
  response?: CommandResponse;
}

/** The peer's name where we know it: roster, then world nick, then what it told us. Peer text. */
export function nameOf(node: Pick<AgentNode, 'contacts' | 'world' | 'society'>, jid: string): string | undefined {
  const b = jid.toLowerCase();
  return (
    node.contacts.list().find((c) => c.jid === b)?.name ||
    node.world.snapshot().agents.find((a) => a.jid === b)?.nick ||
    node.society.memory.get(b)?.name ||
    undefined
  );
}

export class MarketState {
  catalog = $state<CatalogRow[]>([]);
  loading = $state(false);
  /** Set once a catalog was loaded: "none" then means none, not "not asked yet". */
  loaded = $state(false);
  /** How many peers the last load asked. */
  asked = $state(0);
  buying = $state<Buying | undefined>();
  limits = $state<BudgetLimits>() as BudgetLimits;
  used = $state(0);
  budgetOutcome = $state<Outcome | undefined>();
  prepaid = $state<Prepaid[]>([]);
  invoices = $state<InvoiceRow[]>([]);
  /** Outcome of the last price change, per own skill node. */
  priceOutcome = $state<Record<string, Outcome>>({});

  /** Bumped by each catalog load and purchase, so a late answer does not land on a newer view. */
  private loadVersion = 0;
  private buyVersion = 0;

  constructor(private readonly node: MarketAgent) {
    this.refresh();
    node.market.sales.events.on('changed', () => this.refreshSales());
  }

  private self = () => bareOf(this.node.identity.jid);

  /** Budget and sales have no event for every change (time passes, spending): the panel calls this on open. */
  refresh() {
    this.limits = this.node.market.budget.limits();
    this.used = this.node.market.budget.used();
    this.refreshSales();
  }

  private refreshSales() {
    this.prepaid = prepaidRows(this.node.market.sales.prepaid());
    this.invoices = invoiceRows(this.node.market.sales.invoices(), Date.now());
  }

  /** Asks friends and the agents present in our world for their priced skills. */
  async loadCatalog() {
    const version = ++this.loadVersion;
    const friends = this.node.contacts
      .list()
      .filter((c) => c.mutual)
      .map((c) => c.jid);
    const world = this.node.world
      .snapshot()
      .agents.filter((a) => a.present)
      .map((a) => a.jid);
    const peers = catalogPeers(friends, world, this.self());
    this.loading = true;
    try {
      const entries = await this.node.market.catalog(peers);
      if (version !== this.loadVersion) return;
      this.catalog = sortCatalog(entries.map((e) => ({ ...e, seller: nameOf(this.node, e.jid) })));
      this.asked = peers.length;
      this.loaded = true;
    } finally {
      if (version === this.loadVersion) this.loading = false;
    }
  }

  /** Opens the purchase of a row: reads the seller's current description for the fields to fill. */
  async open(row: CatalogRow) {
    const version = ++this.buyVersion;
    const key = catalogKey(row);
    this.buying = { key, row, busy: false };
    const quoted = await this.node.market.priceOf(row.jid, row.node);
    if (version !== this.buyVersion) return;
    if (!quoted.ok) {
      this.buying = { key, row, fields: [], busy: false, outcome: { ok: false, text: buyErrorText(quoted.error) } };
      return;
    }
    // The price may have changed since the catalog was read: the quote is what `buy` will pay.
    const price = quoted.value.price ?? undefined;
    this.buying = {
      key,
      row: { ...row, price: price ?? row.price },
      fields: parseInputSummary(quoted.value.info.input),
      busy: false,
      ...(!price && { outcome: { ok: true, text: 'This skill is free now.' } }),
    };
  }

  close() {
    this.buyVersion++;
    this.buying = undefined;
  }

  /** Buys the open row with what the person typed; the result or the refusal shows with it. */
  async buy(typed: Record<string, string>) {
    const b = this.buying;
    if (!b || !b.fields || b.busy) return;
    const values = valuesFromInputs(b.fields, typed);
    if (!values.ok) {
      this.buying = { ...b, outcome: { ok: false, text: values.error }, response: undefined };
      return;
    }
    const version = ++this.buyVersion;
    this.buying = { ...b, busy: true, outcome: undefined, response: undefined };
    const r = await this.node.market.buy(b.row.jid, b.row.node, values.value);
    this.used = this.node.market.budget.used();
    if (version !== this.buyVersion) return;
    this.buying = r.ok
      ? { ...b, busy: false, outcome: { ok: !r.value.unpaid, text: purchaseText(r.value) }, response: r.value.response }
      : { ...b, busy: false, outcome: { ok: false, text: buyErrorText(r.error) } };
  }

  async setBudget(form: BudgetForm): Promise<boolean> {
    const v = budgetFromForm(form);
    if (!v.ok) {
      this.budgetOutcome = { ok: false, text: v.error };
      return false;
    }
    const r = await this.node.market.budget.setLimits(v.value);
    this.refresh();
    this.budgetOutcome = r.ok ? { ok: true, text: 'Saved' } : { ok: false, text: r.error.message };
    return r.ok;
  }

  /** Sets the price of one of our own skills (configure); the outcome shows by the skill. */
  async setPrice(skill: string, form: PriceForm): Promise<boolean> {
    const v = priceFromForm(form);
    const r = v.ok ? await this.node.skills.configure(skill, { price: v.value }) : undefined;
    const outcome: Outcome = !v.ok
      ? { ok: false, text: v.error }
      : r!.ok
        ? { ok: true, text: `Saved: ${priceText(v.value)}` }
        : { ok: false, text: r!.error.message };
    this.priceOutcome = { ...this.priceOutcome, [skill]: outcome };
    return outcome.ok;
  }
}

const states = new WeakMap<MarketAgent, MarketState>();

/** The market view of `node`, made on first use and kept for the life of the page. */
export function marketStateOf(node: MarketAgent): MarketState {
  let s = states.get(node);
  if (!s) states.set(node, (s = new MarketState(node)));
  return s;
}
