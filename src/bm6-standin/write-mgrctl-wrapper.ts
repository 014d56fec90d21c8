import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MgrctlConfig } from './mgrctl-config.js';

export interface MgrctlWrapperOptions extends Omit<MgrctlConfig, 'cryptKey'> {
  readonly cryptKey?: string;
  /** Defaults to the running node. */
  readonly nodePath?: string;
}

/** Single-quoted for /bin/sh. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Writes `<dir>/mgrctl.json` and an executable `<dir>/mgrctl` that runs the compiled stand-in with it;
 * the path is what `CPBILLMGR_MGRCTL` takes. Returns that path.
 */
export async function writeMgrctlWrapper(dir: string, options: MgrctlWrapperOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  const configPath = join(dir, 'mgrctl.json');
  const config: MgrctlConfig = {
    dbUrl: options.dbUrl,
    mgrRoot: options.mgrRoot,
    cryptKey: options.cryptKey ?? 'etc/billmgr.pem',
    ...(options.paramlist ? { paramlist: options.paramlist } : {}),
  };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  const script = fileURLToPath(new URL('./mgrctl.js', import.meta.url));
  const path = join(dir, 'mgrctl');
  await writeFile(
    path,
    [
      '#!/bin/sh',
      '# BILLmanager 5/6 mgrctl stand-in (cpbillmgr tests and demo)',
      `BM6_STANDIN_CONFIG=${shellQuote(configPath)}`,
      'export BM6_STANDIN_CONFIG',
      `exec ${shellQuote(options.nodePath ?? process.execPath)} ${shellQuote(script)} "$@"`,
      '',
    ].join('\n'),
  );
  await chmod(path, 0o755);
  return path;
}
