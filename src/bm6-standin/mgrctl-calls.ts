import type { Knex } from 'knex';

export interface MgrctlCall {
  readonly id: number;
  readonly func: string;
  readonly params: Readonly<Record<string, string>>;
  readonly exitCode: number;
  readonly answer: string;
  readonly at: string;
  readonly pid: number | null;
}

/** Every call the stand-in mgrctl received, refused ones included, oldest first; `func` narrows it. */
export async function mgrctlCalls(knex: Knex, func?: string): Promise<MgrctlCall[]> {
  const query = knex('standin_mgrctl_call')
    .select('id', 'func', 'params', 'exit_code', 'answer', 'at', 'pid')
    .orderBy('id');
  if (func !== undefined) query.where({ func });
  const rows = (await query) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    id: Number(row.id),
    func: String(row.func),
    params: JSON.parse(String(row.params)) as Record<string, string>,
    exitCode: Number(row.exit_code),
    answer: String(row.answer ?? ''),
    at: String(row.at),
    pid: row.pid === null || row.pid === undefined ? null : Number(row.pid),
  }));
}

export interface MgrctlFault {
  /** How many calls of `func` are refused (default 1). */
  readonly times?: number;
  readonly type?: string;
  readonly object?: string;
  readonly msg?: string;
  readonly exitCode?: number;
  /** Carry the call out, then answer the error: the panel did the work but the module never hears so. */
  readonly applied?: boolean;
  /** Hold the answer this long (a hung mgrctl): after the work when `applied`, else before it. */
  readonly delayMs?: number;
  /** While it hangs, mgrctl ignores SIGTERM: only SIGKILL stops it. */
  readonly ignoreTerm?: boolean;
}

/**
 * The next `times` calls of `func` are answered with an error document (exit `exitCode`): before
 * anything is applied, or after it with `applied`; `delayMs` makes mgrctl hang that long first
 * (deaf to SIGTERM with `ignoreTerm`).
 */
export async function failMgrctl(knex: Knex, func: string, fault: MgrctlFault = {}): Promise<void> {
  await knex('standin_mgrctl_fault').insert({
    func,
    remaining: fault.times ?? 1,
    type: fault.type ?? 'internal',
    object: fault.object ?? '',
    msg: fault.msg ?? `stand-in fault injected into ${func}`,
    exit_code: fault.exitCode ?? 1,
    applied: fault.applied ? 'on' : 'off',
    delay_ms: fault.delayMs ?? 0,
    ignore_term: fault.ignoreTerm ? 'on' : 'off',
  });
}
