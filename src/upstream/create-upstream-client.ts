import type { UpstreamAccount, UpstreamClient } from '../ports/upstream-client.js';
import { readSoftError, readSoftwareError } from './read-upstream-error.js';
import { createSoftApiClient } from './soft-api-client.js';
import { createSoftwareApiClient } from './software-api-client.js';
import type { UpstreamClientDeps } from './upstream-client-deps.js';
import { createUpstreamHttp } from './upstream-http.js';

export type { UpstreamClientDeps };

const DEFAULT_TIMEOUT_MS = 30_000;

/** The upstream client for one account, speaking its BILLmanager generation (`api` 4 or 5). */
export function createUpstreamClient(account: UpstreamAccount, deps: UpstreamClientDeps): UpstreamClient {
  const call = createUpstreamHttp({
    url: account.url,
    username: account.username,
    password: account.password,
    logger: deps.logger.child({ upstream: account.moduleId, api: account.api }),
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    readError: account.api === 4 ? readSoftwareError : readSoftError,
  });
  const methods = account.api === 4 ? createSoftwareApiClient(call, deps) : createSoftApiClient(call, deps);
  return { account, ...methods };
}
