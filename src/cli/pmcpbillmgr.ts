#!/usr/bin/env node
import { ITEM_COMMANDS, OTHER_COMMANDS } from '../protocol/module-command.js';
import { loadAppPart } from './load-app-part.js';
import { parseModuleArgv, readStdin } from './parse-module-argv.js';

const USAGE = `Usage: pmcpbillmgr --command COMMAND [--item ITEM_ID] [--runningoperation ID] [--module MODULE_ID]

The BILLmanager 5/6 processing-module entry of cpbillmgr. Prints one XML <doc> on stdout,
logs JSON lines to stderr, exits 0 on success and 1 with an <error> document on failure.
A failed command with --runningoperation also saves the error on that operation (bm6), and
after its tenth try makes it manual with a task for the operator.

Commands: ${[...OTHER_COMMANDS, ...ITEM_COMMANDS].join(', ')}
check_connection and tune_connection read the connection form (<doc>…</doc>) on stdin.
Settings come from the environment (CPBILLMGR_BILLING, CPBILLMGR_DB, CPBILLMGR_ETC, …; see README).
`;

/** Commands answered without settings, database or upstream: BILLmanager asks for them at every start. */
const BARE = new Set(['features', 'tune_connection']);

/**
 * BILLmanager runs one process per call, so start-up is paid on every call: modules are loaded only by
 * the path that needs them (a `features` call never loads the database driver, the HTTP stack or the
 * upstream client).
 */
async function main(): Promise<number> {
  const { params, help } = parseModuleArgv(process.argv.slice(2));
  if (help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stdin = params.command === 'check_connection' || params.command === 'tune_connection' ? await readStdin() : '';
  if (BARE.has(params.command ?? '')) return answerBare(params.command ?? '', stdin);
  return answerWithApp(params, stdin);
}

async function answerBare(command: string, stdin: string): Promise<number> {
  const { renderError, renderFeatures } = await import('../protocol/render-doc.js');
  try {
    await checkConfFiles();
    if (command === 'features') {
      const { FEATURES } = await import('../protocol/features-spec.js');
      process.stdout.write(renderFeatures(FEATURES));
    } else {
      const [{ tuneConnection }, { parseCommand }] = await Promise.all([
        import('../protocol/tune-connection.js'),
        import('../protocol/module-command.js'),
      ]);
      const parsed = parseCommand(command, {}, undefined, stdin);
      process.stdout.write(tuneConnection(parsed.name === 'tune_connection' ? parsed.form : stdin));
    }
    return 0;
  } catch (error) {
    const [{ toModuleError }, { createLogger }, { startupError }] = await Promise.all([
      import('../errors/internal-error.js'),
      import('../logging/create-logger.js'),
      import('./startup-error.js'),
    ]);
    const known = startupError(error);
    process.stdout.write(renderError(known.type === 'not_configured' ? known : toModuleError(error, createLogger())));
    return 1;
  }
}

/**
 * A broken cpbillmgr.conf line stops every start, these cheap ones included: BILLmanager asks for
 * `features` at each of its starts, which is where an operator first sees the file and line. (The
 * environment's own settings are validated by the calls that use them.)
 */
async function checkConfFiles(): Promise<void> {
  const [{ loadModuleConfs }, { createCatalogue }, { BUILTIN_PACKAGES }] = await Promise.all([
    import('../module-conf/load-module-confs.js'),
    import('../catalogue/create-catalogue.js'),
    import('../catalogue/builtin-packages.js'),
  ]);
  loadModuleConfs(process.env.CPBILLMGR_ETC || './etc', createCatalogue(BUILTIN_PACKAGES));
}

/** Everything else goes through the composed app, loaded only now (see load-app-part.ts). */
async function answerWithApp(params: Record<string, string>, stdin: string): Promise<number> {
  const { answerWithApp: answer } = await loadAppPart();
  return answer(params, stdin);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const [{ renderError }, { startupError }] = await Promise.all([
      import('../protocol/render-doc.js'),
      import('./startup-error.js'),
    ]);
    process.stdout.write(renderError(startupError(error)));
    process.exitCode = 1;
  },
);
