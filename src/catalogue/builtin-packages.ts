import {
  type CataloguePackage,
  type CataloguePeriod,
  type PeriodUnit,
  type ProductLine,
  syntheticPeriodId,
} from '../domain/catalogue-types.js';

/**
 * The upstream price list as far as public sources know it (research: ispsystem-license-api §7).
 *
 * First what ISPsystem's ispmanager billing sells today (§7.3, EU codes: the "Reselling ispmanager
 * licenses via API" pages, Upmind's provider): ispmanager 6 Lite, Pro, Host and Business for 1 and 12
 * months, and the two trial tariffs (period -100 on the wire). Their period-row ids are not public, so
 * they get `syntheticPeriodId` (≥ 900000, `realId: false`), the same id a `pricelist.export` refresh
 * derives. Their prices are not public either: the costs below are plausible EUR figures, not ISPsystem's.
 *
 * Then the seed's older packages, kept for the configurations written for them and marked `sold: false`:
 * ISPmanager 5 (3541, 4601) has not been sold or renewed since 2021-06-15 (§7.2), lifetime licences not
 * since 2018-07-09 (§6), ISPmanager 4 (5, 7, 9, 11) and the other BILLmanager 4 era products long before
 * (no public date). Package ids and the BILLmanager 4 period-row ids marked `real` are the upstream's own;
 * the other rows carry ids cpbillmgr assigned (older numbering, kept because configurations name them).
 */
type Row = [id: number, length: number, unit: PeriodUnit, cost: number, real?: 'real'];

const TRIAL_DAYS = 14;
const ISPMANAGER5_END = '2021-06-15';
const LIFETIME_END = '2018-07-09';

interface PackageSpec {
  readonly id: number;
  readonly name: string;
  readonly line: ProductLine;
  readonly edition: CataloguePackage['edition'];
  readonly sold: boolean;
  readonly notSoldSince?: string;
  readonly nodeAddon?: number;
}

function pkg(spec: PackageSpec, rows: Row[]): CataloguePackage {
  const periods: CataloguePeriod[] = rows.map(([periodId, length, unit, cost, real]) => {
    const period: CataloguePeriod = { id: periodId, length, unit, cost, realId: real === 'real', sold: spec.sold };
    if (unit === 'lifetime') return { ...period, sold: false, notSoldSince: LIFETIME_END };
    return spec.sold || spec.notSoldSince === undefined ? period : { ...period, notSoldSince: spec.notSoldSince };
  });
  const { nodeAddon, notSoldSince, ...rest } = spec;
  return {
    ...rest,
    periods,
    ...(nodeAddon === undefined ? {} : { nodeAddon }),
    ...(notSoldSince === undefined ? {} : { notSoldSince }),
  };
}

/** An ispmanager 6 tariff on sale: synthetic period ids, costs per month and per year. */
function ispmanager6(
  id: number,
  name: string,
  edition: CataloguePackage['edition'],
  costs: { month?: number; year?: number; trial?: true },
  nodeAddon?: number,
): CataloguePackage {
  const rows: Row[] = [];
  const add = (length: number, unit: PeriodUnit, cost: number) =>
    rows.push([syntheticPeriodId(id, { unit, length }), length, unit, cost]);
  if (costs.trial) add(TRIAL_DAYS, 'day', 0);
  if (costs.month !== undefined) add(1, 'month', costs.month);
  if (costs.year !== undefined) add(12, 'month', costs.year);
  return pkg({ id, name, line: 'ispmanager', edition, sold: true, ...(nodeAddon ? { nodeAddon } : {}) }, rows);
}

const old = (
  id: number,
  name: string,
  line: ProductLine,
  edition: CataloguePackage['edition'],
  rows: Row[],
  extra: Partial<PackageSpec> = {},
) => pkg({ id, name, line, edition, sold: false, ...extra }, rows);

