// First visit: the form's choices, checked, and when to show it at all. Pure: unit-tested.
// A returning visitor (an identity in this browser) lands on the agent; a link that already says who
// or where (?name=, ?service=: tests, the bench, an operator's invite) starts at once as before.
import { fail, ok, type Result } from '../core/result.ts';
import type { BrainConfig, Look } from '../agent/index.ts';
import type { ServiceConfig } from './config.ts';

import { AVATAR_IDS, avatarId } from './avatar/avatar-art.ts';

/** The drawings one can pick (avatar-art.ts): names, never emoji, so they render without an emoji font. */
export const AVATARS = AVATAR_IDS;
export type BrainChoice = 'none' | 'in-page' | 'openai';

export interface OnboardingForm {
  name: string;
  persona: string;
  avatar: string;
  brain: BrainChoice;
  ggufUrl: string;
  baseUrl: string;
  model: string;
  apiKey: string;
  service: string;
  domain: string;
}

export interface OnboardingChoice {
  name: string;
  persona: string;
  look: Look;
  service: string;
  domain: string;
  brain: BrainConfig;
}

export { startPlan, type StartPlan } from './start-plan.ts';

const ADJECTIVES = ['Brave', 'Calm', 'Curious', 'Gentle', 'Bright', 'Quiet', 'Swift', 'Merry', 'Clever', 'Kind', 'Bold', 'Sunny'] as const;
const CREATURES = ['Otter', 'Kelp', 'Coral', 'Heron', 'Seal', 'Crab', 'Puffin', 'Urchin', 'Limpet', 'Dolphin', 'Shrimp', 'Starfish'] as const;

/**
 * A friendly name to start from, so that the first "Go online" works; the person may change it.
 * The number keeps two newcomers on one server from asking for the same account name.
 */
export function friendlyName(random: () => number = Math.random): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length) % xs.length]!;
  return `${pick(ADJECTIVES)} ${pick(CREATURES)} ${10 + Math.floor(random() * 90)}`;
}

export function initialForm(config: ServiceConfig, avatar: string = AVATARS[0], name = friendlyName()): OnboardingForm {
  return {
    name,
    persona: '',
    avatar,
    brain: 'none',
    ggufUrl: '',
    baseUrl: 'http://127.0.0.1:8080/v1',
    model: '',
    apiKey: '',
    service: config.service,
    domain: config.domain,
  };
}

/** A colour picked from the name, so the same name looks the same everywhere. */
export function colorFor(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  const hue = h % 360;
  // HSL(hue, 60%, 42%) as hex: readable under white text.
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    const a = 0.6 * Math.min(0.42, 1 - 0.42);
    return Math.round(255 * (0.42 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

const isHttp = (u: string) => /^https?:\/\/[^\s]+$/.test(u);

/** Which field is wrong, so the form can say it next to that field (and open its section). */
export interface FormProblem {
  field: keyof OnboardingForm;
  message: string;
}

const problem = (field: keyof OnboardingForm, message: string) => fail<FormProblem>({ field, message });

export function validateOnboarding(f: OnboardingForm): Result<OnboardingChoice, FormProblem> {
  const name = f.name.trim();
  if (!name) return problem('name', 'Give your agent a name');
  if ([...name].length > 64) return problem('name', 'The name can be at most 64 characters');
  const persona = f.persona.trim();
  if (persona.length > 2000) return problem('persona', 'The persona can be at most 2000 characters');
  const avatar = avatarId(f.avatar.trim()) ?? AVATARS[0];
  const service = f.service.trim();
  if (!/^wss?:\/\/[^\s]+$/.test(service)) return problem('service', 'The server must be a WebSocket URL (ws:// or wss://)');
  const domain = f.domain.trim().toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(domain)) return problem('domain', 'The domain must be a host name, like example.org');
  let brain: BrainConfig = { backend: 'none', autoReply: false };
  if (f.brain === 'in-page') {
    if (!isHttp(f.ggufUrl.trim())) return problem('ggufUrl', 'Give the URL of a GGUF model for the in-page brain');
    brain = { backend: 'wllama', wllama: { url: f.ggufUrl.trim() }, autoReply: false };
  } else if (f.brain === 'openai') {
    if (!isHttp(f.baseUrl.trim())) return problem('baseUrl', 'The API base URL must start with http:// or https://');
    if (!f.model.trim()) return problem('model', 'Name the model the API should use');
    brain = { backend: 'openai', openai: { baseUrl: f.baseUrl.trim(), model: f.model.trim(), apiKey: f.apiKey || undefined }, autoReply: false };
  }
  return ok({ name, persona, look: { avatar, color: colorFor(name) }, service, domain, brain });
}
