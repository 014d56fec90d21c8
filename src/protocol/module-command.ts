import { MissedError, ValueError } from '../errors/module-error.js';

/** The functions BILLmanager (or an operator) may call, over the CLI or HTTP (contract §3). */
export const ITEM_COMMANDS = [
  'open',
  'suspend',
  'resume',
  'close',
  'setparam',
  'prolong',
  'sync_item',
  'license.info',
] as const;
export const OTHER_COMMANDS = [
  'features',
  'check_connection',
  'tune_connection',
  'checkevent',
  'fixchilds',
  'license',
] as const;

export type ItemCommandName = (typeof ITEM_COMMANDS)[number];
export type OtherCommandName = (typeof OTHER_COMMANDS)[number];

export type ModuleCommand =
  | { readonly name: ItemCommandName; readonly item: number; readonly runningoperation: number | null }
  | {
      readonly name: 'check_connection';
      readonly connection: Readonly<Record<string, string>>;
      readonly moduleId: number | null;
    }
  /** The connection form as BILLmanager puts it on stdin, answered with the `api` choices added. */
  | { readonly name: 'tune_connection'; readonly form: string }
  /** `dryrun=on` over HTTP plans without changing anything, like `cpbillmgr fixchilds --dry-run`. */
  | { readonly name: 'fixchilds'; readonly dryRun: boolean }
  | { readonly name: Exclude<OtherCommandName, 'check_connection' | 'tune_connection' | 'fixchilds'> };

function isItemCommand(name: string): name is ItemCommandName {
  return (ITEM_COMMANDS as readonly string[]).includes(name);
}

function isOtherCommand(name: string): name is OtherCommandName {
  return (OTHER_COMMANDS as readonly string[]).includes(name);
}

function positiveId(raw: string | undefined, object: string): number | null {
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,12}$/.test(raw.trim()) || Number(raw) <= 0) {
    throw new ValueError(`'${object}' must be a positive integer, not '${raw.slice(0, 40)}'`, object, raw.slice(0, 40));
  }
  return Number(raw);
}

/**
 * Turns the raw parameters of a call (CLI `--key value` pairs or HTTP query/form fields, with `item`
 * and `elid` as synonyms) into a typed command, or a `missed`/`value` error naming the parameter.
 */
export function parseCommand(
  name: string | undefined,
  params: Readonly<Record<string, string>>,
  connection?: Record<string, string>,
  form = '',
): ModuleCommand {
  if (!name) throw new MissedError('func', 'No command given (--command NAME, or func=NAME over HTTP)');
  if (isItemCommand(name)) {
    const item = positiveId(params.elid ?? params.item, 'elid');
    if (item === null) throw new MissedError('elid', `'${name}' needs the item id (elid=N, or --item N)`);
    return { name, item, runningoperation: positiveId(params.runningoperation, 'runningoperation') };
  }
  if (name === 'check_connection') {
    return { name, connection: connection ?? pickConnection(params), moduleId: positiveId(params.module, 'module') };
  }
  if (name === 'tune_connection') {
    if (!form.trim())
      throw new MissedError('form', "'tune_connection' needs the connection form (<doc>…</doc>) on stdin");
    return { name, form };
  }
  if (name === 'fixchilds') {
    const flag = (params.dryrun ?? params.dry_run ?? '').toLowerCase();
    return { name, dryRun: flag !== '' && !['off', 'no', '0', 'false'].includes(flag) };
  }
  if (isOtherCommand(name))
    return { name: name as Exclude<OtherCommandName, 'check_connection' | 'tune_connection' | 'fixchilds'> };
  throw new ValueError(`Unknown command '${name.slice(0, 40)}'`, 'func', name.slice(0, 40));
}

function pickConnection(params: Readonly<Record<string, string>>): Record<string, string> {
  const connection: Record<string, string> = {};
  for (const key of ['url', 'username', 'password', 'api']) {
    const value = params[key];
    if (value !== undefined) connection[key] = value;
  }
  return connection;
}
