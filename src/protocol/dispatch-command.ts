import { NotSupportedError } from '../errors/module-error.js';
import { checkevent } from '../usecases/checkevent.js';
import { closeService } from '../usecases/close.js';
import { licenceInfo, licenceList } from '../usecases/licence-report.js';
import { accountOf } from '../usecases/licence-target.js';
import type { ModuleDeps } from '../usecases/module-deps.js';
import { openService } from '../usecases/open.js';
import { prolongService } from '../usecases/prolong.js';
import { resumeService } from '../usecases/resume.js';
import { setparamService } from '../usecases/setparam.js';
import { suspendService } from '../usecases/suspend.js';
import { syncItemService } from '../usecases/sync-item.js';
import { FEATURES } from './features-spec.js';
import type { ModuleCommand } from './module-command.js';
import { renderFeatures, renderList, renderOk } from './render-doc.js';

/** The one core behind `pmcpbillmgr --command …` and `GET /cpbillmgr?func=…`: a command in, a `<doc>` out. */
export async function dispatchCommand(deps: ModuleDeps, command: ModuleCommand): Promise<string> {
  switch (command.name) {
    case 'features':
      return renderFeatures(FEATURES);
    case 'check_connection': {
      const { connection } = command;
      const module = command.moduleId === null ? undefined : await deps.stores.billing.findModule(command.moduleId);
      const params = module ? { ...module.params, ...connection } : connection;
      const account = accountOf({
        id: module?.id ?? 0,
        name: module?.name ?? 'connection form',
        module: 'pmcpbillmgr',
        active: true,
        params,
      });
      const balance = await deps.upstreamFor(account).balance();
      return renderOk({ balance });
    }
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
      const report = await checkevent(deps);
      const { problems, ...counts } = report;
      return renderList(
        problems.map((problem) => ({ problem })),
        { ...counts, problems: problems.length },
      ).replace('<doc>', '<doc><ok/>');
    }
    case 'fixchilds':
      throw new NotSupportedError(
        'fixchilds (assigning existing upstream licences to add-on services) is not implemented yet; it comes with the add-on work',
        'func',
        'fixchilds',
      );
    case 'license':
      return renderList(await licenceList(deps));
    case 'license.info': {
      const { licence, journal } = await licenceInfo(deps, command.item);
      return renderList(journal, licence);
    }
  }
}
