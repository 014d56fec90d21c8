import type { ModuleDeps } from '../module-deps.js';
import type { Finding } from './reconcile-tally.js';

/**
 * Seed: "licenses with a 100% discount cannot be renewed automatically". Each such licence held by a
 * live service is reported once per expiry (a notice keyed by licence and expiry): the operator hears
 * of it when it is first seen and again only once it has been renewed to a new expiry. Returns the
 * reports made now.
 */
export async function noteDiscountedLicences(
  deps: ModuleDeps,
  module: number,
  findings: readonly Finding[],
): Promise<string[]> {
  const reported: string[] = [];
  for (const finding of findings) {
    if (finding.class !== 'no_autorenew' || finding.licenceId === null || finding.item === null) continue;
    const text = `item #${finding.item}: licence #${finding.licenceId} has a 100 % discount, so the upstream will not renew it automatically; it expires on ${finding.expiredate || '(no date)'} — make sure it is renewed in time`;
    const fresh = await deps.store.notices.raise({
      module,
      item: finding.item,
      licenceId: finding.licenceId,
      kind: 'no_autorenew',
      key: finding.expiredate,
      text,
    });
    if (!fresh) continue;
    deps.logger.warn({ item: finding.item, licence: finding.licenceId, expiredate: finding.expiredate }, text);
    reported.push(text);
  }
  return reported;
}
