import { randomUUID } from 'node:crypto';
import { type AddonSlot, MODULE_NAME, type ProcessingModule } from '../../domain/billing-types.js';
import { describePeriod } from '../../domain/catalogue-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import { ModuleError } from '../../errors/module-error.js';
import type { LicenceRow } from '../../ports/upstream-client.js';
import { type ResolvedOrder, resolveOrder } from '../../resolve/resolve-order.js';
import {
  accountOf,
  addonLicname,
  isLicenceAddonTariff,
  type LicenceTarget,
  loadLicenceTarget,
} from '../item/licence-target.js';
import { publishLicence } from '../item/publish-licence.js';
import { awaitingEntry } from '../journal/awaiting-entry.js';
import { ensureLicence } from '../journal/ensure-licence.js';
import { OWNER } from '../journal/owner.js';
import { linkFromForm, recordHandOver } from '../journal/record-link.js';
import type { ModuleDeps } from '../module-deps.js';
import { isPooled, rowIsPackage } from '../pool/pool-licence.js';
import { PoolView } from '../pool/pool-view.js';
import { problemText } from './problem-text.js';
import { LeaseLostError, RunLease } from './run-lease.js';

/** Seed: "assign … to virtual or dedicated servers". */
const SERVER_TYPES = new Set(['vds', 'dedic']);
/** Steps carried out at once: each is a few upstream calls and statements, the database pool has 10. */
const WORKERS = 4;

export type StepAction = 'adopt' | 'order' | 'skip';

export interface FixchildsStep {
  readonly action: StepAction;
  readonly module: number;
  readonly server: number;
  readonly ip: string;
  /** The add-on's child item, or null when BILLmanager has none (bm6 tariff defaults). */
  readonly addon: number | null;
  readonly addonTariff: number;
  readonly choice: string;
  readonly reason: string;
  /** A skip that is a configuration problem (the add-on resolves to no package or period): the run fails. */
  readonly problem?: boolean;
  /** adopt: the upstream licence assigned. */
  readonly licenceId?: number;
  readonly packageId?: number;
  readonly packageName?: string;
  /** order: the period bought and what it costs (catalogue). */
  readonly period?: string;
  readonly cost?: number;
  /** After a run: what happened. */
  outcome?: 'done' | 'failed';
  error?: string;
  /** After an order: the licence it bought or took. */
  resultLicence?: number;
}

export interface FixchildsSummary {
  adopt: number;
  order: number;
  skip: number;
  /** Cost of the planned orders, from the catalogue (a pool licence may serve some for less). */
  orderCost: number;
  adopted: number;
  ordered: number;
  failed: number;
  /** Skips that are configuration problems. */
  unresolved: number;
}

export interface FixchildsResult {
  readonly dryRun: boolean;
  readonly skipped?: string;
  readonly steps: FixchildsStep[];
  readonly summary: FixchildsSummary;
  /** Modules that could not be planned (upstream list unreadable…). */
  readonly problems: string[];
}

export interface FixchildsOptions {
  readonly dryRun: boolean;
  readonly progress?: (done: number, total: number) => void;
}

/**
 * `cpbillmgr fixchilds` (seed, "Assigning existing licenses to services"): 1. read the upstream licence
 * list; 2. list the virtual and dedicated servers whose licence add-on has no licence (`Option
 * NoFixSuspended`: suspended servers are left out); 3. a licence already on the account with the
 * server's IP and the add-on's package is assigned to it — no purchase, confirmed by its form; 4. the
 * rest are ordered through the normal journalled order path (the pool first where it serves). A dry
 * run stops after planning: no upstream writes and no database writes (not even the run lease).
 * Upstream calls: one list read, then one form per adoption and the calls of each order.
 */
export async function fixchilds(deps: ModuleDeps, options: FixchildsOptions): Promise<FixchildsResult> {
  const steps: FixchildsStep[] = [];
  const problems: string[] = [];
  const pools = new Map<number, PoolView>();
  const lease = options.dryRun ? undefined : await RunLease.acquire(deps, 'fixchilds');
  if (!options.dryRun && !lease) {
    return {
      dryRun: false,
      skipped: 'another fixchilds run holds the lease',
      steps,
      summary: summarise(steps),
      problems,
    };
  }
  try {
    for (const module of await deps.billing.reader.modules(MODULE_NAME)) {
      if (!module.active) continue;
      try {
        const planned = await planModule(deps, module);
        steps.push(...planned.steps);
        pools.set(module.id, planned.pool);
      } catch (error) {
        problems.push(`module #${module.id} '${module.name}': ${problemText(error)}`);
      }
    }
    if (!options.dryRun && lease) await carryOut(deps, steps, pools, lease, options.progress);
  } finally {
    await lease?.release();
  }
  const result = { dryRun: options.dryRun, steps, summary: summarise(steps), problems };
  deps.logger.info({ dryRun: options.dryRun, ...result.summary, problems: problems.length }, 'fixchilds done');
  return result;
}

