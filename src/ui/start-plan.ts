// Whether a first visit shows the onboarding form, starts at once (a link with a name or server), or
// resumes a stored agent. Its own module: the entry script needs it, and nothing else of onboarding.
export type StartPlan = 'resume' | 'quick' | 'form';

export function startPlan(search: string, hasIdentity: boolean): StartPlan {
  if (hasIdentity) return 'resume';
  const p = new URLSearchParams(search);
  if (p.get('onboarding') === 'show') return 'form';
  return p.get('name') || p.get('service') ? 'quick' : 'form';
}
