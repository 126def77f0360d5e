import { z } from 'zod';
import { AppError } from '../../errors';
import { PermanentJobError, type JobRecord, type Jobs, type JobType } from '../../jobs/jobType';
import { isIsoDate, MAX_SYNC_DAYS } from './dateRange';
import { runTrackingSync, type TrackingSyncHost } from './runTrackingSync';
import type { SyncTrackingInput, SyncTrackingResult } from './syncTracking';

export const TRACKING_SYNC_JOB = 'tracking-sync';

/** The job's params: the seed's event, validated before anything is enqueued. */
export const trackingSyncParams = z
  .object({
    date: z.string().refine(isIsoDate, 'a calendar day written YYYY-MM-DD').nullish(),
    days: z.number().int().min(1).max(MAX_SYNC_DAYS).nullish(),
    publicationCode: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64')
      .nullish(),
    dryRun: z.boolean().nullish(),
  })
  .strict();

export type TrackingSyncParams = z.infer<typeof trackingSyncParams>;

/**
 * `tracking-sync`: the daily schedule, the syncTracking mutation and retries all run this.
 * Re-running is safe (upserts on the entry key), so a failed attempt is simply retried.
 */
export function trackingSyncJob(host: () => TrackingSyncHost): JobType<TrackingSyncParams, SyncTrackingResult> {
  return {
    name: TRACKING_SYNC_JOB,
    params: trackingSyncParams,
    options: { attempts: 3, backoffMs: 30_000, timeoutMs: 15 * 60_000 },
    async perform(params, context) {
      try {
        const result = await runTrackingSync({ ...host(), logger: context.logger }, params, {
          signal: context.signal,
          onProgress: async (fraction, message, stats) => {
            await context.setStats({ ...stats });
            await context.progress(fraction, message);
          },
        });
        // The last write happens after the last progress report.
        await context.setStats({ ...result.stats });
        return result;
      } catch (error) {
        if (error instanceof AppError && error.code === 'BAD_USER_INPUT')
          throw new PermanentJobError(error.message, error.code);
        throw error;
      }
    },
  };
}

/** A sync a caller asked for, as a job: only the fields given, so its params show as they were written. */
export function enqueueTrackingSync(
  jobs: Pick<Jobs, 'enqueue'>,
  input: SyncTrackingInput,
  requestedBy?: string,
): Promise<JobRecord> {
  const given = Object.entries({ ...input }).filter(([, value]) => value !== undefined && value !== null);
  const params = Object.fromEntries(given) as TrackingSyncParams;
  return jobs.enqueue(TRACKING_SYNC_JOB, params, { trigger: 'MANUAL', requestedBy });
}