function summarise(steps: readonly FixchildsStep[]): FixchildsSummary {
  const count = (action: StepAction) => steps.filter((s) => s.action === action).length;
  return {
    adopt: count('adopt'),
    order: count('order'),
    skip: count('skip'),
    orderCost:
      Math.round(steps.filter((s) => s.action === 'order').reduce((sum, s) => sum + (s.cost ?? 0), 0) * 100) / 100,
    adopted: steps.filter((s) => s.action === 'adopt' && s.outcome === 'done').length,
    ordered: steps.filter((s) => s.action === 'order' && s.outcome === 'done').length,
    failed: steps.filter((s) => s.outcome === 'failed').length,
    unresolved: steps.filter((s) => s.problem).length,
  };
}

interface Need {
  readonly slot: AddonSlot;
  readonly order: ResolvedOrder;
}

/** What carrying a step out needs from planning, kept beside the step (not in its printable fields). */
interface StepContext {
  readonly slot: AddonSlot;
  readonly order: ResolvedOrder;
  readonly module: ProcessingModule;
}

const CONTEXT = Symbol('fixchilds step context');

/**
 * One step of the plan. A class so every step has the same shape (50 000 of them stay small); the
 * planning context rides along under a symbol, out of JSON and the HTTP rows.
 */
class Step implements FixchildsStep {
  problem?: boolean;
  licenceId?: number;
  packageId?: number;
  packageName?: string;
  period?: string;
  cost?: number;
  outcome?: 'done' | 'failed';
  error?: string;
  resultLicence?: number;
  [CONTEXT]?: StepContext;

  constructor(
    readonly action: StepAction,
    readonly module: number,
    slot: AddonSlot,
    readonly reason: string,
  ) {
    this.server = slot.main.id;
    this.ip = slot.main.ip;
    this.addon = slot.child?.id ?? null;
    this.addonTariff = slot.tariff.id;
    this.choice = slot.choice ?? '';
  }

  readonly server: number;
  readonly ip: string;
  readonly addon: number | null;
  readonly addonTariff: number;
  readonly choice: string;
}

