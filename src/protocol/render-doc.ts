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

function addFields(parent: XMLBuilder, fields: Fields): void {
  for (const [name, value] of Object.entries(fields)) parent.ele(name).txt(String(value));
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
  const element = root.ele('error', { type: error.type, object: error.object, lang: 'en' });
  if (error.object) element.ele('param', { name: 'object', type: 'msg', msg: error.object }).txt(error.object);
  if (error.value !== undefined) element.ele('param', { name: 'value' }).txt(error.value);
  element.ele('msg').txt(error.message);
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
