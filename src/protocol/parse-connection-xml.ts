import { SaxesParser } from 'saxes';
import { ValueError } from '../errors/module-error.js';
import { printable } from '../errors/printable.js';

/** The connection form is a handful of short fields; the HTTP body has the same limit. */
export const MAX_CONNECTION_XML_BYTES = 64 * 1024;
/** The form is three levels deep; anything near this is an attack or garbage. */
export const MAX_CONNECTION_XML_DEPTH = 100;

/** Names that would reach an object's prototype if they ever became keys of a plain object. */
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

interface Element {
  readonly name: string;
  readonly children: Element[];
  text: string;
}

/**
 * `check_connection` gets the connection form on stdin (or as a text/xml HTTP body):
 * `<doc><processingmodule><url>…</url><username>…</username>…</processingmodule></doc>`
 * (values may also be direct children of `<doc>`). Returns the text fields, trimmed, in a
 * null-prototype record. A field that has child elements or appears more than once is left out,
 * as before. Anything that is not a plain small document — a DOCTYPE (so no entity of any kind),
 * a processing instruction other than the XML declaration, more than 100 levels, more than
 * 64 KiB — is a `value` error on object `xml`, like malformed XML.
 */
export function parseConnectionXml(xml: string): Record<string, string> {
  if (Buffer.byteLength(xml, 'utf8') > MAX_CONNECTION_XML_BYTES) {
    throw new ValueError(`connection XML is larger than ${MAX_CONNECTION_XML_BYTES} bytes`, 'xml');
  }
  const root = parseTree(xml.replace(/^\uFEFF/, ''));
  if (root.name !== 'doc') throw new ValueError(`expected a <doc> document, not <${printable(root.name)}>`, 'xml');
  const modules = root.children.filter((child) => child.name === 'processingmodule');
  if (modules.length > 1) throw new ValueError('more than one <processingmodule> in the connection XML', 'xml');
  return leafFields(modules[0] ?? root);
}

function parseTree(xml: string): Element {
  const parser = new SaxesParser({ fragment: false, xmlns: false, forceXMLVersion: true, defaultXMLVersion: '1.0' });
  const refuse = (message: string): never => {
    throw new ValueError(message, 'xml');
  };
  const stack: Element[] = [];
  let root: Element | undefined;
  parser.on('error', (error) => refuse(`malformed XML: ${printable(error.message, 120)}`));
  parser.on('doctype', () => refuse('a DOCTYPE is not allowed in the connection XML'));
  parser.on('processinginstruction', ({ target }) =>
    refuse(`processing instruction <?${printable(target)}?> is not allowed in the connection XML`),
  );
  parser.on('opentag', ({ name }) => {
    if (PROTOTYPE_NAMES.has(name)) refuse(`element name <${name}> is not allowed in the connection XML`);
    if (stack.length >= MAX_CONNECTION_XML_DEPTH) {
      refuse(`connection XML nests deeper than ${MAX_CONNECTION_XML_DEPTH} levels`);
    }
    const element: Element = { name, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (text: string) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(xml).close();
  return root ?? refuse('expected a <doc> document');
}

function leafFields(source: Element): Record<string, string> {
  const seen = new Map<string, number>();
  for (const child of source.children) seen.set(child.name, (seen.get(child.name) ?? 0) + 1);
  const fields: Record<string, string> = Object.create(null);
  for (const child of source.children) {
    if (child.children.length === 0 && seen.get(child.name) === 1) fields[child.name] = child.text.trim();
  }
  return fields;
}
