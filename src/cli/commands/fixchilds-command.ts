import type { Command } from 'commander';

export function registerFixchilds(program: Command): void {
  program
    .command('fixchilds')
    .description('assign licences already on the upstream account to services that need one (not implemented yet)')
    .action(() => {
      process.stderr.write(
        'cpbillmgr: not_supported: fixchilds is not implemented yet (it comes with the add-on work); nothing was changed\n',
      );
      process.exitCode = 3;
    });
}
