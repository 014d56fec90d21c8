/**
 * BILLmanager runs modules as `pmNAME --command open --item 12 --runningoperation 7`. Every option
 * is a `--name value` pair (`--name=value` is accepted too); unknown options are kept, never fatal,
 * because BILLmanager versions add options modules don't know.
 */
export function parseModuleArgv(argv: readonly string[]): { params: Record<string, string>; help: boolean } {
  const params: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-')) continue;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      params[body.slice(0, eq)] = body.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      params[body] = next;
      i += 1;
    } else {
      params[body] = '';
    }
  }
  const short: Record<string, string> = { c: 'command', i: 'item', m: 'module' };
  for (const [letter, name] of Object.entries(short)) {
    if (params[letter] !== undefined && params[name] === undefined) params[name] = params[letter];
  }
  return { params, help };
}

/** Reads stdin when something is piped in (check_connection's form), without blocking a terminal or cron. */
export async function readStdin(timeoutMs = 2000): Promise<string> {
  if (process.stdin.isTTY) return '';
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', finish);
    process.stdin.on('error', finish);
  });
}
