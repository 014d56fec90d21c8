import { pino } from 'pino';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import type { CataloguePackage, CataloguePeriod } from '../src/domain/catalogue-types.js';
import type { UpstreamClient } from '../src/ports/upstream-client.js';
import { type SandboxOptions, startSandbox } from '../src/sandbox/create-sandbox.js';
import { createUpstreamClient } from '../src/upstream/create-upstream-client.js';
import { parseDoc as parseUpstreamXml, type XmlNode } from '../src/upstream/xml/parse-doc.js';

export const catalogue = createCatalogue(BUILTIN_PACKAGES);

/** A package and one of its periods by BILLmanager 4 row id, e.g. `row(8)` = ISPmanager Lite 1 month. */
export function row(periodId: number): { pkg: CataloguePackage; period: CataloguePeriod } {
  const found = catalogue.findPeriod(periodId);
  if (!found) throw new Error(`no period row ${periodId}`);
  return found;
}

/** The module's client, with orders that must name the new licence (the sandbox always does). */
export type TestClient = Omit<UpstreamClient, 'order'> & {
  order: (...args: Parameters<UpstreamClient['order']>) => Promise<number>;
};

function strictOrders(client: UpstreamClient): TestClient {
  return {
    ...client,
    order: async (request) => {
      const id = await client.order(request);
      if (id === undefined) throw new Error('the order answer named no licence');
      return id;
    },
  };
}

export interface Harness {
  readonly url: string;
  /** Every log line written by the sandbox and the clients, at debug level. */
  readonly logs: string[];
  client(options?: { api?: 4 | 5; password?: string; timeoutMs?: number; path?: string }): TestClient;
  /** Raw call to `/billmgr` (or another path) with the reseller's authinfo unless given. */
  raw(params: Record<string, string>, path?: string): Promise<{ status: number; body: string; doc: XmlNode }>;
  admin(func: string, params?: Record<string, string>): Promise<XmlNode>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const started = await startSandbox({ statePath: ':memory:', catalogue, logger, ...options });
  const post = async (path: string, params: Record<string, string>) => {
    const response = await fetch(`${started.url}${path}`, { method: 'POST', body: new URLSearchParams(params) });
    const body = await response.text();
    return { status: response.status, body, doc: parseUpstreamXml(body) ?? {} };
  };
  return {
    url: started.url,
    logs,
    client: ({ api = 5, password = 'secret', timeoutMs, path = '/billmgr' } = {}) =>
      strictOrders(
        createUpstreamClient(
          { moduleId: 1, url: `${started.url}${path}`, username: 'reseller', password, api },
          { logger, catalogue, timeoutMs },
        ),
      ),
    raw: (params, path = '/billmgr') => post(path, { authinfo: 'reseller:secret', out: 'xml', ...params }),
    admin: async (func, params = {}) => {
      const { doc } = await post('/sandbox/admin', { authinfo: 'reseller:secret', func, ...params });
      if (doc.error !== undefined) throw new Error(`admin ${func} failed: ${JSON.stringify(doc.error)}`);
      return doc;
    },
    close: () => started.close(),
  };
}

export const ORDER = { ip: '10.0.0.1', licname: 'Item #1 addon vps1', reference: 'cpb-1', addons: {} };
