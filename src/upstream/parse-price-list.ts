import {
  type Catalogue,
  type CataloguePackage,
  type CataloguePeriod,
  type PeriodUnit,
  type ProductLine,
  syntheticPeriodId,
} from '../domain/catalogue-types.js';
import { attrOf, childrenOf, isNode, textOf, type XmlNode } from './xml/parse-doc.js';

/**
 * `pricelist.export` → packages (research §5.11): `<pricelist><id/><name/><price><period type="month"
 * length="1" cost="…"/>…</price></pricelist>`. The periods carry no id, so each is matched to the
 * built-in period of the same unit and length (any trial matches the trial, any lifetime the lifetime)
 * and keeps that row's id; a period the built-in catalogue lacks gets `syntheticPeriodId` and
 * `realId: false`. An exported package is on sale, and so are its exported periods; a built-in period
 * the export leaves out is kept, marked not sold, so configurations naming it still load. Product line
 * and edition are not on the wire, so they come from the built-in package; unknown packages are `other`.
 */
export function parsePriceList(doc: XmlNode, catalogue: Catalogue): CataloguePackage[] {
  const packages: CataloguePackage[] = [];
  for (const row of childrenOf(doc, 'pricelist')) {
    const id = Number(textOf(row, 'id'));
    if (!Number.isInteger(id) || id <= 0) continue;
    const known = catalogue.findPackage(id);
    const price = isNode(row.price) ? row.price : undefined;
    const exported: CataloguePeriod[] = [];
    for (const node of childrenOf(price, 'period')) {
      const period = toPeriod(id, node, known);
      if (period && !exported.some((p) => p.id === period.id)) exported.push(period);
    }
    const left = (known?.periods ?? [])
      .filter((p) => !exported.some((e) => e.id === p.id))
      .map((p): CataloguePeriod => ({ ...p, sold: false }));
    const name = textOf(row, 'name');
    const { notSoldSince: _gone, ...base } = known ?? { nodeAddon: undefined };
    packages.push({
      ...base,
      id,
      name: name || known?.name || `Package ${id}`,
      line: known?.line ?? guessLine(name),
      edition: known?.edition ?? 'other',
      periods: [...exported, ...left],
      sold: true,
    });
  }
  return packages;
}

/**
 * The built-in list refreshed by an export: exported packages replace the built-in ones of the same
 * id, new ones are added at the end, and a built-in package the export leaves out keeps its own `sold`
 * flag (an export may be filtered by `itemtype`, so absence alone does not prove it is withdrawn).
 */
export function mergeExportedPackages(
  builtin: readonly CataloguePackage[],
  exported: readonly CataloguePackage[],
): CataloguePackage[] {
  const byId = new Map(exported.map((pkg) => [pkg.id, pkg]));
  const merged = builtin.map((pkg) => byId.get(pkg.id) ?? pkg);
  const known = new Set(builtin.map((pkg) => pkg.id));
  return [...merged, ...exported.filter((pkg) => !known.has(pkg.id))];
}

function toPeriod(packageId: number, node: XmlNode, known: CataloguePackage | undefined): CataloguePeriod | undefined {
  const unit = unitOf(attrOf(node, 'type') ?? '');
  if (unit === undefined) return undefined;
  const length = unit === 'lifetime' ? 1 : Number(attrOf(node, 'length'));
  if (!Number.isInteger(length) || length <= 0) return undefined;
  const cost = Number(attrOf(node, 'cost') ?? '');
  const match = known?.periods.find((p) => p.unit === unit && (unit !== 'month' || p.length === length));
  const { notSoldSince: _gone, ...base } = match ?? {
    id: syntheticPeriodId(packageId, { unit, length }),
    length,
    unit,
    realId: false,
  };
  return { ...base, cost: Number.isFinite(cost) && cost >= 0 ? cost : (match?.cost ?? 0), sold: true };
}

function unitOf(type: string): PeriodUnit | undefined {
  if (type === 'month' || type === 'day' || type === 'lifetime') return type;
  if (type === 'trial') return 'day';
  return undefined;
}

const LINES: readonly ProductLine[] = [
  'ipmanager',
  'dnsmanager',
  'vdsmanager',
  'vmmanager',
  'billmanager',
  'ifxmanager',
  'dcimanager',
  'ispmanager',
];

function guessLine(name: string): ProductLine {
  const lower = name.toLowerCase();
  return LINES.find((line) => lower.includes(line)) ?? 'ispmanager';
}