export const BUILTIN_PACKAGES: readonly CataloguePackage[] = [
  // Lite is the `lite` edition of the FAQ rule; Pro, Host and Business are the `pro` ones (each includes
  // Pro's features). The trials belong to no edition: one licence per IP and line still applies to them.
  ispmanager6(55227, 'ispmanager 6 Lite', 'lite', { month: 6, year: 60 }),
  ispmanager6(55228, 'ispmanager 6 Pro', 'pro', { month: 11, year: 110 }),
  ispmanager6(55229, 'ispmanager 6 Host', 'pro', { month: 20, year: 200 }),
  // Costs of a node-add-on package are per node: the sandbox charges cost × nodes ([U] costly).
  ispmanager6(55230, 'ispmanager 6 Business', 'pro', { month: 30, year: 300 }, 55236),
  ispmanager6(55239, 'ispmanager 6 trial', 'other', { trial: true }),
  // [U] costly: whether the business trial needs `addon_55236` is not documented; it is required here.
  ispmanager6(55240, 'ispmanager 6 Business trial', 'other', { trial: true }, 55236),

  old(5, 'ISPmanager Lite', 'ispmanager', 'lite', [
    [2, TRIAL_DAYS, 'day', 0, 'real'],
    [900051, 1, 'month', 8],
    [900053, 3, 'month', 22],
    [900062, 12, 'month', 80],
    [900050, 1, 'lifetime', 180],
  ]),
  old(7, 'ISPmanager Lite (without support)', 'ispmanager', 'lite', [
    [7, TRIAL_DAYS, 'day', 0, 'real'],
    [8, 1, 'month', 6, 'real'],
    [9, 1, 'lifetime', 120, 'real'],
  ]),
  old(9, 'ISPmanager Pro', 'ispmanager', 'pro', [
    [10, TRIAL_DAYS, 'day', 0, 'real'],
    [900091, 1, 'month', 14],
    [900093, 3, 'month', 40],
    [900102, 12, 'month', 150],
    [900090, 1, 'lifetime', 300],
  ]),
  old(11, 'ISPmanager Pro (without support)', 'ispmanager', 'pro', [
    [15, TRIAL_DAYS, 'day', 0, 'real'],
    [16, 1, 'month', 11, 'real'],
    [17, 1, 'lifetime', 240, 'real'],
  ]),
  old(15, 'VDSmanager-Linux', 'vdsmanager', 'other', [
    [24, TRIAL_DAYS, 'day', 0, 'real'],
    [25, 1, 'month', 15, 'real'],
    [26, 1, 'lifetime', 300, 'real'],
  ]),
  old(884, 'VDSmanager-FreeBSD', 'vdsmanager', 'other', [
    [534, TRIAL_DAYS, 'day', 0, 'real'],
    [535, 1, 'month', 15, 'real'],
    [536, 1, 'lifetime', 300, 'real'],
  ]),
  old(112, 'ISPmanager Cluster', 'ispmanager', 'other', [
    [68, TRIAL_DAYS, 'day', 0, 'real'],
    [901121, 1, 'month', 40],
  ]),
  old(432, 'BILLmanager Standard', 'billmanager', 'other', [
    [246, TRIAL_DAYS, 'day', 0, 'real'],
    [904321, 1, 'month', 20],
    [904320, 1, 'lifetime', 400],
  ]),
  old(2891, 'IPmanager', 'ipmanager', 'other', [
    [1814, TRIAL_DAYS, 'day', 0, 'real'],
    [1815, 1, 'month', 5, 'real'],
    [1817, 1, 'lifetime', 100, 'real'],
  ]),
  old(3136, 'DNSmanager', 'dnsmanager', 'other', [
    [1926, TRIAL_DAYS, 'day', 0, 'real'],
    [931361, 1, 'month', 5],
    [931360, 1, 'lifetime', 100],
  ]),
  old(3193, 'IFXmanager', 'ifxmanager', 'other', [
    [1951, TRIAL_DAYS, 'day', 0, 'real'],
    [931931, 1, 'month', 10],
  ]),
  old(3045, 'VMmanager KVM', 'vmmanager', 'other', [
    [1898, TRIAL_DAYS, 'day', 0, 'real'],
    [930451, 1, 'month', 25],
    [930462, 12, 'month', 250],
  ]),
  old(
    3541,
    'ISPmanager 5 Lite',
    'ispmanager',
    'lite',
    [
      [935410, TRIAL_DAYS, 'day', 0],
      [935411, 1, 'month', 8],
      [935413, 3, 'month', 22],
      [935416, 6, 'month', 42],
      [935422, 12, 'month', 80],
      [935400, 1, 'lifetime', 180],
    ],
    { notSoldSince: ISPMANAGER5_END },
  ),
  old(
    4601,
    'ISPmanager Business',
    'ispmanager',
    'pro',
    [
      [946010, TRIAL_DAYS, 'day', 0],
      [946011, 1, 'month', 25],
      [946022, 12, 'month', 250],
    ],
    { notSoldSince: ISPMANAGER5_END, nodeAddon: 4602 },
  ),
];
