// The login connection: xmpp.js parts composed by hand so that we own SASL (WebCrypto SCRAM, no clear
// passwords off loopback), the IQ router and caller, reconnection with backoff, keepalive and CSI.
// Wiring order matters: middleware sees stanzas in registration order, and stream management must
// count every inbound stanza before our dispatcher consumes it.
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import middlewareFactory from '@xmpp/middleware';
import streamFeaturesFactory from '@xmpp/stream-features';
import saslFactoryPlugin from '@xmpp/sasl';
import resourceBinding from '@xmpp/resource-binding';
import streamManagementFactory from '@xmpp/stream-management';
import SaslFactory from 'saslmechanisms';
import { createEntity } from './socket.ts';
import { scramMechanism, PlainMechanism, type ScramSession } from './scram.ts';
import { chooseMechanism } from './sasl-policy.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { outgoingLimit, tooLarge } from './size-limit.ts';
import { limitInbound } from './inbound-limit.ts';
import { reconnectLoop, wakeableSleep } from './reconnect.ts';
import { createIqCaller, type IqCaller } from '../iq/caller.ts';
import { createIqRouter, type IqRouter } from '../iq/router.ts';
import { Emitter } from '../../core/emitter.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { startKeepalive } from './keepalive.ts';
import { makeXmlSafe } from '../xml-safe.ts';
import { InsecureError, RegistrationRefused, loginAttempt } from './attempt.ts';
import type { RegistrationStream } from '../register/register.ts';
import { stanzaError } from '../../core/errors.ts';
import { errorReply } from '../errors.ts';
import { NS_STREAM } from '../ns.ts';
import { errorMessage } from '../../core/errors.ts';

export { MAX_OUTGOING_BYTES, MAX_OUTGOING_BYTES_PAGE } from './size-limit.ts';

const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_CSI = 'urn:xmpp:csi:0';

export type ConnectionStatus =
  | { state: 'offline' }
  | { state: 'connecting'; attempt: number; retryInMs: number; lastError?: TidepoolError }
  | { state: 'online'; jid: string; resumed: boolean }
  | { state: 'error'; error: TidepoolError };

export interface ConnectionEvents extends Record<string, unknown> {
  status: ConnectionStatus;
  /** Every inbound message/presence, and iqs not consumed by the caller/router. */
  stanza: Element;
  /** A new session (not a resumption): presence and roster must be sent/fetched again. */
  session: { jid: string };
  /**
   * A stanza we sent that the server never acknowledged, on a stream that could not be resumed
   * (XEP-0198 §4): it may not have arrived. Emitted before the new session's 'session' event.
   */
  unacked: Element;
  /** Something went wrong that the person may want to read; the connection keeps going. */
  problem: TidepoolError;
  listenerError: { event: unknown; err: unknown };
}

export interface ConnectOptions {
  service: string;
  domain: string;
  username: string;
  password: string;
  resource?: string;
  backoff?: BackoffOptions;
  requestTimeoutMs?: number;
  /** Ping the server after this much inbound silence (XEP-0199); 0 disables. */
  keepaliveMs?: number;
  /** How long one connection attempt may take before it is abandoned. */
  attemptTimeoutMs?: number;
  /**
   * A new account: XEP-0077 registration on the login stream itself, after its features and before SASL
   * (one socket instead of two). Gives the credentials to log in with (the name may have changed after a
   * conflict). Until it has succeeded once, any failed attempt is final: start() answers with it.
   */
  register?: (stream: RegistrationStream) => Promise<Result<{ username: string; password: string }, TidepoolError>>;
  /** Resource binding waits for this: whoever owns the connection is not listening for its session yet. */
  beforeBind?: () => Promise<void>;
}

export interface XmppConnection {
  readonly status: ConnectionStatus;
  readonly events: Emitter<ConnectionEvents>;
  readonly iq: IqCaller;
  readonly router: IqRouter;
  /** Resolves at the first online, or with the fatal error (bad password, insecure server). */
  start(): Promise<Result<string, TidepoolError>>;
  stop(): Promise<void>;
  send(el: Element): Promise<Result<void, TidepoolError>>;
  /** XEP-0352: tell the server whether the person is looking at us. */
  setActive(active: boolean): void;
  /** Drop the socket now (tests, "network changed"); reconnection follows. */
  drop(): void;
  jid(): string | undefined;
}

