import type { Command } from 'commander';
import { type ReconcileReport, reconcileReport } from '../../usecases/reconcile/reconcile-report.js';
import { ACTION_CLASSES, RECONCILE_CLASSES, type ReconcileClass } from '../../usecases/reconcile/reconcile-tally.js';
import { runVerb } from './run-verb.js';

const TITLES: Record<ReconcileClass, string> = {
  unpaid: 'upstream licences no item pays for',
  missing: 'services that should have a licence and do not',
  wrong_ip: 'licences on another IP than their service',
  wrong_package: 'licences of another package than their service asks for',
  expired: 'licences expired while their service is active',
  no_autorenew: 'licences the upstream will not renew automatically (100 % discount)',
  pool: 'pool licences (free.lic on 0.0.0.0, paid and unused)',
};

/** Rows shown per class in the table; --json has them all. */
const SHOWN = 20;

function table(report: ReconcileReport): string {
  const lines = [
    `reconcile ${report.day}: ${report.modules} module(s), ${report.upstreamLicences} upstream licences`,
    '',
    `${'class'.padEnd(14)} ${'count'.padStart(7)} ${'per month'.padStart(12)}  what`,
  ];
  for (const c of RECONCILE_CLASSES) {
    const total = report.counts[c];
    const mark = ACTION_CLASSES.includes(c) && total.count > 0 ? '!' : ' ';
    lines.push(
      `${mark}${c.padEnd(13)} ${String(total.count).padStart(7)} ${total.monthlyCost.toFixed(2).padStart(12)}  ${TITLES[c]}`,
    );
  }
  for (const c of RECONCILE_CLASSES) {
    const findings = report.findings.filter((f) => f.class === c);
    if (findings.length === 0) continue;
    lines.push('', `${c}:`);
    for (const f of findings.slice(0, SHOWN)) {
      const licence = f.licenceId === null ? '' : `licence #${f.licenceId} `;
      const item = f.item === null ? '' : `item #${f.item} `;
      lines.push(`  ${licence}${item}${f.ip} ${f.monthlyCost.toFixed(2)}/month: ${f.detail}`);
    }
    if (findings.length > SHOWN) lines.push(`  … and ${findings.length - SHOWN} more (--json lists them all)`);
  }
  for (const failure of report.failures) lines.push('', `not read: ${failure}`);
  lines.push('', report.needsAction ? 'action needed (classes marked !)' : 'nothing needs action');
  return `${lines.join('\n')}\n`;
}

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description('three-way report of billing, module and upstream; exit 1 when anything needs action')
    .option('--json', 'print the report as JSON')
    .action((options: { json?: boolean }) =>
      runVerb(async (app) => {
        const report = await reconcileReport(app.deps);
        process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : table(report));
        return report.needsAction ? 1 : 0;
      }),
    );
}
