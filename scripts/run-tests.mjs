#!/usr/bin/env node
// Runs every compiled test file with node's own test runner. Node 20 takes no globs, so the
// files are listed here; `npm test -- sandbox` runs only the files whose name contains "sandbox".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'dist/test';
const filter = process.argv[2] ?? '';
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.test.js') && name.includes(filter))
  .sort()
  .map((name) => join(dir, name));
if (files.length === 0) {
  console.error(`no test files in ${dir} match '${filter}'`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
