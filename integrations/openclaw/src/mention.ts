// Whether a room message addresses the agent: its nick as a word ("claw: hi", "@claw", "thanks, claw!"),
// case-insensitive. OpenClaw's own mention patterns are checked beside this (rooms.ts).

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function addressed(text: string, nick: string): boolean {
  // Word boundaries that also work for nicks with punctuation (\b would not).
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escape(nick)}($|[^\\p{L}\\p{N}_])`, 'iu').test(text);
}
