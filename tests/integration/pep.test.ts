// XEP-0163 PEP through the real server (runs on Prosody and on ejabberd): many agents' first publishes at
// once must all land, and re-publishing a fixed item id keeps one item without asking for pubsub#max_items
// (which ejabberd 23.01 refuses in publish-options).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml from '@xmpp/xml';
import { createConnection, type XmppConnection } from '../../src/xmpp/connection/client.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { createPep, NS_PUBSUB } from '../../src/xmpp/pubsub/pep.ts';
import { within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const NODE = 'urn:example:tidepool:pep-test:0';
/** Enough simultaneous first publishes that ejabberd's auto-create race shows without the retry. */
const ACCOUNTS = 16;
const run = Date.now().toString(36);
const users = Array.from({ length: ACCOUNTS }, (_, i) => `pep-${run}-${i}`);
let conns: XmppConnection[] = [];

beforeAll(async () => {
  for (const r of await Promise.all(users.map((username) => registerAccount({ service, domain, username, password: 'secret-pep' })))) {
    expect(r.ok, JSON.stringify(r)).toBe(true);
  }
  conns = users.map((username) => createConnection({ service, domain, username, password: 'secret-pep' }));
  for (const r of await Promise.all(conns.map((c) => c.start()))) expect(r.ok, JSON.stringify(r)).toBe(true);
}, 60_000);

afterAll(async () => {
  await Promise.all(conns.map((c) => c.stop()));
});

const card = (i: number) => xml('card', { xmlns: NODE }, xml('n', {}, String(i)));

describe('PEP publish', () => {
  test('first publishes from many accounts at once all succeed, and each is readable by a stranger', async () => {
    const results = await within(
      Promise.all(conns.map((c, i) => createPep({ connection: c }).publish(NODE, 'current', card(i), { accessModel: 'open' }))),
      30_000,
      'the publishes',
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // No presence subscription between these accounts: only the open access model lets them read.
    const reader = createPep({ connection: conns[0]! });
    const seen = await Promise.all(users.map((u) => reader.latest(`${u}@${domain}`, NODE)));
    expect(seen.map((r) => (r.ok ? r.value?.getChildText('n') : r.error.message))).toEqual(users.map((_, i) => String(i)));
  });

  test('re-publishing the same item id keeps exactly one item, the latest', async () => {
    const pep = createPep({ connection: conns[1]! });
    for (const i of [101, 102, 103]) expect(await pep.publish(NODE, 'current', card(i), { accessModel: 'open' })).toEqual({ ok: true, value: undefined });
    const r = await conns[2]!.iq.request('get', xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NODE })), { to: `${users[1]}@${domain}` });
    expect(r.ok).toBe(true);
    const items = r.ok ? (r.value.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item') ?? []) : [];
    expect(items.map((it) => [it.attrs.id, it.getChild('card', NODE)?.getChildText('n')])).toEqual([['current', '103']]);
  });
});
