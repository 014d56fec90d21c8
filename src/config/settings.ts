import { FAULT_POINTS } from '../domain/fault-points.js';

/**
 * Every environment setting of the module, with its meaning, its default and how its text is read.
 * `loadSettings` reads them once, validates and freezes them; an invalid value stops the start with
 * the setting's name. The reading is written out here rather than with a schema library: BILLmanager
 * starts one process per call and loading one cost more than the rest of this file's work (issue 7).
 * The messages are those the module gave when it used zod, which operators and tests may match.
 */
export const SETTINGS = {
  CPBILLMGR_BILLING: optional(
    oneOf(['bm4', 'bm6']),
    'The billing the module sits in: bm6 = a real BILLmanager 5/6 (default when CPBILLMGR_MGRCTL exists), bm4 = the seed model with direct writes',
  ),
  CPBILLMGR_MGRCTL: withDefault(anyText, '/usr/local/mgr5/sbin/mgrctl', "BILLmanager 5/6's local API tool (bm6)"),
  CPBILLMGR_MGR_ROOT: withDefault(
    anyText,
    '/usr/local/mgr5',
    "The panel's root; paramlist's relative paths (CryptKey) are under it (bm6)",
  ),
  CPBILLMGR_DB: optional(
    textThat(
      (v) => v.startsWith('sqlite:') || v.startsWith('mysql://') || v.startsWith('mariadb://'),
      'must be mysql://user:pass@host:port/db or sqlite:PATH',
    ),
    'The billing database: mysql://user:pass@host:port/db or sqlite:PATH; bm6 default: from mgrctl paramlist; bm4 default: sqlite:var/cpbillmgr.sqlite',
  ),
  CPBILLMGR_ETC: withDefault(anyText, './etc', 'Folder holding cpbillmgr.conf (api=4) and cpbillmgr5.conf (api=5)'),
  CPBILLMGR_LISTEN: withDefault(
    textThat((v) => /^[^:]+:\d{1,5}$/.test(v), 'must be HOST:PORT'),
    '127.0.0.1:1580',
    'Where `serve` listens',
  ),
  CPBILLMGR_API_TOKEN: optional(
    textThat((v) => v.length >= 16, 'must be at least 16 characters'),
    'Bearer token (and authinfo password) for the HTTP interface; generated and stored when unset',
  ),
  CPBILLMGR_API_USER: withDefault(anyText, 'cpbillmgr', 'User name accepted in authinfo=USER:TOKEN'),
  CPBILLMGR_CRON: withDefault(anyText, '*/5 * * * *', 'Schedule of checkevent inside `serve`; "off" disables it'),
  CPBILLMGR_UPSTREAM_TIMEOUT_MS: withDefault(
    integer(100),
    30000,
    'How long one upstream call may take before it counts as unanswered',
  ),
  CPBILLMGR_MGRCTL_TIMEOUT_MS: withDefault(
    integer(100),
    60000,
    "How long one call of BILLmanager's mgrctl may take before it is stopped and the command fails (bm6)",
  ),
  CPBILLMGR_ORDER_WINDOW_SECONDS: withDefault(
    integer(0),
    900,
    'How long an unanswered order is searched for upstream before it may be placed again',
  ),
  CPBILLMGR_LEASE_SECONDS: withDefault(
    integer(10),
    120,
    'Lease of a checkevent run, extended every third of it while the run works',
  ),
  CPBILLMGR_CLOCK_OFFSET_SECONDS: withDefault(
    integer(),
    0,
    "Test and demo hook: moves the module's calendar (renewal dates) by this many seconds",
  ),
  CPBILLMGR_WAIT_SECONDS: withDefault(
    number(0),
    20,
    'How long a call waits for another call working on the same item before answering in_progress',
  ),
  CPBILLMGR_FAULT: optional(
    oneOf(FAULT_POINTS),
    'Test hook: the process exits (code 70) at this point, to prove a crash loses nothing',
  ),
  CPBILLMGR_LOG_LEVEL: withDefault(
    oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'Log level (logs are JSON lines on stderr)',
  ),
};

