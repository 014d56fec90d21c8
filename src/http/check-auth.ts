import { timingSafeEqual } from 'node:crypto';
import { AuthError } from '../errors/module-error.js';

export interface ApiCredentials {
  readonly user: string;
  readonly token: string;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Accepts `Authorization: Bearer TOKEN` or `authinfo=USER:TOKEN`, as BILLmanager's own API does. */
export function checkAuth(
  credentials: ApiCredentials,
  authorization: string | undefined,
  authinfo: string | undefined,
): void {
  if (authorization?.startsWith('Bearer ')) {
    if (same(authorization.slice(7).trim(), credentials.token)) return;
    throw new AuthError('Invalid bearer token', 'auth');
  }
  if (authinfo !== undefined) {
    const colon = authinfo.indexOf(':');
    const user = colon < 0 ? authinfo : authinfo.slice(0, colon);
    const password = colon < 0 ? '' : authinfo.slice(colon + 1);
    if (same(user, credentials.user) && same(password, credentials.token)) return;
    throw new AuthError('Invalid user name or password', 'authinfo');
  }
  throw new AuthError('Authentication required: authinfo=USER:TOKEN or Authorization: Bearer TOKEN', 'auth');
}
