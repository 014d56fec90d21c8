import type { UpstreamAccount, UpstreamClient } from '../ports/upstream-client.js';
import { softwareDialect } from './api4/software-dialect.js';
import { softDialect } from './api5/soft-dialect.js';
import { createLicenceClient } from './licence-client.js';
import type { UpstreamClientDeps } from './upstream-client-deps.js';
import { createUpstreamHttp } from './upstream-http.js';

export type { UpstreamClientDeps };

const DEFAULT_TIMEOUT_MS = 30_000;

/** The upstream client for one account, speaking its BILLmanager generation (`api` 4 or 5). */
export function createUpstreamClient(account: UpstreamAccount, deps: UpstreamClientDeps): UpstreamClient {
  const dialect = account.api === 4 ? softwareDialect : softDialect;
  const http = createUpstreamHttp({
    url: account.url,
    username: account.username,
    password: account.password,
    logger: deps.logger.child({ upstream: account.moduleId, api: account.api }),
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    readError: dialect.readError,
  });
  return createLicenceClient(account, http, dialect, deps.catalogue);
}
