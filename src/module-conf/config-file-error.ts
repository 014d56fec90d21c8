/**
 * A line of cpbillmgr.conf that can't be understood. Not a `ModuleError`: it stops the start
 * (contract §4) rather than answering one billing call.
 */
export class ConfigFileError extends Error {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ConfigFileError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
