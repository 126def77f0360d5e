import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Collection } from '../datasources/store';
import type { JobRecord, JobStatus, JobTrigger } from './jobType';

/** Job figures on the service's Prometheus registry. */
export interface JobMetrics {
  enqueued(type: string, trigger: JobTrigger): void;
  started(type: string): void;
  /** A run ended: its final status (or QUEUED for an attempt that will be retried). */
  ended(type: string, status: JobStatus, seconds: number): void;
}

/**
 * Registers the job metrics once per registry (two job systems on one registry share them).
 * `jobs` feeds the backlog gauge, counted when /metrics is scraped so it covers every instance
 * on the store; finished jobs are counted by the run histogram of the instance that ran them.
 */
export function createJobMetrics(registry: Registry, jobs: Collection<JobRecord>): JobMetrics {
  const enqueued = reuse(
    registry,
    'jobs_enqueued_total',
    () =>
      new Counter({
        name: 'jobs_enqueued_total',
        help: 'Jobs created, by type and trigger',
        labelNames: ['type', 'trigger'],
        registers: [registry],
      }),
  );
  const running = reuse(
    registry,
    'jobs_running',
    () =>
      new Gauge({
        name: 'jobs_running',
        help: 'Jobs running in this process, by type',
        labelNames: ['type'],
        registers: [registry],
      }),
  );
  const runs = reuse(
    registry,
    'job_run_duration_seconds',
    () =>
      new Histogram({
        name: 'job_run_duration_seconds',
        help: 'Duration of job runs, by type and the status the run ended in (QUEUED: failed, will retry)',
        labelNames: ['type', 'status'],
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
        registers: [registry],
      }),
  );
  reuse(
    registry,
    'jobs_backlog',
    () =>
      new Gauge({
        name: 'jobs_backlog',
        help: 'Jobs QUEUED or RUNNING in the store (all instances), by type and status',
        labelNames: ['type', 'status'],
        registers: [registry],
        async collect() {
          const groups = await jobs
            .aggregate<{ _id: { type: string; status: string }; count: number }>([
              { $match: { status: { $in: ['QUEUED', 'RUNNING'] } } },
              { $group: { _id: { type: '$type', status: '$status' }, count: { $sum: 1 } } },
            ])
            .toArray();
          this.reset();
          for (const group of groups) this.set({ type: group._id.type, status: group._id.status }, group.count);
        },
      }),
  );
  return {
    enqueued: (type, trigger) => enqueued.inc({ type, trigger }),
    started: (type) => running.inc({ type }),
    ended: (type, status, seconds) => {
      running.dec({ type });
      runs.observe({ type, status }, seconds);
    },
  };
}

function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
