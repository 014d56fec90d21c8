import type { AddonSlot, ProcessingModule } from '../../domain/billing-types.js';
import { ChangeRefusedError } from '../../errors/change-refused-error.js';
import { IpTakenError } from '../../errors/ip-taken-error.js';
import { UpstreamError } from '../../errors/upstream-error.js';
import type { LicenceLink, NoticeKind } from '../../ports/module-store.js';
import { resolvePackage } from '../../resolve/resolve-package.js';
import { accountOf } from '../item/licence-target.js';
import type { ModuleDeps } from '../module-deps.js';
import { problemText } from './problem-text.js';

/** A refused renewal or package change is tried again by checkevent at most this often. */
export const RETRY_REFUSED_HOURS = 24;

type Refusable = 'renew' | 'change';

function noticeOf(action: Refusable, link: LicenceLink, wanted: number | undefined): { kind: NoticeKind; key: string } {
  return action === 'renew'
    ? { kind: 'renewal_refused', key: link.expiredate || 'none' }
    : { kind: 'change_refused', key: String(wanted ?? '') };
}

/** Whether the same action on the same licence was refused within the last day (then it waits, unreported). */
export async function refusedRecently(
  deps: ModuleDeps,
  module: number,
  link: LicenceLink,
  action: Refusable,
  wanted: number | undefined,
): Promise<boolean> {
  const { kind, key } = noticeOf(action, link, wanted);
  const notice = await deps.store.notices.find(module, link.licenceId, kind, key);
  if (!notice) return false;
  const age = (await deps.store.clock()).getTime() - Date.parse(notice.seenAt);
  return age < RETRY_REFUSED_HOURS * 3_600_000;
}

/**
 * Records a refusal of an automatic renewal or package change; true when it is new and must be
 * reported (a repeated refusal of the same thing is not reported again). Errors that are not
 * refusals — no answer, work in progress — are not recorded: they are tried again next pass.
 */
export async function noteRefusal(
  deps: ModuleDeps,
  module: number,
  link: LicenceLink,
  action: Refusable,
  wanted: number | undefined,
  error: unknown,
): Promise<boolean | undefined> {
  const refused =
    error instanceof ChangeRefusedError ||
    error instanceof IpTakenError ||
    (error instanceof UpstreamError && !error.retryable);
  if (!refused) return undefined;
  const { kind, key } = noticeOf(action, link, wanted);
  const what =
    action === 'renew'
      ? `renewing licence #${link.licenceId} (expiry ${link.expiredate || 'none'})`
      : `changing licence #${link.licenceId} to package ${wanted}`;
  return deps.store.notices.raise({
    module,
    item: link.item,
    licenceId: link.licenceId,
    kind,
    key,
    text: `${what} was refused: ${problemText(error)}; checkevent tries again at most once every ${RETRY_REFUSED_HOURS} h`,
  });
}

/** The package each add-on slot asks for (cached per add-on tariff and choice); undefined when it resolves to none. */
export function addonPackageResolver(
  deps: ModuleDeps,
  module: ProcessingModule,
): (slot: AddonSlot) => number | undefined {
  const cache = new Map<string, number | undefined>();
  let api: 4 | 5 | undefined;
  try {
    api = accountOf(module).api;
  } catch {
    api = undefined;
  }
  return (slot) => {
    if (api === undefined || slot.choice === null) return undefined;
    const key = `${slot.tariff.id}\n${slot.choice}`;
    if (!cache.has(key)) {
      let id: number | undefined;
      try {
        id = resolvePackage(api, deps.catalogue, deps.confs[api], {
          kind: 'addon',
          name: slot.choice,
          addonTariff: slot.tariff,
        }).pkg.id;
      } catch {
        id = undefined;
      }
      cache.set(key, id);
    }
    return cache.get(key);
  };
}
