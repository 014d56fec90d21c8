import { UpstreamError, UpstreamUnavailableError } from '../../errors/upstream-error.js';

/**
 * Upstream refusals known to happen before anything is bought: low balance, an IP already licensed,
 * a parameter the upstream rejected, bad credentials. Any other error — an unknown type, a server
 * fault — says nothing certain about the purchase and is treated like no answer.
 */
const BEFORE_PURCHASE = new Set(['balance', 'exists', 'value', 'missed', 'auth', 'access']);

export function refusedBeforePurchase(error: unknown): boolean {
  return error instanceof UpstreamError && BEFORE_PURCHASE.has(error.upstreamType);
}

/** The request certainly never reached the upstream. */
export function neverSent(error: unknown): boolean {
  return error instanceof UpstreamUnavailableError && !error.sent;
}

/** Whether a failed purchase can be settled as not made; otherwise its outcome is unknown. */
export function certainlyNotBought(error: unknown): boolean {
  return refusedBeforePurchase(error) || neverSent(error);
}