export function createConnection(o: ConnectOptions): XmppConnection {
  const events = new Emitter<ConnectionEvents>();
  const entity = createEntity(o.service, o.domain, 5000);
  let status: ConnectionStatus = { state: 'offline' };
  let stopped = true;
  let active = true;
  let csiAvailable = false;
  let lastScram: ScramSession | undefined;
  let credentials = { username: o.username, password: o.password };
  let registering = o.register !== undefined;
  let features: Element | undefined;

  const setStatus = (s: ConnectionStatus) => {
    status = s;
    events.emit('status', s);
  };

  // 1. Stanza middleware and stream-feature negotiation.
  const mw = middlewareFactory({ entity });
  // Registered first, so it wraps the whole negotiation of each <stream:features/>: xmpp.js reports
  // 'online' as soon as the resource is bound, *before* XEP-0198 is enabled. Anything we sent in that
  // gap was counted differently by client and server, and Prosody killed the stream ("client
  // acknowledged more stanzas than sent"), losing what we had just sent. So we call the session
  // ready only once every feature (bind, then sm enable or resume) is done.
  let bound: { jid: string } | undefined;
  let resumed = false;
  mw.use(async (ctx, next) => {
    const isFeatures = ctx.stanza.is('features', NS_STREAM);
    if (isFeatures) features = ctx.stanza;
    await next();
    if (!isFeatures) return;
    if (resumed) {
      resumed = false;
      setStatus({ state: 'online', jid: entity.jid!.toString(), resumed: true });
      sendCsi();
    } else if (bound) {
      const { jid } = bound;
      bound = undefined;
      setStatus({ state: 'online', jid, resumed: false });
      sendCsi();
      events.emit('session', { jid });
    }
  });
  const streamFeatures = streamFeaturesFactory({ middleware: mw });

  // Every stanza we send goes through here, so none can carry characters XML forbids.
  const sendSafe = async (el: Element) => {
    const bound = makeXmlSafe(el);
    // A stanza over the server's size limit (Prosody: 256 KiB; in a page, see above) costs our whole session.
    if (tooLarge(el, bound)) throw new Error(`a stanza over the ${outgoingLimit}-byte limit was not sent`);
    return entity.send(el);
  };

  // 2. IQ caller/router: ours, so replies are checked against the addressee and errors are values.
  const iq = createIqCaller({
    send: sendSafe,
    ownJid: () => entity.jid?.toString(),
    domain: o.domain,
    defaultTimeoutMs: o.requestTimeoutMs ?? 15_000,
  });
  const router = createIqRouter({ onHandlerError: (err) => events.emit('problem', { kind: 'invalid', message: `IQ handler failed: ${String(err)}` }) });
  router.get('urn:xmpp:ping', 'ping', () => ok(undefined));

  // 3. SASL: strongest mechanism first; PLAIN only where sasl-policy allows it.
  const saslFactory = new SaslFactory();
  saslFactory.use(scramMechanism('SHA-256', (s) => (lastScram = s)));
  saslFactory.use(scramMechanism('SHA-1', (s) => (lastScram = s)));
  saslFactory.use(PlainMechanism);
  saslFactoryPlugin({ streamFeatures, saslFactory }, async (done, mechanisms) => {
    const choice = chooseMechanism(mechanisms, o.service);
    if (!choice.ok) throw new InsecureError(choice.reason);
    if (registering && o.register) {
      const stream: RegistrationStream = { features: features!, domain: o.domain, request: (type, payload) => iq.request(type, payload) };
      const r = await o.register(stream);
      if (!r.ok) throw new RegistrationRefused(r.error);
      credentials = r.value;
      registering = false;
    }
    lastScram = undefined;
    await done(credentials, choice.mechanism);
  });
  // The server's final SCRAM message proves it knows our password too; xmpp.js does not check it.
  entity.on('nonza', (el: Element) => {
    if (el.is('success', NS_SASL) && lastScram) {
      const text = el.text();
      if (!text || !lastScram.verifyServerFinal(atob(text))) {
        entity.emit('error', new InsecureError('the server failed SCRAM mutual authentication'));
        entity.disconnect().catch(() => {});
      }
    }
    if (el.is('features', NS_STREAM)) csiAvailable = Boolean(el.getChild('csi', NS_CSI)) || csiAvailable;
  });

  // 4. XEP-0198 (registers its own middleware and features, so it counts stanzas before us), then binding.
  const sm = streamManagementFactory({ streamFeatures, entity, middleware: mw });
  sm.timeout = 20_000;
  resourceBinding(
    {
      streamFeatures,
      iqCaller: {
        async set(el) {
          await o.beforeBind?.();
          const r = await iq.request('set', el);
          if (!r.ok) throw new Error(r.error.message);
          return r.value.getChild(el.name, el.attrs.xmlns)!;
        },
      },
    },
    o.resource ?? `tidepool-${Math.random().toString(36).slice(2, 8)}`,
  );

  limitInbound({ entity, middleware: mw }); // oversized inbound stanzas: counted by XEP-0198 above, answered, never parsed
  // 5. Our dispatcher, last: replies to our requests, then routed requests, then everything else.
  mw.use(async (ctx, next) => {
    const s = ctx.stanza;
    if (s.name === 'iq') {
      if (iq.handleReply(s)) return;
      if (s.attrs.type === 'get' || s.attrs.type === 'set') {
        let reply = await router.handle(s);
        // An answer too large to send becomes a small typed error, never silence or a lost session.
        // (If even that is too large, the request's own id is: there is no answer we could send.)
        if (reply && tooLarge(reply, makeXmlSafe(reply)))
          reply = errorReply(s, stanzaError('resource-constraint', 'the answer is larger than the server accepts'));
        if (reply) await sendSafe(reply).catch(() => {});
        return;
      }
    }
    if (s.name === 'iq' || s.name === 'message' || s.name === 'presence') events.emit('stanza', s);
    return next();
  });

  // A <conflict/> stream error: another session bound our resource (the same agent opened in another
  // browser or machine; servers keep the newest). Reconnecting would take the resource back and the
  // two copies would knock each other off for ever, so this copy stops and says why.
  let replaced = false;
  entity.on('error', (e: { name?: string; condition?: string }) => {
    if (e?.name === 'StreamError' && e.condition === 'conflict') replaced = true;
  }); // everything else is surfaced through attempt results and 'problem'
  sm.on('resumed', () => (resumed = true));
  sm.on('fail', (stanza: Element) => events.emit('unacked', stanza));
  entity.on('online', (jid: { toString(): string }) => (bound = { jid: jid.toString() }));

  function sendCsi() {
    // A fresh stream starts active (XEP-0352 §4), so only 'inactive' needs repeating after reconnects.
    if (csiAvailable && !active) entity.send(xml('inactive', { xmlns: NS_CSI })).catch(() => {});
  }

  const keepalive = startKeepalive({
    intervalMs: o.keepaliveMs ?? 45_000,
    isOnline: () => status.state === 'online',
    ping: () => iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { timeoutMs: 10_000 }),
    onDead: () => drop(),
  });
  entity.on('element', () => keepalive.heard());

  const attempt = () =>
    loginAttempt(entity, {
      service: o.service,
      domain: o.domain,
      timeoutMs: o.attemptTimeoutMs ?? 15_000,
      whenOnline: (fn) => events.on('status', (st) => st.state === 'online' && fn()),
    });

  function waitForDisconnect(): Promise<void> {
    return new Promise((resolve) => {
      if (entity.status === 'disconnect' || entity.status === 'offline') return resolve();
      const fn = () => {
        entity.removeListener('disconnect', fn);
        resolve();
      };
      entity.on('disconnect', fn);
    });
  }

  let firstResult: ((r: Result<string, TidepoolError>) => void) | undefined;
  const pause = wakeableSleep();
  const loop = () =>
    reconnectLoop(
      {
        backoff: o.backoff ?? DEFAULT_BACKOFF,
        attempt,
        ended: waitForDisconnect,
        abandon: async () => {
          if (entity.status !== 'disconnect' && entity.status !== 'offline') await entity.disconnect().catch(() => {});
        },
        stopped: () => stopped,
        replaced: () => replaced,
        // Before the account exists there is nothing to reconnect to: the person hears why at once.
        fatal: () => registering,
        setStatus,
        settled: (r) => {
          firstResult?.(r);
          firstResult = undefined;
        },
        lost: () => iq.rejectAll({ kind: 'offline', message: 'connection lost' }),
        halt: () => {
          stopped = true;
          keepalive.stop();
        },
        problem: (e) => events.emit('problem', e),
      },
      pause.sleep,
    );

  function drop() {
    // Closing the raw socket looks like a network failure to xmpp.js, which is what we want here.
    const sock = (entity as unknown as { socket?: { end(): void } }).socket;
    if (sock) sock.end();
  }

  return {
    get status() {
      return status;
    },
    events,
    iq,
    router,
    start() {
      if (!stopped) return Promise.resolve(fail({ kind: 'invalid', message: 'already started' }));
      stopped = false;
      replaced = false;
      const first = new Promise<Result<string, TidepoolError>>((r) => (firstResult = r));
      void loop();
      return first;
    },
    async stop() {
      stopped = true;
      pause.wake();
      keepalive.stop();
      firstResult?.(fail({ kind: 'offline', message: 'stopped' }));
      firstResult = undefined;
      if (entity.status !== 'offline') await entity.stop().catch(() => {});
      iq.rejectAll({ kind: 'offline', message: 'stopped' });
      setStatus({ state: 'offline' });
    },
    async send(el) {
      if (status.state !== 'online') return fail({ kind: 'offline', message: 'not connected; try again when back online' });
      try {
        await sendSafe(el);
        return ok(undefined);
      } catch (e) {
        return fail({ kind: 'offline', message: `send failed: ${errorMessage(e)}` });
      }
    },
    setActive(value) {
      if (active === value) return;
      active = value;
      // Any bytes from us make the server flush what CSI held back; while hidden, ask for acks rarely.
      sm.requestAckInterval = value ? 30_000 : 300_000;
      if (status.state === 'online' && csiAvailable) entity.send(xml(value ? 'active' : 'inactive', { xmlns: NS_CSI })).catch(() => {});
    },
    drop,
    jid: () => entity.jid?.toString(),
  };
}
