import type { ModuleError } from '../errors/module-error.js';

export type Field = string | number;
export type Fields = Readonly<Record<string, Field>>;

/**
 * BILLmanager's documents are rendered by hand: they are small and flat, and every module call is a new
 * process, where loading an XML builder would cost more than the call itself.
 */
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** XML 1.0 can't carry most control characters: they are shown as `\uXXXX` so the document stays well-formed. */
export function xmlSafe(text: string): string {
  return text.replace(/[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu, (char) =>
    char === '\n' || char === '\t' || char === '\r' ? char : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const ESCAPES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' };

/** Text or attribute value: escaped and stripped of what XML can't hold. */
export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[<>&"]/g, (c) => ESCAPES[c] ?? c);
}

/** Element names come from the module's own code, never from input; anything else is refused loudly. */
function name(tag: string): string {
  if (!/^[A-Za-z_][\w.-]*$/.test(tag)) throw new Error(`not an XML element name: ${tag}`);
  return tag;
}

function element(tag: string, text?: string, attributes: Readonly<Record<string, string>> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${name(key)}="${escapeXml(value)}"`)
    .join('');
  return text === undefined || text === '' ? `<${name(tag)}${attrs}/>` : `<${name(tag)}${attrs}>${text}</${tag}>`;
}

function fields(values: Fields): string {
  return Object.entries(values)
    .map(([key, value]) => element(key, escapeXml(String(value))))
    .join('');
}

function doc(body: string): string {
  return `${DECLARATION}<doc>${body}</doc>\n`;
}

/** `<doc><ok/>…fields…</doc>`: a successful call. */
export function renderOk(values: Fields = {}): string {
  return doc(`<ok/>${fields(values)}`);
}

/** `<doc><elem>…</elem>…</doc>`: a list, as BILLmanager's own list functions answer; `ok` marks a finished action. */
export function renderList(rows: readonly Fields[], extra: Fields = {}, options: { ok?: boolean } = {}): string {
  const body = rows.map((row) => element('elem', fields(row))).join('');
  return doc(`${options.ok ? '<ok/>' : ''}${fields(extra)}${body}`);
}

/** BILLmanager's error document: `<doc><error type object><param…/><msg>…</msg></error></doc>`. */
export function renderError(error: Pick<ModuleError, 'type' | 'object' | 'value' | 'message'>): string {
  const object = error.object;
  const params =
    (object ? element('param', escapeXml(object), { name: 'object', type: 'msg', msg: object }) : '') +
    (error.value === undefined ? '' : element('param', escapeXml(error.value), { name: 'value' }));
  const body = params + element('msg', escapeXml(error.message));
  return doc(element('error', body, { type: error.type, object, lang: 'en' }));
}

export interface FeaturesSpec {
  readonly itemtypes: readonly string[];
  readonly params: ReadonlyArray<{ name: string; crypted?: boolean }>;
  readonly features: readonly string[];
}

/** The `features` answer (protocol research §2): what BILLmanager may call this module for. */
export function renderFeatures(spec: FeaturesSpec): string {
  const itemtypes = spec.itemtypes.map((type) => element('itemtype', undefined, { name: type })).join('');
  const params = spec.params
    .map((param) =>
      element('param', undefined, param.crypted ? { name: param.name, crypted: 'yes' } : { name: param.name }),
    )
    .join('');
  const features = spec.features.map((feature) => element('feature', undefined, { name: feature })).join('');
  return doc(element('itemtypes', itemtypes) + element('params', params) + element('features', features));
}
