import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Doc, type Harness, parseDoc } from './harness.js';

/** A call to the sandbox's licence API as the reseller, the way an operator's own tools would make it. */
export async function upstream(h: Harness, func: string, params: Record<string, string | number> = {}): Promise<Doc> {
  const query = new URLSearchParams({
    func,
    authinfo: 'reseller:secret',
    out: 'xml',
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  });
  const doc = parseDoc(await (await fetch(`${h.sandboxUrl}/billmgr?${query}`)).text());
  if (doc.error) throw new Error(`${func}: ${doc.error['@type']} ${doc.error.msg}`);
  return doc;
}

/** Buys a licence straight from the sandbox (an operator's order, or one placed before the module). */
export async function buyUpstream(
  h: Harness,
  order: { pricelist: number; period: number; ip: string; licname: string },
): Promise<string> {
  const doc = await upstream(h, 'soft.order.param', {
    ...order,
    autoprolong: 'null',
    skipbasket: 'on',
    sok: 'ok',
    clicked_button: 'finish',
  });
  return String(doc.id);
}

/**
 * A licence in the free.lic pool that has never moved: bought on 0.0.0.0 as free.lic and suspended, as
 * a release leaves it (a real release moves it there, which the one-move-a-month rule then counts).
 */
export async function pooledLicence(h: Harness, pricelist: number, months: number): Promise<string> {
  const id = await buyUpstream(h, { pricelist, period: months, ip: '0.0.0.0', licname: 'free.lic' });
  await upstream(h, 'soft.suspend', { elid: id, sok: 'ok' });
  return id;
}

/** A licence parked today the way close parks it: bought on `ip`, suspended, moved to free.lic/0.0.0.0. */
export async function parkedToday(h: Harness, pricelist: number, months: number, ip: string): Promise<string> {
  const id = await buyUpstream(h, { pricelist, period: months, ip, licname: 'to-be-parked' });
  await upstream(h, 'soft.suspend', { elid: id, sok: 'ok' });
  await upstream(h, 'soft.edit', { elid: id, ip: '0.0.0.0', licname: 'free.lic', sok: 'ok' });
  return id;
}

export async function licence(h: Harness, id: string): Promise<Record<string, string>> {
  const found = (await h.licences()).find((l) => l.id === id);
  if (!found) throw new Error(`no licence ${id} upstream`);
  return found;
}

/** A folder with one cpbillmgr5.conf, for CLI runs that need another configuration than the harness's. */
export function confDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-etc-'));
  writeFileSync(join(dir, 'cpbillmgr5.conf'), text);
  return dir;
}

export const days = (n: number) => ({ CPBILLMGR_CLOCK_OFFSET_SECONDS: String(n * 86_400) });
