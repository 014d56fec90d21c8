import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import { ConfigFileError } from '../src/module-conf/config-file-error.js';
import { loadModuleConfs } from '../src/module-conf/load-module-confs.js';
import { parseModuleConf } from '../src/module-conf/parse-module-conf.js';
import { MAX_CONF_BYTES } from '../src/module-conf/read-conf-file.js';

const catalogue = createCatalogue(BUILTIN_PACKAGES);
const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const FILE = '/etc/x/cpbillmgr.conf';
const parse = (text: string) => parseModuleConf(text, FILE, catalogue);

function rejection(run: () => unknown): ConfigFileError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigFileError, `expected ConfigFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigFileError');
}

describe('config files: line ends', () => {
  test('CR alone ends a line: the text after a comment is not swallowed', () => {
    const conf = parse('Period 10 8 7 # one month\rOption NoFixSuspended\r# note\rPrice ipmgr 2891\r');
    assert.deepEqual(conf.periods, [{ localPeriodId: 10, remotePeriodId: 8, packageId: 7, line: 1 }]);
    assert.equal(conf.noFixSuspended, true);
    assert.deepEqual(conf.prices, [{ names: ['ipmgr'], packageId: 2891, line: 4 }]);
  });

  test('CRLF, CR and LF mixed each count as one line end, so line numbers stay right', () => {
    const conf = parse('# a\r\n# b\r# c\nPeriod 10 8 7\r\n\r\rPrice ipmgr 2891');
    assert.equal(conf.periods[0]?.line, 4);
    assert.equal(conf.prices[0]?.line, 7);
    assert.equal(rejection(() => parse('# a\r\nOption NoFixSuspended\r\rBogus\n')).line, 4);
    assert.equal(rejection(() => parse('\r\n\r\n\rPeriod 10 99999 7')).line, 4);
  });

  test('a CR-only file with the wiki text means the same as the wiki file', () => {
    const wiki = readFileSync(repo('test/fixtures/wiki-cpbillmgr.conf'), 'utf8');
    const lf = parse(wiki);
    const cr = parse(wiki.replaceAll('\n', '\r'));
    const crlf = parse(wiki.replaceAll('\n', '\r\n'));
    assert.deepEqual(cr.periods, lf.periods);
    assert.deepEqual(crlf.periods, lf.periods);
    assert.deepEqual(cr.prices, lf.prices);
    assert.equal(lf.periods.length, 12);
  });

  test('a field echoed in an error is escaped and cut, never raw control bytes or a whole huge line', () => {
    const error = rejection(() => parse(`Bo\u0000gus\u001b[2J${'x'.repeat(100_000)} 1`));
    assert.equal(error.line, 1);
    assert.match(error.reason, /unknown directive 'Bo\\u0000gus\\u001b\[2Jx+…'/);
    assert.ok(error.message.length < 300, `message of ${error.message.length} chars`);
    assert.doesNotMatch(error.message, /\p{Cc}/u);
  });
});

describe('config files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-edge-conf-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  /** A fresh etc folder per test, with cpbillmgr.conf made by `make`. */
  const etcWith = (make: (file: string) => void): { etc: string; file: string } => {
    const etc = join(dir, `etc${++n}`);
    mkdirSync(etc);
    const file = join(etc, 'cpbillmgr.conf');
    make(file);
    return { etc, file };
  };
  const load = (etc: string) => loadModuleConfs(etc, catalogue);

  test('the wiki example still loads verbatim from disk', () => {
    const { etc } = etcWith((file) => writeFileSync(file, readFileSync(repo('test/fixtures/wiki-cpbillmgr.conf'))));
    assert.equal(load(etc)[4].periods.length, 12);
  });

  test('a missing file still means nothing configured', () => {
    const { etc, file } = etcWith(() => undefined);
    const confs = load(etc);
    assert.equal(confs[4].file, file);
    assert.deepEqual(confs[4].periods, []);
  });

  test('invalid UTF-8 is refused with the file and the line of the first bad sequence', () => {
    const cases: Array<[string, Buffer, number]> = [
      ['Latin-1 é in a comment', Buffer.from('Option NoFixSuspended\n# caf\xe9\nPeriod 10 8 7\n', 'latin1'), 2],
      [
        'after CR-only lines',
        Buffer.concat([Buffer.from('# a\r# b\r\n\r'), Buffer.from([0xff]), Buffer.from('\n')]),
        4,
      ],
      [
        'an overlong slash',
        Buffer.concat([Buffer.from('Price ipmgr 2891\n\n\nPrice a'), Buffer.from([0xc0, 0xaf])]),
        4,
      ],
      ['an encoded surrogate', Buffer.concat([Buffer.from('#\n# '), Buffer.from([0xed, 0xa0, 0x80])]), 2],
      [
        'a sequence cut by the end of file',
        Buffer.concat([Buffer.from('#\n#\n#\n#\n# €'), Buffer.from([0xe2, 0x82])]),
        5,
      ],
      ['a sequence cut by a line end', Buffer.concat([Buffer.from([0x23, 0xe2, 0x82]), Buffer.from('\n#')]), 1],
      ['a lone continuation byte', Buffer.from([0x50, 0x80]), 1],
    ];
    for (const [name, bytes, line] of cases) {
      const { etc, file } = etcWith((path) => writeFileSync(path, bytes));
      const error = rejection(() => load(etc));
      assert.equal(error.file, file, name);
      assert.equal(error.line, line, name);
      assert.match(error.reason, /not valid UTF-8/, name);
      assert.equal(error.message, `${file}:${line}: ${error.reason}`, name);
    }
  });

  test('valid UTF-8 (Cyrillic comments, a byte-order mark) loads', () => {
    const { etc } = etcWith((file) =>
      writeFileSync(file, '\uFEFF# Соответствие тарифа\r\nPrice ipmgr 2891 # ИСП\r\nPeriod 10 8 7\r\n'),
    );
    const conf = load(etc)[4];
    assert.equal(conf.prices[0]?.line, 2);
    assert.equal(conf.periods[0]?.line, 3);
  });

  test('a directory is refused with its name and what it is', () => {
    const { etc, file } = etcWith((path) => mkdirSync(path));
    const error = rejection(() => load(etc));
    assert.equal(error.file, file);
    assert.equal(error.line, 0);
    assert.equal(error.reason, 'is a directory, not a regular file');
    assert.equal(error.message, `${file}: is a directory, not a regular file`);
  });

  test('a FIFO is refused at once, before it is opened (no hang)', () => {
    const { etc, file } = etcWith((path) => execFileSync('mkfifo', [path]));
    // In a child process: if the FIFO were opened for a blocking read, the load would never return.
    const result = loadInChild(etc);
    assert.equal(result.timedOut, false, 'loading a FIFO hung');
    assert.deepEqual(result.outcome, { file, line: 0, reason: 'is a FIFO (named pipe), not a regular file' });
  });

  test('a socket, a character device and a symlink to a FIFO are refused; a symlink to a file is followed', async () => {
    const socket = etcWith(() => undefined);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket.file, resolve));
    try {
      assert.equal(rejection(() => load(socket.etc)).reason, 'is a socket, not a regular file');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const device = etcWith((file) => symlinkSync('/dev/null', file));
    assert.equal(rejection(() => load(device.etc)).reason, 'is a character device, not a regular file');

    const fifo = join(dir, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    const viaLink = etcWith((file) => symlinkSync(fifo, file));
    const result = loadInChild(viaLink.etc);
    assert.equal(result.timedOut, false, 'loading a symlink to a FIFO hung');
    assert.match(String((result.outcome as { reason?: string }).reason), /is a FIFO/);

    const real = join(dir, 'real.conf');
    writeFileSync(real, 'Option ReUseLicense\n');
    const linked = etcWith((file) => symlinkSync(real, file));
    assert.equal(load(linked.etc)[4].reuseLicense, true);
  });

  test('a dangling symlink is refused rather than read as "nothing configured"', () => {
    const { etc, file } = etcWith((path) => symlinkSync(join(dir, 'gone.conf'), path));
    const error = rejection(() => load(etc));
    assert.equal(error.file, file);
    assert.match(error.reason, /symbolic link to a file that does not exist/);
  });

  test('an unreadable file or folder is refused with the name (EACCES)', () => {
    // Root reads anything, so the load runs in a child under an unprivileged uid.
    const nobody = 65534;
    const fileLocked = etcWith((file) => writeFileSync(file, 'Option ReUseLicense\n', { mode: 0o600 }));
    chmodSync(dir, 0o755);
    chmodSync(fileLocked.etc, 0o755);
    const asNobody = loadInChild(fileLocked.etc, process.getuid?.() === 0 ? nobody : undefined);
    assert.equal(asNobody.timedOut, false);
    assert.deepEqual(asNobody.outcome, { file: fileLocked.file, line: 0, reason: 'cannot be read: permission denied' });

    const folderLocked = etcWith((file) => writeFileSync(file, 'Option ReUseLicense\n', { mode: 0o644 }));
    chmodSync(folderLocked.etc, 0o700);
    const blocked = loadInChild(folderLocked.etc, process.getuid?.() === 0 ? nobody : undefined);
    assert.deepEqual(blocked.outcome, {
      file: folderLocked.file,
      line: 0,
      reason: 'cannot be read: permission denied',
    });
  });

  test('a path through a regular file (ENOTDIR) names the file', () => {
    const notADir = join(dir, 'plain');
    writeFileSync(notADir, '');
    const error = rejection(() => load(notADir));
    assert.equal(error.file, join(notADir, 'cpbillmgr.conf'));
    assert.equal(error.reason, 'cannot be read: ENOTDIR');
  });

  test(`a file over ${MAX_CONF_BYTES} bytes is refused without parsing it`, () => {
    const { etc } = etcWith((file) => writeFileSync(file, `#${'x'.repeat(MAX_CONF_BYTES)}\n`));
    assert.match(rejection(() => load(etc)).reason, /at most 1048576/);
    const fits = etcWith((file) => writeFileSync(file, `#${'x'.repeat(MAX_CONF_BYTES - 2)}\n`));
    assert.deepEqual(load(fits.etc)[4].prices, []);
  });
});

