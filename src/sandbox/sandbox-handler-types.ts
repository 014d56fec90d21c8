import type { Catalogue } from '../domain/catalogue-types.js';
import type { SandboxEngine } from './sandbox-engine.js';
import type { AccountRow, SandboxStore } from './sandbox-store.js';

export type Params = Readonly<Record<string, string | undefined>>;

export interface HandlerContext {
  readonly params: Params;
  readonly account: AccountRow;
  readonly engine: SandboxEngine;
  readonly store: SandboxStore;
  readonly catalogue: Catalogue;
}

/** Answers one function call with a complete XML document, or throws a `SandboxError`. */
export type Handler = (ctx: HandlerContext) => string;

/** `sok` set to anything non-empty submits a form; without it the form is only shown. */
export const submitted = (params: Params) => Boolean(params.sok);

export function flag(value: string | undefined): boolean {
  return value !== undefined && !['', 'null', 'off', '0', 'no'].includes(value.toLowerCase());
}
