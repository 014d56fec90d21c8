import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A parsed XML element: text under `#text`, attributes under `@_name`, children by tag name. */
export type XmlNode = { readonly [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const ARRAY_PATHS = new Set(['doc.elem', 'doc.pricelist', 'doc.pricelist.price.period']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  isArray: (_name, jPath) => ARRAY_PATHS.has(String(jPath)),
});

/**
 * The `<doc>` root of an upstream answer, or undefined when the body is not a whole, well-formed
 * BILLmanager document: a truncated answer must never be read as data (it would turn an unknown
 * outcome into a false success, or a partial list into "not there").
 */
export function parseDoc(body: string): XmlNode | undefined {
  if (XMLValidator.validate(body) !== true) return undefined;
  let parsed: unknown;
  try {
    parsed = parser.parse(body);
  } catch {
    return undefined;
  }
  if (!isNode(parsed)) return undefined;
  const doc = parsed.doc;
  if (doc === '') return {};
  return isNode(doc) ? doc : undefined;
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text content of a child (or of the node itself when `key` is omitted); '' when absent. */
export function textOf(node: XmlValue | undefined, key?: string): string {
  const value = key === undefined ? node : isNode(node) ? node[key] : undefined;
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return textOf(value[0]);
  if (isNode(value)) return textOf(value['#text']);
  return '';
}

export function attrOf(node: XmlValue | undefined, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function childrenOf(node: XmlValue | undefined, key: string): XmlNode[] {
  const value = isNode(node) ? node[key] : undefined;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter(isNode);
}

/** Submitted forms may answer with the fields nested one level down (`<doc><ok/><doc>…</doc></doc>`). */
export function innerDoc(doc: XmlNode): XmlNode {
  return isNode(doc.doc) ? doc.doc : doc;
}

/** Upstream dates: 'YYYY-MM-DD'; anything else (empty, 0000-00-00, "unlimited") means none. */
export function normaliseDate(text: string): string {
  const date = text.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !date.startsWith('0000') ? date : '';
}

export function intOf(text: string): number | undefined {
  return /^-?\d+$/.test(text.trim()) ? Number(text) : undefined;
}
