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

/** An upstream licence as the core sees it, whatever the wire generation. */
export interface UpstreamLicence {
  readonly id: number;
  readonly packageId: number;
  readonly ip: string;
  readonly licname: string;
  /** The reseller-side key sent with the order; '' when unknown or released to the pool. */
  readonly remoteid: string;
  readonly lickey: string;
  readonly status: LicenceStatus;
  /** YYYY-MM-DD; '' for lifetime licences that never expire. */
  readonly expiredate: string;
  readonly createdate: string;
}

export interface OrderRequest {
  readonly pkg: CataloguePackage;
  readonly period: CataloguePeriod;
  readonly ip: string;
  readonly licname: string;
  /** Idempotency key stored upstream and listed back, so a lost answer can be found again. */
  readonly remoteid: string;
}

export interface LicenceChange {
  readonly ip?: string;
  readonly licname?: string;
  readonly remoteid?: string;
}

/**
 * The upstream licence API, free of business rules. Every method either returns the upstream's
 * answer as typed values or throws an `UpstreamError` (error document) / `UpstreamUnavailableError`
 * (network failure or timeout: the call may or may not have taken effect).
 */
export interface UpstreamClient {
  readonly account: UpstreamAccount;
  /** Buys a licence, charged to the balance at once; returns the new licence id. */
  order(request: OrderRequest): Promise<number>;
  get(licenceId: number): Promise<UpstreamLicence>;
  list(): Promise<UpstreamLicence[]>;
  edit(licenceId: number, change: LicenceChange): Promise<void>;
  newKey(licenceId: number): Promise<string>;
  suspend(licenceId: number): Promise<void>;
  resume(licenceId: number): Promise<void>;
  delete(licenceId: number): Promise<void>;
  /** Renews for one period, charged at once; returns the new expiry date. */
  prolong(licenceId: number, period: CataloguePeriod): Promise<string>;
  changePackage(licenceId: number, pkg: CataloguePackage, period: CataloguePeriod): Promise<void>;
  /** Rejects (UpstreamError) when the IP can't take a licence of this package. */
  checkIp(pkg: CataloguePackage, period: CataloguePeriod, ip: string): Promise<void>;
  balance(): Promise<number>;
  /** The upstream's public price list, for refreshing the built-in catalogue. */
  priceList(): Promise<CataloguePackage[]>;
}

export type UpstreamClientFactory = (account: UpstreamAccount) => UpstreamClient;
