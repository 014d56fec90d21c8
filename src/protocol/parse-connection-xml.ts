import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ValueError } from '../errors/module-error.js';

/**
 * `check_connection` gets the connection form on stdin:
 * `<doc><processingmodule><url>…</url><username>…</username>…</processingmodule></doc>`
 * (values may also be direct children of `<doc>`). Returns the text fields.
 */
export function parseConnectionXml(xml: string): Record<string, string> {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new ValueError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`, 'xml');
  const parsed = new XMLParser({ parseTagValue: false, ignoreAttributes: true }).parse(xml) as Record<string, unknown>;
  const root = parsed.doc;
  if (typeof root !== 'object' || root === null) throw new ValueError('expected a <doc> document', 'xml');
  const source = (root as Record<string, unknown>).processingmodule ?? root;
  const fields: Record<string, string> = {};
  if (typeof source === 'object' && source !== null) {
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'string' || typeof value === 'number') fields[key] = String(value);
    }
  }
  return fields;
}
