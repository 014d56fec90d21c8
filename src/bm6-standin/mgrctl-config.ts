import { readFileSync } from 'node:fs';
import { DEFAULT_CRYPT_KEY } from '../billing/bm6/read-paramlist.js';

export type ParamlistName = 'DBHost' | 'DBUser' | 'DBPassword' | 'DBName' | 'DBSocket';

export interface MgrctlConfig {
  /** The stand-in billing: `mysql://…` or `sqlite:PATH`. */
  readonly dbUrl: string;
  /** The panel's root: CryptKey is relative to it. */
  readonly mgrRoot: string;
  readonly cryptKey: string;
  /** Overrides what `paramlist` derives from `dbUrl` (e.g. a socket, or a wrong password for a test). */
  readonly paramlist?: Partial<Record<ParamlistName, string>>;
}

/** `BM6_STANDIN_CONFIG` (a JSON file, as written by writeMgrctlWrapper), else `BM6_STANDIN_DB` + `BM6_STANDIN_ROOT`. */
export function loadMgrctlConfig(env: NodeJS.ProcessEnv = process.env): MgrctlConfig {
  const file = env.BM6_STANDIN_CONFIG;
  if (file) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<MgrctlConfig>;
    if (typeof parsed.dbUrl !== 'string' || typeof parsed.mgrRoot !== 'string') {
      throw new Error(`${file}: dbUrl and mgrRoot are required`);
    }
    return {
      dbUrl: parsed.dbUrl,
      mgrRoot: parsed.mgrRoot,
      cryptKey: parsed.cryptKey ?? DEFAULT_CRYPT_KEY,
      paramlist: parsed.paramlist,
    };
  }
  if (!env.BM6_STANDIN_DB || !env.BM6_STANDIN_ROOT) {
    throw new Error('set BM6_STANDIN_CONFIG, or BM6_STANDIN_DB and BM6_STANDIN_ROOT');
  }
  return {
    dbUrl: env.BM6_STANDIN_DB,
    mgrRoot: env.BM6_STANDIN_ROOT,
    cryptKey: env.BM6_STANDIN_CRYPTKEY ?? DEFAULT_CRYPT_KEY,
  };
}

/** What `paramlist` answers for the stand-in database (research §1 "Connect"). */
export function paramlistOf(config: MgrctlConfig): Array<[string, string]> {
  const derived: Record<ParamlistName, string> = { DBHost: '', DBUser: '', DBPassword: '', DBName: '', DBSocket: '' };
  if (!config.dbUrl.startsWith('sqlite:')) {
    const url = new URL(config.dbUrl);
    derived.DBHost = url.port && url.port !== '3306' ? `${url.hostname}:${url.port}` : url.hostname;
    derived.DBUser = decodeURIComponent(url.username);
    derived.DBPassword = decodeURIComponent(url.password);
    derived.DBName = decodeURIComponent(url.pathname.replace(/^\//, ''));
  }
  const values = { ...derived, ...config.paramlist };
  return [
    ['DBHost', values.DBHost],
    ['DBUser', values.DBUser],
    ['DBPassword', values.DBPassword],
    ['DBName', values.DBName],
    ['DBSocket', values.DBSocket],
    ['CryptKey', config.cryptKey],
  ];
}
