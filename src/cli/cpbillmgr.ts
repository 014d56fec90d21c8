#!/usr/bin/env node
import { Command } from 'commander';
import { registerCatalogue } from './commands/catalogue-command.js';
import { registerCheck } from './commands/check-command.js';
import { registerCheckevent } from './commands/checkevent-command.js';
import { registerDemo } from './commands/demo-command.js';
import { registerFixchilds } from './commands/fixchilds-command.js';
import { registerInstall } from './commands/install-command.js';
import { registerMigrate } from './commands/migrate-command.js';
import { registerPool } from './commands/pool-command.js';
import { registerReconcile } from './commands/reconcile-command.js';
import { registerSandbox } from './commands/sandbox-command.js';
import { registerServe } from './commands/serve-command.js';

const program = new Command('cpbillmgr')
  .description('BILLmanager processing module reselling ISPsystem licences (settings: see README)')
  .showHelpAfterError();

registerServe(program);
registerCheckevent(program);
registerFixchilds(program);
registerMigrate(program);
registerReconcile(program);
registerPool(program);
registerCheck(program);
registerCatalogue(program);
registerSandbox(program);
registerDemo(program);
registerInstall(program);

await program.parseAsync(process.argv);
