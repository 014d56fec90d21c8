import { SaxesParser } from 'saxes';
import { ValueError } from '../errors/module-error.js';

/**
 * The options of the connection form's empty `<select name="api"/>`: the upstream's BILLmanager
 * generation. Keys are the stored values; the texts are message names of the plugin XML's
 * `processing.edit.pmcpbillmgr` group, as pmregistrar's tune_service_profile answers
 * `<msg key="personal">my_usage_personal</msg>`. The first is the default.
 */
export const API_OPTIONS: ReadonlyArray<{ readonly key: string; readonly msg: string }> = [
  { key: '5', msg: 'api_5' },
  { key: '4', msg: 'api_4' },
];

const MAX_DEPTH = 100;
const MAX_LENGTH = 1024 * 1024;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `tune_connection` (research §3): BILLmanager puts the connection form on stdin — its fields as
 * children of `<doc>`, plus `<func>` — and shows whatever comes back. The answer is that document,
 * byte for byte, with `<slist name="api">` added as the root's last child (pmregistrar L171-178).
 * A DOCTYPE or entity declaration, a prototype-like name, nesting deeper than 100 or a root other
 * than `<doc>` is refused as a ValueError and nothing is answered.
 */
export function tuneConnection(formXml: string): string {
  if (formXml.length > MAX_LENGTH) throw new ValueError('the connection form is larger than 1 MiB', 'xml');
  const rootEnd = scanForm(formXml);
  const options = API_OPTIONS.map((o) => `<msg key="${o.key}">${o.msg}</msg>`).join('');
  const slist = `<slist name="api">${options}</slist>`;
  if (rootEnd.selfClosing) {
    const slash = formXml.lastIndexOf('/', rootEnd.end);
    return `${formXml.slice(0, slash)}>${slist}</doc>${formXml.slice(rootEnd.end)}`;
  }
  const close = formXml.lastIndexOf('</', rootEnd.end);
  return `${formXml.slice(0, close)}${slist}${formXml.slice(close)}`;
}

interface RootEnd {
  /** Index just past the root's closing `>`. */
  readonly end: number;
  readonly selfClosing: boolean;
}

function scanForm(xml: string): RootEnd {
  const parser = new SaxesParser({ position: true });
  let depth = 0;
  let rootEnd: RootEnd | undefined;
  let refusal: ValueError | undefined;
  const refuse = (message: string, object = 'xml') => {
    refusal ??= new ValueError(message, object);
    throw refusal;
  };
  parser.on('doctype', () => refuse('the connection form may not carry a DOCTYPE'));
  parser.on('opentagstart', (tag) => {
    if (FORBIDDEN_NAMES.has(tag.name)) refuse(`element name '${tag.name}' is not allowed`);
    if (depth === 0 && tag.name !== 'doc') refuse(`expected a <doc> document, not <${tag.name}>`);
    depth += 1;
    if (depth > MAX_DEPTH) refuse(`the connection form nests deeper than ${MAX_DEPTH} elements`);
  });
  parser.on('attribute', (attribute) => {
    if (FORBIDDEN_NAMES.has(attribute.name)) refuse(`attribute name '${attribute.name}' is not allowed`);
  });
  parser.on('closetag', (tag) => {
    depth -= 1;
    if (depth === 0) rootEnd = { end: parser.position, selfClosing: tag.isSelfClosing };
  });
  parser.on('error', (error) => refuse(`malformed XML: ${error.message}`));
  try {
    parser.write(xml).close();
  } catch (error) {
    if (refusal) throw refusal;
    throw new ValueError(`malformed XML: ${error instanceof Error ? error.message : String(error)}`, 'xml');
  }
  if (!rootEnd) refuse('the connection form has no <doc> element');
  return rootEnd as RootEnd;
}
