import { ModuleError } from '../../errors/module-error.js';

/** One line for an operator: the module's error type and message, or the unexpected error's text. */
export function problemText(error: unknown): string {
  if (error instanceof ModuleError) return `${error.type}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
