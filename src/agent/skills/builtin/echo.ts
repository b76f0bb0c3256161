// `echo`: returns what it was given, optionally several times with progress between repeats.
// For tests and demos of progress and cancel.
import { ok } from '../../../core/result.ts';
import type { Skill } from '../types.ts';
import { field, first, form, integerRange } from '../form-builders.ts';

export const ECHO_NODE = 'echo';

export function echoSkill(): Skill {
  return {
    node: ECHO_NODE,
    name: 'Echo',
    description: 'Repeats your text back, up to 10 times, reporting progress.',
    defaultAccess: { kind: 'public' },
    stages: [
      () =>
        form('form', 'Echo', [
          field('text', 'text-single', { label: 'Text', required: true }),
          field('repeat', 'text-single', { label: 'Repeat', values: ['1'], validate: integerRange(1, 10) }),
        ]),
    ],
    async run(input, ctx) {
      const text = first(input, 'text') ?? '';
      const repeat = Number(first(input, 'repeat') ?? '1');
      const out: string[] = [];
      for (let i = 0; i < repeat; i++) {
        if (ctx.signal.aborted) break;
        out.push(text);
        if (repeat > 1) {
          ctx.progress(`echo ${i + 1}/${repeat}`, ((i + 1) / repeat) * 100);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return ok({
        form: form('result', 'Echo', [field('text', 'text-multi', { label: 'Text', values: out })]),
        json: { text, repeat, echoed: out },
      });
    },
  };
}
