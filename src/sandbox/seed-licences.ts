import { isIPv4 } from 'node:net';
import type { Catalogue } from '../domain/catalogue-types.js';
import { parseDate, type SandboxClock } from './sandbox-clock.js';
import { SandboxError } from './sandbox-error.js';
import type { Params } from './sandbox-handler-types.js';
import { extend, newLickey, periodByMonths, requireNodes, requirePackage } from './sandbox-rules.js';
import type { AccountRow, SandboxStore } from './sandbox-store.js';

const MAX_SEED = 2_000_000;

/**
 * `licence.seed`: N licences of one tariff and period inserted in one transaction, for benchmarks and
 * scale tests. It is not a purchase: nothing is charged, the IP and trial rules are not checked, no
 * trial is registered. Parameters (all but count and pricelist optional):
 * - `count` 1..2 000 000; `pricelist` a catalogue package; `months` its period (1, 12, 0, -100; default 1);
 * - `status` 1..5 (default 2; 5 leaves processing at the next request once the processing window passed);
 * - `ip`: a pattern with `{n}` (1-based index), e.g. `10.{n}.0.1`, or a start address (default `10.0.0.1`)
 *   that the licences take one after another;
 * - `licname`: a pattern with `{n}`, `{id}` and `{ip}` (default `seed-{id}`);
 * - `expiredate` YYYY-MM-DD (default today + the period), `createdate` (default today);
 * - `autoprolong` months or `null` (default `null`: seeded licences do not renew by themselves);
 * - `nodes` for a tariff with a node add-on (default 1).
 */
export function seedLicences(
  store: SandboxStore,
  catalogue: Catalogue,
  clock: SandboxClock,
  account: AccountRow,
  params: Params,
) {
  const count = whole(params, 'count', undefined, 1, MAX_SEED);
  const pkg = requirePackage(catalogue, params.pricelist);
  const period = periodByMonths(pkg, params.months || '1');
  const status = whole(params, 'status', 2, 1, 5);
  const nodes = pkg.nodeAddon === undefined ? 0 : requireNodes(pkg, params.nodes || '1');
  const autoprolong =
    params.autoprolong === undefined || params.autoprolong === 'null' ? 0 : whole(params, 'autoprolong', 0, 1, 120);
  const today = clock.today();
  const createdate = date(params, 'createdate') ?? today;
  const expiredate = date(params, 'expiredate') ?? (status === 1 ? '' : extend(parseDate(createdate), period));
  const ipAt = ipPattern(params.ip || '10.0.0.1', count);
  const licname = params.licname ?? 'seed-{id}';
  const processingUntil = clock.now().toISOString();

  return store.insertLicences(count, (index, id) => {
    const n = String(index + 1);
    const ip = ipAt(index);
    return {
      account: account.id,
      package: pkg.id,
      period: period.id,
      ip,
      remoteip: '',
      licname: licname.replaceAll('{n}', n).replaceAll('{id}', String(id)).replaceAll('{ip}', ip),
      remoteid: '',
      lickey: status === 1 || status === 5 ? '' : newLickey(id),
      status,
      createdate,
      expiredate,
      processing_until: processingUntil,
      autoprolong,
      nodes,
      discount: account.discount,
      ip_change_date: '',
      key_change_date: '',
    };
  });
}

function whole(params: Params, name: string, fallback: number | undefined, min: number, max: number): number {
  const raw = params[name];
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new SandboxError('missed', name, `'${name}' is required`);
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SandboxError('value', name, `'${name}' must be a whole number ${min}..${max}`, raw);
  }
  return value;
}

function date(params: Params, name: string): string | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(parseDate(raw).getTime())) {
    throw new SandboxError('value', name, `'${name}' must be YYYY-MM-DD`, raw);
  }
  return raw;
}

/** The IP of the i-th seeded licence; every one of them is checked before anything is inserted. */
function ipPattern(pattern: string, count: number): (index: number) => string {
  const bad = () =>
    new SandboxError('value', 'ip', `'${pattern}' gives no valid IPv4 address for ${count} licences`, pattern);
  if (pattern.includes('{n}')) {
    const at = (index: number) => pattern.replaceAll('{n}', String(index + 1));
    if (!isIPv4(at(0)) || !isIPv4(at(count - 1))) throw bad();
    return at;
  }
  if (!isIPv4(pattern)) throw bad();
  const start = pattern.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  if (start + count - 1 > 0xffffffff) throw bad();
  return (index) => {
    const n = start + index;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  };
}
