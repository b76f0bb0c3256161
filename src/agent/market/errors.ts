// The market's refusals as values: on the wire a payment-required refusal is `policy-violation` with an
// application condition in the ledger namespace, so any client can tell "pay first" from "forbidden".
import xml from '@xmpp/xml';
import { stanzaError, type StanzaError, type TidepoolError } from '../../core/errors.ts';
import type { LedgerError } from '../ledger/types.ts';

import { NS_LEDGER } from '../ledger/errors.ts';
export { NS_LEDGER };

export function paymentRequired(text: string): StanzaError {
  return { ...stanzaError('policy-violation', text), app: xml('payment-required', { xmlns: NS_LEDGER }) };
}

export function isPaymentRequired(e: TidepoolError): boolean {
  return e.kind === 'stanza' && e.app?.name === 'payment-required' && e.app.attrs.xmlns === NS_LEDGER;
}

export function overBudget(message: string): LedgerError {
  return { kind: 'ledger', code: 'over-budget', condition: 'policy-violation', message };
}
