// Minimal typings for the xmpp.js 0.14 parts we compose (the packages ship none).
declare module '@xmpp/xml' {
  export class Element {
    constructor(name: string, attrs?: Record<string, string | undefined>);
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getAttr(name: string): string | undefined;
    text(): string;
    append(...children: Array<Element | string>): Element;
    c(name: string, attrs?: Record<string, string>): Element;
    toString(): string;
    clone(): Element;
  }
  type Child = Element | string | undefined | null | false | Child[];
  interface XmlFn {
    (name: string, attrs?: Record<string, string | undefined> | null, ...children: Child[]): Element;
    Element: typeof Element;
  }
  const xml: XmlFn;
  export default xml;
}

declare module '@xmpp/jid' {
  export class JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    equals(other: JID): boolean;
    toString(): string;
    getLocal(): string;
    getDomain(): string;
    getResource(): string;
  }
  function jid(address: string): JID;
  function jid(local: string, domain: string, resource?: string): JID;
  export default jid;
}

declare module '@xmpp/id' {
  export default function id(): string;
}

declare module '@xmpp/client-core' {
  import type { Element } from '@xmpp/xml';
  import type { JID } from '@xmpp/jid';
  export class Client {
    constructor(options: { service: string; domain: string; timeout?: number });
    options: { service: string; domain: string; lang?: string };
    jid: JID | null;
    status: string;
    socket: { secure?: boolean } | null;
    transports: unknown[];
    timeout: number;
    on(event: string, fn: (...args: any[]) => void): this;
    once(event: string, fn: (...args: any[]) => void): this;
    removeListener(event: string, fn: (...args: any[]) => void): this;
    emit(event: string, ...args: unknown[]): boolean;
    start(): Promise<JID>;
    stop(): Promise<unknown>;
    connect(service: string): Promise<void>;
    open(options: { domain: string; lang?: string }): Promise<void>;
    disconnect(): Promise<unknown>;
    send(el: Element): Promise<void>;
    write(s: string): Promise<void>;
    isSecure(): boolean;
  }
}

declare module '@xmpp/websocket' {
  export default function websocket(deps: { entity: unknown }): void;
}

declare module '@xmpp/middleware' {
  import type { Element } from '@xmpp/xml';
  export interface MiddlewareContext {
    stanza: Element;
    entity: unknown;
    name: string;
    id: string;
    type: string;
  }
  export type Middleware = (ctx: MiddlewareContext, next: () => Promise<unknown>) => unknown;
  export interface MiddlewareApi {
    use(fn: Middleware): Middleware;
    filter(fn: Middleware): Middleware;
  }
  export default function middleware(deps: { entity: unknown }): MiddlewareApi;
}

declare module '@xmpp/stream-features' {
  import type { MiddlewareApi } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface StreamFeatures {
    use(name: string, xmlns: string, handler: (ctx: any, next: () => Promise<unknown>, feature: Element) => unknown): unknown;
  }
  export default function streamFeatures(deps: { middleware: MiddlewareApi }): StreamFeatures;
}

declare module '@xmpp/sasl' {
  export default function sasl(
    deps: { streamFeatures: unknown; saslFactory: unknown },
    onAuthenticate: (
      done: (credentials: Record<string, unknown>, mechanism: string) => Promise<void>,
      mechanisms: string[],
      fast: unknown,
      entity: unknown,
    ) => Promise<void>,
  ): void;
}

declare module '@xmpp/resource-binding' {
  export default function resourceBinding(
    deps: { streamFeatures: unknown; iqCaller: { set(el: import('@xmpp/xml').Element): Promise<import('@xmpp/xml').Element> } },
    resource: string | (() => string | Promise<string>),
  ): void;
}

declare module '@xmpp/stream-management' {
  export interface StreamManagement {
    enabled: boolean;
    id: string;
    timeout: number;
    requestAckInterval: number;
    on(event: 'resumed' | 'fail' | 'ack', fn: (...args: any[]) => void): void;
  }
  export default function streamManagement(deps: {
    streamFeatures: unknown;
    entity: unknown;
    middleware: unknown;
    bind2?: unknown;
    sasl2?: unknown;
  }): StreamManagement;
}

declare module 'saslmechanisms' {
  export default class Factory {
    use(mech: unknown): this;
    use(name: string, mech: unknown): this;
    create(names: string[]): unknown;
  }
}
