// Older files read as what they are. Version 1 of the agent archive is the first; before it there was only
// the identity export (`tidepool-identity` v1: JID, password, server, name, persona, resource, in clear),
// which becomes agent contents holding just the identity. A future archive version adds its step here,
// from the version before it, so every older file keeps opening.
import { fail, ok, type Result } from '../../core/result.ts';
import { parseIdentityExport } from '../../store/types.ts';
import type { AgentContents } from './contents.ts';
import { archiveError, CONTENTS_FORMAT, type ArchiveError } from './format.ts';

export const IDENTITY_V1 = 'tidepool-identity/1';

export function fromIdentityV1(text: string, now = Date.now()): Result<AgentContents, ArchiveError> {
  const parsed = parseIdentityExport(text);
  if (!parsed.ok) return fail(archiveError('invalid', parsed.error.message));
  const e = parsed.value;
  return ok({
    format: CONTENTS_FORMAT,
    version: 1,
    exportedAt: '',
    identity: {
      jid: e.jid,
      password: e.password,
      service: e.service,
      domain: e.domain,
      name: e.name,
      persona: e.persona,
      ...(e.resource ? { resource: e.resource } : {}),
      createdAt: now,
    },
    contacts: [],
    settings: {},
    omitted: [],
    migratedFrom: IDENTITY_V1,
  });
}
