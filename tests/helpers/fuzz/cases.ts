// Case n of seed s: a category drawn by weight, then that category's generator. Pure in
// (seed, n, target) except for the XEP-0050 sessionids the runner learned from the node's replies,
// which some cases reuse. `fuzzCase(seed, n, target)` rebuilds a case alone from a report.
import { MAX_FUZZ_STANZA_BYTES } from './constants.ts';
import { caseSeed, Rand } from './rand.ts';
import { mulberry32 } from '../../../scripts/lib/prng.ts';
import { IQ_GENERATORS } from './gen-iq.ts';
import { COMMAND_GENERATORS } from './gen-commands.ts';
import { MESSAGE_GENERATORS } from './gen-messages.ts';
import { PRESENCE_AND_FLOOD_GENERATORS } from './gen-presence-floods.ts';
import { signed } from './gen-signed.ts';
import type { Ctx, FuzzCategory, FuzzStanza, FuzzState, FuzzTarget, Generator } from './types.ts';

const WEIGHTS: ReadonlyArray<readonly [number, Exclude<FuzzCategory, 'signed'>]> = [
  [10, 'iq-unknown'],
  [5, 'iq-misuse'],
  [3, 'iq-ping'],
  [8, 'iq-disco'],
  [5, 'iq-roster'],
  [14, 'iq-command'],
  [12, 'iq-command-form'],
  [4, 'iq-deep'],
  [3, 'iq-huge'],
  [3, 'iq-odd'],
  [8, 'message'],
  [2, 'message-huge'],
  [4, 'message-json'],
  [4, 'message-chatstate'],
  [6, 'presence'],
  [0.4, 'subscribe-flood'],
  [0.8, 'flood'],
];

const GENERATORS: Record<Exclude<FuzzCategory, 'signed'>, Generator> = {
  ...IQ_GENERATORS,
  ...COMMAND_GENERATORS,
  ...MESSAGE_GENERATORS,
  ...PRESENCE_AND_FLOOD_GENERATORS,
};

/** How often a case also carries a signature-looking stanza. */
const SIGNED_SHARE = 0.04;
/** Its own stream and id range: adding it left every stanza the other categories draw unchanged. */
const SIGNED_SALT = 0x5167ed;
const SIGNED_FIRST_ID = 100;

/** The stanza(s) of case `n`. Pure in (seed, n, target) except for sessionids borrowed from `state`. */
export function fuzzCase(seed: number, n: number, target: FuzzTarget, state: FuzzState = { sessions: [] }): FuzzStanza[] {
  const r = Rand.forCase(seed, n);
  const ctx: Ctx = { r, n, seed, target, state, k: 0 };
  const category = r.weighted(WEIGHTS);
  const out = GENERATORS[category](ctx);
  const rs = new Rand(mulberry32(caseSeed((seed ^ SIGNED_SALT) >>> 0, n)));
  if (rs.chance(SIGNED_SHARE)) out.push(...signed({ r: rs, n, seed, target, state, k: SIGNED_FIRST_ID }));
  for (const s of out) {
    const bytes = Buffer.byteLength(s.stanza.toString());
    if (bytes > MAX_FUZZ_STANZA_BYTES) throw new Error(`fuzz generator bug: case ${n} (${s.category}) is ${bytes} bytes`);
  }
  return out;
}