async function planModule(
  deps: ModuleDeps,
  module: ProcessingModule,
): Promise<{ steps: FixchildsStep[]; pool: PoolView }> {
  const reader = deps.billing.reader;
  const account = accountOf(module);
  const conf = deps.confs[account.api];
  const client = deps.upstreamFor(account);
  const addonTariffs = (await reader.moduleTariffs(module.id)).filter(isLicenceAddonTariff);
  const slots = await reader.addonSlots(addonTariffs);
  const mainTypes = new Map(
    (await reader.tariffs([...new Set(slots.map((s) => s.main.pricelistId))])).map((t) => [t.id, t.itemtype]),
  );
  const licensed = new Set<number>();
  const held = new Set<number>();
  for (const link of await deps.store.links.listByModule(module.id)) {
    if (link.status === LicenceStatus.deleted) continue;
    licensed.add(link.item);
    held.add(link.licenceId);
  }
  const slotIds = await deps.store.slots.listAll();

  const steps: Step[] = [];
  const needs: Need[] = [];
  const resolved = new Map<string, ResolvedOrder | ModuleError>();
  for (const slot of slots) {
    const { main } = slot;
    if (slot.choice === null || main.status === LicenceStatus.deleted) continue;
    if (!SERVER_TYPES.has(mainTypes.get(main.pricelistId) ?? '')) continue;
    const carrier = slot.child?.id ?? slotIds.get(`${main.id}:${slot.tariff.id}`) ?? null;
    if (carrier !== null && licensed.has(carrier)) continue;
    const skip = skipReason(main, conf.noFixSuspended);
    if (skip) {
      steps.push(new Step('skip', module.id, slot, skip));
      continue;
    }
    const period = main.period as NonNullable<typeof main.period>;
    const key = `${slot.tariff.id}\n${slot.choice}\n${period.id}`;
    let order = resolved.get(key);
    if (!order) {
      try {
        order = resolveOrder({
          api: account.api,
          catalogue: deps.catalogue,
          conf,
          source: { kind: 'addon', name: slot.choice, addonTariff: slot.tariff },
          localPeriod: period,
        });
      } catch (error) {
        if (!(error instanceof ModuleError)) throw error;
        order = error;
      }
      resolved.set(key, order);
    }
    if (order instanceof ModuleError) {
      const step = new Step('skip', module.id, slot, `${order.type}: ${order.message}`);
      step.problem = true;
      steps.push(step);
      continue;
    }
    needs.push({ slot, order });
  }

  // One read of the list: only rows on the IPs of servers that need a licence are kept.
  const wantedIps = new Set(needs.map((n) => n.slot.main.ip));
  const onIp = new Map<string, LicenceRow[]>();
  const awaited = new Map<string, LicenceRow[]>();
  const pooled: LicenceRow[] = [];
  const open = needs.length > 0 ? await deps.store.journal.listOpen(module.id) : [];
  await client.scan((rows) => {
    for (const row of rows) {
      if (row.status === LicenceStatus.deleted || held.has(row.id)) continue;
      if (isPooled(row)) pooled.push(row);
      else if (wantedIps.has(row.ip) && awaitingEntry(open, row)) {
        const list = awaited.get(row.ip);
        if (list) list.push(row);
        else awaited.set(row.ip, [row]);
      } else if (wantedIps.has(row.ip)) {
        const list = onIp.get(row.ip);
        if (list) list.push(row);
        else onIp.set(row.ip, [row]);
      }
    }
  });

  const assigned = new Set<number>();
  const periods = new Map<ResolvedOrder, string>();
  for (const { slot, order } of needs) {
    const match = bestMatch(onIp.get(slot.main.ip), order, assigned);
    const pending = match ? undefined : bestMatch(awaited.get(slot.main.ip), order, assigned);
    const entry = pending && awaitingEntry(open, pending);
    if (pending && entry) {
      // Ordering would only meet the upstream's one-licence-per-IP refusal; adopting would take another item's licence.
      steps.push(
        new Step(
          'skip',
          module.id,
          slot,
          `licence #${pending.id} on its IP awaits the unsettled ${entry.action} of item #${entry.item} (journal #${entry.id}); run again once checkevent has settled it`,
        ),
      );
      continue;
    }
    const step = match
      ? new Step('adopt', module.id, slot, 'a licence of its package is on its IP')
      : new Step('order', module.id, slot, 'no licence of its package on its IP');
    step.packageId = order.pkg.id;
    step.packageName = order.pkg.name;
    if (match) {
      assigned.add(match.id);
      step.licenceId = match.id;
    } else {
      let period = periods.get(order);
      if (period === undefined) {
        period = describePeriod(order.period);
        periods.set(order, period);
      }
      step.period = period;
      step.cost = order.period.cost;
    }
    step[CONTEXT] = { slot, order, module };
    steps.push(step);
  }
  return { steps, pool: PoolView.of(pooled) };
}

function skipReason(main: AddonSlot['main'], noFixSuspended: boolean): string | undefined {
  if (main.status === LicenceStatus.suspended && noFixSuspended) return 'server suspended (Option NoFixSuspended)';
  if (main.status !== LicenceStatus.active && main.status !== LicenceStatus.suspended) {
    return `server not set up yet (status ${main.status}); checkevent licenses it when it is`;
  }
  if (main.ip === '') return 'server has no IP address';
  if (!main.period) return 'server has no order period to choose a licence period from';
  return undefined;
}

/** The licence on the IP of the package to assign: an active one first, then the latest expiry. */
function bestMatch(
  rows: readonly LicenceRow[] | undefined,
  order: ResolvedOrder,
  assigned: ReadonlySet<number>,
): LicenceRow | undefined {
  let best: LicenceRow | undefined;
  for (const row of rows ?? []) {
    if (assigned.has(row.id) || !rowIsPackage(row, order.pkg)) continue;
    if (!best || activeFirst(row, best) < 0 || (activeFirst(row, best) === 0 && laterExpiry(row, best))) best = row;
  }
  return best;
}

const laterExpiry = (a: LicenceRow, b: LicenceRow) => (a.expiredate || '9999') > (b.expiredate || '9999');

const activeFirst = (a: LicenceRow, b: LicenceRow) =>
  Number(b.status === LicenceStatus.active) - Number(a.status === LicenceStatus.active);

async function carryOut(
  deps: ModuleDeps,
  steps: FixchildsStep[],
  pools: ReadonlyMap<number, PoolView>,
  lease: RunLease,
  progress?: (done: number, total: number) => void,
): Promise<void> {
  const work = steps.filter((s) => s.action !== 'skip');
  let next = 0;
  let done = 0;
  let stop: unknown;
  const worker = async () => {
    while (stop === undefined && next < work.length) {
      const step = work[next++] as FixchildsStep;
      try {
        lease.guard();
        if (step.action === 'adopt') await adopt(deps, step);
        else step.resultLicence = await order(deps, step, pools.get(step.module));
        step.outcome = 'done';
      } catch (error) {
        if (error instanceof LeaseLostError) {
          stop = error;
          return;
        }
        step.outcome = 'failed';
        step.error = problemText(error);
        deps.logger.warn({ server: step.server, action: step.action, err: step.error }, 'fixchilds step failed');
      }
      done += 1;
      progress?.(done, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WORKERS, work.length) }, worker));
  if (stop) throw stop;
}

