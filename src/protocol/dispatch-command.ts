import { closeService } from '../usecases/item/close.js';
import { openService } from '../usecases/item/open.js';
import { prolongService } from '../usecases/item/prolong.js';
import { resumeService } from '../usecases/item/resume.js';
import { setparamService } from '../usecases/item/setparam.js';
import { suspendService } from '../usecases/item/suspend.js';
import { syncItemService } from '../usecases/item/sync-item.js';
import type { ModuleDeps } from '../usecases/module-deps.js';
import { checkConnection } from '../usecases/operator/check-connection.js';
import { licenceInfo, licenceList } from '../usecases/operator/licence-report.js';
import { checkevent } from '../usecases/reconcile/checkevent.js';
import { fixchilds } from '../usecases/reconcile/fixchilds.js';
import { FEATURES } from './features-spec.js';
import type { ModuleCommand } from './module-command.js';
import { renderFeatures, renderList, renderOk } from './render-doc.js';
import { tuneConnection } from './tune-connection.js';

/** The one core behind `pmcpbillmgr --command …` and `GET /cpbillmgr?func=…`: a command in, a `<doc>` out. */
export async function dispatchCommand(deps: ModuleDeps, command: ModuleCommand): Promise<string> {
  switch (command.name) {
    case 'features':
      return renderFeatures(FEATURES);
    case 'tune_connection':
      return tuneConnection(command.form);
    case 'check_connection':
      return renderOk(await checkConnection(deps, command.connection, command.moduleId));
    case 'open':
      return renderOk(await openService(deps, command.item, command.runningoperation));
    case 'suspend':
      return renderOk(await suspendService(deps, command.item));
    case 'resume':
      return renderOk(await resumeService(deps, command.item));
    case 'close':
      return renderOk(await closeService(deps, command.item));
    case 'setparam':
      return renderOk(await setparamService(deps, command.item));
    case 'prolong':
      return renderOk(await prolongService(deps, command.item, command.runningoperation));
    case 'sync_item':
      return renderOk(await syncItemService(deps, command.item));
    case 'checkevent': {
      const { problems, unheld, skipped, ...counts } = await checkevent(deps);
      return renderList(
        problems.map((problem) => ({ problem })),
        { ...counts, unheld: unheld.length, problems: problems.length, ...(skipped ? { skipped } : {}) },
        { ok: true },
      );
    }
    case 'fixchilds': {
      const { steps, summary, problems, skipped, dryRun } = await fixchilds(deps, { dryRun: command.dryRun });
      const rows = steps.map(({ outcome, error, problem, ...step }) => ({
        ...Object.fromEntries(Object.entries(step).filter(([, v]) => v !== undefined && v !== null)),
        ...(outcome ? { outcome } : {}),
        ...(error ? { error } : {}),
      })) as Array<Record<string, string | number>>;
      const extra = {
        dryrun: dryRun ? 'on' : 'off',
        ...summary,
        problems: problems.length,
        ...(skipped ? { skipped } : {}),
      };
      return renderList([...rows, ...problems.map((p) => ({ problem: p }))], extra, { ok: true });
    }
    case 'license':
      return renderList(await licenceList(deps));
    case 'license.info': {
      const { licence, journal } = await licenceInfo(deps, command.item);
      return renderList(journal, licence);
    }
  }
}
