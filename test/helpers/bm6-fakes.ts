import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/logging/create-logger.js';

/** An executable /bin/sh script in a temp dir, standing in for a misbehaving mgrctl. */
export function fakeMgrctl(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fake-mgrctl-')), 'mgrctl');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

export interface LogLine {
  readonly level: string;
  readonly fields: unknown;
  readonly msg: string;
}

/** A logger that keeps what it is told, to check what reaches the log. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (fields: unknown, msg = '') => {
      lines.push({ level, fields, msg: typeof fields === 'string' ? fields : msg });
    };
  const logger = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: () => logger,
  } as unknown as Logger;
  return { logger, lines };
}
