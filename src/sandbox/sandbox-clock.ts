import type { SandboxStore } from './sandbox-store.js';

/** Real time plus an offset that `clock.advance` grows; the offset is kept in the state so it survives restarts. */
export interface SandboxClock {
  now(): Date;
  today(): string;
  advance(ms: number): void;
}

export function createSandboxClock(store: SandboxStore): SandboxClock {
  let offset = Number(store.meta('clock_offset_ms') ?? '0');
  const now = () => new Date(Date.now() + offset);
  return {
    now,
    today: () => isoDate(now()),
    advance(ms) {
      offset += ms;
      store.setMeta('clock_offset_ms', String(offset));
    },
  };
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Calendar months, clamped to the last day of a shorter month (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

export function parseDate(text: string): Date {
  return new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
}
