#!/usr/bin/env node
import { createDb } from '../store/create-db.js';
import { applyMgrctlCall } from './apply-mgrctl-call.js';
import { loadMgrctlConfig } from './mgrctl-config.js';
import { refusalXml, StandinRefusal } from './standin-answer.js';

/**
 * The stand-in for `/usr/local/mgr5/sbin/mgrctl`, called as the official modules call the real one:
 * `mgrctl -m billmgr -o xml FUNC k=v …` (research §2 "Invocation"). Answers on stdout; exit 0, or 1
 * with an error document. Only `-m billmgr` and `-o xml` are served; anything else is a usage error on
 * stderr (exit 2), as the module must never call it another way.
 */
interface Invocation {
  readonly func: string;
  readonly params: Record<string, string>;
}

function parseArgv(argv: readonly string[]): Invocation | StandinRefusal | string {
  let manager = '';
  let output = '';
  let index = 0;
  while (index < argv.length && argv[index]?.startsWith('-')) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (value === undefined) return `${flag} needs a value`;
    if (flag === '-m') manager = value;
    else if (flag === '-o') output = value;
    else return `unknown option ${flag}`;
    index += 2;
  }
  if (manager !== 'billmgr') return `-m billmgr is required (got '${manager}')`;
  if (output !== 'xml') return `the stand-in answers only -o xml (got '${output}')`;
  const func = argv[index];
  if (!func) return 'no function given';
  const params: Record<string, string> = Object.create(null);
  for (const pair of argv.slice(index + 1)) {
    const at = pair.indexOf('=');
    if (at <= 0) return new StandinRefusal('value', 'param', `'${pair}' is not name=value`);
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { func, params: { ...params } };
}

async function main(): Promise<number> {
  const parsed = parseArgv(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(`mgrctl (stand-in): ${parsed}\nusage: mgrctl -m billmgr -o xml FUNC [name=value …]\n`);
    return 2;
  }
  if (parsed instanceof StandinRefusal) {
    process.stdout.write(refusalXml(parsed));
    return 1;
  }
  const config = loadMgrctlConfig();
  const knex = createDb(config.dbUrl, { poolMax: 2 });
  try {
    const answer = await applyMgrctlCall(knex, config, parsed.func, parsed.params);
    process.stdout.write(answer.xml);
    return answer.exitCode;
  } finally {
    await knex.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mgrctl (stand-in): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
