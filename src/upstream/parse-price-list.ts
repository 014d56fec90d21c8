import type {
  Catalogue,
  CataloguePackage,
  CataloguePeriod,
  PeriodUnit,
  ProductLine,
} from '../domain/catalogue-types.js';
import { attrOf, childrenOf, isNode, textOf, type XmlNode } from './xml/parse-doc.js';

/**
 * `pricelist.export` → packages. Product line and edition are not on the wire, so they come from the
 * built-in catalogue when the package id is known; unknown packages are listed as `other`.
 */
export function parsePriceList(doc: XmlNode, catalogue: Catalogue): CataloguePackage[] {
  const packages: CataloguePackage[] = [];
  for (const row of childrenOf(doc, 'pricelist')) {
    const id = Number(textOf(row, 'id'));
    if (!Number.isInteger(id) || id <= 0) continue;
    const known = catalogue.findPackage(id);
    const price = isNode(row.price) ? row.price : undefined;
    const periods = childrenOf(price, 'period')
      .map((node) => toPeriod(node, known))
      .filter((period): period is CataloguePeriod => period !== undefined);
    packages.push({
      id,
      name: textOf(row, 'name') || known?.name || `Package ${id}`,
      line: known?.line ?? guessLine(textOf(row, 'name')),
      edition: known?.edition ?? 'other',
      periods: periods.length > 0 ? periods : (known?.periods ?? []),
      sold: true,
    });
  }
  return packages;
}

function toPeriod(node: XmlNode, known: CataloguePackage | undefined): CataloguePeriod | undefined {
  const unit = unitOf(attrOf(node, 'type') ?? '');
  const length = Number(attrOf(node, 'length') ?? (unit === 'lifetime' ? '1' : ''));
  const cost = Number(attrOf(node, 'cost') ?? '0');
  if (unit === undefined || !Number.isFinite(length)) return undefined;
  const rowId = Number(attrOf(node, 'id'));
  const match = known?.periods.find((period) => period.unit === unit && period.length === length);
  const id = Number.isInteger(rowId) && rowId > 0 ? rowId : match?.id;
  if (id === undefined) return undefined;
  return { id, length, unit, cost: Number.isFinite(cost) ? cost : 0, realId: match?.realId ?? rowId > 0, sold: true };
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
