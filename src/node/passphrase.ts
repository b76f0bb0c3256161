// The runner's passphrase (for an agent archive or for locked secrets): TIDEPOOL_PASSPHRASE, else asked
// on the terminal without echo. Never a flag: other users of the machine can read command lines.
import { stdin, stderr } from 'node:process';

export async function askPassphrase(given: string | undefined, prompt: string): Promise<string | undefined> {
  if (given) return given;
  if (!stdin.isTTY || !stderr.isTTY) return undefined;
  // Raw mode before the prompt: keys typed the moment it shows must not be echoed by the terminal.
  stdin.setRawMode(true);
  stdin.resume();
  stderr.write(prompt);
  let typed = '';
  try {
    return await new Promise<string | undefined>((resolve) => {
      const onData = (d: Buffer) => {
        for (const ch of d.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done(typed);
          if (ch === '\u0003' || ch === '\u0004') return done(undefined); // Ctrl-C, Ctrl-D
          typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
        }
      };
      const done = (v: string | undefined) => {
        stdin.off('data', onData);
        resolve(v);
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    stderr.write('\n');
  }
}
