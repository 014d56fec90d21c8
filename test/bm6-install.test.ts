import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { installModule } from '../src/cli/commands/install-command.js';
import { MODULE_ENTRY } from '../src/cli/module-bundle.js';
import { runRaw } from './helpers/bm6-standin.js';

const CLI = 'dist/src/cli/cpbillmgr.js';
const XML_NAME = 'billmgr_mod_pmcpbillmgr.xml';

function tempRoot(): string {
  return join(mkdtempSync(join(tmpdir(), 'cpbillmgr-root-')), "mgr 5's root");
}

/** A checkout whose module entry point reports its argv, stdin and settings. */
function echoCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-checkout-'));
  mkdirSync(join(dir, 'xml'));
  writeFileSync(join(dir, 'xml', XML_NAME), '<mgrdata/>\n');
  const entry = join(dir, MODULE_ENTRY);
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(
    entry,
    [
      "let stdin = '';",
      "process.stdin.on('data', (c) => { stdin += c; });",
      "process.stdin.on('end', () => {",
      '  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("CPBILLMGR_")));',
      '  process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), stdin, env, exec: process.execPath }));',
      '});',
    ].join('\n'),
  );
  chmodSync(entry, 0o644);
  return dir;
}

describe('cpbillmgr install into a BILLmanager 5/6 root', () => {
  test('When installed into an empty root, then the wrapper answers `features` through this checkout and the plugin XML is in etc/xml', async () => {
    const root = tempRoot();
    const run = await runRaw(process.execPath, [CLI, 'install', '--root', root]);
    assert.equal(run.code, 0, run.stderr);
    const wrapper = join(root, 'processing', 'pmcpbillmgr');
    assert.match(run.stdout, new RegExp(`written: ${wrapper.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(run.stdout, /killall core/);
    assert.match(run.stdout, /sbin\/mgrctl -m billmgr exit/);
    assert.match(run.stdout, /cpbillmgr\.js migrate/);
    assert.match(run.stdout, /\*\/5 \* \* \* \* .*checkevent/);
    assert.match(run.stdout, /serve/);
    assert.equal(statSync(wrapper).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(root, 'etc', 'xml', XML_NAME), 'utf8'), readFileSync(join('xml', XML_NAME), 'utf8'));

    const features = await runRaw(wrapper, ['--command', 'features']);
    assert.equal(features.code, 0, features.stderr);
    assert.match(features.stdout, /<itemtype name="soft"\/>/);
    assert.match(features.stdout, /<param name="password" crypted="yes"\/>/);
  });

  test('When installed again unchanged, then both files are up to date; a changed file is refused without --force and replaced with it', async () => {
    const root = tempRoot();
    assert.equal((await runRaw(process.execPath, [CLI, 'install', '--root', root])).code, 0);
    const again = await runRaw(process.execPath, [CLI, 'install', '--root', root]);
    assert.equal(again.code, 0);
    assert.equal(again.stdout.match(/^up to date: /gm)?.length, 2);

    const xml = join(root, 'etc', 'xml', XML_NAME);
    writeFileSync(xml, '<mgrdata><!-- edited by hand --></mgrdata>\n');
    const wrapper = join(root, 'processing', 'pmcpbillmgr');
    const wrapperBefore = readFileSync(wrapper, 'utf8');
    const refused = await runRaw(process.execPath, [CLI, 'install', '--root', root]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /billmgr_mod_pmcpbillmgr\.xml exists and differs .* --force/);
    assert.equal(readFileSync(xml, 'utf8'), '<mgrdata><!-- edited by hand --></mgrdata>\n', 'left alone');
    assert.equal(readFileSync(wrapper, 'utf8'), wrapperBefore);

    const forced = await runRaw(process.execPath, [CLI, 'install', '--root', root, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /replaced: .*billmgr_mod_pmcpbillmgr\.xml/);
    assert.match(forced.stdout, /up to date: .*processing\/pmcpbillmgr/);
    assert.equal(readFileSync(xml, 'utf8'), readFileSync(join('xml', XML_NAME), 'utf8'));
  });

  test('When BILLmanager runs the wrapper, then every argument and stdin reach the module, in bm6 mode, with ETC, root and mgrctl under the root unless set', async () => {
    const root = tempRoot();
    const checkout = echoCheckout();
    await installModule({ root, force: false, checkout });
    const wrapper = join(root, 'processing', 'pmcpbillmgr');
    const args = ['--command', 'tune_connection', '--item', '12', '--param', "a b'c $HOME"];
    const run = await runRaw(wrapper, args, '<doc><func>processing.add.user</func></doc>');
    assert.equal(run.code, 0, run.stderr);
    const seen = JSON.parse(run.stdout) as { argv: string[]; stdin: string; env: Record<string, string>; exec: string };
    assert.deepEqual(seen.argv, args);
    assert.equal(seen.stdin, '<doc><func>processing.add.user</func></doc>');
    assert.equal(seen.exec, process.execPath, 'the node that installed it, by absolute path');
    assert.deepEqual(seen.env, {
      CPBILLMGR_BILLING: 'bm6',
      CPBILLMGR_ETC: join(root, 'etc'),
      CPBILLMGR_MGR_ROOT: root,
      CPBILLMGR_MGRCTL: join(root, 'sbin', 'mgrctl'),
    });

    const overridden = await new Promise<string>((resolve, reject) => {
      import('node:child_process').then(({ execFile }) =>
        execFile(
          wrapper,
          [],
          { env: { PATH: process.env.PATH, CPBILLMGR_ETC: '/srv/etc', CPBILLMGR_BILLING: 'bm4' } },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ).stdin?.end(),
      );
    });
    const env = (JSON.parse(overridden) as { env: Record<string, string> }).env;
    assert.equal(env.CPBILLMGR_ETC, '/srv/etc', 'an operator’s own setting wins');
    assert.equal(env.CPBILLMGR_BILLING, 'bm6', 'the wrapper always runs the BILLmanager 5/6 billing');
  });

  test('When install is asked for help, then it names the root and --force', async () => {
    const help = await runRaw(process.execPath, [CLI, 'install', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--root <dir>.*\/usr\/local\/mgr5/);
    assert.match(help.stdout, /--force/);
  });
});
