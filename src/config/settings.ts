import { z } from 'zod';

/**
 * Every environment setting of the module, with its default and meaning. Loaded once by
 * `loadSettings`, validated, frozen; an invalid value stops the start with the setting's name.
 */
export const settingsSchema = z.object({
  CPBILLMGR_BILLING: z
    .enum(['bm4', 'bm6'])
    .optional()
    .describe(
      'The billing the module sits in: bm6 = a real BILLmanager 5/6 (default when CPBILLMGR_MGRCTL exists), bm4 = the seed model with direct writes',
    ),
  CPBILLMGR_MGRCTL: z
    .string()
    .default('/usr/local/mgr5/sbin/mgrctl')
    .describe("BILLmanager 5/6's local API tool (bm6)"),
  CPBILLMGR_MGR_ROOT: z
    .string()
    .default('/usr/local/mgr5')
    .describe("The panel's root; paramlist's relative paths (CryptKey) are under it (bm6)"),
  CPBILLMGR_DB: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v.startsWith('sqlite:') || v.startsWith('mysql://') || v.startsWith('mariadb://'),
      {
        message: 'must be mysql://user:pass@host:port/db or sqlite:PATH',
      },
    )
    .describe(
      'The billing database: mysql://user:pass@host:port/db or sqlite:PATH; bm6 default: from mgrctl paramlist; bm4 default: sqlite:var/cpbillmgr.sqlite',
    ),
  CPBILLMGR_ETC: z
    .string()
    .default('./etc')
    .describe('Folder holding cpbillmgr.conf (api=4) and cpbillmgr5.conf (api=5)'),
  CPBILLMGR_LISTEN: z
    .string()
    .default('127.0.0.1:1580')
    .refine((v) => /^[^:]+:\d{1,5}$/.test(v), { message: 'must be HOST:PORT' })
    .describe('Where `serve` listens'),
  CPBILLMGR_API_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('Bearer token (and authinfo password) for the HTTP interface; generated and stored when unset'),
  CPBILLMGR_API_USER: z.string().min(1).default('cpbillmgr').describe('User name accepted in authinfo=USER:TOKEN'),
  CPBILLMGR_CRON: z
    .string()
    .default('*/5 * * * *')
    .describe('Schedule of checkevent inside `serve`; "off" disables it'),
  CPBILLMGR_UPSTREAM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30000)
    .describe('How long one upstream call may take before it counts as unanswered'),
  CPBILLMGR_ORDER_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(900)
    .describe('How long an unanswered order is searched for upstream before it may be placed again'),
  CPBILLMGR_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .default(120)
    .describe('Lease of a checkevent run, extended every third of it while the run works'),
  CPBILLMGR_CLOCK_OFFSET_SECONDS: z.coerce
    .number()
    .int()
    .default(0)
    .describe("Test and demo hook: moves the module's calendar (renewal dates) by this many seconds"),
  CPBILLMGR_WAIT_SECONDS: z.coerce
    .number()
    .min(0)
    .default(20)
    .describe('How long a call waits for another call working on the same item before answering in_progress'),
  CPBILLMGR_FAULT: z
    .enum([
      'after-upstream-order',
      'after-upstream-prolong',
      'after-pool-claim',
      'after-pool-move',
      'after-upstream-change',
      'after-old-parked',
    ])
    .optional()
    .describe('Test hook: the process exits (code 70) at this point, to prove a crash loses nothing'),
  CPBILLMGR_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level (logs are JSON lines on stderr)'),
});

export type Settings = Readonly<z.infer<typeof settingsSchema>>;

export class SettingsError extends Error {}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = settingsSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new SettingsError(`invalid settings: ${problems.join('; ')}`);
  }
  // An order may still be on its way for as long as the upstream is given to answer: searching for it
  // for less than that would declare a paid licence lost and buy it again.
  const minWindow = 2 * Math.ceil(parsed.data.CPBILLMGR_UPSTREAM_TIMEOUT_MS / 1000);
  if (parsed.data.CPBILLMGR_ORDER_WINDOW_SECONDS < minWindow) {
    throw new SettingsError(
      `invalid settings: CPBILLMGR_ORDER_WINDOW_SECONDS (${parsed.data.CPBILLMGR_ORDER_WINDOW_SECONDS}) must be at least twice the upstream timeout (${minWindow} s with CPBILLMGR_UPSTREAM_TIMEOUT_MS=${parsed.data.CPBILLMGR_UPSTREAM_TIMEOUT_MS})`,
    );
  }
  return Object.freeze(parsed.data);
}
