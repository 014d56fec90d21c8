import type { AddonSlot, BillingItem } from '../../domain/billing-types.js';
import type { Catalogue } from '../../domain/catalogue-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceLink } from '../../ports/module-store.js';
import type { LicenceRow } from '../../ports/upstream-client.js';
import { isPooled, rowIsPackage } from '../pool/pool-licence.js';
import { monthlyCost } from './unheld-licences.js';

/**
 * What a three-way comparison of billing, module and upstream can find, in the order a report shows it.
 * - unpaid: a live upstream licence no live item holds (it costs money every month)
 * - missing: a service that should have a licence and has none (or its licence is gone upstream)
 * - wrong_ip / wrong_package: the licence is not what the service asks for
 * - expired: the licence expired while its service is active
 * - no_autorenew: a 100 % discount — the upstream will not renew it automatically (seed)
 * - pool: licences parked as free.lic on 0.0.0.0, paid for and waiting for an order
 */
export const RECONCILE_CLASSES = [
  'unpaid',
  'missing',
  'wrong_ip',
  'wrong_package',
  'expired',
  'no_autorenew',
  'pool',
] as const;
export type ReconcileClass = (typeof RECONCILE_CLASSES)[number];

/** Classes an operator must act on; pool licences and discounted licences are shown, not failed on. */
export const ACTION_CLASSES: readonly ReconcileClass[] = ['unpaid', 'missing', 'wrong_ip', 'wrong_package', 'expired'];

export interface Finding {
  readonly class: ReconcileClass;
  readonly module: number;
  readonly licenceId: number | null;
  readonly item: number | null;
  readonly ip: string;
  readonly expiredate: string;
  /** What it costs (or would cost) a month, from the catalogue. */
  readonly monthlyCost: number;
  readonly detail: string;
}

export interface ClassTotal {
  count: number;
  monthlyCost: number;
}

export type ReconcileCounts = Record<ReconcileClass, ClassTotal>;

export function emptyCounts(): ReconcileCounts {
  return Object.fromEntries(RECONCILE_CLASSES.map((c) => [c, { count: 0, monthlyCost: 0 }])) as ReconcileCounts;
}