interface ChildResult {
  readonly timedOut: boolean;
  readonly outcome: unknown;
}

/** Loads the confs of `etc` in a fresh node process (killed after 5 s), optionally as another uid. */
function loadInChild(etc: string, uid?: number): ChildResult {
  const loader = new URL('../src/module-conf/load-module-confs.js', import.meta.url).href;
  const catalogueUrl = new URL('../src/catalogue/create-catalogue.js', import.meta.url).href;
  const packagesUrl = new URL('../src/catalogue/builtin-packages.js', import.meta.url).href;
  const script = `
    const { loadModuleConfs } = await import(${JSON.stringify(loader)});
    const { createCatalogue } = await import(${JSON.stringify(catalogueUrl)});
    const { BUILTIN_PACKAGES } = await import(${JSON.stringify(packagesUrl)});
    try {
      loadModuleConfs(${JSON.stringify(etc)}, createCatalogue(BUILTIN_PACKAGES));
      console.log(JSON.stringify({ loaded: true }));
    } catch (error) {
      console.log(JSON.stringify({ name: error.name, file: error.file, line: error.line, reason: error.reason }));
    }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    timeout: 5000,
    encoding: 'utf8',
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    return { timedOut: true, outcome: null };
  if (child.signal === 'SIGTERM') return { timedOut: true, outcome: null };
  const parsed = JSON.parse(child.stdout || 'null') as { name?: string } | null;
  assert.ok(parsed, `child printed nothing; stderr: ${child.stderr}`);
  if (parsed.name === undefined) return { timedOut: false, outcome: parsed };
  assert.equal(parsed.name, 'ConfigFileError');
  const { name: _name, ...rest } = parsed;
  return { timedOut: false, outcome: rest };
}
