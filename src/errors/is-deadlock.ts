/**
 * MariaDB/MySQL rolled the statement's transaction back (ER_LOCK_DEADLOCK, 1213) or gave up waiting
 * for a row lock (ER_LOCK_WAIT_TIMEOUT, 1205). The whole transaction, not the statement, is what to
 * retry: after a deadlock the server has already undone everything it did. (On 1205 InnoDB undoes
 * only the statement unless innodb_rollback_on_timeout is on; retrying the transaction from the
 * start is right either way once it has been rolled back by the caller.)
 */
export function isDeadlock(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || errno === 1213 || errno === 1205;
}
