/**
 * Named points where a test makes the process die (CPBILLMGR_FAULT), to prove that a crash there
 * neither loses a licence nor buys one twice.
 */
export const FAULT_POINTS = [
  'after-upstream-order',
  'after-upstream-prolong',
  /** A pool take's intent is committed; the pool licence is untouched. */
  'after-pool-claim',
  /** The pool licence is on the item's IP under its name; nothing is recorded yet. */
  'after-pool-move',
  /** `service.changepricelist` went through; nothing is recorded yet. */
  'after-upstream-change',
  /** A package change parked the old licence; the new one is not acquired yet. */
  'after-old-parked',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];
