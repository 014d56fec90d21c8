import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { ModuleError } from '../errors/module-error.js';

export type Field = string | number;
export type Fields = Readonly<Record<string, Field>>;

function doc(): XMLBuilder {
  return create({ version: '1.0', encoding: 'UTF-8' }).ele('doc');
}

function end(root: XMLBuilder): string {
  return `${root.end({ prettyPrint: false })}\n`;
}

/** XML 1.0 can't carry most control characters: they are shown as `\uXXXX` so the document stays well-formed. */
export function xmlSafe(text: string): string {
  return text.replace(/[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu, (char) =>
    char === '\n' || char === '\t' || char === '\r' ? char : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function addFields(parent: XMLBuilder, fields: Fields): void {
  for (const [name, value] of Object.entries(fields)) parent.ele(name).txt(xmlSafe(String(value)));
}

/** `<doc><ok/>…fields…</doc>`: a successful call. */
export function renderOk(fields: Fields = {}): string {
  const root = doc();
  root.ele('ok');
  addFields(root, fields);
  return end(root);
}

/** `<doc><elem>…</elem>…</doc>`: a list, as BILLmanager's own list functions answer; `ok` marks a finished action. */
export function renderList(rows: readonly Fields[], extra: Fields = {}, options: { ok?: boolean } = {}): string {
  const root = doc();
  if (options.ok) root.ele('ok');
  addFields(root, extra);
  for (const row of rows) addFields(root.ele('elem'), row);
  return end(root);
}

/** BILLmanager's error document: `<doc><error type object><param…/><msg>…</msg></error></doc>`. */
export function renderError(error: Pick<ModuleError, 'type' | 'object' | 'value' | 'message'>): string {
  const root = doc();
  const element = root.ele('error', { type: error.type, object: xmlSafe(error.object), lang: 'en' });
  const object = xmlSafe(error.object);
  if (object) element.ele('param', { name: 'object', type: 'msg', msg: object }).txt(object);
  if (error.value !== undefined) element.ele('param', { name: 'value' }).txt(xmlSafe(error.value));
  element.ele('msg').txt(xmlSafe(error.message));
  return end(root);
}

export interface FeaturesSpec {
  readonly itemtypes: readonly string[];
  readonly params: ReadonlyArray<{ name: string; crypted?: boolean }>;
  readonly features: readonly string[];
}

/** The `features` answer (protocol research §2): what BILLmanager may call this module for. */
export function renderFeatures(spec: FeaturesSpec): string {
  const root = doc();
  const itemtypes = root.ele('itemtypes');
  for (const name of spec.itemtypes) itemtypes.ele('itemtype', { name });
  const params = root.ele('params');
  for (const param of spec.params)
    params.ele('param', param.crypted ? { name: param.name, crypted: 'yes' } : { name: param.name });
  const features = root.ele('features');
  for (const name of spec.features) features.ele('feature', { name });
  return end(root);
}
