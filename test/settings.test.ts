import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadSettings, SETTINGS, SettingsError } from '../src/config/settings.js';

function refusal(env: Record<string, string>): string {
  try {
    loadSettings(env);
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected SettingsError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadSettings', () => {
  test('When nothing is set, then every default applies, the optional settings are absent and the result is frozen', () => {
    const settings = loadSettings({});
    assert.deepEqual(Object.entries(settings), [
      ['CPBILLMGR_MGRCTL', '/usr/local/mgr5/sbin/mgrctl'],
      ['CPBILLMGR_MGR_ROOT', '/usr/local/mgr5'],
      ['CPBILLMGR_ETC', './etc'],
      ['CPBILLMGR_LISTEN', '127.0.0.1:1580'],
      ['CPBILLMGR_API_USER', 'cpbillmgr'],
      ['CPBILLMGR_CRON', '*/5 * * * *'],
      ['CPBILLMGR_UPSTREAM_TIMEOUT_MS', 30000],
      ['CPBILLMGR_MGRCTL_TIMEOUT_MS', 60000],
      ['CPBILLMGR_ORDER_WINDOW_SECONDS', 900],
      ['CPBILLMGR_LEASE_SECONDS', 120],
      ['CPBILLMGR_CLOCK_OFFSET_SECONDS', 0],
      ['CPBILLMGR_WAIT_SECONDS', 20],
      ['CPBILLMGR_LOG_LEVEL', 'info'],
    ]);
    assert.ok(Object.isFrozen(settings));
    assert.ok(!('CPBILLMGR_BILLING' in settings) && !('CPBILLMGR_DB' in settings));
  });

  test('When values are set, then they are read as Number() reads them; empty text counts as unset; other variables are ignored', () => {
    const settings = loadSettings({
      CPBILLMGR_BILLING: 'bm6',
      CPBILLMGR_DB: 'mariadb://u:p@h:3306/billmgr',
      CPBILLMGR_API_TOKEN: '0123456789abcdef',
      CPBILLMGR_UPSTREAM_TIMEOUT_MS: ' 2e3 ',
      CPBILLMGR_ORDER_WINDOW_SECONDS: '0x100',
      CPBILLMGR_CLOCK_OFFSET_SECONDS: '-35',
      CPBILLMGR_WAIT_SECONDS: '0.5',
      CPBILLMGR_ETC: '',
      CPBILLMGR_LOG_LEVEL: 'silent',
      HOME: '/root',
    });
    assert.equal(settings.CPBILLMGR_BILLING, 'bm6');
    assert.equal(settings.CPBILLMGR_DB, 'mariadb://u:p@h:3306/billmgr');
    assert.equal(settings.CPBILLMGR_API_TOKEN, '0123456789abcdef');
    assert.equal(settings.CPBILLMGR_UPSTREAM_TIMEOUT_MS, 2000);
    assert.equal(settings.CPBILLMGR_ORDER_WINDOW_SECONDS, 256);
    assert.equal(settings.CPBILLMGR_CLOCK_OFFSET_SECONDS, -35);
    assert.equal(settings.CPBILLMGR_WAIT_SECONDS, 0.5);
    assert.equal(settings.CPBILLMGR_ETC, './etc');
    assert.equal(settings.CPBILLMGR_LOG_LEVEL, 'silent');
    assert.ok(!('HOME' in settings));
  });

  test('When a value is invalid, then the refusal names the setting with the message the module has always given', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ CPBILLMGR_BILLING: 'bm5' }, 'CPBILLMGR_BILLING: Invalid option: expected one of "bm4"|"bm6"'],
      [{ CPBILLMGR_DB: 'postgres://x' }, 'CPBILLMGR_DB: must be mysql://user:pass@host:port/db or sqlite:PATH'],
      [{ CPBILLMGR_LISTEN: 'a:123456' }, 'CPBILLMGR_LISTEN: must be HOST:PORT'],
      [{ CPBILLMGR_API_TOKEN: 'short' }, 'CPBILLMGR_API_TOKEN: must be at least 16 characters'],
      [
        { CPBILLMGR_UPSTREAM_TIMEOUT_MS: 'abc' },
        'CPBILLMGR_UPSTREAM_TIMEOUT_MS: Invalid input: expected number, received NaN',
      ],
      [
        { CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1e400' },
        'CPBILLMGR_UPSTREAM_TIMEOUT_MS: Invalid input: expected number, received Infinity',
      ],
      [
        { CPBILLMGR_UPSTREAM_TIMEOUT_MS: '-5.5' },
        'CPBILLMGR_UPSTREAM_TIMEOUT_MS: Invalid input: expected int, received number',
      ],
      [
        { CPBILLMGR_UPSTREAM_TIMEOUT_MS: '50' },
        'CPBILLMGR_UPSTREAM_TIMEOUT_MS: Too small: expected number to be >=100',
      ],
      [
        { CPBILLMGR_CLOCK_OFFSET_SECONDS: '1e16' },
        'CPBILLMGR_CLOCK_OFFSET_SECONDS: Too big: expected int to be <=9007199254740991',
      ],
      [
        { CPBILLMGR_LEASE_SECONDS: '-1e20' },
        'CPBILLMGR_LEASE_SECONDS: Too small: expected int to be >=-9007199254740991; CPBILLMGR_LEASE_SECONDS: Too small: expected number to be >=10',
      ],
      [{ CPBILLMGR_WAIT_SECONDS: '-0.5' }, 'CPBILLMGR_WAIT_SECONDS: Too small: expected number to be >=0'],
      [
        { CPBILLMGR_FAULT: 'nope' },
        'CPBILLMGR_FAULT: Invalid option: expected one of "after-upstream-order"|"after-upstream-prolong"|"after-pool-claim"|"after-pool-move"|"after-upstream-change"|"after-old-parked"',
      ],
    ];
    for (const [env, problem] of cases) assert.equal(refusal(env), `invalid settings: ${problem}`, JSON.stringify(env));
  });

  test('When several values are invalid, then all are named, in the order of the settings', () => {
    assert.equal(
      refusal({ CPBILLMGR_LOG_LEVEL: 'verbose', CPBILLMGR_LEASE_SECONDS: '1', CPBILLMGR_BILLING: 'bm5' }),
      'invalid settings: CPBILLMGR_BILLING: Invalid option: expected one of "bm4"|"bm6"; CPBILLMGR_LEASE_SECONDS: Too small: expected number to be >=10; CPBILLMGR_LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    );
  });

  test('When the order window is shorter than twice the upstream timeout, then the start is refused', () => {
    assert.equal(
      refusal({ CPBILLMGR_ORDER_WINDOW_SECONDS: '10' }),
      'invalid settings: CPBILLMGR_ORDER_WINDOW_SECONDS (10) must be at least twice the upstream timeout (60 s with CPBILLMGR_UPSTREAM_TIMEOUT_MS=30000)',
    );
    assert.equal(
      loadSettings({ CPBILLMGR_ORDER_WINDOW_SECONDS: '10', CPBILLMGR_UPSTREAM_TIMEOUT_MS: '5000' })
        .CPBILLMGR_ORDER_WINDOW_SECONDS,
      10,
    );
  });

  test('Every setting is described (README, --help)', () => {
    for (const [name, spec] of Object.entries(SETTINGS)) assert.ok(spec.description.length > 10, name);
  });
});
