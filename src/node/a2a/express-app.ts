// express 5 ships no type declarations (and @types/express is not a dependency): the few calls the
// bridge makes, typed here. The SDK's own handlers carry their types.
import { createRequire } from 'node:module';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Req extends IncomingMessage {
  header(name: string): string | undefined;
}
export interface Res extends ServerResponse {
  status(code: number): Res;
  set(name: string, value: string): Res;
  json(body: unknown): Res;
}
export type Middleware = (req: Req, res: Res, next: () => void) => void;

export interface App {
  disable(setting: string): void;
  /** The SDK's handlers are express routers (typed `any` by its declarations, for want of express types). */
  use(path: string, ...handlers: Middleware[]): void;
  listen(port: number, host: string): Server;
}

const load = createRequire(import.meta.url);
export const createApp = (): App => (load('express') as () => App)();