type Specs = typeof SETTINGS;
type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** The settings with their defaults applied; those without a default are absent when unset. */
export type Settings = Readonly<
  { [K in keyof Specs as Specs[K] extends { fallback: unknown } ? K : never]: ValueOf<Specs[K]> } & {
    [K in keyof Specs as Specs[K] extends { fallback: unknown } ? never : K]?: ValueOf<Specs[K]>;
  }
>;

export class SettingsError extends Error {}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(SETTINGS) as Array<[string, Setting<unknown>]>) {
    const text = env[name];
    if (text === undefined || text === '') {
      if ('fallback' in spec) settings[name] = spec.fallback;
      continue;
    }
    const read = spec.read(text);
    if ('problems' in read) problems.push(...read.problems.map((problem) => `${name}: ${problem}`));
    else settings[name] = read.value;
  }
  if (problems.length > 0) throw new SettingsError(`invalid settings: ${problems.join('; ')}`);
  const loaded = settings as Settings;
  // An order may still be on its way for as long as the upstream is given to answer: searching for it
  // for less than that would declare a paid licence lost and buy it again.
  const minWindow = 2 * Math.ceil(loaded.CPBILLMGR_UPSTREAM_TIMEOUT_MS / 1000);
  if (loaded.CPBILLMGR_ORDER_WINDOW_SECONDS < minWindow) {
    throw new SettingsError(
      `invalid settings: CPBILLMGR_ORDER_WINDOW_SECONDS (${loaded.CPBILLMGR_ORDER_WINDOW_SECONDS}) must be at least twice the upstream timeout (${minWindow} s with CPBILLMGR_UPSTREAM_TIMEOUT_MS=${loaded.CPBILLMGR_UPSTREAM_TIMEOUT_MS})`,
    );
  }
  return Object.freeze(loaded);
}

type Read<T> = { readonly value: T } | { readonly problems: readonly string[] };
type Reader<T> = (text: string) => Read<T>;

interface Setting<T> {
  readonly read: Reader<T>;
  readonly description: string;
  readonly fallback?: T;
}

function optional<T>(read: Reader<T>, description: string): Setting<T> {
  return { read, description };
}

function withDefault<T>(read: Reader<T>, fallback: T, description: string): Setting<T> & { readonly fallback: T } {
  return { read, fallback, description };
}

function anyText(text: string): Read<string> {
  return { value: text };
}

function textThat(valid: (text: string) => boolean, message: string): Reader<string> {
  return (text) => (valid(text) ? { value: text } : { problems: [message] });
}

function oneOf<const T extends string>(values: readonly T[]): Reader<T> {
  return (text) =>
    (values as readonly string[]).includes(text)
      ? { value: text as T }
      : { problems: [`Invalid option: expected one of ${values.map((v) => JSON.stringify(v)).join('|')}`] };
}

/** A number as `Number(text)` reads it (so ' 200 ', '1e3' and '0x100' are numbers), finite. */
function number(min?: number): Reader<number> {
  return (text) => {
    const value = Number(text);
    if (!Number.isFinite(value)) return { problems: [`Invalid input: expected number, received ${value}`] };
    return min !== undefined && value < min ? { problems: [`Too small: expected number to be >=${min}`] } : { value };
  };
}

/** A whole number within the safe integer range, at least `min`. */
function integer(min?: number): Reader<number> {
  const asNumber = number();
  return (text) => {
    const read = asNumber(text);
    if ('problems' in read) return read;
    const { value } = read;
    if (!Number.isInteger(value)) return { problems: ['Invalid input: expected int, received number'] };
    const problems: string[] = [];
    if (value > Number.MAX_SAFE_INTEGER) problems.push(`Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`);
    if (value < Number.MIN_SAFE_INTEGER) problems.push(`Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`);
    if (min !== undefined && value < min) problems.push(`Too small: expected number to be >=${min}`);
    return problems.length > 0 ? { problems } : { value };
  };
}
