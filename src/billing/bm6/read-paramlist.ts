import { NotConfiguredError } from '../../errors/module-error.js';
import { type MgrctlDoc, type RunMgrctlOptions, runMgrctl } from './run-mgrctl.js';

/** What `mgrctl -m billmgr paramlist` says about the billing's database and key (research §1 "Connect"). */
export interface Paramlist {
  readonly dbHost: string;
  readonly dbUser: string;
  readonly dbPassword: string;
  readonly dbName: string;
  /** '' when BILLmanager names none. */
  readonly dbSocket: string;
  /** The private key of crypted params, relative to the panel's root unless absolute. */
  readonly cryptKey: string;
}

/** defines.h L48-49: the key's default path under /usr/local/mgr5. */
export const DEFAULT_CRYPT_KEY = 'etc/billmgr.pem';

/**
 * Reads the panel's parameters. Every child of every `<elem>` counts (pmregistrar.php reads `//elem/*`),
 * so one `<elem>` holding all of them and one `<elem>` per parameter both work. DBHost, DBPassword,
 * DBSocket and CryptKey fall back to localhost, '', '' and etc/billmgr.pem; a missing DBName or DBUser is
 * refused rather than guessed (the C++ and PHP examples disagree on the default database name).
 */
export async function readParamlist(mgrctlPath: string, options: RunMgrctlOptions = {}): Promise<Paramlist> {
  const values = collect(await runMgrctl(mgrctlPath, 'paramlist', {}, options));
  for (const name of ['DBName', 'DBUser']) {
    if (!values.get(name)) {
      throw new NotConfiguredError(`mgrctl paramlist (${mgrctlPath}) names no ${name}`, 'paramlist', name);
    }
  }
  return {
    dbHost: values.get('DBHost') || 'localhost',
    dbUser: values.get('DBUser') ?? '',
    dbPassword: values.get('DBPassword') ?? '',
    dbName: values.get('DBName') ?? '',
    dbSocket: values.get('DBSocket') ?? '',
    cryptKey: values.get('CryptKey') || DEFAULT_CRYPT_KEY,
  };
}

/**
 * `mysql://user:pass@host:3306/db`. DBHost may carry its own `:port`. When DBSocket is set and the host
 * is local, the socket rides along as `?socket=PATH`: mysql2 connects through it when given it as
 * `socketPath`, and a reader that ignores the query still reaches localhost over TCP.
 */
export function dbUrlFromParamlist(p: Paramlist): string {
  const [host = 'localhost', port = '3306'] = p.dbHost.includes(':') ? p.dbHost.split(':') : [p.dbHost];
  const auth = `${encodeURIComponent(p.dbUser)}:${encodeURIComponent(p.dbPassword)}`;
  const url = `mysql://${auth}@${host || 'localhost'}:${port}/${encodeURIComponent(p.dbName)}`;
  const local = host === '' || host === 'localhost';
  return p.dbSocket && local ? `${url}?socket=${encodeURIComponent(p.dbSocket)}` : url;
}

function collect(doc: MgrctlDoc): Map<string, string> {
  const values = new Map<string, string>();
  const elems = Array.isArray(doc.elem) ? doc.elem : [];
  for (const elem of elems) {
    if (typeof elem !== 'object' || elem === null) continue;
    for (const [name, value] of Object.entries(elem)) {
      if (typeof value === 'string' || typeof value === 'number') values.set(name, String(value));
    }
  }
  return values;
}
