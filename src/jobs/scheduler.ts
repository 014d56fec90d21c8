import { type ScheduledTask, schedule, validate } from 'node-cron';
import type { Logger } from '../logging/create-logger.js';

export interface Job {
  readonly name: string;
  readonly cron: string;
  readonly run: () => Promise<unknown>;
}

/**
 * Runs each job on its schedule through one wrapper: a run never overlaps the previous one of the
 * same job, failures are logged (never thrown into the timer), and every run logs its duration.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<string>();

  constructor(private readonly logger: Logger) {}

  add(job: Job): void {
    if (!validate(job.cron)) throw new Error(`invalid cron expression for ${job.name}: '${job.cron}'`);
    this.tasks.push(schedule(job.cron, () => this.runOnce(job), { name: job.name }));
  }

  async runOnce(job: Job): Promise<void> {
    if (this.running.has(job.name)) {
      this.logger.warn({ job: job.name }, 'previous run still going: skipped');
      return;
    }
    this.running.add(job.name);
    const started = Date.now();
    try {
      const result = await job.run();
      this.logger.info({ job: job.name, ms: Date.now() - started, result }, 'job done');
    } catch (error) {
      this.logger.error({ job: job.name, ms: Date.now() - started, err: error }, 'job failed');
    } finally {
      this.running.delete(job.name);
    }
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    this.tasks.length = 0;
  }
}
