// Ledger refusals: each code has one XMPP condition on the wire, plus an application condition element
// <CODE xmlns='urn:xmpp:tidepool:ledger:0'/> so a program can tell, say, a replay from a tampered receipt.
import type { StanzaCondition } from '../../core/errors.ts';
import type { LedgerError, LedgerErrorCode } from './types.ts';

export const NS_LEDGER = 'urn:xmpp:tidepool:ledger:0';

export const LEDGER_CONDITIONS: Record<LedgerErrorCode, StanzaCondition> = {
  malformed: 'bad-request',
  'wrong-party': 'forbidden',
  'key-mismatch': 'not-acceptable',
  'bad-signature': 'not-acceptable',
  replay: 'conflict',
  'out-of-order': 'unexpected-request',
  tampered: 'conflict',
  'bad-amount': 'bad-request',
  'over-limit': 'policy-violation',
  'over-budget': 'policy-violation',
  // The payee is settling a payment of its own to the payer: try again shortly.
  busy: 'resource-constraint',
  refused: 'not-allowed',
  storage: 'internal-server-error',
};

export const LEDGER_CODES = Object.keys(LEDGER_CONDITIONS) as LedgerErrorCode[];

export const isLedgerCode = (s: string): s is LedgerErrorCode => Object.prototype.hasOwnProperty.call(LEDGER_CONDITIONS, s);

export function ledgerError(code: LedgerErrorCode, message: string): LedgerError {
  return { kind: 'ledger', code, condition: LEDGER_CONDITIONS[code], message };
}
