import type { CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import type { LicenceStatus } from '../domain/licence-status.js';

/** Where and as whom the module buys: the parameters of its `processingmodule` row. */
export interface UpstreamAccount {
  readonly moduleId: number;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The upstream's BILLmanager generation: 4 speaks `software.*`, 5 speaks `soft.*`. */
  readonly api: 4 | 5;
}

/**
 * One row of the licence list (`soft` / `software`) — only what the real list carries (research
 * "Verified 2026-11-26": no key, no `remoteid`, and on BILLmanager 5+ no tariff id, only its name).
 */
export interface LicenceRow {
  readonly id: number;
  readonly licname: string;
  readonly ip: string;
  readonly status: LicenceStatus;
  /** YYYY-MM-DD; '' when the list shows none (lifetime, unpaid). */
  readonly expiredate: string;
  readonly createdate: string;
  /** The tariff as the list names it (api 5); '' when absent. */
  readonly tariffName: string;
  /** The tariff id, only where the list carries it (api 4 `price`); null otherwise. */
  readonly packageId: number | null;
  /** The upstream renews this licence by itself (and charges for it). */
  readonly autoprolong: boolean;
  /** Dates (YYYY-MM-DD) of the last IP and key change, '' when never or not shown. */
  readonly ipChangedOn: string;
  readonly keyChangedOn: string;
  /** The cost the list shows, null when absent. */
  readonly cost: number | null;
}

/** The licence form (`soft.edit elid=N` without submit): the only place with the key and the tariff id. */
export interface LicenceForm {
  readonly id: number;
  readonly licname: string;
  readonly ip: string;
  readonly packageId: number;
  readonly status: LicenceStatus;
  readonly expiredate: string;
  /** '' until the licence is ready: a licence is ready when its form shows a key. */
  readonly lickey: string;
}

export interface OrderRequest {
  readonly pkg: CataloguePackage;
  readonly period: CataloguePeriod;
  readonly ip: string;
  readonly licname: string;
  /** Sent as `remoteid` so that an operator can tell our orders apart upstream; never read back. */
  readonly reference: string;
  /** Quantity add-ons (`addon_<id>=<count>`): the node add-on of tariffs that need one. */
  readonly addons: Readonly<Record<number, number>>;
}

export interface LicenceChange {
  readonly ip: string;
  readonly licname: string;
}

/**
 * The upstream licence API, free of business rules. Every method either returns the upstream's
 * answer as typed values or throws an `UpstreamError` (an error document: refused) or an
 * `UpstreamUnavailableError` (no answer, a malformed or truncated one, HTTP failure: the call may
 * or may not have taken effect, unless `sent` is false).
 */
export interface UpstreamClient {
  readonly account: UpstreamAccount;
  /**
   * Buys a licence, charged to the balance at once, without upstream auto-renewal. Returns the id
   * the answer names — to be confirmed against that licence's form — or undefined when it names none.
   */
  order(request: OrderRequest): Promise<number | undefined>;
  form(licenceId: number): Promise<LicenceForm>;
  /**
   * Reads the whole list, handing rows over in batches as they arrive. A malformed or truncated list
   * throws after some batches may have been handed over: those rows are real, the list is not complete.
   * Resolves to the number of rows.
   */
  scan(onBatch: (rows: readonly LicenceRow[]) => Promise<void> | void, batchSize?: number): Promise<number>;
  /** The whole list in memory (small accounts, recovery of one order). */
  list(): Promise<LicenceRow[]>;
  /** Changes IP and name together, as every public client does. */
  edit(licenceId: number, change: LicenceChange): Promise<void>;
  newKey(licenceId: number): Promise<string>;
  suspend(licenceId: number): Promise<void>;
  resume(licenceId: number): Promise<void>;
  delete(licenceId: number): Promise<void>;
  /** Renews for one period, charged at once; the new expiry when the answer names one, else ''. */
  prolong(licenceId: number, period: CataloguePeriod): Promise<string>;
  changePackage(licenceId: number, pkg: CataloguePackage, period: CataloguePeriod): Promise<void>;
  /** Rejects (UpstreamError) when the IP can't take a licence of this package. */
  checkIp(pkg: CataloguePackage, period: CataloguePeriod, ip: string): Promise<void>;
  balance(): Promise<number>;
  /** The upstream's public price list, for refreshing the built-in catalogue. */
  priceList(): Promise<CataloguePackage[]>;
}

export type UpstreamClientFactory = (account: UpstreamAccount) => UpstreamClient;
