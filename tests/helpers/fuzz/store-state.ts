// A Node node's state read straight from its directory (createFileStore's layout), so the health
// checks see what is on disk rather than what the node believes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Identity } from '../../../src/store/types.ts';

export interface StoreState {
  identity: Identity;
  settings: Record<string, unknown>;
  contacts: unknown[];
  messageLines: number;
  /** Chat history lines that do not parse (a torn or corrupt append). */
  tornLines: string[];
}

/** Every document must parse; throws if one does not. */
export function readStoreState(dir: string): StoreState {
  const identity = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')) as Identity;
  const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
  const contacts = existsSync(join(dir, 'contacts.json')) ? (JSON.parse(readFileSync(join(dir, 'contacts.json'), 'utf8')) as unknown[]) : [];
  let messageLines = 0;
  const tornLines: string[] = [];
  for (const f of readdirSync(join(dir, 'messages'))) {
    for (const line of readFileSync(join(dir, 'messages', f), 'utf8').split('\n')) {
      if (!line) continue;
      messageLines++;
      try {
        JSON.parse(line);
      } catch {
        tornLines.push(`${f}: ${line.slice(0, 80)}`);
      }
    }
  }
  return { identity, settings, contacts, messageLines, tornLines };
}

export const handshakesIn = (settings: Record<string, unknown>) => Object.fromEntries(Object.entries(settings).filter(([k]) => k.startsWith('handshake:')));
