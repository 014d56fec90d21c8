import type { CataloguePackage, CataloguePeriod, PeriodUnit, ProductLine } from '../domain/catalogue-types.js';

/**
 * The upstream price list as far as public sources know it (research: ispsystem-license-api §7).
 * Package ids and the BILLmanager 4 period-row ids marked `real` are the upstream's own; the rest of
 * the period rows are not public, so cpbillmgr numbers them from 900000 up (`realId: false`) and
 * `cpbillmgr catalogue` marks them. A live `pricelist.export` replaces the lengths and costs it knows.
 */
type Row = [id: number, length: number, unit: PeriodUnit, cost: number, real?: 'real'];

function pkg(
  id: number,
  name: string,
  line: ProductLine,
  edition: CataloguePackage['edition'],
  rows: Row[],
): CataloguePackage {
  const periods: CataloguePeriod[] = rows.map(([periodId, length, unit, cost, real]) => ({
    id: periodId,
    length,
    unit,
    cost,
    realId: real === 'real',
    sold: true,
  }));
  return { id, name, line, edition, periods, sold: true };
}

const TRIAL = 14;

export const BUILTIN_PACKAGES: readonly CataloguePackage[] = [
  pkg(5, 'ISPmanager Lite', 'ispmanager', 'lite', [
    [2, TRIAL, 'day', 0, 'real'],
    [900051, 1, 'month', 8],
    [900053, 3, 'month', 22],
    [900062, 12, 'month', 80],
    [900050, 1, 'lifetime', 180],
  ]),
  pkg(7, 'ISPmanager Lite (without support)', 'ispmanager', 'lite', [
    [7, TRIAL, 'day', 0, 'real'],
    [8, 1, 'month', 6, 'real'],
    [9, 1, 'lifetime', 120, 'real'],
  ]),
  pkg(9, 'ISPmanager Pro', 'ispmanager', 'pro', [
    [10, TRIAL, 'day', 0, 'real'],
    [900091, 1, 'month', 14],
    [900093, 3, 'month', 40],
    [900102, 12, 'month', 150],
    [900090, 1, 'lifetime', 300],
  ]),
  pkg(11, 'ISPmanager Pro (without support)', 'ispmanager', 'pro', [
    [15, TRIAL, 'day', 0, 'real'],
    [16, 1, 'month', 11, 'real'],
    [17, 1, 'lifetime', 240, 'real'],
  ]),
  pkg(15, 'VDSmanager-Linux', 'vdsmanager', 'other', [
    [24, TRIAL, 'day', 0, 'real'],
    [25, 1, 'month', 15, 'real'],
    [26, 1, 'lifetime', 300, 'real'],
  ]),
  pkg(884, 'VDSmanager-FreeBSD', 'vdsmanager', 'other', [
    [534, TRIAL, 'day', 0, 'real'],
    [535, 1, 'month', 15, 'real'],
    [536, 1, 'lifetime', 300, 'real'],
  ]),
  pkg(112, 'ISPmanager Cluster', 'ispmanager', 'other', [
    [68, TRIAL, 'day', 0, 'real'],
    [901121, 1, 'month', 40],
  ]),
  pkg(432, 'BILLmanager Standard', 'billmanager', 'other', [
    [246, TRIAL, 'day', 0, 'real'],
    [904321, 1, 'month', 20],
    [904320, 1, 'lifetime', 400],
  ]),
  pkg(2891, 'IPmanager', 'ipmanager', 'other', [
    [1814, TRIAL, 'day', 0, 'real'],
    [1815, 1, 'month', 5, 'real'],
    [1817, 1, 'lifetime', 100, 'real'],
  ]),
  pkg(3136, 'DNSmanager', 'dnsmanager', 'other', [
    [1926, TRIAL, 'day', 0, 'real'],
    [931361, 1, 'month', 5],
    [931360, 1, 'lifetime', 100],
  ]),
  pkg(3193, 'IFXmanager', 'ifxmanager', 'other', [
    [1951, TRIAL, 'day', 0, 'real'],
    [931931, 1, 'month', 10],
  ]),
  pkg(3045, 'VMmanager KVM', 'vmmanager', 'other', [
    [1898, TRIAL, 'day', 0, 'real'],
    [930451, 1, 'month', 25],
    [930462, 12, 'month', 250],
  ]),
  pkg(3541, 'ISPmanager 5 Lite', 'ispmanager', 'lite', [
    [935410, TRIAL, 'day', 0],
    [935411, 1, 'month', 8],
    [935413, 3, 'month', 22],
    [935416, 6, 'month', 42],
    [935422, 12, 'month', 80],
    [935400, 1, 'lifetime', 180],
  ]),
  pkg(4601, 'ISPmanager Business', 'ispmanager', 'pro', [
    [946010, TRIAL, 'day', 0],
    [946011, 1, 'month', 25],
    [946022, 12, 'month', 250],
  ]),
];
