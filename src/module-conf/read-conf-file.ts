import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats, statSync } from 'node:fs';
import { ConfigFileError } from './config-file-error.js';

/** A few hundred lines is a large config; past this the file is surely not one. */
export const MAX_CONF_BYTES = 1024 * 1024;

/**
 * The text of a module config file, or undefined when there is none (the wiki's default: built-in
 * defaults only). Anything but a readable regular file of valid UTF-8 is a `ConfigFileError` naming
 * the file: opening a FIFO would block `cpbillmgr check` until some writer came along, and a device
 * may act on being opened, so the kind is checked before opening — and again on the open descriptor,
 * in case the path was swapped in between (opened non-blocking, so a FIFO swapped in can't hang it).
 */
export function readConfFile(file: string): string | undefined {
  const stats = statOrMissing(file);
  if (stats === undefined) return undefined;
  refuseIrregular(file, stats);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const opened = fstatSync(fd);
    refuseIrregular(file, opened);
    if (opened.size > MAX_CONF_BYTES) {
      throw new ConfigFileError(file, 0, `is ${opened.size} bytes; a module config file is at most ${MAX_CONF_BYTES}`);
    }
    return decodeUtf8(readFileSync(fd), file);
  } catch (error) {
    throw error instanceof ConfigFileError ? error : unreadable(file, error);
  } finally {
    closeSync(fd);
  }
}

function statOrMissing(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw unreadable(file, error);
  }
  // A dangling symlink says someone meant to configure something: not the same as no file.
  const link = lstatSync(file, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) throw new ConfigFileError(file, 0, 'is a symbolic link to a file that does not exist');
  return undefined;
}

function refuseIrregular(file: string, stats: Stats): void {
  if (!stats.isFile()) throw new ConfigFileError(file, 0, `${kindOf(stats)}, not a regular file`);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'is a directory';
  if (stats.isFIFO()) return 'is a FIFO (named pipe)';
  if (stats.isSocket()) return 'is a socket';
  if (stats.isCharacterDevice()) return 'is a character device';
  if (stats.isBlockDevice()) return 'is a block device';
  return 'is of an unknown kind';
}

function unreadable(file: string, error: unknown): ConfigFileError {
  const code = errnoOf(error);
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
  return new ConfigFileError(file, 0, `cannot be read: ${why}`);
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigFileError(file, lineOfBadUtf8(bytes), 'is not valid UTF-8 (save the file as UTF-8)');
  }
}

/**
 * The 1-based line holding the first invalid UTF-8 sequence, counting lines as the parser does
 * (CRLF, CR and LF each end one). CR and LF never occur inside a valid multi-byte sequence, so
 * decoding line by line finds the same first fault as decoding the whole.
 */
function lineOfBadUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    if (i < bytes.length && byte !== 0x0a && byte !== 0x0d) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    if (byte === 0x0d && bytes[i + 1] === 0x0a) i++;
    line++;
    start = i + 1;
  }
  return 0;
}
