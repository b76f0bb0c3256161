// What a panel shows after the person did something: said well or badly, in a sentence.
export type Outcome = { ok: true; text: string } | { ok: false; text: string };
