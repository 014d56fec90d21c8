import type { Harness } from './harness.js';
import { parseDoc } from './harness.js';

/** Calls the sandbox's licence API as the reseller, outside the module (what an operator or another tool does). */
export async function upstreamCall(h: Harness, func: string, params: Record<string, string | number>) {
  const body = new URLSearchParams({ func, out: 'xml', lang: 'en', authinfo: 'reseller:secret' });
  for (const [key, value] of Object.entries(params)) body.set(key, String(value));
  const response = await fetch(`${h.sandboxUrl}/billmgr`, { method: 'POST', body });
  return parseDoc(await response.text());
}

/** Orders a licence directly upstream; returns its id. */
export async function orderDirect(
  h: Harness,
  params: { pricelist: number; period: number; ip: string; licname: string },
): Promise<string> {
  const doc = await upstreamCall(h, 'soft.order.param', {
    ...params,
    autoprolong: 'null',
    skipbasket: 'on',
    clicked_button: 'finish',
    sok: 'ok',
  });
  if (doc.error) throw new Error(`direct order refused: ${JSON.stringify(doc.error)}`);
  return String(doc.id);
}

/** How many times the sandbox charged for orders and renewals of licences on this IP. */
export async function chargesOn(h: Harness, ip: string, kind: 'order' | 'prolong') {
  const ids = new Set((await h.licences()).filter((l) => l.ip === ip).map((l) => l.id));
  return (await h.ledger()).filter((c) => c.kind === kind && ids.has(c.licence)).length;
}

/** Requests the sandbox received for one upstream function so far (faulted and refused ones included). */
export async function requestsOf(h: Harness, func: string): Promise<number> {
  const doc = await h.admin('requests');
  const rows = doc.elem === undefined ? [] : Array.isArray(doc.elem) ? doc.elem : [doc.elem];
  const row = (rows as Array<Record<string, string>>).find((r) => r.func === func);
  return Number(row?.count ?? 0);
}
