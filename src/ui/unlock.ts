// The passphrase an agent's secrets are locked by, asked once per page load before the agent starts
// (src/store/secrets.ts). Plain DOM: it runs before the UI chunk is mounted.

/** Shows the form in `target` and resolves with what the person typed; `problem` says why it is asked again. */
export function askUnlock(target: HTMLElement, name: string, problem?: string): Promise<string> {
  const form = document.createElement('form');
  form.className = 'boot';
  form.dataset.testid = 'unlock';
  const text = document.createElement('p');
  text.textContent = `The secrets of ${name} (its password, ledger key and treasures) are locked by a passphrase.`;
  const label = document.createElement('label');
  label.textContent = 'Passphrase ';
  const input = document.createElement('input');
  input.type = 'password';
  input.autocomplete = 'current-password';
  input.dataset.testid = 'unlock-passphrase';
  label.append(input);
  const button = document.createElement('button');
  button.type = 'submit';
  button.dataset.testid = 'unlock-submit';
  button.textContent = 'Unlock';
  form.append(text, label, button);
  if (problem) {
    const error = document.createElement('p');
    error.setAttribute('role', 'alert');
    error.dataset.testid = 'unlock-error';
    error.textContent = problem;
    form.append(error);
  }
  target.replaceChildren(form);
  input.focus();
  return new Promise((resolve) => {
    form.onsubmit = (e) => {
      e.preventDefault();
      resolve(input.value);
    };
  });
}
