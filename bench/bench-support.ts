import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../test/helpers/harness.js';

export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a compiled script of this checkout in its own node process; `onLine` sees stderr lines as they come. */
export function runNode(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  onLine?: (line: string) => void,
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const nodeArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      if (onLine) for (const line of text.split('\n')) if (line.trim()) onLine(line);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A sandbox in its own process (its memory is not the module's), on a state file of its own. */
export async function startSandboxProcess(
  state: string,
  port: number,
): Promise<{
  url: string;
  admin: (func: string, params?: Record<string, string | number>) => Promise<string>;
  stop: () => void;
}> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'dist/src/cli/cpbillmgr.js'),
      'sandbox',
      '--listen',
      `127.0.0.1:${port}`,
      '--state',
      state,
      '--processing-seconds',
      '0',
      '--balance',
      '1000000000',
      '--historical',
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', CPBILLMGR_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    const alive = await fetch(`${url}/billmgr`).then(
      () => true,
      () => false,
    );
    if (alive) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const admin = async (func: string, params: Record<string, string | number> = {}) => {
    const body = new URLSearchParams({ func, authinfo: 'reseller:secret' });
    for (const [key, value] of Object.entries(params)) body.set(key, String(value));
    const text = await (await fetch(`${url}/sandbox/admin`, { method: 'POST', body })).text();
    if (text.includes('<error')) throw new Error(`sandbox admin ${func}: ${text}`);
    return text;
  };
  return { url, admin, stop: () => child.kill() };
}

/** Requests per upstream function, from the sandbox's counters. */
export function requestCounts(xml: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of xml.matchAll(/<elem><func>([^<]*)<\/func><count>(\d+)<\/count><\/elem>/g)) {
    counts[match[1] ?? ''] = Number(match[2]);
  }
  return counts;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