async function carrierOf(deps: ModuleDeps, step: FixchildsStep): Promise<number> {
  return step.addon ?? deps.store.slots.idFor(step.server, step.addonTariff);
}

/**
 * The add-on as a licence target, from what planning read — loading it item by item would read every
 * add-on of its tariff again for each step.
 */
async function targetOf(deps: ModuleDeps, step: FixchildsStep): Promise<LicenceTarget> {
  const context = (step as Step)[CONTEXT];
  if (!context) return loadLicenceTarget(deps, await carrierOf(deps, step));
  const { slot, module } = context;
  const account = accountOf(module);
  const nodes = Object.entries(await deps.billing.reader.integerAddons(slot.main.id)).find(([name]) =>
    /node/i.test(name),
  )?.[1];
  return {
    carrierId: await carrierOf(deps, step),
    carrier: slot.child,
    kind: 'addon',
    carrierTariff: slot.tariff,
    main: slot.main,
    source: { kind: 'addon', name: slot.choice ?? slot.tariff.intname, addonTariff: slot.tariff },
    choice: slot.choice,
    localPeriod: slot.main.period,
    licname: addonLicname(slot.main),
    ip: slot.main.ip,
    nodes: Math.max(1, nodes ?? 1),
    module,
    account,
    client: deps.upstreamFor(account),
    conf: deps.confs[account.api],
  };
}

/** Records a licence already on the account as the add-on's, once its form confirms IP and package. */
async function adopt(deps: ModuleDeps, step: FixchildsStep): Promise<void> {
  const target = await targetOf(deps, step);
  const carrier = target.carrierId;
  await deps.itemLocks.run(`item:${carrier}`, async () => {
    const form = await target.client.form(step.licenceId as number);
    if (form.packageId !== step.packageId || form.ip !== step.ip || form.status === LicenceStatus.deleted) {
      throw new AdoptionMismatch(
        `licence #${form.id} is package ${form.packageId} on ${form.ip} (status ${form.status}) by its form, not package ${step.packageId} on ${step.ip}: not assigned`,
      );
    }
    const period = (step as Step)[CONTEXT]?.order.period.id ?? null;
    const link = linkFromForm(form, { item: carrier, module: step.module, periodId: period });
    const recorded = await deps.store.transaction(async (tx) => {
      const existing = await tx.links.get(carrier);
      if (existing && existing.status !== LicenceStatus.deleted) return false;
      const awaiting = awaitingEntry(await tx.journal.listOpen(step.module), form);
      if (awaiting && awaiting.item !== carrier) {
        throw new AdoptionMismatch(
          `licence #${form.id} awaits the unsettled ${awaiting.action} of item #${awaiting.item} (journal #${awaiting.id}): not assigned`,
        );
      }
      const entry = await tx.journal.claim({
        item: carrier,
        module: step.module,
        action: 'adopt',
        key: `adopt-${carrier}-${randomUUID().slice(0, 8)}`,
        packageId: form.packageId,
        periodId: period,
        ip: form.ip,
        licname: form.licname,
        licenceId: form.id,
        oldExpiredate: null,
        runningoperation: null,
        owner: OWNER,
      });
      if (!entry) return false;
      await tx.journal.settle(entry.id, { state: 'done', licenceId: form.id, note: 'assigned by fixchilds' });
      await recordHandOver(tx.links, link);
      return true;
    });
    if (!recorded) throw new AdoptionMismatch(`add-on #${carrier} got a licence or an order meanwhile: not assigned`);
    await publishLicence(deps, target.carrier, link);
    deps.logger.info({ item: carrier, licence: form.id, server: step.server }, 'fixchilds: licence assigned');
  });
}

/** Orders through the journalled path open uses; the pool read at planning serves first where it may. */
async function order(deps: ModuleDeps, step: FixchildsStep, pool: PoolView | undefined): Promise<number> {
  const target = await targetOf(deps, step);
  return deps.itemLocks.run(`item:${target.carrierId}`, async () => {
    const { link } = await ensureLicence(deps, target, null, pool ? { poolView: pool } : {});
    await publishLicence(deps, target.carrier, link, 'opened');
    return link.licenceId;
  });
}

class AdoptionMismatch extends ModuleError {
  readonly type = 'value';
}
