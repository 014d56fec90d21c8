/**
 * A cpbillmgr.conf that can't be used. Not a `ModuleError`: it stops the start (contract §4) rather
 * than answering one billing call. `line` is 1-based; 0 means the whole file (not a regular file,
 * unreadable, too large), and the message then reads `FILE: reason`.
 */
export class ConfigFileError extends Error {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'ConfigFileError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
