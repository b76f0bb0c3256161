// `handshake`: first contact in two stages. The caller says who it is and what it offers; then picks
// which of our skills it wants to use. Both sides keep the agreement (we store it in memory).
import { ok } from '../../../core/result.ts';
import type { AgentStore } from '../../../store/types.ts';
import { bareOf } from '../../../core/jid.ts';
import type { Skill } from '../types.ts';
import { field, first, form } from '../form-builders.ts';

export const HANDSHAKE_NODE = 'handshake';

export interface HandshakeRecord {
  peer: string;
  name: string;
  purpose: string;
  offers: string[];
  wants: string[];
  at: number;
}

export function handshakeSkill(deps: { store: AgentStore; ownName: () => string; skillsFor: (from: string) => Array<{ node: string; name: string }> }): Skill {
  return {
    node: HANDSHAKE_NODE,
    name: 'Handshake',
    description: 'First contact: introduce yourself, say what you offer, and agree which of my skills you will use.',
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form(
          'form',
          `Meet ${deps.ownName()}`,
          [
            field('name', 'text-single', { label: 'Your name', required: true }),
            field('purpose', 'text-multi', { label: 'What brings you here?' }),
            field('offers', 'text-multi', { label: 'Skills you offer (command nodes, one per line)' }),
          ],
          ['Step 1 of 2: who are you?'],
        ),
      (_collected, from) =>
        form(
          'form',
          'What would you like from me?',
          [
            field('wants', 'list-multi', {
              label: 'Skills you want to use',
              options: deps
                .skillsFor(from)
                .filter((s) => s.node !== HANDSHAKE_NODE)
                .map((s) => ({ label: s.name, value: s.node })),
            }),
            field('agree', 'boolean', { label: 'I will use them within their access rules', required: true }),
          ],
          ['Step 2 of 2: agree on what we do for each other.'],
        ),
    ],
    async run(input, ctx) {
      const rec: HandshakeRecord = {
        peer: bareOf(ctx.from),
        name: (first(input, 'name') ?? '').slice(0, 128),
        purpose: (input.purpose ?? []).join('\n').slice(0, 2000),
        offers: (input.offers ?? [])
          .flatMap((l) => l.split(/\s+/))
          .filter(Boolean)
          .slice(0, 50),
        wants: input.wants ?? [],
        at: Date.now(),
      };
      const agreed = first(input, 'agree') === 'true';
      if (agreed) await deps.store.putSetting(`handshake:${rec.peer}`, rec);
      return ok({
        form: form('result', agreed ? 'Agreed' : 'No agreement', [
          field('summary', 'text-multi', {
            values: agreed
              ? [
                  `${deps.ownName()} and ${rec.name} agreed.`,
                  `You may use: ${rec.wants.join(', ') || 'nothing yet'}.`,
                  `You offer: ${rec.offers.join(', ') || 'nothing yet'}.`,
                ]
              : ['You did not agree, so nothing was recorded.'],
          }),
        ]),
        json: { agreed, ...rec },
      });
    },
  };
}
