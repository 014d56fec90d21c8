import { hostname } from 'node:os';
import { ModuleError } from '../../errors/module-error.js';
import type { ModuleDeps } from '../module-deps.js';

/** The run lost its lease (expired, taken over): it must stop before calling the upstream again. */
export class LeaseLostError extends ModuleError {
  readonly type = 'in_progress';
}

/**
 * One named run (checkevent, fixchilds) at a time across processes and hosts: a lease row timed by the
 * database's clock, extended every third of its length while the run works. `guard()` is called
 * before every upstream call; once a renewal failed — or the lease may have run out without one — the
 * run stops, so two runs never act at once even when one of them stalls.
 */
export class RunLease {
  private lost = false;
  private validUntil: number;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly deps: ModuleDeps,
    readonly name: string,
    private readonly holder: string,
    private readonly ttlSeconds: number,
  ) {
    this.validUntil = performance.now() + ttlSeconds * 1000;
    this.timer = setInterval(() => void this.renew(), (ttlSeconds * 1000) / 3);
    this.timer.unref();
  }

  static async acquire(deps: ModuleDeps, name: string): Promise<RunLease | undefined> {
    const holder = `${hostname()}:${process.pid}:${Date.now()}`;
    const ttl = deps.policy.leaseSeconds;
    if (!(await deps.store.locks.tryAcquire(name, holder, ttl))) return undefined;
    return new RunLease(deps, name, holder, ttl);
  }

  async renew(): Promise<void> {
    if (this.lost) return;
    const started = performance.now();
    try {
      if (await this.deps.store.locks.renew(this.name, this.holder, this.ttlSeconds)) {
        this.validUntil = started + this.ttlSeconds * 1000;
        return;
      }
      this.lost = true;
      this.deps.logger.error({ run: this.name }, 'run lease lost: another run took over; stopping');
    } catch (error) {
      this.deps.logger.warn({ run: this.name, err: error }, 'run lease not renewed; retrying');
    }
  }

  /** Throws when the run may no longer act. A margin keeps a call from starting just before the lease ends. */
  guard(): void {
    if (this.lost || performance.now() > this.validUntil - 2000) {
      this.lost = true;
      throw new LeaseLostError(
        `the ${this.name} run lost its lease; another run may be working — stopped`,
        'lock',
        this.name,
      );
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    if (!this.lost) await this.deps.store.locks.release(this.name, this.holder);
  }
}
