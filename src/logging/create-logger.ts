import { destination, type Logger, pino } from 'pino';

export type { Logger };

/**
 * Logs go to stderr (fd 2) as JSON lines: stdout is reserved for the XML BILLmanager reads.
 * `CPBILLMGR_LOG_LEVEL` sets the level (default `info`; tests use `silent` or `warn`).
 */
export function createLogger(level: string = process.env.CPBILLMGR_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['password', '*.password', 'authinfo', '*.authinfo'], censor: '***' },
    },
    destination({ fd: 2, sync: true }),
  );
}

/** Replaces the password part of an `authinfo=USER:PASS` pair, or a `password=` field, in a URL or body. */
export function redactSecrets(text: string): string {
  return text.replace(/(authinfo=[^:&\s]*(?::|%3A))[^&\s]*/gi, '$1***').replace(/(password=)[^&\s]*/gi, '$1***');
}
