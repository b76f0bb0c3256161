// Which SASL mechanism we may use: never a clear password over ws:// to a non-loopback host.

const PREFERENCE = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] as const;
export type Mechanism = (typeof PREFERENCE)[number];

export function isLoopbackService(service: string): boolean {
  let host: string;
  try {
    host = new URL(service).hostname;
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isEncryptedService(service: string): boolean {
  return /^wss:\/\//i.test(service);
}

export type MechanismChoice = { ok: true; mechanism: Mechanism } | { ok: false; reason: string };

export function chooseMechanism(offered: readonly string[], service: string): MechanismChoice {
  const usable = PREFERENCE.filter((m) => offered.includes(m));
  const scram = usable.find((m) => m !== 'PLAIN');
  if (scram) return { ok: true, mechanism: scram };
  if (usable.includes('PLAIN')) {
    if (isEncryptedService(service) || isLoopbackService(service)) return { ok: true, mechanism: 'PLAIN' };
    return {
      ok: false,
      reason: `the server at ${service} offers only PLAIN over an unencrypted connection; refusing to send the password in clear (use wss://)`,
    };
  }
  return { ok: false, reason: `no supported SASL mechanism offered (server offers: ${offered.join(', ') || 'none'})` };
}
