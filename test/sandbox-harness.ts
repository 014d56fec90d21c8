import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { pino } from 'pino';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import type { CataloguePackage, CataloguePeriod } from '../src/domain/catalogue-types.js';
import type { UpstreamClient } from '../src/ports/upstream-client.js';
import { type SandboxOptions, startSandbox } from '../src/sandbox/create-sandbox.js';
import { createUpstreamClient } from '../src/upstream/create-upstream-client.js';

export const catalogue = createCatalogue(BUILTIN_PACKAGES);

/** A package and one of its periods by period-row id, e.g. `row(8)` = ISPmanager Lite 1 month. */
export function row(periodId: number): { pkg: CataloguePackage; period: CataloguePeriod } {
  const found = catalogue.findPeriod(periodId);
  if (!found) throw new Error(`no period row ${periodId}`);
  return found;
}

/**
 * A parsed answer: children by name, text as strings, attributes under `@_name`; list rows (`elem`),
 * exported tariffs and their periods, and error params always arrays. The sandbox tests read the wire with their own parser so they
 * don't depend on the module's upstream client.
 */
export type Node = { [key: string]: Value };
export type Value = string | Node | Value[];

const ARRAYS = new Set(['doc.elem', 'doc.pricelist', 'doc.pricelist.price.period', 'doc.error.param']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  // The form's `pricelist` is a leaf (the tariff id); the export's `pricelist` records are not.
  isArray: (_name, jPath, isLeaf) => ARRAYS.has(String(jPath)) && !(jPath === 'doc.pricelist' && isLeaf),
});

/** The `<doc>` of a well-formed answer; throws on anything else. */
export function parseDoc(body: string): Node {
  if (XMLValidator.validate(body) !== true) throw new Error(`not well-formed: ${body.slice(0, 200)}`);
  const parsed = parser.parse(body) as { doc?: Node | '' };
  if (parsed.doc === undefined) throw new Error(`not a <doc>: ${body.slice(0, 200)}`);
  return parsed.doc === '' ? {} : parsed.doc;
}

export const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text of a child ('' when absent or empty). */
export function text(node: Value | undefined, key: string): string {
  const value = isNode(node) ? node[key] : undefined;
  if (typeof value === 'string') return value;
  if (isNode(value)) return typeof value['#text'] === 'string' ? value['#text'] : '';
  return '';
}

export const elems = (doc: Node): Node[] => (Array.isArray(doc.elem) ? doc.elem.filter(isNode) : []);

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly doc: Node;
}

export interface WireError {
  readonly type: string;
  readonly object: string;
  readonly lang: string;
  readonly msg: string;
}

export function errorOf(answer: Answer): WireError | undefined {
  const error = answer.doc.error;
  if (!isNode(error)) return undefined;
  return {
    type: String(error['@_type'] ?? ''),
    object: String(error['@_object'] ?? ''),
    lang: String(error['@_lang'] ?? ''),
    msg: text(error, 'msg'),
  };
}

export interface Harness {
  readonly url: string;
  /** Every log line written by the sandbox and the clients, at debug level. */
  readonly logs: string[];
  /** The module's upstream client (for the client's own tests). */
  client(options?: { api?: 4 | 5; password?: string; timeoutMs?: number; path?: string }): UpstreamClient;
  /** POST to `/billmgr` (or another path) with the reseller's authinfo and `lang=en` unless given. */
  raw(params: Record<string, string>, path?: string): Promise<Answer>;
  /** `soft.order.param` submitted as every public client does; answers the new licence id or throws. */
  order(params: Record<string, string>): Promise<number>;
  /** The `soft.edit` form of a licence. */
  form(id: number): Promise<Node>;
  /** The `soft` list rows. */
  list(params?: Record<string, string>): Promise<Node[]>;
  admin(func: string, params?: Record<string, string>): Promise<Node>;
  ledger(): Promise<Node[]>;
  /** Requests each upstream function received since the last `requests.reset`. */
  requests(): Promise<Record<string, number>>;
  balance(): Promise<number>;
  close(): Promise<void>;
}

/** `1 234.56` → 1234.56 (the sandbox's `subaccount` format). */
export const money = (formatted: string) => Number(formatted.replace(/\s/g, ''));

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const started = await startSandbox({ statePath: ':memory:', catalogue, logger, ...options });
  const post = async (path: string, params: Record<string, string>): Promise<Answer> => {
    const response = await fetch(`${started.url}${path}`, { method: 'POST', body: new URLSearchParams(params) });
    const body = await response.text();
    return { status: response.status, body, doc: response.status === 200 ? parseDoc(body) : {} };
  };
  const raw = (params: Record<string, string>, path = '/billmgr') =>
    post(path, { authinfo: 'reseller:secret', out: 'xml', lang: 'en', ...params });
  const admin = async (func: string, params: Record<string, string> = {}) => {
    const { doc } = await post('/sandbox/admin', { authinfo: 'reseller:secret', func, ...params });
    if (doc.error !== undefined) throw new Error(`admin ${func} failed: ${JSON.stringify(doc.error)}`);
    return doc;
  };
  return {
    url: started.url,
    logs,
    client: ({ api = 5, password = 'secret', timeoutMs, path = '/billmgr' } = {}) =>
      createUpstreamClient(
        { moduleId: 1, url: `${started.url}${path}`, username: 'reseller', password, api },
        { logger, catalogue, timeoutMs },
      ),
    raw,
    async order(params) {
      const answer = await raw({
        func: 'soft.order.param',
        sok: 'ok',
        clicked_button: 'finish',
        skipbasket: 'on',
        autoprolong: 'null',
        ...params,
      });
      const error = errorOf(answer);
      if (error) throw Object.assign(new Error(`order refused: ${error.type}/${error.object}: ${error.msg}`), error);
      return Number(text(answer.doc, 'id'));
    },
    form: async (id) => (await raw({ func: 'soft.edit', elid: String(id) })).doc,
    list: async (params = {}) => elems((await raw({ func: 'soft', ...params })).doc),
    admin,
    ledger: async () => elems(await admin('ledger')),
    async requests() {
      return Object.fromEntries(elems(await admin('requests')).map((e) => [text(e, 'func'), Number(text(e, 'count'))]));
    },
    async balance() {
      const rows = elems((await raw({ func: 'subaccount' })).doc);
      return money(text(rows.find((r) => text(r, 'project') === 'ISPsystem') ?? {}, 'balance'));
    },
    close: () => started.close(),
  };
}

/** ispmanager 6 Lite for one month, as a client orders it today. */
export const LITE6 = { pricelist: '55227', period: '1' } as const;

export const ORDER = { ip: '10.0.0.1', licname: 'Item #1 addon vps1', remoteid: 'cpb-1' };

/** Rejects with the wire error's type and object, as `order` throws them. */
export const refusedWith = (type: string, object?: string) => (e: unknown) =>
  e instanceof Error &&
  (e as Error & Partial<WireError>).type === type &&
  (object === undefined || (e as Error & Partial<WireError>).object === object);
