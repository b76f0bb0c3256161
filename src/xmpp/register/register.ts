// XEP-0077 in-band registration. Two ways, the same steps: on a short-lived, unauthenticated stream of
// its own (registerAccount), or on the login stream itself, after its features and before SASL (the
// connection's `register` option: one socket for a new agent, where the server offers registration).
import xml, { type Element } from '@xmpp/xml';
import { createEntity } from '../connection/socket.ts';
import { createIqCaller } from '../iq/caller.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { NS_STREAM } from '../ns.ts';
import { errorMessage } from '../../core/errors.ts';

export const NS_REGISTER = 'jabber:iq:register';
const NS_FEATURE = 'http://jabber.org/features/iq-register';

export interface RegisterOptions {
  service: string;
  domain: string;
  username: string;
  password: string;
  timeoutMs?: number;
}

export type RegisterError = TidepoolError & { kind: 'registration' | 'timeout' | 'network' | 'offline' };

/** An open stream that is not authenticated yet: its features and a way to send IQs on it. */
export interface RegistrationStream {
  features: Element;
  domain: string;
  request(type: 'get' | 'set', payload: Element): Promise<Result<Element, TidepoolError>>;
}

/**
 * XEP-0077 §3.1: does the server offer registration here, and with the plain username/password fields an
 * agent can fill in? Asked once per stream, before any account name is chosen.
 */
export async function askToRegister(s: RegistrationStream): Promise<Result<void, TidepoolError>> {
  if (!s.features.getChild('register', NS_FEATURE)) {
    return fail({
      kind: 'registration',
      condition: 'not-allowed',
      message: `${s.domain} does not offer in-band registration (XEP-0077); create the account another way (see docs/SERVER.md)`,
    });
  }
  const form = await s.request('get', xml('query', { xmlns: NS_REGISTER }));
  if (!form.ok) return fail(asRegistration(form.error));
  const query = form.value.getChild('query', NS_REGISTER);
  if (query && !query.getChild('username') && !query.getChild('password') && query.getChild('x', 'jabber:x:data')) {
    return fail({
      kind: 'registration',
      condition: 'not-acceptable',
      message: `${s.domain} requires a registration form (e.g. a CAPTCHA) that an agent cannot fill in`,
    });
  }
  return ok(undefined);
}

/** The registration itself; `conflict` (the name is taken) comes back as a registration error to retry on. */
export async function submitRegistration(s: RegistrationStream, username: string, password: string): Promise<Result<{ jid: string }, TidepoolError>> {
  const set = await s.request('set', xml('query', { xmlns: NS_REGISTER }, xml('username', {}, username), xml('password', {}, password)));
  if (!set.ok) return fail(asRegistration(set.error));
  return ok({ jid: `${username}@${s.domain}` });
}

export async function registerAccount(o: RegisterOptions): Promise<Result<{ jid: string }, TidepoolError>> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  let entity;
  try {
    entity = createEntity(o.service, o.domain, timeoutMs);
  } catch (e) {
    return fail({ kind: 'network', message: errorMessage(e) });
  }
  const caller = createIqCaller({ send: (el) => entity.send(el), ownJid: () => undefined, domain: o.domain, defaultTimeoutMs: timeoutMs });
  const features = new Promise<Element>((resolve) => {
    entity.on('element', (el: Element) => {
      if (el.is('features', NS_STREAM)) resolve(el);
      else if (el.name === 'iq') caller.handleReply(el);
    });
  });
  entity.on('error', () => {});
  try {
    await entity.connect(o.service);
    await entity.open({ domain: o.domain });
    const feat = await Promise.race([features, sleep(timeoutMs).then(() => undefined)]);
    if (!feat) return fail({ kind: 'timeout', ms: timeoutMs, message: 'no stream features from the server' });
    const stream: RegistrationStream = { features: feat, domain: o.domain, request: (type, payload) => caller.request(type, payload) };
    const allowed = await askToRegister(stream);
    if (!allowed.ok) return allowed;
    return await submitRegistration(stream, o.username, o.password);
  } catch (e) {
    return fail({ kind: 'network', message: `cannot reach ${o.service}: ${errorMessage(e)}` });
  } finally {
    await entity.stop().catch(() => {});
  }
}

function asRegistration(e: TidepoolError): TidepoolError {
  if (e.kind !== 'stanza') return e;
  const why: Record<string, string> = {
    conflict: 'that name is already taken',
    'not-acceptable': 'the server refused the username or password',
    'not-allowed': 'the server does not allow registration from here',
    'resource-constraint': 'the server is throttling registrations; try again later',
    // Prosody's mod_register_limits answers throttling with policy-violation.
    'policy-violation': 'the server refused the registration by policy (too many from this address?); try again later',
  };
  return { kind: 'registration', condition: e.condition, message: why[e.condition] ?? `registration failed: ${e.message}` };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
