import { schedule as scheduleCron, type ScheduledTask } from 'node-cron';
import type { Collection, Db } from '../datasources/store';
import type { Logger } from '../logger';
import { CronTimes } from './cronTimes';
import type { JobService } from './jobService';
import type { JobType, ScheduleDefinition, ScheduleView } from './jobType';

export const SCHEDULE_STATE = 'job_schedules';

interface ScheduleState {
  _id: string;
  /** The latest tick that enqueued (or found) its Job, on any instance. */
  lastTickAt: Date;
}

export interface SchedulerDeps {
  db: Db;
  jobs: JobService;
  types: Map<string, JobType>;
  overrides: Record<string, string>;
  logger: Logger;
}

/**
 * Fires schedules with node-cron. A tick never runs work: it enqueues a Job whose idempotency
 * key is the job type, the schedule and the tick's scheduled time, so every instance firing the
 * same tick gets the same Job and exactly one exists.
 */
export class Scheduler {
  private readonly definitions = new Map<string, ScheduleDefinition>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly state: Collection<ScheduleState>;

  constructor(private readonly deps: SchedulerDeps) {
    this.state = deps.db.collection<ScheduleState>(SCHEDULE_STATE);
  }

  add(definitions: readonly ScheduleDefinition[]): void {
    for (const definition of definitions) {
      const earlier = this.definitions.get(definition.name);
      this.definitions.set(definition.name, { ...earlier, ...definition });
    }
  }

  /** The expression in force, null when disabled (CRON_<NAME>=off, or an opt-in schedule left unset). */
  cronOf(definition: ScheduleDefinition): string | null {
    const override = this.deps.overrides[definition.name]?.trim().toLowerCase();
    if (override === 'off' || (definition.optIn && override === undefined)) return null;
    if (override === 'on') return definition.cron;
    return this.deps.overrides[definition.name] ?? definition.cron;
  }

  async list(now = new Date()): Promise<ScheduleView[]> {
    const states = await this.state.find({}).toArray();
    const lastTicks = new Map(states.map((s) => [s._id, s.lastTickAt]));
    return [...this.definitions.values()].map((definition) => {
      const cron = this.cronOf(definition);
      const registered = this.deps.types.has(definition.jobType);
      let nextRunAt: Date | null = null;
      if (cron && registered) {
        const times = new CronTimes(cron);
        nextRunAt = times.next(now);
        times.dispose();
      }
      return {
        name: definition.name,
        description: definition.description,
        jobType: definition.jobType,
        params: definition.params,
        cron,
        defaultCron: definition.cron,
        enabled: cron !== null,
        optIn: definition.optIn === true,
        registered,
        nextRunAt,
        lastTickAt: lastTicks.get(definition.name) ?? null,
      };
    });
  }

  /** Validates every expression first, so one bad CRON_ variable stops start-up with its name. */
  async start(): Promise<void> {
    const active: { definition: ScheduleDefinition; cron: string }[] = [];
    for (const definition of this.definitions.values()) {
      const cron = this.cronOf(definition);
      if (!cron) continue;
      try {
        new CronTimes(cron).dispose();
      } catch {
        throw new Error(`CRON_${definition.name}: "${cron}" is not a cron expression (nor "on" or "off")`);
      }
      if (!this.deps.types.has(definition.jobType)) {
        this.deps.logger.warn(
          { schedule: definition.name, jobType: definition.jobType },
          'schedule not fired: no such job type',
        );
        continue;
      }
      active.push({ definition, cron });
    }
    for (const { definition, cron } of active) {
      // Catch up before scheduling; should the cron fire the same tick meanwhile, both enqueue
      // with one idempotency key and one Job results.
      await this.catchUp(definition, cron);
      const task = scheduleCron(cron, (context) => this.tick(definition, context.date), {
        timezone: 'UTC',
        name: definition.name,
      });
      this.tasks.push(task);
    }
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
  }

  /** Enqueues the tick's Job (or finds it, when another instance was first). */
  async tick(definition: ScheduleDefinition, at: Date): Promise<void> {
    const tickAt = new Date(Math.floor(at.getTime() / 1000) * 1000);
    try {
      await this.deps.jobs.enqueue(definition.jobType, definition.params ?? {}, {
        trigger: 'SCHEDULE',
        requestedBy: `schedule:${definition.name}`,
        schedule: definition.name,
        idempotencyKey: `${definition.jobType}@${definition.name}@${tickAt.toISOString()}`,
      });
      await this.state.updateOne({ _id: definition.name }, { $max: { lastTickAt: tickAt } }, { upsert: true });
    } catch (error) {
      this.deps.logger.error(
        { err: error, schedule: definition.name, tickAt },
        'schedule tick could not enqueue its job',
      );
    }
  }

  /**
   * A tick missed while no instance ran (or all were late) runs once now: only the latest one,
   * not one per missed tick. The first start of a schedule records its tick without running it.
   */
  private async catchUp(definition: ScheduleDefinition, cron: string): Promise<void> {
    const times = new CronTimes(cron);
    const previous = times.previous(new Date());
    times.dispose();
    if (!previous) return;
    const state = await this.state.findOne({ _id: definition.name });
    if (!state) {
      await this.state.updateOne({ _id: definition.name }, { $max: { lastTickAt: previous } }, { upsert: true });
      return;
    }
    if (state.lastTickAt.getTime() < previous.getTime()) {
      this.deps.logger.info(
        { schedule: definition.name, tickAt: previous },
        'running a tick missed while the service was down',
      );
      await this.tick(definition, previous);
    }
  }
}