export function needsAction(counts: ReconcileCounts): boolean {
  return ACTION_CLASSES.some((c) => counts[c].count > 0);
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Folds licences and services into findings, one at a time, so a caller can feed it while it streams
 * the upstream list (checkevent from its mirror pass, `cpbillmgr reconcile` from its own read). Each
 * situation is classified in one place only: standalone services by `held`, add-ons by `slot`.
 */
export class ReconcileTally {
  readonly counts: ReconcileCounts = emptyCounts();
  readonly findings: Finding[] = [];

  constructor(
    private readonly catalogue: Catalogue,
    private readonly module: number,
    private readonly day: string,
    /** The upstream package a standalone tariff sells; undefined when it resolves to none. */
    private readonly packageOfTariff: (tariffId: number) => number | undefined,
    /** Which findings to keep beside the counts (checkevent keeps only what it reports). */
    private readonly keep: (cls: ReconcileClass) => boolean = () => true,
  ) {}

  private add(finding: Omit<Finding, 'module' | 'monthlyCost'>, monthly: number): void {
    const total = this.counts[finding.class];
    total.count += 1;
    total.monthlyCost = round(total.monthlyCost + monthly);
    if (this.keep(finding.class)) this.findings.push({ ...finding, module: this.module, monthlyCost: round(monthly) });
  }

  private packageCost(packageId: number | undefined): number {
    return packageId === undefined ? 0 : monthlyCost(this.catalogue, { packageId, tariffName: '', cost: null });
  }

  /** An upstream licence no link of the module holds. */
  unlinked(row: LicenceRow): void {
    if (row.status === LicenceStatus.deleted) return;
    const base = { licenceId: row.id, item: null, ip: row.ip, expiredate: row.expiredate };
    if (isPooled(row)) {
      this.add(
        { ...base, class: 'pool', detail: `${row.tariffName || 'licence'} parked as free.lic` },
        monthlyCost(this.catalogue, row),
      );
      return;
    }
    this.add(
      { ...base, class: 'unpaid', detail: `${row.licname} (${row.tariffName || 'unknown tariff'}): no item holds it` },
      monthlyCost(this.catalogue, row),
    );
  }

  /** An upstream licence the module links to a billing item (`carrier` undefined when the billing has no such item). */
  held(row: LicenceRow, link: LicenceLink, carrier: BillingItem | undefined): void {
    const base = { licenceId: row.id, item: link.item, ip: row.ip, expiredate: row.expiredate };
    const cost = monthlyCost(this.catalogue, row);
    if (row.status === LicenceStatus.deleted) {
      if (
        link.status !== LicenceStatus.deleted &&
        carrier?.parentId === null &&
        carrier.status === LicenceStatus.active
      )
        this.add(
          { ...base, class: 'missing', detail: `item #${link.item} is active but its licence is deleted upstream` },
          cost,
        );
      return;
    }
    if (link.status === LicenceStatus.deleted || !carrier || carrier.status === LicenceStatus.deleted) {
      if (isPooled(row)) {
        this.add(
          { ...base, item: null, class: 'pool', detail: `${row.tariffName || 'licence'} parked as free.lic` },
          cost,
        );
      } else {
        const why = !carrier
          ? 'is gone from the billing'
          : carrier.status === LicenceStatus.deleted
            ? 'is deleted'
            : 'gave it up';
        this.add(
          { ...base, class: 'unpaid', detail: `item #${link.item} ${why} but the licence is live upstream` },
          cost,
        );
      }
      return;
    }
    const period = link.periodId === null ? undefined : this.catalogue.findPeriod(link.periodId)?.period;
    if (row.cost === 0 && period?.unit === 'month' && period.cost > 0) {
      this.add(
        {
          ...base,
          class: 'no_autorenew',
          detail: `100 % discount: the upstream will not renew it automatically; it expires on ${row.expiredate || '(no date)'}`,
        },
        0,
      );
    }
    // Add-on licences are judged against their server (slot); standalone ones against their item here.
    if (carrier.parentId !== null) return;
    if (carrier.ip !== '' && row.ip !== carrier.ip) {
      this.add(
        { ...base, class: 'wrong_ip', detail: `the licence is on ${row.ip}, item #${carrier.id} on ${carrier.ip}` },
        cost,
      );
    }
    const wanted = this.packageOfTariff(carrier.pricelistId);
    const pkg = wanted === undefined ? undefined : this.catalogue.findPackage(wanted);
    if (pkg && !(row.tariffName || row.packageId !== null ? rowIsPackage(row, pkg) : link.packageId === pkg.id)) {
      this.add(
        {
          ...base,
          class: 'wrong_package',
          detail: `the licence is ${row.tariffName || `package ${link.packageId}`}, the tariff asks for ${pkg.id} '${pkg.name}'`,
        },
        cost,
      );
    }
    if (carrier.status === LicenceStatus.active && this.expired(row.expiredate, row.status)) {
      this.add(
        { ...base, class: 'expired', detail: `expired on ${row.expiredate} while item #${carrier.id} is active` },
        cost,
      );
    }
  }

  /** A licence the module links to an item, absent from a complete upstream list. */
  gone(link: LicenceLink, carrier: BillingItem | undefined): void {
    if (link.status === LicenceStatus.deleted || carrier?.status !== LicenceStatus.active) return;
    this.add(
      {
        licenceId: link.licenceId,
        item: link.item,
        ip: link.ip,
        expiredate: link.expiredate,
        class: 'missing',
        detail: `item #${link.item} is active but its licence #${link.licenceId} is missing upstream`,
      },
      this.packageCost(link.packageId),
    );
  }

  /** An active standalone service with no licence at all. */
  unlicensed(item: BillingItem): void {
    if (item.status !== LicenceStatus.active) return;
    const wanted = this.packageOfTariff(item.pricelistId);
    this.add(
      {
        licenceId: null,
        item: item.id,
        ip: item.ip,
        expiredate: '',
        class: 'missing',
        detail: `item #${item.id} is active without a licence`,
      },
      this.packageCost(wanted),
    );
  }

  /** A licence add-on of a server: what the server asks for against the licence the module holds for it. */
  slot(slot: AddonSlot, carrier: number | null, link: LicenceLink | undefined, wanted: number | undefined): void {
    const { main } = slot;
    if (main.status === LicenceStatus.deleted || slot.choice === null) return;
    const licensed = link !== undefined && link.status !== LicenceStatus.deleted;
    if (!licensed) {
      if (main.status === LicenceStatus.active && main.ip !== '') {
        this.add(
          {
            licenceId: null,
            item: carrier,
            ip: main.ip,
            expiredate: '',
            class: 'missing',
            detail: `server #${main.id} has add-on '${slot.choice}' without a licence`,
          },
          this.packageCost(wanted),
        );
      }
      return;
    }
    const base = { licenceId: link.licenceId, item: link.item, ip: link.ip, expiredate: link.expiredate };
    const cost = this.packageCost(link.packageId);
    if (main.ip !== '' && link.ip !== main.ip) {
      this.add(
        { ...base, class: 'wrong_ip', detail: `the licence is on ${link.ip}, server #${main.id} on ${main.ip}` },
        cost,
      );
    }
    if (wanted !== undefined && wanted !== link.packageId) {
      this.add(
        {
          ...base,
          class: 'wrong_package',
          detail: `the licence is package ${link.packageId}, add-on '${slot.choice}' asks for ${wanted}`,
        },
        cost,
      );
    }
    if (main.status === LicenceStatus.active && this.expired(link.expiredate, link.status)) {
      this.add(
        { ...base, class: 'expired', detail: `expired on ${link.expiredate} while server #${main.id} is active` },
        cost,
      );
    }
  }

  private expired(expiredate: string, status: number): boolean {
    if (expiredate === '') return false;
    return expiredate < this.day || (expiredate === this.day && status !== LicenceStatus.active);
  }
}
