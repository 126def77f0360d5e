import { z } from 'zod';
import type { JobType } from '../../jobs/jobType';
import type { Retention, RetentionRun } from './retention';

export const RETENTION_JOB = 'retention';

/** The RETENTION schedule's job: every kind swept once; its stats are the deletes per kind. */
export function retentionJob(retention: Retention): JobType<Record<string, never>, RetentionRun> {
  return {
    name: RETENTION_JOB,
    params: z.object({}).strict(),
    options: { attempts: 3, backoffMs: 60_000, timeoutMs: 6 * 3600_000 },
    async perform(_params, context) {
      const run = await retention.enforce({
        signal: context.signal,
        progress: (fraction, message) => context.progress(fraction, message),
      });
      await context.setStats(Object.fromEntries(Object.entries(run).map(([kind, { deleted }]) => [kind, deleted])));
      return run;
    },
  };
}
