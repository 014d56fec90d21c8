import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Logger } from '../../logging/create-logger.js';
import { MgrctlError } from './mgrctl-error.js';

/** The children of mgrctl's `<doc>`: element text as strings, attributes as `@name`, `elem` always a list. */
export type MgrctlDoc = Readonly<Record<string, unknown>>;

export type MgrctlParams = Readonly<Record<string, string | number>>;

export interface RunMgrctlOptions {
  readonly timeoutMs?: number;
  /** How long an mgrctl asked to stop at the timeout (SIGTERM) has before it is killed (SIGKILL). */
  readonly killGraceMs?: number;
  readonly logger?: Logger;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_KILL_GRACE_MS = 2_000;
const PARAM_NAME = /^[A-Za-z0-9_.]+$/;
const SECRET_NAME = /pass|secret|crypt|key/i;

/**
 * Runs BILLmanager's local API tool as the official modules do (`mgrctl -m billmgr -o xml FUNC k=v …`,
 * research §2 "Invocation"), without a shell: values reach mgrctl byte for byte whatever they hold.
 * Success is exit 0 and a `<doc>` without `<error>`; `<ok/>` is not required, since what the panel
 * answers to a post-call is not documented (research §2 "Output").
 */
export async function runMgrctl(
  path: string,
  func: string,
  params: MgrctlParams = {},
  options: RunMgrctlOptions = {},
): Promise<MgrctlDoc> {
  const args = ['-m', 'billmgr', '-o', 'xml', func];
  for (const [name, value] of Object.entries(params)) {
    if (!PARAM_NAME.test(name)) throw new MgrctlError(func, `parameter name '${name}' is not a plain name`);
    const text = String(value);
    if (text.includes('\0')) throw new MgrctlError(func, `parameter '${name}' holds a NUL character`);
    args.push(`${name}=${text}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  const { code, stdout, stderr, failure, signal } = await execute(
    path,
    args,
    timeoutMs,
    options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
  );
  options.logger?.debug({ mgrctl: func, params: redactParams(params), code, ms: Date.now() - started }, 'mgrctl');

  const mask = masker(params);
  if (failure === 'timeout') {
    throw new MgrctlError(func, `no answer within ${timeoutMs} ms`, { retryable: true });
  }
  if (failure === 'spawn') {
    throw new MgrctlError(func, `cannot run ${path}: ${mask(firstLine(stderr))}`);
  }
  if (signal) throw new MgrctlError(func, `ended by ${signal} without an answer`);
  const doc = parseDoc(stdout);
  const error = doc?.error;
  if (error !== undefined) throw errorFromDoc(func, error, code, mask);
  if (code !== 0) {
    const said = mask(firstLine(stderr)) || (doc ? 'no error text' : 'no <doc> on stdout');
    throw new MgrctlError(func, `exit code ${code}: ${said}`, { exitCode: code });
  }
  if (!doc) throw new MgrctlError(func, 'answered without a <doc> document', { exitCode: code });
  return doc;
}

/** The text of a child of `<doc>`, '' when absent. */
export function docText(doc: MgrctlDoc, name: string): string {
  return textOf(doc[name]);
}

/**
 * Masks what BILLmanager might echo back: the secret values of this call, and `password=`-style pairs.
 * Short values are left alone (masking `on` would garble every message).
 */
function masker(params: MgrctlParams): (text: string) => string {
  const shown = redactParams(params);
  const secrets = Object.entries(params)
    .filter(([name]) => shown[name] === '***')
    .map(([, value]) => String(value))
    .filter((value) => value.length >= 4);
  return (text) => {
    let masked = text.replace(/((?:pass\w*|secret)\s*[=:]\s*)\S+/gi, '$1***');
    for (const secret of secrets) masked = masked.split(secret).join('***');
    return masked;
  };
}

/** Parameters as they may appear in a log: secrets, and the value of a crypted `saveparam`, masked. */
export function redactParams(params: MgrctlParams): Record<string, string> {
  const crypted = String(params.crypted ?? '') === 'on';
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const secret = SECRET_NAME.test(name) || (crypted && name === 'value');
    shown[name] = secret ? '***' : String(value);
  }
  return shown;
}

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly failure?: 'timeout' | 'spawn';
  /** The signal that ended it when nobody here sent one. */
  readonly signal?: string;
}

/**
 * Runs mgrctl; at `timeoutMs` it is asked to stop (SIGTERM) and, if it is still there after
 * `killGraceMs`, killed (SIGKILL): an mgrctl that ignores SIGTERM must not hold the module past its
 * timeout. After a timeout the outcome comes when the process has exited, without waiting for
 * whatever it started and left holding its stdout.
 */
function execute(path: string, args: string[], timeoutMs: number, killGraceMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      resolve({
        code: -1,
        stdout: '',
        stderr: String((error as NodeJS.ErrnoException).code ?? error),
        failure: 'spawn',
      });
      return;
    }
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    let settled = false;
    let timedOut = false;
    let exited = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(termTimer);
      clearTimeout(killTimer);
      resolve(outcome);
    };
    const timedOutOutcome = (): Outcome => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      return { code: -1, stdout: stdout.text(), stderr: stderr.text(), failure: 'timeout' };
    };
    const termTimer = setTimeout(() => {
      timedOut = true;
      // It exited, but something it started still holds its stdout: no answer is coming.
      if (exited) return settle(timedOutOutcome());
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      // ENOENT, EACCES…: the tool never ran. Its message names the path, never an argument.
      settle({ code: -1, stdout: '', stderr: String(error.code ?? error.message), failure: 'spawn' });
    });
    child.on('exit', () => {
      exited = true;
      if (timedOut) settle(timedOutOutcome());
    });
    child.on('close', (code, signal) => {
      if (timedOut) return settle(timedOutOutcome());
      settle({ code: code ?? -1, stdout: stdout.text(), stderr: stderr.text(), ...(signal ? { signal } : {}) });
    });
  });
}

function collect(stream: Readable | null): { text(): string } {
  const chunks: Buffer[] = [];
  stream?.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'elem',
});

function parseDoc(stdout: string): MgrctlDoc | undefined {
  const text = stdout.trim();
  if (!text || XMLValidator.validate(text) !== true) return undefined;
  const root = (parser.parse(text) as Record<string, unknown>).doc;
  if (root === undefined) return undefined;
  // `<doc/>` parses as ''.
  return typeof root === 'object' && root !== null ? (root as MgrctlDoc) : {};
}

function errorFromDoc(func: string, error: unknown, code: number, mask: (text: string) => string): MgrctlError {
  const node = (Array.isArray(error) ? error[0] : error) as Record<string, unknown> | string;
  const fields = typeof node === 'object' && node !== null ? node : {};
  const billingType = textOf(fields['@type']);
  const billingObject = textOf(fields['@object']);
  const msg = mask(textOf(fields.msg) || textOf(node)) || 'error without a message';
  const what = [billingType, billingObject].filter(Boolean).join(' ');
  return new MgrctlError(func, what ? `${what}: ${msg}` : msg, { billingType, billingObject, exitCode: code });
}

function textOf(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object' && value !== null && '#text' in value)
    return textOf((value as { '#text': unknown })['#text']);
  return '';
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 300);
}
