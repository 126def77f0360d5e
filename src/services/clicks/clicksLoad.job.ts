import { z } from 'zod';
import { PermanentJobError, type Jobs, type JobType } from '../../jobs/jobType';
import { businessUnitName } from '../../datasources/sfmc/businessUnits';
import { loadClicks, type LoadClicksDeps, type LoadClicksResult } from './loadClicks';

export const CLICKS_LOAD = 'clicks-load';

export const clicksLoadParams = z.object({
  /** One business unit; without it the job starts one clicks-load job per unit. */
  bu: businessUnitName.nullish(),
  /** Final sync: read unprocessed rows from this date instead of the watermark. */
  since: z.iso.datetime({ offset: true }).nullish(),
});

/** Params without absent fields: a stored `undefined` comes back as null. */
export const clicksLoadParamsOf = (bu?: string | null, since?: string | null): ClicksLoadParams => ({
  ...(bu ? { bu } : {}),
  ...(since ? { since } : {}),
});
export type ClicksLoadParams = z.infer<typeof clicksLoadParams>;

export type ClicksLoadResult = LoadClicksResult | { enqueued: { bu: string; jobId: string }[] };

/**
 * The loader as a job: the CLICKS_LOAD schedule (no params) fans out to one job per business
 * unit, so a unit whose API fails is retried alone; `syncClicks(bu, since)` enqueues one unit.
 */
export function clicksLoadJob(
  deps: LoadClicksDeps,
  jobs: Pick<Jobs, 'enqueue'>,
): JobType<ClicksLoadParams, ClicksLoadResult> {
  return {
    name: CLICKS_LOAD,
    params: clicksLoadParams,
    options: { attempts: 3, backoffMs: 30_000, timeoutMs: 30 * 60_000 },
    async perform(params, ctx) {
      if (!params.bu) {
        const enqueued = [];
        for (const unit of await deps.sfmc.businessUnits()) {
          const job = await jobs.enqueue(CLICKS_LOAD, clicksLoadParamsOf(unit.name, params.since), {
            trigger: 'EVENT',
            requestedBy: `job:${ctx.jobId}`,
            idempotencyKey: `${CLICKS_LOAD}:${unit.name}:${ctx.jobId}`,
          });
          enqueued.push({ bu: unit.name, jobId: job._id });
        }
        ctx.logger.info({ units: enqueued.length }, 'clicks-load started for every business unit');
        return { enqueued };
      }
      const unit = await deps.sfmc.businessUnit(params.bu);
      if (!unit) throw new PermanentJobError(`business unit ${params.bu} is not configured`, 'BAD_USER_INPUT');
      const backlog = await deps.sfmc.backlog(unit);
      const result = await loadClicks(deps, unit, {
        since: params.since ? new Date(params.since) : undefined,
        signal: ctx.signal,
        owner: ctx.jobId,
        onPage: async ({ rows, pages }) => {
          await ctx.setStats({ rows, pages });
          await ctx.progress(backlog ? Math.min(0.99, rows / backlog) : 0, `${rows} rows queued`);
        },
      });
      await ctx.setStats({ rows: result.rows, pages: result.pages, messages: result.messages });
      return result;
    },
  };
}
