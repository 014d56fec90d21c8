import type { Catalogue } from '../domain/catalogue-types.js';
import type { SandboxEngine } from './sandbox-engine.js';
import type { Lang } from './sandbox-error.js';
import type { SalesMode } from './sandbox-sales.js';
import type { AccountRow, SandboxStore } from './sandbox-store.js';

export type Params = Readonly<Record<string, string | undefined>>;

export interface HandlerContext {
  readonly params: Params;
  readonly account: AccountRow;
  readonly engine: SandboxEngine;
  readonly store: SandboxStore;
  readonly catalogue: Catalogue;
  /** Language of messages and status texts: `lang=en` → English, else Russian. */
  readonly lang: Lang;
  /** What the upstream sells now; the BILLmanager 4 family always answers `historical`. */
  readonly sales: SalesMode;
}

/**
 * A complete XML document: one string, or chunks produced as they are sent (the `soft` list of a
 * 100 000-licence account is never built as one string).
 */
export type Body = string | Iterable<string>;

/** Answers one function call with a complete XML document, or throws a `SandboxError`. */
export type Handler = (ctx: HandlerContext) => Body;

/** `sok` set to anything non-empty submits a form; without it the form is only shown. */
export const submitted = (params: Params) => Boolean(params.sok);
