import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { MODULE_ENTRY } from '../module-bundle.js';

export const DEFAULT_MGR_ROOT = '/usr/local/mgr5';

export interface InstallOptions {
  readonly root: string;
  readonly force: boolean;
  /** This checkout (holds dist/ and xml/). */
  readonly checkout?: string;
  /** The node that runs the module; the one running this by default. */
  readonly nodePath?: string;
}

export type InstallOutcome = 'written' | 'replaced' | 'up to date';

export interface InstalledFile {
  readonly path: string;
  readonly outcome: InstallOutcome;
}

/** The refusal to overwrite a file someone changed; the caller prints it and exits non-zero. */
export class InstallConflictError extends Error {
  constructor(readonly path: string) {
    super(`${path} exists and differs from what cpbillmgr would write; keep it, or run again with --force`);
  }
}

export function registerInstall(program: Command): void {
  program
    .command('install')
    .description(
      'put the module into a BILLmanager 5/6 installation: ROOT/processing/pmcpbillmgr and ROOT/etc/xml/billmgr_mod_pmcpbillmgr.xml',
    )
    .option('--root <dir>', "the panel's root", DEFAULT_MGR_ROOT)
    .option('--force', 'overwrite files that differ from what would be written')
    .action(async (options: { root: string; force?: boolean }) => {
      try {
        const checkout = defaultCheckout();
        const files = await installModule({ root: options.root, force: options.force === true, checkout });
        for (const file of files) process.stdout.write(`${file.outcome}: ${file.path}\n`);
        process.stdout.write(nextSteps(resolve(options.root), checkout, process.execPath));
      } catch (error) {
        process.stderr.write(`cpbillmgr install: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}

/**
 * Writes the two files BILLmanager 5/6 looks for (research §4 "Files", D1): the processing module
 * executable `ROOT/processing/pmcpbillmgr` and its description `ROOT/etc/xml/billmgr_mod_pmcpbillmgr.xml`.
 * Both are checked before either is written, so a refusal changes nothing.
 */
export async function installModule(options: InstallOptions): Promise<InstalledFile[]> {
  const root = resolve(options.root);
  const checkout = options.checkout ?? defaultCheckout();
  const planned = [
    {
      path: join(root, 'processing', 'pmcpbillmgr'),
      content: moduleWrapper(root, checkout, options.nodePath ?? process.execPath),
      mode: 0o755,
    },
    {
      path: join(root, 'etc', 'xml', 'billmgr_mod_pmcpbillmgr.xml'),
      content: await readFile(join(checkout, 'xml', 'billmgr_mod_pmcpbillmgr.xml'), 'utf8'),
      mode: 0o644,
    },
  ];
  const current = await Promise.all(planned.map((file) => readIfExists(file.path)));
  planned.forEach((file, index) => {
    const existing = current[index];
    if (existing !== undefined && existing !== file.content && !options.force)
      throw new InstallConflictError(file.path);
  });
  const installed: InstalledFile[] = [];
  for (const [index, file] of planned.entries()) {
    const existing = current[index];
    await mkdir(dirname(file.path), { recursive: true });
    if (existing !== file.content) await writeFile(file.path, file.content, { mode: file.mode });
    // BILLmanager runs the module itself: the wrapper must stay executable even when its text was right.
    if (((await stat(file.path)).mode & 0o777) !== file.mode) await chmod(file.path, file.mode);
    const outcome: InstallOutcome =
      existing === undefined ? 'written' : existing === file.content ? 'up to date' : 'replaced';
    installed.push({ path: file.path, outcome });
  }
  return installed;
}

/**
 * The processing module BILLmanager runs as `pmcpbillmgr --command … [--item …]`, stdin attached: this
 * checkout's bundled entry point (`npm run build`) under the node that installed it, in bm6 mode. CPBILLMGR_ETC,
 * CPBILLMGR_MGR_ROOT and CPBILLMGR_MGRCTL default to this root and may be overridden from outside.
 */
export function moduleWrapper(root: string, checkout: string, nodePath: string): string {
  const entry = join(checkout, MODULE_ENTRY);
  return [
    '#!/bin/sh',
    '# BILLmanager 5/6 processing module cpbillmgr; written by `cpbillmgr install`.',
    'CPBILLMGR_BILLING=bm6',
    defaultTo('CPBILLMGR_ETC', join(root, 'etc')),
    defaultTo('CPBILLMGR_MGR_ROOT', root),
    defaultTo('CPBILLMGR_MGRCTL', join(root, 'sbin', 'mgrctl')),
    'export CPBILLMGR_BILLING CPBILLMGR_ETC CPBILLMGR_MGR_ROOT CPBILLMGR_MGRCTL',
    `exec ${shellQuote(nodePath)} ${shellQuote(entry)} "$@"`,
    '',
  ].join('\n');
}

export function nextSteps(root: string, checkout: string, nodePath: string): string {
  const mgrctl = join(root, 'sbin', 'mgrctl');
  const env = `CPBILLMGR_BILLING=bm6 CPBILLMGR_ETC=${join(root, 'etc')} CPBILLMGR_MGR_ROOT=${root} CPBILLMGR_MGRCTL=${mgrctl}`;
  const cli = `${nodePath} ${join(checkout, 'dist', 'src', 'cli', 'cpbillmgr.js')}`;
  return [
    '',
    'Next steps:',
    `  1. Restart the panel so that it reads the new module: killall core   (or: ${mgrctl} -m billmgr exit)`,
    '  2. In BILLmanager, add a processing module of type "ISPsystem licences (cpbillmgr)": the billing URL,',
    '     reseller login and password, the billing version; then tie to it the tariffs it serves.',
    `  3. Create the module's own tables:  ${env} ${cli} migrate`,
    `  4. Put the licence mappings (Period and Price lines) in ${join(root, 'etc', 'cpbillmgr5.conf')}.`,
    '  5. Reconcile every 5 minutes (checkevent), either from cron:',
    `       */5 * * * * ${env} ${cli} checkevent`,
    `     or by keeping \`${cli} serve\` running with the same settings (it runs checkevent itself).`,
    '',
  ].join('\n');
}

function defaultTo(name: string, value: string): string {
  return `if [ -z "\${${name}:-}" ]; then ${name}=${shellQuote(value)}; fi`;
}

/** The checkout this file was compiled in: dist/src/cli/commands/ is four levels down. */
function defaultCheckout(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
