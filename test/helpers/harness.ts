import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import type { Knex } from 'knex';
import { type App, composeApp } from '../../src/app/compose.js';
import { type RunningServer, startServer } from '../../src/app/start-server.js';
import { BUILTIN_PACKAGES } from '../../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../../src/catalogue/create-catalogue.js';
import { MODULE_ENTRY } from '../../src/cli/module-bundle.js';
import { loadSettings } from '../../src/config/settings.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { startSandbox } from '../../src/sandbox/create-sandbox.js';
import { seedBilling } from './billing-fixture.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TOKEN = 'test-token-0123456789abcdef';
/** The management CLI as tsc compiles it; the module itself is spawned as BILLmanager runs it, bundled. */
export const CPBILLMGR_ENTRY = 'dist/src/cli/cpbillmgr.js';
export { MODULE_ENTRY };

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

export type Doc = Record<string, unknown> & {
  ok?: unknown;
  error?: { '@type': string; '@object': string; msg: string };
};

export function parseDoc(xml: string): Doc {
  const parsed = parser.parse(xml) as { doc?: Doc };
  if (!parsed.doc && parsed.doc !== '') throw new Error(`not a <doc>: ${xml}`);
  return (parsed.doc || {}) as Doc;
}

export interface HarnessOptions {
  readonly dialect?: 'mysql' | 'sqlite';
  readonly api?: 4 | 5;
  readonly processingSeconds?: number;
  readonly balance?: number;
  /** Extra env settings for the in-process app and spawned CLIs. */
  readonly env?: Record<string, string>;
  /** cpbillmgr.conf / cpbillmgr5.conf texts; default: none. */
  readonly confs?: { 'cpbillmgr.conf'?: string; 'cpbillmgr5.conf'?: string };
  /**
   * What the sandbox sells: `historical` (default) the whole catalogue, as the seed's packages need;
   * `today` only what ISPsystem sells now (ispmanager 6).
   */
  readonly sales?: 'today' | 'historical';
}

export interface Harness {
  readonly db: TestDatabase;
  readonly knex: Knex;
  readonly app: App;
  readonly server: RunningServer;
  readonly sandboxUrl: string;
  readonly env: Record<string, string>;
  http(
    func: string,
    params?: Record<string, string | number>,
    init?: { auth?: string | null; body?: string; contentType?: string },
  ): Promise<{ status: number; xml: string; doc: Doc }>;
  cli(
    args: string[],
    extraEnv?: Record<string, string>,
    stdin?: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  cpbillmgr(
    args: string[],
    extraEnv?: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  admin(func: string, params?: Record<string, string | number>): Promise<Doc>;
  ledger(): Promise<Array<Record<string, string>>>;
  licences(): Promise<Array<Record<string, string>>>;
  close(): Promise<void>;
}

export function rows(doc: Doc): Array<Record<string, string>> {
  const elem = doc.elem;
  if (elem === undefined) return [];
  return (Array.isArray(elem) ? elem : [elem]) as Array<Record<string, string>>;
}

export interface EntryRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one of this checkout's entry files as its own process (as BILLmanager or cron would), with only `env`. */
export function runEntry(
  entry: string,
  args: readonly string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<EntryRun> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(ROOT, entry), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin.end(stdin ?? '');
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** Sandbox upstream + throwaway billing database + the module served in-process, as in production. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = createLogger('silent');
  const sandbox = await startSandbox({
    port: 0,
    statePath: ':memory:',
    catalogue: createCatalogue(BUILTIN_PACKAGES),
    logger,
    processingSeconds: options.processingSeconds ?? 0,
    historicalSales: options.sales !== 'today',
    accounts: [{ username: 'reseller', password: 'secret', balance: options.balance ?? 1000 }],
  });
  const db = await createTestDatabase(options.dialect ?? 'mysql');
  const etc = mkdtempSync(join(tmpdir(), 'cpbillmgr-etc-'));
  for (const [name, text] of Object.entries(options.confs ?? {})) writeFileSync(join(etc, name), text);
  const env: Record<string, string> = {
    CPBILLMGR_DB: db.url,
    CPBILLMGR_ETC: etc,
    CPBILLMGR_API_TOKEN: TOKEN,
    CPBILLMGR_CRON: 'off',
    CPBILLMGR_LOG_LEVEL: 'warn',
    CPBILLMGR_UPSTREAM_TIMEOUT_MS: '3000',
    CPBILLMGR_WAIT_SECONDS: '20',
    ...options.env,
  };
  const app = await composeApp(loadSettings(env), { logger, migrate: true });
  await seedBilling(app.db, `${sandbox.url}/billmgr`, options.api ?? 5);
  const server = await startServer(app, '127.0.0.1:0');

  const run = (entry: string, args: string[], extraEnv: Record<string, string> = {}, stdin?: string) =>
    runEntry(entry, args, { ...env, ...extraEnv }, stdin);

  const admin = async (func: string, params: Record<string, string | number> = {}) => {
    const query = new URLSearchParams({
      func,
      authinfo: 'reseller:secret',
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    });
    const response = await fetch(`${sandbox.url}/sandbox/admin?${query}`);
    return parseDoc(await response.text());
  };

  return {
    db,
    knex: app.db,
    app,
    server,
    sandboxUrl: sandbox.url,
    env,
    http: async (func, params = {}, init = {}) => {
      const query = new URLSearchParams({
        func,
        ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      });
      const headers: Record<string, string> = {};
      if (init.auth === undefined) headers.authorization = `Bearer ${TOKEN}`;
      else if (init.auth !== null) headers.authorization = init.auth;
      if (init.contentType) headers['content-type'] = init.contentType;
      const response = await fetch(`${server.url}/cpbillmgr?${query}`, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
      });
      const xml = await response.text();
      return { status: response.status, xml, doc: parseDoc(xml) };
    },
    cli: (args, extraEnv, stdin) => run(MODULE_ENTRY, args, extraEnv, stdin),
    cpbillmgr: (args, extraEnv) => run(CPBILLMGR_ENTRY, args, extraEnv),
    admin,
    ledger: async () => rows(await admin('ledger')),
    licences: async () => rows(await admin('licence.list')),
    close: async () => {
      await server.stop();
      await app.close();
      await sandbox.close();
      await db.drop();
    },
  };
}
